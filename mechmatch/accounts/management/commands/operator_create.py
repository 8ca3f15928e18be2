from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mechmatch.accounts.models import User
from mechmatch.accounts.services import operator_grant, user_create


class Command(BaseCommand):
    help = "Create an operator (or promote an existing user) who manages mechanics in the admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--password", help="Required when the user does not exist yet.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["email"].strip().lower()).first()
        if user is None:
            if not options["password"]:
                raise CommandError("--password is required to create a new operator.")
            try:
                user = user_create(email=options["email"], password=options["password"], role=User.Role.OPERATOR)
            except ValidationError as exc:
                raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        operator_grant(user=user)
        self.stdout.write(f"{user.email} is an operator.")
