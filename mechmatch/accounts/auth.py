"""Who is calling: API authentication shared by every router (a bearer token or the browser
session), and the request type of views and operations only a signed-in user reaches."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from mechmatch.accounts.models import User
from mechmatch.accounts.services import token_authenticate


class SignedInRequest(HttpRequest):
    """A request behind `login_required` or `api_auth`: its user is a User, never anonymous."""

    user: User


def bearer_token(request: HttpRequest) -> str:
    """The token of an `Authorization: Bearer <token>` header, or "" without one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def request_user(request: HttpRequest) -> User | None:
    """The caller of an operation open to everyone: the bearer token's user, else the
    session's, else None."""
    token = bearer_token(request)
    user = token_authenticate(token) if token else None
    if user is not None:
        return user
    session_user = getattr(request, "user", None)
    return session_user if isinstance(session_user, User) and session_user.is_authenticated else None


class BearerTokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> User | None:
        token = bearer_token(request)
        return self.authenticate(request, token) if token else None

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api_auth = [BearerTokenAuth(), SessionAuth()]
