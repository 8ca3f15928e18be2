from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise

from mechmatch.accounts.forms import EmailAuthenticationForm
from mechmatch.accounts.models import User
from mechmatch.forms import form_errors_add


def signup_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    account_create: Callable[[dict[str, Any]], User],
    title: str | Promise,
    success_url: str,
) -> HttpResponse:
    """Every sign-up page (customers, mechanics): the owning app's service creates the
    account from the form's data, and the new user is signed in."""
    if request.method == "POST" and form.is_valid():
        try:
            user = account_create(dict(form.cleaned_data))
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(success_url)
    return render(request, "accounts/signup.html", {"form": form, "title": title})


class SigninView(LoginView):
    template_name = "accounts/signin.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class SignoutView(LogoutView):
    pass
