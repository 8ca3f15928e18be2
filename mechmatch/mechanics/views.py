from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mechmatch.mechanics.forms import MechanicProfileForm
from mechmatch.mechanics.selectors import mechanic_for_user
from mechmatch.mechanics.services import mechanic_profile_update


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    mechanic = mechanic_for_user(request.user)
    if mechanic is None:
        raise Http404("No mechanic profile")
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
        "service_specialities": ", ".join(mechanic.service_specialities),
    }
    form = MechanicProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mechanic_profile_update(mechanic=mechanic, data=form.cleaned_data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("mechanics:profile")
    return render(request, "mechanics/profile.html", {"form": form, "mechanic": mechanic})
