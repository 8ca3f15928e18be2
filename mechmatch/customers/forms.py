from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mechmatch.geography.forms import COUNTRY_CHOICES


class CustomerSignupForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=60)
    last_name = forms.CharField(label=_("Last name"), max_length=60, required=False)
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), min_length=8
    )
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
