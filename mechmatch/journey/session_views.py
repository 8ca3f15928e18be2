"""Session page actions added with the video call: photos in the chat, the mechanic's
notes, and buying the extension. Each parses input and calls one service or selector."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mechmatch.accounts.auth import SignedInRequest
from mechmatch.dispatch.services import DispatchError
from mechmatch.journey import selectors, services
from mechmatch.journey.forms import NotesForm
from mechmatch.journey.session_length import session_extend_start


@login_required
@require_POST
def session_photo_send(request: SignedInRequest, pk: int) -> HttpResponse:
    """A photo into the chat: the attach form (comes back to the page) or the call's snapshot
    button (X-Requested-With: fetch, answered 204 or 400 with the reason)."""
    selectors.session_context(user=request.user, consultation_id=pk)  # 404 unless a participant
    upload = request.FILES.get("photo")
    error = ""
    if upload is None:
        error = _("Choose a photo first.")
    else:
        try:
            services.chat_photo_send(user=request.user, consultation_id=pk, upload=upload)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(error, status=400 if error else 204)
    if error:
        messages.error(request, error)
    return redirect(f"{reverse('journey:session', args=[pk])}#chat")


@login_required
def session_photo(request: SignedInRequest, pk: int, message_id: int) -> HttpResponseBase:
    """A chat photo, for the session's two parties and operators only (404 for anyone else)."""
    message = selectors.chat_photo_visible(user=request.user, message_id=message_id)
    if message is None or message.consultation_id != pk:
        raise Http404("No such photo")
    response = FileResponse(message.photo.open("rb"), content_type=message.photo_content_type or "image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@login_required
@require_POST
def session_notes(request: SignedInRequest, pk: int) -> HttpResponse:
    """The mechanic's notes (diagnosis, causes, next step, parts), from the session page."""
    form = NotesForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            services.session_notes_save(user=request.user, consultation_id=pk, **form.cleaned_data)
        except DispatchError as exc:
            raise Http404("No such session") from exc
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your notes are saved. The customer sees them with the session."))
    return redirect(f"{reverse('journey:session', args=[pk])}#notes")


@login_required
@require_POST
def session_extend(request: SignedInRequest, pk: int) -> HttpResponse:
    """The customer buys the one extension (the next plan up): off to the checkout."""
    try:
        _, url = session_extend_start(user=request.user, consultation_id=pk, base_url=request.build_absolute_uri("/"))
    except DispatchError as exc:
        raise Http404("No such session") from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("journey:session", pk=pk)
    return redirect(url)
