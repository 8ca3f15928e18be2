"""An operator sets the preview-and-choose experiment to 10% / 10% in the admin; the customers
who meet it afterwards split between the arms, and the dashboard shows the KPIs per arm."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mechmatch.experiments.models import Experiment
from mechmatch.experiments.selectors import PREVIEW_AND_CHOOSE, experiment_arm
from mechmatch.experiments.services import exposure_record
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.testing import make_event_at
from mechmatch.funnel.tests.browser.test_kpi_dashboard import serious_violations
from mechmatch.journey.tests.browser.helpers import sign_in
from mechmatch.testing import make_customer, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operator_sets_an_experiment_to_10_10_and_sees_the_kpis_per_arm(new_context, shots):
    experiment, _ = Experiment.objects.get_or_create(
        name=PREVIEW_AND_CHOOSE, defaults={"salt": "browser-test", "treatment_percent": 0, "control_percent": 0}
    )
    make_user(role="operator", email="arms.ops@example.test")
    page = new_context().new_page()
    sign_in(page, "arms.ops@example.test")

    page.goto(f"/admin/experiments/experiment/{experiment.pk}/change/")
    page.get_by_label("Treatment percent").fill("10")
    page.get_by_label("Control percent").fill("10")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/experiments/experiment/")
    experiment.refresh_from_db()
    assert (experiment.treatment_percent, experiment.control_percent) == (10, 10)
    shots(page, "admin-10-10")

    # 120 customers meet the experiment; each enrolled one accepts the top match.
    arms = {"treatment": 0, "control": 0}
    for _ in range(120):
        user = make_customer().user
        arm = exposure_record(experiment_name=PREVIEW_AND_CHOOSE, customer=user)
        assert arm == experiment_arm(experiment, user.pk)
        if arm is not None:
            arms[arm] += 1
            make_event_at(FunnelEvent.Name.TOP_MATCH_ACCEPTED, timezone.now() - timedelta(minutes=5), user=user)
    assert arms["treatment"] > 0 and arms["control"] > 0

    page.goto("/operators/kpis/?preset=7")
    table = page.get_by_test_id(f"table-arms-{PREVIEW_AND_CHOOSE}")
    for arm, label in [("treatment", "Treatment"), ("control", "Control")]:
        cells = table.get_by_role("row", name=label).locator("th, td").all_inner_texts()
        assert cells[:2] == [label, str(arms[arm])]
        assert cells[2].startswith("100.0 % (")  # top match share with its interval
    ratio = page.get_by_test_id("table-sample-ratio").get_by_role("row", name=PREVIEW_AND_CHOOSE)
    assert ratio.locator("td").nth(1).inner_text() == f"{arms['treatment']} / {arms['control']}"
    assert page.get_by_role("img", name=f"Customers exposed per arm of {PREVIEW_AND_CHOOSE}").is_visible()
    shots(page, "dashboard-arms")
    assert serious_violations(page) == []
