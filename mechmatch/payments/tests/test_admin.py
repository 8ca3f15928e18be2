from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from mechmatch.payments.models import Payment, Refund
from mechmatch.payments.tests.test_refunds import _paid

pytestmark = pytest.mark.django_db


def test_the_operators_refund_action_uses_the_same_service_and_never_refunds_twice(customer, operator):
    payment = _paid(customer.user)
    request = RequestFactory().post("/admin/payments/payment/")
    request.user = operator
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    admin = site._registry[Payment]
    admin.refund_selected(request, Payment.objects.filter(pk=payment.pk))  # type: ignore[attr-defined]
    admin.refund_selected(request, Payment.objects.filter(pk=payment.pk))  # type: ignore[attr-defined]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    refund = Refund.objects.get(payment=payment)
    assert refund.reason == "operator" and refund.requested_by == operator
    assert [str(m) for m in request._messages] == ["1 refund(s) started.", "0 refund(s) started."]  # type: ignore[attr-defined]
