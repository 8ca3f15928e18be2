from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.services import session_end

pytestmark = pytest.mark.django_db


def test_without_sessions_the_history_invites_a_first_one(customer_client):
    page = customer_client.get(reverse("journey:history")).content.decode()
    assert "You have no past sessions yet." in page and reverse("journey:intake_start") in page


def test_a_live_session_is_listed_with_the_way_back_to_it(customer_client, consultation):
    page = customer_client.get(reverse("journey:history")).content.decode()
    assert "Morgan Lee" in page and "2018 Honda Civic" in page
    assert reverse("journey:session", args=[consultation.pk]) in page and "Return to session" in page


def test_a_finished_session_is_listed_with_its_details_and_a_rebook(customer_client, customer, consultation):
    session_end(user=customer.user, consultation_id=consultation.pk)
    page = customer_client.get(reverse("journey:history")).content.decode()
    assert reverse("journey:complete", args=[consultation.pk]) in page and "Rebook with Morgan" in page


def test_nobody_else_sees_a_customers_sessions(outsider_client, consultation):
    page = outsider_client.get(reverse("journey:history")).content.decode()
    assert "Morgan Lee" not in page and "You have no past sessions yet." in page


def _payment(user, **fields):  # noqa: ANN001, ANN003, ANN202
    from django.utils import timezone

    from mechmatch.payments.models import Payment

    values = {"reference": "intake:1", "plan_code": "standard", "amount_cents": 2999, "provider": "test"}
    return Payment.objects.create(user=user, paid_at=timezone.now(), **{**values, **fields})


def test_the_payments_table_lists_a_refund_with_its_status_amount_and_date(customer_client, customer):
    from django.utils import timezone
    from django.utils.formats import date_format

    from mechmatch.payments.services import payment_refund

    refunded = _payment(customer.user, status="paid")
    payment_refund(payment=refunded, reason="cancelled_before_accept")
    _payment(customer.user, status="paid", plan_code="full", amount_cents=4999)
    page = customer_client.get(reverse("journey:history")).content.decode()
    table = page.split('data-testid="payment-history"', 1)[1].split("</table>", 1)[0]
    refunded_row = table.split(f'data-payment-id="{refunded.pk}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-status="refunded"' in table and "$29.99" in refunded_row
    assert f"Refunded on {date_format(timezone.localdate(), 'DATE_FORMAT')}" in refunded_row
    assert "Full Diagnostic" in table and "$49.99" in table and "Paid" in table


def test_unpaid_and_free_payments_are_not_listed(customer_client, customer):
    _payment(customer.user, status="pending")
    _payment(customer.user, status="paid", plan_code="free", amount_cents=0)
    page = customer_client.get(reverse("journey:history")).content.decode()
    assert 'data-testid="payment-history"' not in page


def test_the_payments_table_is_in_french_with_french_amounts(customer_client, customer):
    from mechmatch.payments.services import payment_refund

    payment_refund(payment=_payment(customer.user, status="paid"), reason="cancelled_before_accept")
    page = customer_client.get(reverse("journey:history"), HTTP_ACCEPT_LANGUAGE="fr-CA").content.decode()
    assert "Paiements" in page and "29,99\u00a0$" in page and "Remboursé le" in page


def test_nobody_else_sees_a_customers_payments(outsider_client, customer):
    _payment(customer.user, status="paid")
    page = outsider_client.get(reverse("journey:history")).content.decode()
    assert 'data-testid="payment-history"' not in page
