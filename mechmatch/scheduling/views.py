"""The scheduling pages: the mechanic's week, the customer's slot choice (then the same
checkout and waiver as a live session), the bookings of both parties, reschedule and
cancel. Every write goes through scheduling.services, as the API's do."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from mechmatch.accounts.auth import SignedInRequest
from mechmatch.dispatch.services import NotFound
from mechmatch.forms import form_errors_add
from mechmatch.journey import services as journey_services
from mechmatch.journey.booking import waiver_accept
from mechmatch.journey.models import Intake
from mechmatch.journey.selectors import intake_get
from mechmatch.mechanics.selectors import mechanic_for_user_or_404
from mechmatch.payments.plans import DEFAULT_PLAN, PLANS, plan_get
from mechmatch.payments.selectors import payment_latest
from mechmatch.scheduling import selectors, services
from mechmatch.scheduling.forms import AvailabilityForm, PlanSlotForm, SlotForm, TimeOffForm, WaiverForm
from mechmatch.scheduling.models import Booking
from mechmatch.scheduling.policy import cancel_terms
from mechmatch.throttles import client_address


def _session_key(intake: Intake) -> str:
    return f"schedule:intake:{intake.pk}"


def _slots_for(mechanic_id: int | None, plan_code: str, *, except_booking: int | None = None) -> list[Any]:
    if mechanic_id is None:
        return selectors.any_free_slots(plan_code=plan_code)
    mechanic = selectors.Mechanic.objects.filter(pk=mechanic_id).first()
    if mechanic is None:
        return []
    return selectors.mechanic_free_slots(mechanic, plan_code=plan_code, except_booking=except_booking, limit=200)


# ---------------------------------------------------------------- the customer books


@login_required
def intake_slots(request: SignedInRequest, pk: int) -> HttpResponse:
    intake = intake_get(user=request.user, intake_id=pk)
    if intake.session_request_id:
        return redirect("journey:request", pk=intake.session_request_id)
    if intake.status != Intake.Status.READY or not intake.routing:
        return redirect("journey:intake", pk=intake.pk)
    who = request.POST.get("who") or request.GET.get("who") or ""
    mechanic = None if who == "any" else intake.chosen_mechanic
    plan_code = request.POST.get("plan_code") or request.GET.get("plan") or intake.plan_code or DEFAULT_PLAN
    if plan_get(plan_code) is None:
        plan_code = DEFAULT_PLAN
    form = PlanSlotForm(request.POST or None, initial={"plan_code": plan_code})
    slots = _slots_for(mechanic.pk if mechanic else None, plan_code)
    if request.method == "POST" and form.is_valid():
        starts_at = form.cleaned_data["starts_at"]
        if starts_at not in slots:
            form.add_error("starts_at", _("That time is no longer free; choose another."))
        else:
            request.session[_session_key(intake)] = {
                "starts_at": starts_at.isoformat(),
                "mechanic_id": mechanic.pk if mechanic else None,
            }
            try:
                checkout = journey_services.intake_plan_choose(
                    intake=intake,
                    plan_code=form.cleaned_data["plan_code"],
                    return_path=reverse("scheduling:intake_confirm", args=[intake.pk]),
                    cancel_path=reverse("scheduling:intake_slots", args=[intake.pk]),
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                return redirect(checkout.url)
    tz_name = selectors.viewer_timezone(request.user)
    return render(
        request,
        "scheduling/intake_slots.html",
        {
            "intake": intake,
            "form": form,
            "mechanic": mechanic,
            "who": "any" if mechanic is None else "",
            "plans": PLANS,
            "plan_code": plan_code,
            "days": selectors.slots_by_day(slots, tz_name),
            "viewer_tz": tz_name,
            "refund_hours": settings.SCHEDULE_FULL_REFUND_HOURS,
        },
    )


@login_required
def intake_confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    intake = intake_get(user=request.user, intake_id=pk)
    choice = request.session.get(_session_key(intake))
    starts_at = parse_datetime(choice["starts_at"]) if choice else None
    if choice is None or starts_at is None:
        return redirect("scheduling:intake_slots", pk=intake.pk)
    payment = payment_latest(user=request.user, reference=intake.reference)
    if not journey_services.intake_is_paid(intake):
        return render(request, "journey/payment_pending.html", {"intake": intake, "payment": payment})
    form = WaiverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            waiver_accept(
                user=request.user, version=settings.WAIVER_VERSION, intake=intake, ip_address=client_address(request)
            )
            services.booking_create(
                user=request.user,
                starts_at=starts_at,
                plan_code=intake.plan_code,
                mechanic_id=choice.get("mechanic_id"),
                payment_id=payment.pk if payment is not None else None,
                intake=intake,
                concern=intake.concern,
                vehicle={"year": intake.year, "make": intake.make, "model": intake.model, "vin": intake.vin},
                request_type=intake.request_type,
                country=intake.country,
                city=intake.city,
                postal_code=intake.postal_code,
                region=intake.region,
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            request.session.pop(_session_key(intake), None)
            messages.success(request, _("Your session is booked."))
            return redirect("scheduling:bookings")
    mechanic_id = choice.get("mechanic_id")
    return render(
        request,
        "scheduling/intake_confirm.html",
        {
            "intake": intake,
            "form": form,
            "starts_at": starts_at,
            "mechanic": selectors.Mechanic.objects.filter(pk=mechanic_id).first() if mechanic_id else None,
            "plan": plan_get(intake.plan_code),
            "terms": cancel_terms(starts_at=starts_at, now=timezone.now()),
            "viewer_tz": selectors.viewer_timezone(request.user),
        },
    )


# ---------------------------------------------------------------- both parties' bookings


@login_required
def bookings(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "scheduling/bookings.html",
        {
            "bookings": selectors.bookings_upcoming(request.user),
            "viewer_tz": selectors.viewer_timezone(request.user),
            "is_mechanic": request.user.is_mechanic,
        },
    )


def _own_booking(request: SignedInRequest, pk: int) -> Booking:
    try:
        return selectors.booking_of_customer(request.user, pk)
    except NotFound:
        raise Http404("No such booking") from None


@login_required
def booking_reschedule(request: SignedInRequest, pk: int) -> HttpResponse:
    booking = _own_booking(request, pk)
    if booking.status != Booking.Status.BOOKED:
        messages.error(request, _("This booking has started or was cancelled."))
        return redirect("scheduling:bookings")
    form = SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_reschedule(
                user=request.user, booking_id=booking.pk, starts_at=form.cleaned_data["starts_at"]
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        except services.BookingClosed:
            messages.error(request, _("This booking has started or was cancelled."))
            return redirect("scheduling:bookings")
        else:
            messages.success(request, _("Your session was moved."))
            return redirect("scheduling:bookings")
    tz_name = selectors.viewer_timezone(request.user)
    slots = _slots_for(booking.mechanic_id, booking.plan_code, except_booking=booking.pk)
    return render(
        request,
        "scheduling/reschedule.html",
        {"booking": booking, "form": form, "days": selectors.slots_by_day(slots, tz_name), "viewer_tz": tz_name},
    )


@login_required
def booking_cancel(request: SignedInRequest, pk: int) -> HttpResponse:
    booking = _own_booking(request, pk)
    if booking.status != Booking.Status.BOOKED:
        messages.error(request, _("This booking has started or was cancelled."))
        return redirect("scheduling:bookings")
    if request.method == "POST":
        try:
            done = services.booking_cancel(user=request.user, booking_id=booking.pk)
        except services.BookingClosed:
            messages.error(request, _("This booking has started or was cancelled."))
        else:
            if done.refunded:
                messages.success(request, _("Your booking was cancelled and your payment is being refunded in full."))
            else:
                messages.success(request, _("Your booking was cancelled. It was too late for a refund."))
        return redirect("scheduling:bookings")
    return render(
        request,
        "scheduling/cancel.html",
        {
            "booking": booking,
            "terms": cancel_terms(starts_at=booking.starts_at, now=timezone.now()),
            "viewer_tz": selectors.viewer_timezone(request.user),
        },
    )


# ---------------------------------------------------------------- the mechanic's week


def _week_initial(mechanic: selectors.Mechanic) -> dict[str, Any]:
    initial: dict[str, Any] = {"timezone": selectors.mechanic_timezone(mechanic)}
    seen: dict[int, int] = {}
    for rule in selectors.AvailabilityRule.objects.filter(mechanic=mechanic):
        n = seen.get(rule.weekday, 0)
        seen[rule.weekday] = n + 1
        initial[f"d{rule.weekday}_{n}_start"] = rule.start_time
        initial[f"d{rule.weekday}_{n}_end"] = rule.end_time
    return initial


@login_required
def availability(request: SignedInRequest) -> HttpResponse:
    mechanic = mechanic_for_user_or_404(request.user)
    action = request.POST.get("action", "")
    week = AvailabilityForm(request.POST if action == "week" else None, initial=_week_initial(mechanic))
    off = TimeOffForm(request.POST if action == "time_off" else None)
    if action == "week" and week.is_valid():
        try:
            services.availability_set(mechanic=mechanic, rules=week.rules(), timezone=week.cleaned_data["timezone"])
        except ValidationError as exc:
            form_errors_add(week, exc)
        else:
            messages.success(request, _("Your week is saved."))
            return redirect("scheduling:availability")
    if action == "time_off" and off.is_valid():
        try:
            services.time_off_add(
                mechanic=mechanic, first_day=off.cleaned_data["first_day"], last_day=off.cleaned_data["last_day"]
            )
        except ValidationError as exc:
            form_errors_add(off, exc)
        else:
            messages.success(request, _("Your time off is saved."))
            return redirect("scheduling:availability")
    if action == "remove_time_off":
        raw = request.POST.get("time_off_id", "")
        if raw.isdigit():
            services.time_off_remove(mechanic=mechanic, time_off_id=int(raw))
        return redirect("scheduling:availability")
    return render(
        request,
        "scheduling/availability.html",
        {
            "mechanic": mechanic,
            "week": week,
            "off": off,
            "time_off": selectors.time_off_of(mechanic, upcoming_from=timezone.now()),
        },
    )
