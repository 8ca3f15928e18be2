from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from mechmatch.admin_readonly import ReadOnlyAdminMixin
from mechmatch.experiments.models import Experiment, Exposure


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    """Operators grow or shrink the arms here; the name and salt are fixed once created
    (changing either reshuffles every customer). A scoring-policy experiment carries its
    treatment weights in `treatment_policy`; the model's clean checks them (the service's
    rule), so a bad weight is shown against that field, naming the weight."""

    list_display = (
        "name",
        "active",
        "treatment_percent",
        "control_percent",
        "treatment_policy_shown",
        "exposures_count",
        "updated_at",
    )
    list_editable = ("active", "treatment_percent", "control_percent")
    search_fields = ("name", "description")
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Experiment]:
        return super().get_queryset(request).annotate(exposures_total=Count("exposures"))

    @admin.display(description="Exposed customers", ordering="exposures_total")
    def exposures_count(self, obj: Any) -> int:
        return int(getattr(obj, "exposures_total", 0))

    @admin.display(description="Treatment weights")
    def treatment_policy_shown(self, obj: Any) -> str:
        weights = obj.treatment_policy or {}
        return ", ".join(f"{name}={value}" for name, value in sorted(weights.items())) or "—"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fixed = ("name", "salt") if obj is not None else ()
        return (*fixed, *self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Exposure)
class ExposureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only history."""

    list_display = ("first_exposed_at", "experiment", "customer", "arm")
    list_filter = ("experiment", "arm")
    search_fields = ("customer__email",)
    date_hierarchy = "first_exposed_at"
    list_select_related = ("experiment", "customer")
