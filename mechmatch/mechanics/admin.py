from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from mechmatch.accounts.auth import SignedInRequest
from mechmatch.mechanics.models import Mechanic, Review, Workshop
from mechmatch.mechanics.services import mechanic_approve, mechanic_search_name, mechanic_suspend


@admin.register(Mechanic)
class MechanicAdmin(admin.ModelAdmin):
    """Operators approve, suspend and correct mechanics here; computed statistics are
    shown read-only so nobody hand-edits them."""

    list_display = (
        "display_name",
        "city",
        "region",
        "country",
        "application_status",
        "account_status",
        "is_on_shift",
        "rating_average",
        "review_count",
        "completed_sessions",
    )
    list_filter = ("application_status", "account_status", "country", "specialist_tier", "is_on_shift")
    search_fields = ("display_name", "user__email", "city", "postal_code")
    raw_id_fields = ("user", "workshop")
    readonly_fields = (*Mechanic.COMPUTED_FIELDS, "created_at", "updated_at")
    actions = ["approve", "suspend"]
    list_per_page = 50
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Mechanic, form: Any, change: bool) -> None:
        # An operator may correct a name here: keep the folded copy that name search reads in step.
        obj.search_name = mechanic_search_name(obj.display_name)
        super().save_model(request, obj, form, change)

    @admin.action(description="Approve selected mechanics")
    def approve(self, request: SignedInRequest, queryset: QuerySet[Mechanic]) -> None:
        for mechanic in queryset:
            mechanic_approve(mechanic=mechanic, operator=request.user)
        self.message_user(request, f"Approved {queryset.count()} mechanic(s).", messages.SUCCESS)

    @admin.action(description="Suspend selected mechanics")
    def suspend(self, request: SignedInRequest, queryset: QuerySet[Mechanic]) -> None:
        for mechanic in queryset:
            mechanic_suspend(mechanic=mechanic, operator=request.user)
        self.message_user(request, f"Suspended {queryset.count()} mechanic(s).", messages.WARNING)


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "region", "country")
    search_fields = ("name", "city")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("mechanic", "rating", "created_at")
    raw_id_fields = ("mechanic", "customer")
