"""Operators' KPI dashboard and its CSV export, and the browser's page-load beacon."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mechmatch.core.spreadsheet import formula_safe
from mechmatch.funnel.dashboard import Section, Table, dashboard_sections, dashboard_table
from mechmatch.funnel.dashboard_arms import experiment_sections
from mechmatch.funnel.forms import PeriodForm, period_form
from mechmatch.funnel.services import page_load_record


def _operator_only(request: HttpRequest) -> None:
    # Not a 403: to everyone else the page does not exist.
    user = request.user
    if not (user.is_authenticated and getattr(user, "is_operator", False)):
        raise Http404


def _sections(form: PeriodForm) -> list[Section]:
    period = form.period()
    experiment = form.cleaned_data.get("experiment") or None
    return [*dashboard_sections(period), *experiment_sections(period, experiment_name=experiment)]


@require_GET
def kpis(request: HttpRequest) -> HttpResponse:
    _operator_only(request)
    form = period_form(request.GET)
    if not form.is_valid():
        return render(request, "funnel/kpis.html", {"form": form, "sections": []}, status=400)
    period = form.period()
    return render(
        request,
        "funnel/kpis.html",
        {
            "form": form,
            "period": period,
            "previous": period.previous(),
            "sections": _sections(form),
            "query": request.GET.urlencode(),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(table: Table) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([formula_safe(cell) for cell in table.headers])
    for row in table.rows:
        yield writer.writerow([formula_safe(cell) for cell in row])


@require_GET
def kpis_csv(request: HttpRequest) -> StreamingHttpResponse:
    """One table of the dashboard (?table=<slug>, with the page's period) as CSV."""
    _operator_only(request)
    slug = request.GET.get("table", "")
    form: PeriodForm = period_form(request.GET)
    if not form.is_valid():
        raise Http404(_("Choose a valid period."))
    table = dashboard_table(_sections(form), slug)
    if table is None:
        raise Http404
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    response = StreamingHttpResponse(_csv_lines(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kpi-{slug}-{start:%Y-%m-%d}-{end:%Y-%m-%d}.csv"'
    return response


@require_POST
def page_load(request: HttpRequest) -> HttpResponse:
    """navigator.sendBeacon from static/funnel/page-load.js (CSRF-checked like any form)."""
    try:
        page_load_record(
            page=request.POST.get("page", ""),
            view_id=request.POST.get("view", ""),
            duration_ms=request.POST.get("ms"),
            user=request.user,
        )
    except ValidationError as exc:
        return JsonResponse({"errors": exc.message_dict}, status=400)
    return HttpResponse(status=204)
