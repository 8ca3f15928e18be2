from django.contrib import admin

from mechmatch.admin_readonly import ReadOnlyAdminMixin
from mechmatch.funnel.models import FunnelEvent


@admin.register(FunnelEvent)
class FunnelEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: operators read the funnel, nobody edits it."""

    list_display = ("created_at", "name", "user", "request_id", "mechanic_id", "arms")
    list_filter = ("name",)
    date_hierarchy = "created_at"
