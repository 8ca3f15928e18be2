from django.contrib import admin

from mechmatch.funnel.models import FunnelEvent


@admin.register(FunnelEvent)
class FunnelEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "name", "user", "request_id", "mechanic_id")
    list_filter = ("name",)
    date_hierarchy = "created_at"

    # Append-only: operators read the funnel, nobody edits it.
    def has_add_permission(self, request):  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001
        return False
