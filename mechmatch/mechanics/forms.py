from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mechmatch.core import taxonomy
from mechmatch.geography.forms import COUNTRY_CHOICES

CATEGORY_LABELS = {
    "diagnostic": _("Diagnostics"),
    "repair": _("Repairs"),
    "maintenance": _("Maintenance"),
    "installation": _("Installation"),
}


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in one fieldset per choice group (a legend each)."""

    template_name = "mechanics/widgets/grouped_checkboxes.html"


def service_choices(language: str) -> list[tuple[Any, list[tuple[str, str]]]]:
    """The taxonomy's services, grouped by category, labelled in `language`."""
    return [(CATEGORY_LABELS[category], options) for category, options in taxonomy.services_by_category(language)]


def _comma_separated(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


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

    def clean_brands(self) -> list[str]:
        return _comma_separated(self.cleaned_data["brands"])


class MechanicProfileForm(forms.Form):
    """Only the fields a mechanic may change. Rating, counts, approval and verification
    are deliberately absent, and the service ignores them even if posted."""

    display_name = forms.CharField(label=_("Name customers will see"), max_length=120)
    photo = forms.FileField(
        label=_("Profile photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 5 MB. We store a re-encoded copy."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    bio = forms.CharField(
        label=_("About you"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False
    )
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)
    region = forms.CharField(label=_("Province or state"), max_length=40)
    city = forms.CharField(label=_("City"), max_length=100)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    years_experience = forms.IntegerField(label=_("Years of experience"), min_value=0, max_value=70)
    red_seal_certified = forms.BooleanField(label=_("Red Seal certified"), required=False)
    red_seal_province = forms.CharField(label=_("Red Seal province"), max_length=40, required=False)
    red_seal_expires_on = forms.DateField(
        label=_("Red Seal expiry"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    brand_specializations = forms.CharField(label=_("Brands (comma-separated)"), max_length=300, required=False)
    # The choices are the taxonomy's, set per request in the page's language; the service
    # checks the slugs against the taxonomy again (the API posts them too).
    service_specialities = forms.MultipleChoiceField(
        label=_("Services you offer"), required=False, widget=GroupedCheckboxes, choices=()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service_specialities"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = service_choices(get_language() or "en")

    def clean_brand_specializations(self) -> list[str]:
        return _comma_separated(self.cleaned_data["brand_specializations"])
