from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.OPERATOR)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """Signs in with email. The role decides which side of the product a person sees;
    operators are also `is_staff` so Django admin is their tool."""

    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        MECHANIC = "mechanic", _("Mechanic")
        OPERATOR = "operator", _("Operator")

    # Email is the username: the column is dropped (the stubs type AbstractUser.username as str).
    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    phone = models.CharField(max_length=32, blank=True)
    preferred_language = models.CharField(max_length=8, default="en")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Our manager creates users by email; the stubs expect auth's username-based UserManager.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    @property
    def is_customer(self) -> bool:
        return self.role == self.Role.CUSTOMER

    @property
    def is_mechanic(self) -> bool:
        return self.role == self.Role.MECHANIC

    @property
    def is_operator(self) -> bool:
        return self.role == self.Role.OPERATOR or self.is_staff

    def __str__(self) -> str:
        return self.email


class ApiToken(models.Model):
    """Bearer tokens for non-browser clients. Only a SHA-256 digest is stored, so a
    database leak does not leak usable tokens."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class RateLimitCount(models.Model):
    """Requests one caller (a user, or an address) made to one rate-limited scope in one
    window of time. mechmatch.throttles counts with one upsert a request and estimates the
    sliding window from this window and the one before; the dispatcher deletes expired rows."""

    key = models.CharField(max_length=200)  # "<scope>:user-<id>" or "<scope>:ip-<address>"
    window_start = models.BigIntegerField()  # seconds since the epoch, a multiple of the window
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)  # seconds since the epoch: no longer read

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="rate_limit_count_key_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start}: {self.hits}"
