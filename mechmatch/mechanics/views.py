from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from mechmatch.accounts.auth import SignedInRequest
from mechmatch.accounts.models import User
from mechmatch.accounts.views import signup_page
from mechmatch.forms import form_errors_add
from mechmatch.mechanics.forms import MechanicApplicationForm, MechanicProfileForm
from mechmatch.mechanics.selectors import mechanic_for_user_or_404, mechanic_photo_open
from mechmatch.mechanics.services import mechanic_apply, mechanic_photo_set, mechanic_profile_update


def _applicant_create(data: dict[str, Any]) -> User:
    brands = data.pop("brands")
    return mechanic_apply(brand_specializations=brands, **data).user


def signup(request: HttpRequest) -> HttpResponse:
    return signup_page(
        request,
        form=MechanicApplicationForm(request.POST or None),
        account_create=_applicant_create,
        title=_("Apply as a mechanic"),
        success_url="mechanics:profile",
    )


@login_required
def profile(request: SignedInRequest) -> HttpResponse:
    mechanic = mechanic_for_user_or_404(request.user)
    initial = {
        "display_name": mechanic.display_name,
        "bio": mechanic.bio,
        "country": mechanic.country,
        "region": mechanic.region,
        "city": mechanic.city,
        "postal_code": mechanic.postal_code,
        "years_experience": mechanic.years_experience,
        "red_seal_certified": mechanic.red_seal_certified,
        "red_seal_province": mechanic.red_seal_province,
        "red_seal_expires_on": mechanic.red_seal_expires_on,
        "brand_specializations": ", ".join(mechanic.brand_specializations),
        "service_specialities": list(mechanic.service_specialities),
    }
    form = MechanicProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo = data.pop("photo", None)
        try:
            mechanic_profile_update(mechanic=mechanic, data=data)
            if photo:
                mechanic_photo_set(mechanic=mechanic, upload=photo)
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            return redirect("mechanics:profile")
    return render(request, "mechanics/profile.html", {"form": form, "mechanic": mechanic})


def photo(request: HttpRequest, filename: str) -> FileResponse:
    """Profile photos are public, but only files that are some mechanic's current photo
    are served from here: the rest of the media folder stays private."""
    opened = mechanic_photo_open(filename)
    if opened is None:
        raise Http404("No such photo")
    response = FileResponse(opened, content_type="image/png" if filename.endswith(".png") else "image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
