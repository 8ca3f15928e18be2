from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mechmatch.accounts.models import User
from mechmatch.accounts.services import OPERATOR_GROUP
from mechmatch.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _operator_create(*args: str) -> str:
    out = StringIO()
    call_command("operator_create", *args, stdout=out)
    return out.getvalue()


def test_a_new_operator_is_created_as_staff_who_may_approve_mechanics():
    output = _operator_create("Ops@Example.TEST", "--password", "a-long-passphrase")
    user = User.objects.get(email="ops@example.test")
    assert output.strip() == "ops@example.test is an operator."
    assert user.role == User.Role.OPERATOR and user.is_staff and not user.is_superuser
    assert user.check_password("a-long-passphrase")
    assert user.groups.filter(name=OPERATOR_GROUP).exists()
    assert user.has_perm("mechanics.change_mechanic") and not user.has_perm("accounts.change_user")


def test_an_existing_user_is_promoted_and_keeps_their_password():
    make_user(role=User.Role.CUSTOMER, email="casey@example.test")
    _operator_create("casey@example.test")
    user = User.objects.get(email="casey@example.test")
    assert user.role == User.Role.OPERATOR and user.is_staff
    assert user.check_password(PASSWORD)
    assert User.objects.count() == 1


def test_a_new_operator_without_a_password_is_refused():
    with pytest.raises(CommandError, match="--password is required"):
        _operator_create("ops@example.test")
    assert not User.objects.exists()


def test_a_weak_password_is_refused_naming_the_field():
    with pytest.raises(CommandError, match="^password: "):
        _operator_create("ops@example.test", "--password", "password")
    assert not User.objects.exists()
