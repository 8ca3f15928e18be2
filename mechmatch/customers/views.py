from __future__ import annotations

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from mechmatch.customers.forms import CustomerSignupForm
from mechmatch.customers.services import customer_signup
from mechmatch.forms import form_errors_add


def signup(request: HttpRequest) -> HttpResponse:
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
