"""The mechanic's pages. They work as plain forms without JavaScript; dispatch/alerts.js only
makes the offer list and the header's count live. Every write goes through the same services as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mechmatch.accounts.auth import SignedInRequest
from mechmatch.dispatch import events, services
from mechmatch.dispatch.models import Offer
from mechmatch.dispatch.selectors import (
    consultation_active_for_mechanic,
    consultation_list_for_mechanic,
    customer_contact,
    mechanic_stats,
    offer_history_for_mechanic,
    offer_list_for_mechanic,
)
from mechmatch.mechanics.models import Mechanic
from mechmatch.mechanics.selectors import mechanic_for_user_or_404


def _offers_context(mechanic: Mechanic) -> dict[str, Any]:
    # Offers keep reason codes; the template shows them in the mechanic's language.
    offers = offer_list_for_mechanic(mechanic=mechanic)
    return {
        "mechanic": mechanic,
        "offers": [o for o in offers if o.status == Offer.Status.OPEN],
        "accepted": [o for o in offers if o.status == Offer.Status.ACCEPTED],
        "decline_reasons": [(v, label) for v, label in Offer.DeclineReason.choices if v],
    }


@login_required
def offers(request: SignedInRequest) -> HttpResponse:
    mechanic = mechanic_for_user_or_404(request.user)
    # The page's script (dispatch/alerts.js, on every mechanic page) starts its stream after
    # the last event the page reflects, read before the list: nothing missed.
    last_event_id = events.latest_id(events.mechanic_channel(mechanic.pk))
    context = _offers_context(mechanic)
    context["offers_last_event_id"] = last_event_id
    return render(request, "dispatch/offers.html", context)


@login_required
def offers_fragment(request: SignedInRequest) -> HttpResponse:
    return render(request, "dispatch/_offer_list.html", _offers_context(mechanic_for_user_or_404(request.user)))


@login_required
@require_POST
def offer_accept(request: SignedInRequest, offer_id: int) -> HttpResponse:
    mechanic = mechanic_for_user_or_404(request.user)
    try:
        services.offer_accept(mechanic=mechanic, offer_id=offer_id)
    except services.NotFound as exc:
        raise Http404(exc.message) from exc
    except services.DispatchError as exc:
        messages.error(request, exc.message)
        return redirect("dispatch:offers")
    messages.success(request, _("You accepted the request. The customer has been told."))
    return redirect("dispatch:session")


@login_required
@require_POST
def offer_decline(request: SignedInRequest, offer_id: int) -> HttpResponse:
    mechanic = mechanic_for_user_or_404(request.user)
    try:
        services.offer_decline(mechanic=mechanic, offer_id=offer_id, reason=request.POST.get("reason", ""))
    except services.NotFound as exc:
        raise Http404(exc.message) from exc
    except services.DispatchError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, _("Offer declined."))
    return redirect("dispatch:offers")


@login_required
@require_POST
def shift(request: SignedInRequest) -> HttpResponse:
    mechanic = mechanic_for_user_or_404(request.user)
    online = request.POST.get("online") == "1"
    try:
        services.mechanic_shift_set(mechanic=mechanic, online=online)
    except services.DispatchError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, _("You are on shift.") if online else _("You are off shift."))
    return redirect("dispatch:offers")


@login_required
def session(request: SignedInRequest) -> HttpResponse:
    mechanic = mechanic_for_user_or_404(request.user)
    consultation = consultation_active_for_mechanic(mechanic=mechanic)
    context: dict[str, Any] = {"mechanic": mechanic, "consultation": consultation, "contact": None}
    if consultation is not None:
        context["contact"] = customer_contact(consultation.customer)
        context["request_obj"] = consultation.request
    return render(request, "dispatch/session.html", context)


@login_required
@require_POST
def session_end(request: SignedInRequest, consultation_id: int) -> HttpResponse:
    mechanic_for_user_or_404(request.user)
    try:
        services.consultation_end(
            user=request.user, consultation_id=consultation_id, notes=request.POST.get("notes", "")
        )
    except services.NotFound as exc:
        raise Http404(exc.message) from exc
    except services.DispatchError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Session ended. Thank you!"))
    return redirect("dispatch:history")


@login_required
def history(request: SignedInRequest) -> HttpResponse:
    mechanic = mechanic_for_user_or_404(request.user)
    return render(
        request,
        "dispatch/history.html",
        {
            "mechanic": mechanic,
            "stats": mechanic_stats(mechanic=mechanic),
            "offers": offer_history_for_mechanic(mechanic=mechanic),
            "sessions": consultation_list_for_mechanic(mechanic=mechanic),
        },
    )
