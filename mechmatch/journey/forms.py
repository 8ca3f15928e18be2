"""Forms only parse and shape input; every rule that matters lives in services so the API
and the pages agree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from mechmatch.core.taxonomy import SERVICES
from mechmatch.customers.models import Vehicle
from mechmatch.geography.forms import COUNTRY_CHOICES
from mechmatch.journey.models import Intake, SessionNotes
from mechmatch.payments.plans import PLANS

MAX_PHOTOS_PER_UPLOAD = 5


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """A file field that accepts several files; each is re-encoded by the service."""

    widget = MultipleImageInput

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # noqa: ANN001, ANN201
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS_PER_UPLOAD:
            raise forms.ValidationError(_("Attach at most %(n)s photos.") % {"n": MAX_PHOTOS_PER_UPLOAD})
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class DescribedForm(forms.Form):
    """Ties every control to its hint and its error (aria-describedby) and flags invalid
    controls (aria-invalid), including errors a service adds after is_valid()."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            ids = [f"id_{name}-error"] + ([f"id_{name}-help"] if field.help_text else [])
            field.widget.attrs.setdefault("aria-describedby", " ".join(ids))

    def add_error(self, field, error) -> None:  # noqa: ANN001
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


class VehicleCharField(forms.CharField):
    """Needed unless a saved vehicle is picked: not required by the form, but not labelled
    "optional" either (the field template reads `hide_optional`)."""

    hide_optional = True


class IntakeForm(DescribedForm):
    saved_vehicle = forms.TypedChoiceField(
        label=_("Your saved vehicles"), required=False, coerce=int, empty_value=None, choices=[]
    )
    year = VehicleCharField(
        label=_("Year"),
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "2018"}),
    )
    make = VehicleCharField(
        label=_("Make"), max_length=40, required=False, widget=forms.TextInput(attrs={"placeholder": "Honda"})
    )
    model = VehicleCharField(
        label=_("Model"), max_length=60, required=False, widget=forms.TextInput(attrs={"placeholder": "Civic"})
    )
    vin = forms.CharField(
        label=_("VIN"),
        max_length=20,
        required=False,
        help_text=_("Optional - 17 characters, on the dashboard or the driver's door."),
    )
    concern = forms.CharField(
        label=_("What's going on?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("e.g. Brakes squeal when I stop, started last week")}),
        error_messages={"required": _("Tell us what is wrong with the car.")},
    )
    photos = MultipleImageField(
        label=_("Photos"),
        help_text=_("Optional - up to 5 images (JPEG, PNG or WebP), 5 MB each."),
        widget=MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)
    city = forms.CharField(
        label=_("City"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=10,
        required=False,
        help_text=_("Optional - Helps us find the closest available mechanics"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "placeholder": "M5V 1A1",
                "data-placeholder-ca": "M5V 1A1",
                "data-placeholder-us": "90210",
                "autocapitalize": "characters",
                "maxlength": "10",
            }
        ),
    )
    prefer_local = forms.BooleanField(
        label=_("Prefer mechanics near me"),
        required=False,
        help_text=_("Recommended for faster service and potential in-person follow-ups"),
    )
    request_type = forms.ChoiceField(
        label=_("What kind of mechanic?"),
        choices=[
            (Intake.RequestType.GENERAL, _("Any qualified mechanic")),
            (Intake.RequestType.BRAND_SPECIALIST, _("A specialist for my car's brand")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, vehicles: Sequence[Vehicle] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not vehicles:
            del self.fields["saved_vehicle"]
            return
        saved = cast(forms.TypedChoiceField, self.fields["saved_vehicle"])
        saved.choices = [("", _("A different vehicle (enter below)")), *((v.pk, str(v)) for v in vehicles)]


class ChooseForm(forms.Form):
    mechanic_id = forms.IntegerField(min_value=1)
    source = forms.ChoiceField(
        choices=[
            ("top_match", "top_match"),
            ("other_match", "other_match"),
            ("browse", "browse"),
            ("favourite", "favourite"),
            ("rebook", "rebook"),
        ],
    )


class ContactForm(DescribedForm):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    note = forms.CharField(label=_("When suits you?"), max_length=300, required=False)


class PlanForm(DescribedForm):
    plan_code = forms.ChoiceField(
        choices=[(p.code, p.code) for p in PLANS], error_messages={"required": _("Choose a plan.")}
    )


class WaiverForm(DescribedForm):
    accept = forms.BooleanField(
        label=_("I have read and accept these terms"),
        error_messages={"required": _("Please accept the terms to continue.")},
    )


class WaitingChoiceForm(forms.Form):
    choice = forms.ChoiceField(
        choices=[
            ("wait_longer", "wait_longer"),
            ("pick_another", "pick_another"),
            ("auto_match", "auto_match"),
            ("schedule", "schedule"),
        ]
    )
    mechanic_id = forms.IntegerField(required=False, min_value=1)


class MessageForm(DescribedForm):
    body = forms.CharField(
        label=_("Message"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write a message first.")},
    )


class NotesForm(DescribedForm):
    """The mechanic's notes; the choices and limits are checked again by session_notes_save."""

    diagnosis = forms.CharField(
        label=_("Diagnosis"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    likely_causes = forms.CharField(
        label=_("Likely causes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_step = forms.ChoiceField(
        label=_("Recommended next step"),
        required=False,
        choices=[("", _("Not decided yet")), *SessionNotes.NextStep.choices],
    )
    parts_to_check = forms.CharField(
        label=_("Parts to check"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RatingForm(DescribedForm):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SatisfactionForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend mechmatch to a friend?"),
        coerce=int,
        choices=[(i, str(i)) for i in range(11)],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 0 to 10.")},
    )


class BrowseForm(forms.Form):
    """The directory API's filters and sorts, as a GET form."""

    q = forms.CharField(
        label=_("Name"), max_length=80, required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    min_rating = forms.TypedChoiceField(
        label=_("Minimum rating"),
        required=False,
        coerce=float,
        empty_value=None,
        choices=[("", _("Any")), ("4.5", "4.5+"), ("4", "4.0+"), ("3.5", "3.5+"), ("3", "3.0+")],
    )
    max_distance_km = forms.TypedChoiceField(
        label=_("Distance"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Any distance")),
            ("10", _("Within 10 km")),
            ("25", _("Within 25 km")),
            ("50", _("Within 50 km")),
            ("100", _("Within 100 km")),
            ("500", _("Within 500 km")),
        ],
    )
    brand = forms.CharField(label=_("Brand"), max_length=40, required=False)
    service = forms.ChoiceField(label=_("Service"), required=False, choices=[])
    available_now = forms.BooleanField(label=_("Available now"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("best", _("Best match")),
            ("distance", _("Distance")),
            ("rating", _("Rating")),
            ("experience", _("Experience")),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    intake = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = cast(forms.ChoiceField, self.fields["service"])
        service.choices = [
            ("", _("Any service")),
            *((s.slug, s.label_fr if language.startswith("fr") else s.label_en) for s in SERVICES),
        ]
