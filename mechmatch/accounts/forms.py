from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from mechmatch.geography.forms import COUNTRY_CHOICES


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


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


class MechanicApplicationForm(forms.Form):
    display_name = forms.CharField(label=_("Name customers will see"), max_length=120)
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), min_length=8
    )
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)
    region = forms.CharField(label=_("Province or state"), max_length=40)
    city = forms.CharField(label=_("City"), max_length=100)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10)
    years_experience = forms.IntegerField(label=_("Years of experience"), min_value=0, max_value=70)
    brands = forms.CharField(label=_("Brands you specialise in (comma-separated)"), max_length=300, required=False)
    bio = forms.CharField(
        label=_("About you"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False
    )
