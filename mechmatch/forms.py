"""What every app's pages share when they show a service's refusal on a form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def form_errors_add(form: forms.BaseForm, exc: ValidationError) -> None:
    """Each error on the field it names, or above the form when the form has no such field
    or the error names none."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
