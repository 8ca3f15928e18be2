"""An operator reads the KPI dashboard after a known history, in English and in French,
downloads a table as CSV, and the page passes an axe-core accessibility check."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from mechmatch.dispatch.models import Offer
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.testing import make_event_at, make_offer, make_request_at
from mechmatch.journey.tests.browser.helpers import sign_in
from mechmatch.testing import make_customer, make_mechanic, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Name = FunnelEvent.Name


def seed_history() -> None:
    """This week: 3 top matches and 1 other pick (75 %), two requests from P0A that found no
    local mechanic, one declined offer; last week: 1 top match."""
    now = timezone.now()
    customer = make_customer(email="kpi.customer@example.test").user
    for name in [Name.TOP_MATCH_ACCEPTED] * 3 + [Name.MECHANIC_CHOSEN]:
        make_event_at(name, now - timedelta(hours=2), user=customer, source="top_match")
    make_event_at(Name.TOP_MATCH_ACCEPTED, now - timedelta(days=8), user=customer)
    mechanic = make_mechanic(display_name="Pat Supply")
    for _ in range(2):
        request = make_request_at(customer, now - timedelta(hours=3), postal_code="P0A 1A0", candidate_km=[140.0])
        make_event_at(Name.REQUEST_CREATED, now - timedelta(hours=3), user=customer, request_id=request.pk)
    make_offer(
        request, mechanic, status=Offer.Status.DECLINED, offered_at=now, response_seconds=30, decline_reason="busy"
    )


def serious_violations(page) -> list[str]:  # noqa: ANN001
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def test_an_operator_reads_the_dashboard_in_both_languages_and_downloads_a_csv(new_context, shots, tmp_path):
    seed_history()
    make_user(role="operator", email="kpi.ops@example.test")

    page = new_context(accept_downloads=True).new_page()
    sign_in(page, "kpi.ops@example.test")
    page.goto("/operators/kpis/?preset=7")
    matching = page.get_by_test_id("table-matching")
    top = matching.get_by_role("row", name="Accepted the top match")
    assert top.locator("td").all_inner_texts() == ["75.0 %", "100.0 %", "at least 85.0 %", "Not met"]
    gap = page.get_by_test_id("table-supply-gap").locator("tbody tr").first
    assert gap.locator("th, td").all_inner_texts() == ["CA", "P0A", "2", "2"]
    assert page.get_by_role("img", name="How customers chose, this period").is_visible()
    assert page.get_by_role("img", name="Intakes reaching each step, this period").is_visible()
    assert page.locator('svg[role="img"]').count() == 5
    shots(page, "dashboard-en")

    assert serious_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download “Areas where requests found no local mechanic” as CSV").click()
    saved = Path(tmp_path) / "gap.csv"
    download_info.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert rows == [["Country", "Postal area", "Requests", "Without a local mechanic"], ["CA", "P0A", "2", "2"]]

    french = page
    french.goto("/operators/kpis/?preset=30")
    french.get_by_label("Language").select_option("fr-ca")
    french.get_by_role("button", name="Change").click()
    french.wait_for_url("**/operators/kpis/?preset=30")
    assert french.get_by_role("heading", name="Qualité du jumelage").is_visible()
    top_fr = french.get_by_test_id("table-matching").get_by_role("row", name="Meilleur choix accepté")
    assert top_fr.locator("td").first.inner_text() == "80,0 %"  # 4 of 5 over the last 30 days
    assert french.get_by_role("img", name="Demandes ayant atteint chaque étape, cette période").is_visible()
    shots(french, "dashboard-fr")
    assert serious_violations(french) == []
