"""What every app's pages share when they hand a form's data to a service."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def form_errors_add(form: forms.Form, exc: ValidationError) -> None:
    """Shows a service's ValidationError on the form: each message beside the field it
    names, and messages about fields the form does not have at the top."""
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
