from __future__ import annotations

from django.contrib import admin

from mechmatch.admin_readonly import ReadOnlyAdminMixin
from mechmatch.journey.models import Waiver


@admin.register(Waiver)
class WaiverAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who accepted which terms, when and from where: evidence, so nobody edits it."""

    list_display = ("accepted_at", "user", "version", "intake", "ip_address")
    list_filter = ("version", "accepted_at")
    search_fields = ("user__email", "=intake__id", "ip_address")
    date_hierarchy = "accepted_at"
    list_select_related = ("user", "intake")
