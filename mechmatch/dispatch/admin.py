"""The operators' live console: session requests by status and age with their offers,
lapses, history, consultations and payments, read-only; the operator's actions (cancel with
refund, extend the window, reassign) call the services in dispatch.services.operators and
journey.booking, which record each one in the request's history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mechmatch.accounts.models import User
from mechmatch.admin_readonly import ReadOnlyAdminMixin
from mechmatch.dispatch.models import Consultation, Lapse, Offer, RequestEvent, SessionRequest
from mechmatch.dispatch.selectors import mechanic_available_qs
from mechmatch.dispatch.services import (
    DispatchError,
    request_extend_by_operator,
    request_reassign_by_operator,
)
from mechmatch.journey.booking import session_request_cancel_by_operator
from mechmatch.payments.models import Payment


def _operator(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class AgeFilter(admin.SimpleListFilter):
    title = _("age")
    parameter_name = "age"
    BANDS = {"5m": (0, 5), "30m": (5, 30), "2h": (30, 120), "old": (120, None)}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("5m", _("Under 5 minutes")),
            ("30m", _("5 to 30 minutes")),
            ("2h", _("30 minutes to 2 hours")),
            ("old", _("Over 2 hours")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        band = self.BANDS.get(self.value() or "")
        if band is None:
            return queryset
        now = timezone.now()
        young, old = band
        queryset = queryset.filter(created_at__lte=now - timedelta(minutes=young))
        return queryset if old is None else queryset.filter(created_at__gt=now - timedelta(minutes=old))


class OfferInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Offer
    extra = 0
    fields = ("mechanic", "kind", "status", "score", "distance_km", "offered_at", "expires_at", "decline_reason")
    readonly_fields = fields
    show_change_link = True


class RequestEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RequestEvent
    extra = 0
    fields = ("created_at", "kind", "from_status", "to_status", "actor", "data")
    readonly_fields = fields
    ordering = ("created_at", "id")


class ConsultationInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = Consultation
    extra = 0
    fields = ("mechanic", "status", "started_at", "ended_at")
    readonly_fields = fields
    show_change_link = True


class PaymentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Payment
    fk_name = "session_request"
    extra = 0
    fields = ("id", "plan_code", "amount_cents", "currency", "status", "created_at")
    readonly_fields = fields
    show_change_link = True


class ExtendForm(forms.Form):
    seconds = forms.IntegerField(
        label=_("Extra seconds"), min_value=1, max_value=3600, initial=settings.EXTEND_WINDOW_SECONDS
    )


class ReassignForm(forms.Form):
    mechanic = forms.ModelChoiceField(label=_("Mechanic"), queryset=mechanic_available_qs().order_by("display_name"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


@admin.register(SessionRequest)
class SessionRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "customer",
        "vehicle_label",
        "status",
        "stage",
        "routing_type",
        "age",
        "offers_total",
        "assigned_mechanic",
        "created_at",
    )
    list_filter = ("status", "stage", "routing_type", "request_type", AgeFilter, "country", "created_at")
    search_fields = ("=id", "customer__email", "concern", "postal_code", "city", "vehicle_make", "vehicle_model")
    date_hierarchy = "created_at"
    list_select_related = ("customer", "assigned_mechanic")
    inlines = (OfferInline, RequestEventInline, ConsultationInline, PaymentInline)
    actions = ("cancel_with_refund", "extend_window")
    change_form_template = "admin/dispatch/sessionrequest/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[SessionRequest]:
        return super().get_queryset(request).annotate(offer_count=Count("offers"))

    @admin.display(description=_("offers"), ordering="offer_count")
    def offers_total(self, obj: Any) -> int:
        return int(getattr(obj, "offer_count", 0))

    @admin.display(description=_("age"), ordering="created_at")
    def age(self, obj: SessionRequest) -> str:
        minutes = int((timezone.now() - obj.created_at).total_seconds() // 60)
        return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"

    def has_operate_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff) and self.has_view_permission(request)

    # ------------------------------------------------------------ bulk actions

    @admin.action(description=_("Cancel and refund the selected requests"), permissions=["operate"])
    def cancel_with_refund(self, request: HttpRequest, queryset: QuerySet[SessionRequest]) -> None:
        done = 0
        for session_request in queryset:
            done += self._run(request, session_request_cancel_by_operator, request_id=session_request.pk) is not False
        self.message_user(request, gettext("%(count)d request(s) cancelled.") % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Extend the selected requests' windows"), permissions=["operate"])
    def extend_window(self, request: HttpRequest, queryset: QuerySet[SessionRequest]) -> None:
        done = 0
        for session_request in queryset:
            result = self._run(
                request,
                request_extend_by_operator,
                request_id=session_request.pk,
                seconds=settings.EXTEND_WINDOW_SECONDS,
            )
            done += result is not False
        self.message_user(request, gettext("%(count)d request(s) extended.") % {"count": done}, messages.SUCCESS)

    def _run(self, request: HttpRequest, service: Any, **kwargs: Any) -> Any:
        """Calls an operator service; its refusal becomes a message naming the request."""
        try:
            return service(operator=_operator(request), **kwargs)
        except (DispatchError, ValidationError) as exc:
            message = " ".join(exc.messages)
            self.message_user(request, f"#{kwargs.get('request_id')}: {message}", messages.ERROR)
            return False

    # ------------------------------------------------------------ one request's actions

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/cancel/", view(self.cancel_view), name="dispatch_sessionrequest_cancel"),
            path("<int:pk>/extend/", view(self.extend_view), name="dispatch_sessionrequest_extend"),
            path("<int:pk>/reassign/", view(self.reassign_view), name="dispatch_sessionrequest_reassign"),
            *super().get_urls(),
        ]

    def cancel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._action_view(request, pk, CancelForm, _("Cancel and refund"), self._cancel)

    def extend_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._action_view(request, pk, ExtendForm, _("Extend the window"), self._extend)

    def reassign_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._action_view(request, pk, ReassignForm, _("Reassign to a mechanic"), self._reassign)

    def _cancel(self, request: HttpRequest, pk: int, data: dict[str, Any]) -> str:
        refund = session_request_cancel_by_operator(operator=_operator(request), request_id=pk, reason=data["reason"])
        return gettext("Request cancelled; refund started.") if refund else gettext("Request cancelled.")

    def _extend(self, request: HttpRequest, pk: int, data: dict[str, Any]) -> str:
        request_extend_by_operator(operator=_operator(request), request_id=pk, seconds=data["seconds"])
        return gettext("Window extended.")

    def _reassign(self, request: HttpRequest, pk: int, data: dict[str, Any]) -> str:
        request_reassign_by_operator(operator=_operator(request), request_id=pk, mechanic_id=data["mechanic"].pk)
        return gettext("Request offered to %(name)s.") % {"name": data["mechanic"].display_name}

    def _action_view(self, request: HttpRequest, pk: int, form_class: Any, title: Any, apply: Any) -> HttpResponse:
        if not self.has_operate_permission(request):
            raise PermissionDenied
        session_request = get_object_or_404(SessionRequest, pk=pk)
        change_url = reverse("admin:dispatch_sessionrequest_change", args=[pk])
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                message = apply(request, pk, form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except DispatchError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "original": session_request,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/dispatch/sessionrequest/operator_action.html", context)


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "request", "mechanic", "kind", "status", "score", "offered_at", "expires_at", "responded_at")
    list_filter = ("status", "kind", "decline_reason", "offered_at")
    search_fields = ("=request__id", "mechanic__display_name", "request__customer__email")
    date_hierarchy = "offered_at"
    list_select_related = ("request", "mechanic")


@admin.register(Lapse)
class LapseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "request", "mechanic", "kind", "offered_at", "expires_at", "extended_count")
    list_filter = ("kind", "offered_at")
    search_fields = ("=request__id", "mechanic__display_name")
    date_hierarchy = "expires_at"
    list_select_related = ("request", "mechanic")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lapse]:
        return super().get_queryset(request).filter(status=Offer.Status.EXPIRED)


@admin.register(RequestEvent)
class RequestEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "request", "kind", "from_status", "to_status", "actor")
    list_filter = ("kind", "to_status", "created_at")
    search_fields = ("=request__id", "kind", "actor__email")
    date_hierarchy = "created_at"
    list_select_related = ("request", "actor")


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "request", "mechanic", "customer", "status", "started_at", "ended_at")
    list_filter = ("status", "started_at")
    search_fields = ("=id", "=request__id", "mechanic__display_name", "customer__email")
    date_hierarchy = "started_at"
    list_select_related = ("request", "mechanic", "customer")
