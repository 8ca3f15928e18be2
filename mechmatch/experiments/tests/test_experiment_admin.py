from __future__ import annotations

import pytest
from django.test import Client

from mechmatch.experiments.models import Experiment, Exposure
from mechmatch.experiments.services import exposure_record
from mechmatch.experiments.tests.conftest import set_arms

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client


def test_an_operator_sets_the_arms_to_ten_and_ten(operator_client, preview_experiment):
    url = f"/admin/experiments/experiment/{preview_experiment.pk}/change/"
    assert operator_client.get(url).status_code == 200
    response = operator_client.post(
        url, {"description": "first", "treatment_percent": "10", "control_percent": "10", "active": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    preview_experiment.refresh_from_db()
    assert (preview_experiment.treatment_percent, preview_experiment.control_percent) == (10, 10)


def test_arms_adding_up_to_more_than_everyone_are_refused(operator_client, preview_experiment):
    url = f"/admin/experiments/experiment/{preview_experiment.pk}/change/"
    response = operator_client.post(url, {"treatment_percent": "60", "control_percent": "50", "active": "on"})
    assert response.status_code == 200
    preview_experiment.refresh_from_db()
    assert preview_experiment.treatment_percent == 0


def test_exposures_are_listed_read_only(operator_client, preview_experiment, customer):
    set_arms(preview_experiment, 100, 0)
    exposure_record(experiment_name="preview_and_choose", customer=customer.user)
    exposure = Exposure.objects.get()
    assert operator_client.get("/admin/experiments/exposure/").status_code == 200
    assert operator_client.get("/admin/experiments/experiment/").status_code == 200
    operator_client.post(f"/admin/experiments/exposure/{exposure.pk}/change/", {"arm": "control"})
    exposure.refresh_from_db()
    assert exposure.arm == "treatment"


def test_a_customer_cannot_reach_the_experiments_admin(customer, preview_experiment):
    client = Client()
    client.force_login(customer.user)
    assert client.get("/admin/experiments/experiment/").status_code == 302


def add_experiment(operator_client, treatment_policy: str):
    return operator_client.post(
        "/admin/experiments/experiment/add/",
        {
            "name": "rating_heavy",
            "salt": "pepper",
            "treatment_percent": "10",
            "control_percent": "10",
            "active": "on",
            "treatment_policy": treatment_policy,
        },
    )


def test_an_operator_starts_a_scoring_policy_experiment_with_its_treatment_weights(operator_client):
    response = add_experiment(operator_client, '{"rating_max": 60, "favourite": 12}')
    assert response.status_code == 302, response.content.decode()[:2000]
    experiment = Experiment.objects.get(name="rating_heavy")
    assert experiment.treatment_policy == {"favourite": 12.0, "rating_max": 60.0}
    listing = operator_client.get("/admin/experiments/experiment/").content.decode()
    assert "favourite=12.0, rating_max=60.0" in listing


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ('{"ratng_max": 60}', "ratng_max: ScoringPolicy has no such weight"),
        ('{"rating_max": 100000}', "rating_max: 100000 is outside 0..1000"),
        ('{"rating_max": "high"}', "rating_max: &#x27;high&#x27; is not a number"),
    ],
)
def test_a_bad_treatment_weight_is_shown_against_the_field_naming_the_weight(operator_client, weights, message):
    response = add_experiment(operator_client, weights)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="id_treatment_policy_error"' in html or "field-treatment_policy" in html
    assert not Experiment.objects.filter(name="rating_heavy").exists()
