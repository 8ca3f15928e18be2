from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.db.models import QuerySet
from django.http import Http404

from mechmatch.accounts.models import User
from mechmatch.mechanics.models import ELIGIBLE_CONDITION, Mechanic, Review


def mechanic_eligible_qs() -> QuerySet[Mechanic]:
    """Mechanics who may be shown to customers and receive offers."""
    return Mechanic.objects.filter(ELIGIBLE_CONDITION)


def mechanic_for_user(user: User | AnonymousUser) -> Mechanic | None:
    if not user.is_authenticated:
        return None
    return Mechanic.objects.filter(user=user).first()


def mechanic_for_user_or_404(user: User | AnonymousUser) -> Mechanic:
    """The signed-in mechanic's own profile for their pages and API; anyone else gets a 404
    (the API answers it in its error shape)."""
    mechanic = mechanic_for_user(user)
    if mechanic is None:
        raise Http404("You do not have a mechanic profile.")
    return mechanic


def mechanic_public_get(mechanic_id: int) -> Mechanic | None:
    return mechanic_eligible_qs().filter(pk=mechanic_id).first()


def review_list_recent(*, mechanic_id: int, limit: int = 10) -> list[Review]:
    return list(Review.objects.filter(mechanic_id=mechanic_id).select_related("customer")[:limit])


def mechanic_photo_open(filename: str) -> File | None:
    name = f"mechanics/{filename}"
    if "/" in filename or not Mechanic.objects.filter(photo=name).exists():
        return None
    return Mechanic._meta.get_field("photo").storage.open(name, "rb")
