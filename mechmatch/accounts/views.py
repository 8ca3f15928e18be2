from __future__ import annotations

from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mechmatch.accounts.forms import EmailAuthenticationForm


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


class SigninView(LoginView):
    template_name = "accounts/signin.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class SignoutView(LogoutView):
    pass
