from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from mechmatch.payments.models import Payment, Refund
from mechmatch.payments.services import payment_refund


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "reference",
        "plan_code",
        "amount_cents",
        "currency",
        "provider",
        "status",
        "created_at",
    )
    list_filter = ("status", "provider", "plan_code")
    search_fields = ("reference", "provider_ref", "provider_payment_ref", "user__email")
    readonly_fields = [f.name for f in Payment._meta.fields]
    actions = ["refund_selected"]

    @admin.action(description="Refund the selected paid payments")
    def refund_selected(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        # The same service as a customer's cancel: a payment already refunding is left alone.
        started = 0
        for payment in queryset:
            before = payment.status
            payment_refund(payment=payment, reason="operator", requested_by=request.user)  # type: ignore[arg-type]
            started += before == Payment.Status.PAID
        self.message_user(request, f"{started} refund(s) started.", messages.SUCCESS)


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ("id", "payment", "amount_cents", "reason", "status", "attempts", "next_attempt_at", "created_at")
    list_filter = ("status", "reason")
    readonly_fields = [f.name for f in Refund._meta.fields]
