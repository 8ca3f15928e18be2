from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections

from mechmatch.experiments.models import Exposure
from mechmatch.experiments.services import exposure_record
from mechmatch.experiments.tests.conftest import set_arms


@pytest.mark.django_db
def test_the_first_exposure_is_recorded_once_with_the_arm(preview_experiment, customer):
    set_arms(preview_experiment, 0, 100)
    assert exposure_record(experiment_name="preview_and_choose", customer=customer.user) == "control"
    first = Exposure.objects.get()
    assert exposure_record(experiment_name="preview_and_choose", customer=customer.user) == "control"
    assert list(Exposure.objects.all()) == [first]
    assert (first.arm, first.customer_id, first.experiment_id) == ("control", customer.user.pk, preview_experiment.pk)


@pytest.mark.django_db
def test_a_customer_outside_the_arms_is_not_recorded(preview_experiment, customer):
    assert exposure_record(experiment_name="preview_and_choose", customer=customer.user) is None
    assert exposure_record(experiment_name="missing", customer=customer.user) is None
    assert not Exposure.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_record_one_exposure(customer):
    from mechmatch.experiments.models import Experiment

    Experiment.objects.update_or_create(
        name="preview_and_choose", defaults={"salt": "s", "treatment_percent": 100, "control_percent": 0}
    )
    barrier = threading.Barrier(4)
    results: list[str | None] = []

    def expose() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(exposure_record(experiment_name="preview_and_choose", customer=customer.user))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=expose) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == ["treatment"] * 4
    assert Exposure.objects.count() == 1
