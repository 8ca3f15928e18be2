"""A mail backend whose server always refuses, for the retry tests."""

from __future__ import annotations

from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server refused")
