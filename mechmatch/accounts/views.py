from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from mechmatch.accounts.forms import CustomerSignupForm, EmailAuthenticationForm, MechanicApplicationForm
from mechmatch.customers.services import customer_signup
from mechmatch.forms import form_errors_add
from mechmatch.mechanics.services import mechanic_apply


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def signup_customer(request: HttpRequest) -> HttpResponse:
    form = CustomerSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = customer_signup(**form.cleaned_data)
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            login(request, profile.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form, "title": _("Create your account")})


def signup_mechanic(request: HttpRequest) -> HttpResponse:
    form = MechanicApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        brands = [b.strip() for b in data.pop("brands", "").split(",") if b.strip()]
        try:
            mechanic = mechanic_apply(brand_specializations=brands, **data)
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            login(request, mechanic.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("mechanics:profile")
    return render(request, "accounts/signup.html", {"form": form, "title": _("Apply as a mechanic")})


class SigninView(LoginView):
    template_name = "accounts/signin.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class SignoutView(LogoutView):
    pass
