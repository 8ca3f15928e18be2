from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mechmatch.dispatch.models import Consultation
from mechmatch.experiments.selectors import active_experiments, arms_of
from mechmatch.funnel.models import FunnelEvent, PageLoad, SatisfactionAnswer


def event_build(
    name: str,
    *,
    user: Any = None,
    request_id: int | None = None,
    mechanic_id: int | None = None,
    arms: dict[str, str] | None = None,
    **properties: Any,
) -> FunnelEvent:
    """An unsaved event, checked: for `event_record_many`. `arms` (the customer's experiment
    arms) is filled in when the event is recorded unless given here (non-empty)."""
    if name not in FunnelEvent.Name.values:
        raise ValueError(f"Unknown funnel event {name!r}")
    user_id = getattr(user, "pk", None) if user is not None and getattr(user, "is_authenticated", False) else None
    event = FunnelEvent(
        name=name, user_id=user_id, request_id=request_id, mechanic_id=mechanic_id, properties=properties
    )
    if arms:
        event.arms = dict(arms)
    return event


def _arms_fill(events: list[FunnelEvent]) -> None:
    """Stamps each event with its customer's arms at this moment (one query for the lot)."""
    pending = [e for e in events if not e.arms and e.user_id is not None]
    if not pending:
        return
    experiments = active_experiments()
    if not experiments:
        return
    for event in pending:
        event.arms = arms_of(event.user_id, experiments)


def event_record(
    name: str,
    *,
    user: Any = None,
    request_id: int | None = None,
    mechanic_id: int | None = None,
    arms: dict[str, str] | None = None,
    **properties: Any,
) -> FunnelEvent:
    event = event_build(name, user=user, request_id=request_id, mechanic_id=mechanic_id, arms=arms, **properties)
    _arms_fill([event])
    event.save()
    return event


def event_record_many(events: Iterable[FunnelEvent]) -> None:
    """Record events made with `event_build` in one insert (the dispatcher's batches)."""
    batch = list(events)
    _arms_fill(batch)
    FunnelEvent.objects.bulk_create(batch)


# A load time outside these bounds is a broken clock or a tab left in the background, not a
# measurement: refused rather than stored.
PAGE_LOAD_MAX_MS = 120_000


def page_load_record(*, page: str, view_id: str, duration_ms: Any, user: Any = None) -> PageLoad | None:
    """Stores one browser-measured load time per page view; a replay of the same view is
    ignored (returns None). Bad input raises ValidationError naming the field."""
    errors: dict[str, str] = {}
    if page not in PageLoad.Page.values:
        errors["page"] = "Unknown page."
    try:
        view = uuid.UUID(str(view_id))
    except ValueError:
        errors["view_id"] = "Not a page view id."
    try:
        duration = round(float(duration_ms))
    except (TypeError, ValueError, OverflowError):
        errors["duration_ms"] = "Not a number of milliseconds."
    else:
        if not 0 < duration <= PAGE_LOAD_MAX_MS:
            errors["duration_ms"] = f"Must be between 1 and {PAGE_LOAD_MAX_MS} ms."
    if errors:
        raise ValidationError(errors)
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            return PageLoad.objects.create(page=page, view_id=view, user_id=user_id, duration_ms=duration)
    except IntegrityError:
        return None


def satisfaction_answer_record(*, user: Any, consultation_id: int, score: Any) -> SatisfactionAnswer:
    """The customer's 0-10 answer for their own ended session, once."""
    consultation = Consultation.objects.filter(pk=consultation_id, customer_id=user.pk).first()
    if consultation is None:
        raise ValidationError({"score": _("Session not found.")})
    if consultation.status != Consultation.Status.ENDED:
        raise ValidationError({"score": _("You can answer once the session has ended.")})
    try:
        value = int(score)
    except (TypeError, ValueError):
        raise ValidationError({"score": _("Choose a number from 0 to 10.")}) from None
    if not 0 <= value <= 10:
        raise ValidationError({"score": _("Choose a number from 0 to 10.")})
    try:
        with transaction.atomic():
            return SatisfactionAnswer.objects.create(consultation=consultation, customer_id=user.pk, score=value)
    except IntegrityError:
        raise ValidationError({"score": _("You have already answered for this session.")}) from None
