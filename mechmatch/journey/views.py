"""Customer pages. Each view parses input, calls one service or selector, and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mechmatch.accounts.auth import SignedInRequest
from mechmatch.customers.services import favourite_add_for
from mechmatch.dispatch.services import DispatchError
from mechmatch.forms import form_errors_add
from mechmatch.funnel.services import satisfaction_answer_record
from mechmatch.journey import booking, selectors, services
from mechmatch.journey.forms import (
    BrowseForm,
    ChooseForm,
    ContactForm,
    IntakeForm,
    MessageForm,
    NotesForm,
    PlanForm,
    RatingForm,
    SatisfactionForm,
    WaitingChoiceForm,
    WaiverForm,
)
from mechmatch.journey.models import Intake, IntakePhoto
from mechmatch.journey.report import session_report_text
from mechmatch.journey.session_length import session_close_if_overdue
from mechmatch.matching.selectors import mechanic_public_profile
from mechmatch.mechanics.services import AlreadyRated
from mechmatch.payments.money import amount_display
from mechmatch.payments.plans import BRAND_SPECIALIST_PREMIUM_CENTS, PLANS, plan_get, plan_price_cents
from mechmatch.payments.selectors import payment_history, payment_latest
from mechmatch.payments.services import CURRENCY_BY_COUNTRY
from mechmatch.throttles import client_address


def _draft_data(request: HttpRequest) -> dict[str, object]:
    data: dict[str, object] = {k: request.POST.get(k, "") for k in services.DRAFT_FIELDS if k in request.POST}
    data["prefer_local"] = "prefer_local" in request.POST
    return data


# ---------------------------------------------------------------- dashboard


@login_required
def dashboard(request: SignedInRequest) -> HttpResponse:
    return render(request, "journey/dashboard.html", selectors.dashboard_context(user=request.user))


# ---------------------------------------------------------------- intake


@login_required
def intake_start(request: SignedInRequest) -> HttpResponse:
    """Resumes the unfinished intake (or starts one), optionally with a mechanic already
    chosen from a profile page or the favourites list."""
    intake = services.intake_current(user=request.user)
    return redirect("journey:intake", pk=intake.pk)


@login_required
def intake_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    intake = selectors.intake_get(user=request.user, intake_id=pk)
    if intake.session_request_id:
        return redirect("journey:request", pk=intake.session_request_id)
    vehicles = selectors.intake_vehicles(user=request.user)
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES, vehicles=vehicles)
        if form.is_valid():
            data = dict(form.cleaned_data)
            photos = data.pop("photos", []) or []
            saved = data.pop("saved_vehicle", None)
            try:
                services.intake_submit(intake=intake, data=data, saved_vehicle_id=saved, photos=photos)
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                return redirect(f"journey:{services.intake_next_step(intake)}", pk=intake.pk)
        else:
            # Keep what was typed even when the form itself rejects something.
            services.intake_save_draft(intake=intake, data=_draft_data(request))
    else:
        form = IntakeForm(initial=selectors.intake_form_initial(intake), vehicles=vehicles)
    return render(request, "journey/intake.html", {"form": form, "intake": intake, "photos": intake.photos.all()})


@login_required
@require_POST
def intake_photo_delete(request: SignedInRequest, pk: int, photo_id: int) -> HttpResponse:
    intake = selectors.intake_get(user=request.user, intake_id=pk)
    # The remove button submits the whole intake form: keep what was typed alongside.
    services.intake_save_draft(intake=intake, data=_draft_data(request))
    services.intake_photo_remove(intake=intake, photo_id=photo_id)
    return redirect("journey:intake", pk=intake.pk)


@login_required
def intake_photo(request: SignedInRequest, photo_id: int) -> HttpResponseBase:
    """Photos are private: served only to the customer and the mechanic on their request."""
    photo = IntakePhoto.objects.select_related("intake").filter(pk=photo_id).first()
    if photo is None or not selectors.photo_visible_to(photo=photo, user=request.user):
        raise Http404("No such photo")
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


# ---------------------------------------------------------------- preview & choosing


@login_required
def preview(request: SignedInRequest, pk: int) -> HttpResponse:
    intake = selectors.intake_get(user=request.user, intake_id=pk)
    if intake.session_request_id:
        return redirect("journey:request", pk=intake.session_request_id)
    if intake.status != Intake.Status.READY:
        return redirect("journey:intake", pk=intake.pk)
    if services.intake_skips_preview(intake):
        return redirect("journey:plan", pk=intake.pk)
    contact_form = ContactForm(initial={"phone": request.user.phone})
    return render(
        request,
        "journey/preview.html",
        {"intake": intake, "view": selectors.preview_for_intake(intake=intake), "contact_form": contact_form},
    )


@login_required
@require_POST
def choose(request: SignedInRequest, pk: int) -> HttpResponse:
    """Every 'pick this mechanic' button (preview, profile, favourites) posts here."""
    intake = selectors.intake_get(user=request.user, intake_id=pk)
    form = ChooseForm(request.POST)
    if not form.is_valid():
        raise Http404("Bad choice")
    try:
        services.intake_choose_mechanic(
            intake=intake, mechanic_id=form.cleaned_data["mechanic_id"], source=form.cleaned_data["source"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("journey:preview", pk=intake.pk)
    if intake.status != Intake.Status.READY:
        return redirect("journey:intake", pk=intake.pk)
    return redirect("journey:plan", pk=intake.pk)


@login_required
@require_POST
def choose_auto(request: SignedInRequest, pk: int) -> HttpResponse:
    intake = selectors.intake_get(user=request.user, intake_id=pk)
    services.intake_choose_auto(intake=intake)
    return redirect("journey:plan", pk=intake.pk)


@login_required
@require_POST
def leave_contact(request: SignedInRequest, pk: int) -> HttpResponse:
    intake = selectors.intake_get(user=request.user, intake_id=pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.intake_leave_contact(intake=intake, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            return render(request, "journey/contact_saved.html", {"intake": intake})
    return render(
        request,
        "journey/preview.html",
        {"intake": intake, "view": selectors.preview_for_intake(intake=intake), "contact_form": form},
    )


# ---------------------------------------------------------------- browse & profiles


@login_required
def browse(request: SignedInRequest) -> HttpResponse:
    form = BrowseForm(request.GET or None, language=get_language() or "en")
    filters = form.cleaned_data if form.is_valid() else {}
    intake_id = filters.get("intake")
    intake = selectors.intake_get(user=request.user, intake_id=intake_id) if intake_id else None
    directory = selectors.directory_for(user=request.user, filters=filters, intake=intake)
    services.browse_record(user=request.user, filters=filters, results=directory.total)
    for field, messages_ in directory.error.items():
        if field in form.fields:
            form.add_error(field, messages_)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "journey/browse.html",
        {
            "form": form,
            "directory": directory,
            "intake": intake,
            "query": query.urlencode(),
        },
    )


def mechanic_profile(request: HttpRequest, mechanic_id: int) -> HttpResponse:
    """A mechanic's public profile, open to visitors too (the home page links here); what
    only a signed-in customer has (their intake, distance from them, favourites) is added then."""
    profile = mechanic_public_profile(mechanic_id=mechanic_id)
    if profile is None:
        raise Http404("No such mechanic")
    context = {**profile, "intake": None, "distance": None, "is_favourite": False, "language": get_language() or "en"}
    user = request.user
    if user.is_authenticated:
        intake_id = request.GET.get("intake", "")
        intake = selectors.intake_get(user=user, intake_id=int(intake_id)) if intake_id.isdigit() else None
        context["intake"] = intake
        context["distance"] = selectors.profile_distance(user=user, mechanic=profile["mechanic"], intake=intake)
        context["is_favourite"] = selectors.is_favourite(user=user, mechanic_id=mechanic_id)
    return render(request, "journey/mechanic_profile.html", context)


@login_required
@require_POST
def mechanic_choose(request: SignedInRequest, mechanic_id: int) -> HttpResponse:
    """'Choose this mechanic' from a profile: onto the current intake (or a new one)."""
    intake_id = request.POST.get("intake", "")
    intake = (
        selectors.intake_get(user=request.user, intake_id=int(intake_id))
        if intake_id.isdigit()
        else services.intake_current(user=request.user)
    )
    source = "favourite" if request.POST.get("source") == "favourite" else "browse"
    try:
        services.intake_choose_mechanic(intake=intake, mechanic_id=mechanic_id, source=source)
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from exc
    if intake.status == Intake.Status.READY:
        return redirect("journey:plan", pk=intake.pk)
    return redirect("journey:intake", pk=intake.pk)


@login_required
@require_POST
def mechanic_favourite(request: SignedInRequest, mechanic_id: int) -> HttpResponse:
    try:
        favourite_add_for(user=request.user, mechanic_id=mechanic_id)
    except ValidationError as exc:
        # A mechanic who cannot take sessions has no public profile either: same 404.
        raise Http404("No such mechanic") from exc
    messages.success(request, _("Added to your favourites."))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("journey:mechanic", mechanic_id=mechanic_id)


# ---------------------------------------------------------------- plan, pay, waiver


@login_required
def plan(request: SignedInRequest, pk: int) -> HttpResponse:
    intake = selectors.intake_get(user=request.user, intake_id=pk)
    if intake.session_request_id:
        return redirect("journey:request", pk=intake.session_request_id)
    if intake.status != Intake.Status.READY:
        return redirect("journey:intake", pk=intake.pk)
    if not intake.routing:
        return redirect("journey:preview", pk=intake.pk)
    form = PlanForm(request.POST or None, initial={"plan_code": intake.plan_code or "standard"})
    if request.method == "POST" and form.is_valid():
        try:
            checkout = services.intake_plan_choose(
                intake=intake,
                plan_code=form.cleaned_data["plan_code"],
                return_path=reverse("journey:waiver", args=[intake.pk]),
                cancel_path=reverse("journey:plan", args=[intake.pk]),
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            return redirect(checkout.url)
    specialist = intake.is_brand_specialist
    currency, language = CURRENCY_BY_COUNTRY.get(intake.country, "CAD"), get_language() or "en"
    plans = [
        {
            "plan": p,
            "price": amount_display(plan_price_cents(p.code, brand_specialist=specialist), currency, language),
            "premium": specialist and not p.is_free,
        }
        for p in PLANS
    ]
    selected = form["plan_code"].value() or "standard"
    return render(
        request,
        "journey/plan.html",
        {
            "intake": intake,
            "form": form,
            "plans": plans,
            "selected": selected,
            "premium": amount_display(BRAND_SPECIALIST_PREMIUM_CENTS, currency, language),
            "test_mode": services.payments_in_test_mode(),
        },
    )


@login_required
def waiver(request: SignedInRequest, pk: int) -> HttpResponse:
    intake = selectors.intake_get(user=request.user, intake_id=pk)
    if intake.session_request_id:
        return redirect("journey:request", pk=intake.session_request_id)
    if not intake.plan_code:
        return redirect("journey:plan", pk=intake.pk)
    payment = payment_latest(user=request.user, reference=intake.reference)
    if not services.intake_is_paid(intake):
        return render(request, "journey/payment_pending.html", {"intake": intake, "payment": payment})
    form = WaiverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session_request = services.intake_confirm(intake=intake, ip_address=client_address(request))
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            return redirect("journey:request", pk=session_request.pk)
    return render(
        request,
        "journey/waiver.html",
        {
            "intake": intake,
            "form": form,
            "version": services.waiver_version(),
            "plan": plan_get(intake.plan_code),
            "payment": payment,
        },
    )


# ---------------------------------------------------------------- waiting room


@login_required
def request_page(request: SignedInRequest, pk: int) -> HttpResponse:
    context = selectors.waiting_room_context(user=request.user, request_id=pk)
    if context["consultation"] is not None and context["consultation"].status == "active":
        return redirect("journey:session", pk=context["consultation"].pk)
    context["message_form"] = MessageForm()
    return render(request, "journey/waiting_room.html", context)


@login_required
def request_live(request: SignedInRequest, pk: int) -> HttpResponse:
    """The waiting room's live part, re-fetched by the page's script on every event."""
    context = selectors.waiting_room_context(user=request.user, request_id=pk)
    response = render(request, "journey/_waiting_live.html", context)
    if context["consultation"] is not None:
        response["X-Session-Url"] = reverse("journey:session", args=[context["consultation"].pk])
    return response


@login_required
@require_POST
def request_choice(request: SignedInRequest, pk: int) -> HttpResponse:
    selectors.request_of_customer(user=request.user, request_id=pk)  # 404 for anyone else's
    form = WaitingChoiceForm(request.POST)
    if form.is_valid():
        try:
            services.waiting_choose(
                user=request.user,
                request_id=pk,
                choice=form.cleaned_data["choice"],
                mechanic_id=form.cleaned_data.get("mechanic_id"),
            )
        except (ValidationError, DispatchError) as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("journey:request", pk=pk)


@login_required
@require_POST
def request_message(request: SignedInRequest, pk: int) -> HttpResponse:
    selectors.request_of_customer(user=request.user, request_id=pk)  # 404 for anyone else's
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.waiting_message_send(user=request.user, request_id=pk, body=form.cleaned_data["body"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Message sent. Your mechanic will see it when they join."))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("body", [])))
    return redirect("journey:request", pk=pk)


@login_required
@require_POST
def request_cancel(request: SignedInRequest, pk: int) -> HttpResponse:
    selectors.request_of_customer(user=request.user, request_id=pk)  # 404 for anyone else's
    try:
        refund = booking.session_request_cancel(user=request.user, request_id=pk)
    except DispatchError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("journey:request", pk=pk)
    messages.success(request, _("Your request was cancelled."))
    if refund is not None:
        amount = amount_display(refund.amount_cents, refund.payment.currency, get_language() or "en")
        if refund.status == refund.Status.SUCCEEDED:
            messages.success(request, _("Your payment of %(amount)s has been refunded.") % {"amount": amount})
        else:
            messages.success(request, _("Your payment of %(amount)s is being refunded.") % {"amount": amount})
    return redirect("journey:dashboard")


# ---------------------------------------------------------------- session


@login_required
def session_page(request: SignedInRequest, pk: int) -> HttpResponse:
    context = selectors.session_context(user=request.user, consultation_id=pk)
    if context["consultation"].status == "active" and session_close_if_overdue(context["consultation"]):
        context = selectors.session_context(user=request.user, consultation_id=pk)  # its time is up
    if context["consultation"].status != "active" and context["is_customer"]:
        return redirect("journey:complete", pk=pk)
    context["message_form"] = MessageForm()
    if context["is_mechanic"]:
        notes = context["notes"]
        context["notes_form"] = NotesForm(
            initial={f: getattr(notes, f) for f in NotesForm.base_fields} if notes is not None else None
        )
    return render(request, "journey/session.html", context)


@login_required
def session_messages(request: SignedInRequest, pk: int) -> HttpResponse:
    """GET: the chat lines after `after` (an HTML fragment for the script). POST: send one;
    without JavaScript the form posts here and comes back to the page."""
    context = selectors.session_context(user=request.user, consultation_id=pk)  # 404 unless a participant
    if request.method == "POST":
        form = MessageForm(request.POST)
        error = ""
        if form.is_valid():
            try:
                services.chat_send(user=request.user, consultation_id=pk, body=form.cleaned_data["body"])
            except ValidationError as exc:
                error = " ".join(exc.messages)
        else:
            error = " ".join(str(e) for e in form.errors.get("body", []))
        if request.headers.get("X-Requested-With") == "fetch":
            return HttpResponse(error, status=400 if error else 204)
        if error:
            messages.error(request, error)
        return redirect(f"{reverse('journey:session', args=[pk])}#chat")
    session_close_if_overdue(context["consultation"])  # the page asks at the deadline
    after = request.GET.get("after", "0")
    lines = selectors.chat_messages(consultation=context["consultation"], after=int(after) if after.isdigit() else 0)
    response = render(request, "journey/_chat_lines.html", {**context, "chat_lines": lines})
    response["X-Session-Status"] = context["consultation"].status
    return response


@login_required
@require_POST
def session_end_view(request: SignedInRequest, pk: int) -> HttpResponse:
    context = selectors.session_context(user=request.user, consultation_id=pk)
    try:
        services.session_end(user=request.user, consultation_id=pk)
    except DispatchError as exc:
        messages.info(request, " ".join(exc.messages))
    if context["is_customer"]:
        return redirect("journey:complete", pk=pk)
    return redirect("journey:session", pk=pk)


@login_required
@require_POST
def session_favourite(request: SignedInRequest, pk: int) -> HttpResponse:
    context = selectors.session_context(user=request.user, consultation_id=pk)
    if not context["is_customer"]:
        raise Http404("Customers only")
    try:
        favourite_add_for(user=request.user, mechanic_id=context["mechanic"].pk, consultation_id=pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        name = context["mechanic"].display_name
        messages.success(request, _("%(name)s is now in your favourites.") % {"name": name})
    target = "journey:complete" if request.POST.get("from") == "complete" else "journey:session"
    return redirect(target, pk=pk)


# ---------------------------------------------------------------- completion, report, history


@login_required
def complete(request: SignedInRequest, pk: int) -> HttpResponse:
    context = selectors.completion_context(user=request.user, consultation_id=pk)
    if context["consultation"].status == "active":
        return redirect("journey:session", pk=pk)
    form = RatingForm(request.POST or None)
    # Rating a session that has its rating is a conflict, however close the two submits were.
    status = 409 if request.method == "POST" and context["review"] is not None else 200
    if request.method == "POST" and form.is_valid() and context["review"] is None:
        try:
            services.session_rate(user=request.user, consultation_id=pk, **form.cleaned_data)
        except AlreadyRated as exc:
            context, status = selectors.completion_context(user=request.user, consultation_id=pk), 409
            form_errors_add(form, exc)
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            return redirect("journey:complete", pk=pk)
    return render(
        request,
        "journey/complete.html",
        {**context, "form": form, "satisfaction_form": SatisfactionForm()},
        status=status,
    )


@login_required
@require_POST
def satisfaction(request: SignedInRequest, pk: int) -> HttpResponse:
    """The completion page's optional 0-10 question (NPS), once per session."""
    selectors.completion_context(user=request.user, consultation_id=pk)  # 404 unless it is theirs
    form = SatisfactionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["score"]))
        return redirect("journey:complete", pk=pk)
    try:
        satisfaction_answer_record(user=request.user, consultation_id=pk, score=form.cleaned_data["score"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you for your answer."))
    return redirect("journey:complete", pk=pk)


@login_required
def report(request: SignedInRequest, pk: int) -> HttpResponse:
    text = session_report_text(user=request.user, consultation_id=pk, site_url=request.build_absolute_uri("/"))
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mechmatch-session-{pk}.txt"'
    return response


@login_required
def history(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "journey/history.html",
        {"sessions": selectors.history_for(user=request.user), "payments": payment_history(user=request.user)},
    )


@login_required
@require_POST
def rebook(request: SignedInRequest, pk: int) -> HttpResponse:
    try:
        intake = services.rebook_start(user=request.user, consultation_id=pk)
    except ValidationError as exc:
        raise Http404("No such session") from exc
    return redirect("journey:intake", pk=intake.pk)
