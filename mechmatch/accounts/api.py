from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError
from pydantic import Field

from mechmatch.accounts.auth import SignedInRequest, api_auth, bearer_token
from mechmatch.accounts.selectors import token_expires_at, token_list_for_user
from mechmatch.accounts.services import token_digest, token_issue_for_credentials, token_revoke_raw
from mechmatch.accounts.services import token_revoke as token_revoke_of_user
from mechmatch.api_errors import StrictIn
from mechmatch.api_schema import object_errors, open_errors, signed_in_errors
from mechmatch.throttles import RateLimit

router = Router(tags=["auth"])


class TokenIn(StrictIn):
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


@router.post(
    "/token",
    response={200: TokenOut, **open_errors(401, throttled=True)},
    auth=None,
    throttle=RateLimit("token"),
    description="429 with Retry-After after too many failed sign-ins for one email from one address, "
    "or too many sign-ins from one address.",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    issued = token_issue_for_credentials(
        request=request, email=payload.email, password=payload.password, name=payload.name
    )
    if issued is None:
        raise AuthenticationError(message="Email or password is incorrect.")
    token, raw = issued
    return Status(200, {"token": raw, "role": token.user.role, "userId": token.user_id})


@router.post("/token/revoke", response={200: MessageOut, **signed_in_errors()}, auth=api_auth)
def token_revoke(request: HttpRequest) -> Status:
    raw = bearer_token(request)
    return Status(200, {"success": token_revoke_raw(raw) if raw else False})


class TokenInfoOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters after `mm_`, to tell tokens apart")
    createdAt: datetime
    lastUsedAt: datetime | None
    expiresAt: datetime = Field(description="If unused until then; every use moves it on")
    current: bool = Field(description="Whether this request was made with it")


@router.get(
    "/tokens",
    response={200: list[TokenInfoOut], **signed_in_errors()},
    auth=api_auth,
    summary="Your live API tokens",
)
def token_list(request: SignedInRequest) -> Status:
    raw = bearer_token(request)
    current = token_digest(raw) if raw else None
    return Status(
        200,
        [
            {
                "id": t.pk,
                "name": t.name,
                "prefix": t.prefix,
                "createdAt": t.created_at,
                "lastUsedAt": t.last_used_at,
                "expiresAt": token_expires_at(t),
                "current": t.digest == current,
            }
            for t in token_list_for_user(user=request.user)
        ],
    )


@router.delete("/tokens/{token_id}", response={200: MessageOut, **object_errors()}, auth=api_auth)
def token_delete(request: SignedInRequest, token_id: int) -> Status:
    if not token_revoke_of_user(user=request.user, token_id=token_id):
        raise Http404("Token not found.")
    return Status(200, {"success": True})
