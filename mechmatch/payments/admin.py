from django.contrib import admin

from mechmatch.payments.models import Payment


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
