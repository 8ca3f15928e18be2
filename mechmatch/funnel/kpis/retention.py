"""Retention: repeat bookings, favourites, churn after the first session, lifetime value from
payments, and NPS from the completion page's 0-10 question."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, Sum

from mechmatch.core.percentiles import share
from mechmatch.customers.models import Favourite
from mechmatch.dispatch.models import Consultation
from mechmatch.funnel.kpis.base import Period, filtered_users
from mechmatch.funnel.models import SatisfactionAnswer
from mechmatch.payments.models import Payment


@dataclass(frozen=True)
class RetentionKpis:
    customers: int  # had a session that started in the period
    repeat_booking: float | None  # of them, had more than one session by the period's end
    favourites_adoption: float | None  # of them, had a favourite by the period's end
    first_timers: int  # their first session ever started in the period
    churn_after_first: float | None  # of first-timers, no second session by the period's end
    payers: int  # paid in the period
    ltv_cents: float | None  # mean of everything those payers paid up to the period's end
    answers: int
    promoters: int  # 9-10
    detractors: int  # 0-6
    nps: float | None  # % promoters - % detractors, -100..100


def retention_kpis(period: Period, event_filter: Q | None = None) -> RetentionKpis:
    users = filtered_users(event_filter)
    consultations = Consultation.objects.filter(started_at__lt=period.end)
    if users is not None:
        consultations = consultations.filter(customer_id__in=users)
    history: dict[int, list] = {}
    for customer_id, started_at in consultations.values_list("customer_id", "started_at"):
        history.setdefault(customer_id, []).append(started_at)
    active = {c for c, starts in history.items() if any(s >= period.start for s in starts)}
    repeat = {c for c in active if len(history[c]) > 1}
    first_timers = {c for c in active if min(history[c]) >= period.start}
    churned = {c for c in first_timers if len(history[c]) == 1}
    with_favourite = set(
        Favourite.objects.filter(customer__user_id__in=active, created_at__lt=period.end).values_list(
            "customer__user_id", flat=True
        )
    )

    paid = Payment.objects.filter(status=Payment.Status.PAID, paid_at__lt=period.end)
    if users is not None:
        paid = paid.filter(user_id__in=users)
    payers = set(paid.filter(paid_at__gte=period.start).values_list("user_id", flat=True))
    lifetime = paid.filter(user_id__in=payers).aggregate(total=Sum("amount_cents"))["total"] or 0

    answers = SatisfactionAnswer.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    if users is not None:
        answers = answers.filter(customer_id__in=users)
    scores = Counter(answers.values_list("score", flat=True))
    total = sum(scores.values())
    promoters = scores[9] + scores[10]
    detractors = sum(n for score, n in scores.items() if score <= 6)
    return RetentionKpis(
        customers=len(active),
        repeat_booking=share(len(repeat), len(active)),
        favourites_adoption=share(len(with_favourite), len(active)),
        first_timers=len(first_timers),
        churn_after_first=share(len(churned), len(first_timers)),
        payers=len(payers),
        ltv_cents=lifetime / len(payers) if payers else None,
        answers=total,
        promoters=promoters,
        detractors=detractors,
        nps=100 * (promoters - detractors) / total if total else None,
    )
