"""The in-app inbox and the e-mail preferences page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mechmatch.accounts.auth import SignedInRequest
from mechmatch.notifications import texts
from mechmatch.notifications.models import Kind
from mechmatch.notifications.selectors import inbox_list, preferences_of
from mechmatch.notifications.services import notifications_mark_read, preferences_set


@login_required
def inbox(request: SignedInRequest) -> HttpResponse:
    language = texts.language_of(request.LANGUAGE_CODE)
    items = []
    for notification in inbox_list(request.user):
        subject, body = texts.render(notification.kind, notification.context, language)
        items.append(
            {
                "notification": notification,
                "subject": subject,
                "body": body,
                "path": notification.context.get("path", "/"),
            }
        )
    return render(request, "notifications/inbox.html", {"items": items})


@login_required
@require_POST
def inbox_read(request: SignedInRequest) -> HttpResponse:
    raw = request.POST.get("notification_id", "")
    notifications_mark_read(user=request.user, notification_id=int(raw) if raw.isdigit() else None)
    return redirect("notifications:inbox")


@login_required
def preferences(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        preferences_set(
            user=request.user, email_by_kind={kind: f"email_{kind}" in request.POST for kind in Kind.values}
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    chosen = preferences_of(request.user)
    rows = [{"kind": kind, "label": label, "email": chosen[kind]} for kind, label in Kind.choices]
    return render(request, "notifications/preferences.html", {"rows": rows})
