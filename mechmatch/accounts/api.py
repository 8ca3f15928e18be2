from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError
from pydantic import Field

from mechmatch.accounts.auth import api_auth, bearer_token
from mechmatch.accounts.services import token_issue_for_credentials, token_revoke_raw
from mechmatch.api_errors import error_responses

router = Router(tags=["auth"])


class TokenIn(Schema):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)
    name: str = Field(default="", max_length=100)


class TokenOut(Schema):
    token: str
    tokenType: str = "Bearer"
    role: str
    userId: int


class MessageOut(Schema):
    success: bool
    error: str | None = None


@router.post("/token", response={200: TokenOut, **error_responses(401, 422)}, auth=None)
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    issued = token_issue_for_credentials(email=payload.email, password=payload.password, name=payload.name)
    if issued is None:
        raise AuthenticationError(message="Email or password is incorrect.")
    token, raw = issued
    return Status(200, {"token": raw, "role": token.user.role, "userId": token.user_id})


@router.post("/token/revoke", response={200: MessageOut, **error_responses(401)}, auth=api_auth)
def token_revoke(request: HttpRequest) -> Status:
    raw = bearer_token(request)
    return Status(200, {"success": token_revoke_raw(raw) if raw else False})
