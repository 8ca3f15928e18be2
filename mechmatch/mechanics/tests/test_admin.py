from __future__ import annotations

import pytest
from django.test import Client

from mechmatch.mechanics.models import Mechanic
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def test_operators_approve_applicants_from_the_admin(operator):
    applicant = make_mechanic(approved=False)
    client = Client()
    client.force_login(operator)
    response = client.post(
        "/admin/mechanics/mechanic/", {"action": "approve", "_selected_action": [applicant.pk]}, follow=True
    )
    assert response.status_code == 200
    applicant.refresh_from_db()
    assert applicant.application_status == Mechanic.ApplicationStatus.APPROVED
    assert applicant.approved_at is not None


def test_operators_suspend_a_mechanic_and_take_them_off_shift(operator, mechanic):
    client = Client()
    client.force_login(operator)
    client.post("/admin/mechanics/mechanic/", {"action": "suspend", "_selected_action": [mechanic.pk]})
    mechanic.refresh_from_db()
    assert mechanic.account_status == Mechanic.AccountStatus.SUSPENDED
    assert mechanic.is_on_shift is False


def test_mechanics_cannot_reach_the_admin(mechanic):
    client = Client()
    client.force_login(mechanic.user)
    assert client.get("/admin/mechanics/mechanic/").status_code == 302


def test_operators_edit_approval_but_only_read_computed_statistics(operator, mechanic):
    client = Client()
    client.force_login(operator)
    form = client.get(f"/admin/mechanics/mechanic/{mechanic.pk}/change/").context["adminform"].form
    assert {"application_status", "account_status", "red_seal_verified"} <= set(form.fields)
    assert not set(Mechanic.COMPUTED_FIELDS) & set(form.fields)


def test_an_operator_renaming_a_mechanic_keeps_name_search_in_step():
    from django.contrib import admin

    from mechmatch.mechanics.admin import MechanicAdmin

    mechanic = make_mechanic(display_name="Eleanor Old")
    mechanic.display_name = "Éléonore Neuve"
    MechanicAdmin(Mechanic, admin.site).save_model(None, mechanic, None, True)  # type: ignore[arg-type]
    mechanic.refresh_from_db()
    assert mechanic.search_name == "eleonore neuve"
