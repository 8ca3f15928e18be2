"""The home page: what the service is, how it works, what it costs, and who is near."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from mechmatch.journey import showcase


def home(request: HttpRequest) -> HttpResponse:
    user = getattr(request, "user", None)
    mechanic = getattr(user, "mechanic", None) if user is not None and user.is_authenticated else None
    if mechanic is not None and mechanic.is_eligible:
        return redirect("dispatch:offers")  # an approved mechanic's home is their offers; applicants' stays
    city = showcase.sample_city(request.GET.get("city"))
    return render(
        request,
        "home.html",
        {
            "plans": showcase.plan_offers(country=city.country, language=get_language() or "en"),
            "cities": showcase.SAMPLE_CITIES,
            "city": city,
            "sample": showcase.mechanics_near(city),
        },
    )
