from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from mechmatch.notifications.available import waiting_contacts_qs
from mechmatch.notifications.models import Notification, Preference, WaitingContact


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "user", "status", "attempts", "sent_at", "read_at")
    list_filter = ("kind", "status")
    search_fields = ("user__email", "dedupe_key")
    readonly_fields = ("dedupe_key", "claimed_at", "sent_at", "attempts", "last_error")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "email")


@admin.register(WaitingContact)
class WaitingContactAdmin(admin.ModelAdmin):
    list_display = ("updated_at", "user", "contact_phone", "contact_note", "make", "model", "city", "region")
    search_fields = ("user__email", "contact_phone")

    def get_queryset(self, request: HttpRequest) -> QuerySet[WaitingContact]:
        return WaitingContact.objects.filter(pk__in=waiting_contacts_qs().values("pk")).select_related("user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
