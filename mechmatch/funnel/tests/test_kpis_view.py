from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mechmatch.experiments.models import Experiment
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.testing import make_event_at
from mechmatch.testing import make_user

pytestmark = pytest.mark.django_db

Name = FunnelEvent.Name


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_operator_sees_this_period_against_the_previous_one_with_the_targets(operator, customer):
    today = timezone.now()
    for name in [Name.TOP_MATCH_ACCEPTED] * 3 + [Name.MECHANIC_CHOSEN]:
        make_event_at(name, today - timedelta(hours=1), user=customer.user)
    make_event_at(Name.TOP_MATCH_ACCEPTED, today - timedelta(days=8), user=customer.user)

    response = signed_in(operator).get("/operators/kpis/", {"preset": "7"})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<th scope="row">Accepted the top match</th><td>75.0 %</td><td>100.0 %</td><td>at least 85.0 %</td>' in html
    assert "Not met" in html
    # Five charts, and one per active experiment (exposure per arm).
    assert html.count('role="img"') == 5 + Experiment.objects.filter(active=True).count()
    assert 'aria-labelledby="funnel-chart-title funnel-chart-desc"' in html


def test_the_dashboard_is_in_french_for_a_french_reader(operator):
    response = signed_in(operator).get("/operators/kpis/", HTTP_ACCEPT_LANGUAGE="fr-CA")
    html = response.content.decode()
    assert "Qualité du jumelage" in html and "Entonnoir de réservation" in html


@pytest.mark.parametrize("role", ["customer", "mechanic"])
def test_anyone_but_an_operator_gets_a_404(role):
    assert signed_in(make_user(role=role)).get("/operators/kpis/").status_code == 404
    assert Client().get("/operators/kpis/").status_code == 404


def test_a_staff_member_without_the_operator_role_is_an_operator_too():
    staff = make_user(role="customer", is_staff=True)
    assert signed_in(staff).get("/operators/kpis/").status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-11-10", "end": "2026-11-01"}, "end"),
        ({"start": "2026-11-10"}, "end"),
        ({"start": "not a date", "end": "2026-11-01"}, "start"),
        ({"start": "2020-01-01", "end": "2026-11-01"}, "end"),
        ({"preset": "9"}, "preset"),
    ],
)
def test_a_bad_period_is_a_400_that_names_the_field(operator, query, field):
    response = signed_in(operator).get("/operators/kpis/", query)
    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_chosen_dates_are_both_included(operator, customer):
    make_event_at(Name.MECHANIC_CHOSEN, timezone.now().replace(year=2026, month=11, day=7, hour=23), user=customer.user)
    response = signed_in(operator).get("/operators/kpis/", {"start": "2026-11-01", "end": "2026-11-07"})
    rows = {row[0]: row for row in response.context["sections"][0].tables[0].rows}
    assert rows["Choices made"][1] == "1"


def test_an_operator_chooses_which_experiments_arms_to_see(operator):
    Experiment.objects.create(
        name="rating_heavy", salt="p", treatment_percent=10, control_percent=10, treatment_policy={"rating_max": 60}
    )
    client = signed_in(operator)
    every = client.get("/operators/kpis/", {"preset": "7"}).content.decode()
    assert 'data-testid="table-arms-rating_heavy"' in every and 'data-testid="table-arms-preview_and_choose"' in every
    assert "treatment ranks with rating_max = 60" in every
    assert '<option value="rating_heavy">rating_heavy</option>' in every

    chosen = client.get("/operators/kpis/", {"experiment": "rating_heavy"})
    html = chosen.content.decode()
    assert chosen.status_code == 200
    assert 'data-testid="table-arms-rating_heavy"' in html and "table-arms-preview_and_choose" not in html
    query = {"preset": "7", "experiment": "rating_heavy", "table": "arms-rating_heavy"}
    csv = client.get("/operators/kpis/export.csv", query)
    assert csv.status_code == 200 and b"Treatment" in b"".join(csv.streaming_content)


def test_an_unknown_experiment_is_a_400_that_names_the_field(operator):
    response = signed_in(operator).get("/operators/kpis/", {"preset": "7", "experiment": "nope"})
    assert response.status_code == 400 and "experiment" in response.context["form"].errors
