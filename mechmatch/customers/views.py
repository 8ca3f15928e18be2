from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from mechmatch.accounts.views import signup_page
from mechmatch.customers.forms import CustomerSignupForm
from mechmatch.customers.services import customer_signup


def signup(request: HttpRequest) -> HttpResponse:
    return signup_page(
        request,
        form=CustomerSignupForm(request.POST or None),
        account_create=lambda data: customer_signup(**data).user,
        title=_("Create your account"),
        success_url="home",
    )
