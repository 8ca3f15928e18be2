"""Print a sample e-mail (subject and text body) of every notification kind, from a fixed
context, in one language: `manage.py notification_samples --language fr`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mechmatch.notifications.samples import samples_render


class Command(BaseCommand):
    help = "Print a sample of every notification kind (subject and text body)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--language", default="en", choices=["en", "fr"], help="The reader's language.")

    def handle(self, *args: Any, **options: Any) -> None:
        for sample in samples_render(options["language"]):
            self.stdout.write(f"## {sample.kind}\nSubject: {sample.subject}\n\n{sample.text.strip()}\n\n")
