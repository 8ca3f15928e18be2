"""The session report the customer (or its mechanic) downloads as plain text, written in the
language of the page it is downloaded from, with dates and times in that language's format
(the server's clock is UTC, so the report says so)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from mechmatch.accounts.models import User
from mechmatch.journey.models import SessionNotes, WaitingMessage
from mechmatch.journey.selectors import _consultation_for, chat_messages, duration_minutes, session_notes_for
from mechmatch.payments.plans import plan_get


def _line(label: str, value: object) -> str:
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


def session_report_text(*, user: User, consultation_id: int, site_url: str = "") -> str:
    """The vehicle, the plan and durations, the mechanic's notes, the waiting-room messages
    and the chat, with its photos as links."""
    consultation = _consultation_for(user=user, consultation_id=consultation_id)
    request = consultation.request
    plan = plan_get(request.plan_code or "")
    notes = session_notes_for(consultation=consultation)
    waited = round((consultation.started_at - request.created_at).total_seconds() / 60)
    minutes = _("%(n)s min")

    def at(moment: datetime) -> str:
        return str(formats.time_format(moment, "TIME_FORMAT"))

    duration = minutes % {"n": duration_minutes(consultation)} + (
        " " + _("(ended %(time)s UTC)") % {"time": at(consultation.ended_at)}
        if consultation.ended_at
        else " " + _("(still live)")
    )
    vehicle = f"{request.vehicle_year} {request.vehicle_make} {request.vehicle_model}"
    if request.vehicle_vin:
        vehicle += " " + _("(VIN %(vin)s)") % {"vin": request.vehicle_vin}
    title = _("mechmatch session report")
    lines = [
        title,
        "=" * len(title),
        _line(_("Session"), f"#{consultation.pk}"),
        _line(_("Date"), f"{formats.date_format(consultation.started_at, 'DATETIME_FORMAT')} UTC"),
        _line(_("Plan"), f"{plan.name} ({minutes % {'n': plan.minutes}})" if plan else request.plan_code or "-"),
        _line(_("Duration"), duration),
        _line(_("Wait before the mechanic joined"), minutes % {"n": max(0, waited)}),
        "",
        _line(_("Vehicle"), vehicle),
        _line(_("Location"), f"{request.city}, {request.region} {request.country}".strip()),
        "",
        _("Concern:"),
        request.concern,
        "",
        _line(_("Mechanic"), consultation.mechanic.display_name),
        "",
        _("Mechanic's notes:"),
    ]
    if notes is not None:
        next_step = SessionNotes.NextStep(notes.next_step).label if notes.next_step else "-"
        lines += [
            "  " + _line(_("Diagnosis"), notes.diagnosis or "-"),
            "  " + _line(_("Likely causes"), notes.likely_causes or "-"),
            "  " + _line(_("Recommended next step"), next_step),
            "  " + _line(_("Parts to check"), notes.parts_to_check or "-"),
        ]
    if consultation.notes:
        lines.append(f"  {consultation.notes}")
    if notes is None and not consultation.notes:
        lines.append("  " + _("(none)"))
    lines += ["", _("While waiting:")]
    waiting = list(WaitingMessage.objects.filter(session_request=request))
    for waiting_message in waiting:
        lines.append(f"[{at(waiting_message.created_at)}] " + _line(_("You"), waiting_message.body))
    if not waiting:
        lines.append(_("(none)"))
    lines += ["", _("Chat:")]
    for message in chat_messages(consultation=consultation):
        # The report is the customer's: their lines are "You", as on their page.
        who = _("Mechanic") if message.sender_id == consultation.mechanic.user_id else _("You")
        text = message.body
        if message.photo:
            link = site_url.rstrip("/") + reverse("journey:session_photo", args=[consultation.pk, message.pk])
            text = "[" + _("photo") + f"] {link}" + (f" {message.body}" if message.body else "")
        lines.append(f"[{at(message.created_at)}] " + _line(who, text))
    return "\n".join(lines) + "\n"
