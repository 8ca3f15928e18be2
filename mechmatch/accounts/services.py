from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mechmatch.accounts.models import ApiToken, RateLimitCount, User
from mechmatch.accounts.selectors import tokens_live

TOKEN_BYTES = 32


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def user_create(*, email: str, password: str, role: str, first_name: str = "", last_name: str = "") -> User:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": _("An account with this email already exists.")})
    try:
        validate_password(password)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    return User.objects.create_user(
        email=email, password=password, role=role, first_name=first_name.strip(), last_name=last_name.strip()
    )


@transaction.atomic
def token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is shown once and never stored. Signing in
    again and again does not pile tokens up: the user keeps at most TOKEN_MAX_PER_USER, the
    least recently used going first, and dead ones (revoked, expired) are deleted."""
    newest = tokens_live().filter(user=user).order_by("-last_seen", "-pk").values_list("pk", flat=True)
    keep = list(newest[: max(0, settings.TOKEN_MAX_PER_USER - 1)])
    ApiToken.objects.filter(user=user).exclude(pk__in=keep).delete()
    raw = "mm_" + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(user=user, name=name[:100], digest=token_digest(raw), prefix=raw[3:11])
    return token, raw


def token_issue_for_credentials(
    *, request: HttpRequest, email: str, password: str, name: str = ""
) -> tuple[ApiToken, str] | None:
    """`request` lets django-axes count failures per email and client address and refuse a
    locked-out pair (it raises without one)."""
    user = authenticate(request=request, username=email.strip().lower(), password=password)
    if not isinstance(user, User) or not user.is_active:
        return None
    # A sign-in like the page's login(): the failure count starts again, last_login moves.
    user_logged_in.send(sender=User, request=request, user=user)
    return token_create(user=user, name=name)


def token_authenticate(raw: str) -> User | None:
    if not raw or len(raw) > 200:
        return None
    token = tokens_live().select_related("user").filter(digest=token_digest(raw)).first()
    if token is None or not token.user.is_active:
        return None
    # Touch at most once a minute so every API call is not also a write.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def token_revoke(*, user: User, token_id: int) -> bool:
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


def token_revoke_raw(raw: str) -> bool:
    return bool(
        ApiToken.objects.filter(digest=token_digest(raw), revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


OPERATOR_GROUP = "Operators"
# What operators manage in Django admin; deliberately not users' passwords or tokens.
OPERATOR_PERMISSIONS = {
    "mechanics": (
        "view_mechanic",
        "change_mechanic",
        "view_workshop",
        "add_workshop",
        "change_workshop",
        "view_review",
        "delete_review",
    ),
    "customers": ("view_customerprofile", "view_vehicle", "view_favourite"),
    "funnel": ("view_funnelevent",),
    # Operators set the rollout's arms (issue 11) and add experiments (those on ScoringPolicy
    # weights); none is ever deleted, and exposures are history, read-only.
    "experiments": ("view_experiment", "add_experiment", "change_experiment", "view_exposure"),
    # Sign-in locks (django-axes): deleting an attempt unlocks that email and address at once.
    "axes": ("view_accessattempt", "delete_accessattempt"),
    "notifications": ("view_notification", "view_waitingcontact"),
    # The live console (issue 11): requests and their history are read here and changed only
    # through the operator actions (dispatch.services.operators), which check is_staff.
    "dispatch": ("view_sessionrequest", "view_offer", "view_lapse", "view_requestevent", "view_consultation"),
    "journey": ("view_waiver",),
    "payments": ("view_payment", "view_refund"),
}


@transaction.atomic
def operator_grant(*, user: User) -> User:
    """Makes a user an operator: staff, in the Operators group with admin rights over
    mechanics (approve, suspend, edit), read access to customers and the funnel, and the
    power to lift a sign-in lock."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=OPERATOR_GROUP)
    for app_label, codenames in OPERATOR_PERMISSIONS.items():
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    user.role = User.Role.OPERATOR
    user.is_staff = True
    user.save(update_fields=["role", "is_staff"])
    user.groups.add(group)
    return user


def rate_limit_count_hit(*, key: str, window_start: int, expires_at: int) -> int:
    """Counts one request in its window and returns the window's count, in one statement
    (an upsert, autocommit): no transaction is held open around it."""
    q = connection.ops.quote_name
    table, key_, start, hits, expires = (
        q(name) for name in (RateLimitCount._meta.db_table, "key", "window_start", "hits", "expires_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {start}, {hits}, {expires}) VALUES (%s, %s, 1, %s) "
            f"ON CONFLICT ({key_}, {start}) DO UPDATE SET {hits} = {table}.{hits} + 1 RETURNING {hits}",
            [key, window_start, expires_at],
        )
        return int(cursor.fetchone()[0])


RATE_LIMIT_PRUNE_BATCH = 5000


def rate_limit_counts_prune(*, now: int) -> int:
    """Deletes the windows no limit reads any more, a bounded batch per statement so no
    delete holds SQLite's write lock for long. Returns how many went."""
    deleted = 0
    while True:
        ids = list(
            RateLimitCount.objects.filter(expires_at__lt=now).values_list("pk", flat=True)[:RATE_LIMIT_PRUNE_BATCH]
        )
        if not ids:
            return deleted
        deleted += RateLimitCount.objects.filter(pk__in=ids).delete()[0]
