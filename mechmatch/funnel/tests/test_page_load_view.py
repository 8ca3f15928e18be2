import uuid

import pytest
from django.test import Client

from mechmatch.funnel.models import PageLoad

pytestmark = pytest.mark.django_db


def beacon(client, **fields):
    return client.post("/funnel/page-load/", {"page": "preview", "view": uuid.uuid4().hex, "ms": "850", **fields})


def test_a_page_view_stores_its_load_time_once(customer):
    client = Client()
    client.force_login(customer.user)
    view = uuid.uuid4().hex

    assert beacon(client, view=view).status_code == 204
    assert beacon(client, view=view, ms="10").status_code == 204  # a replay stores nothing

    assert list(PageLoad.objects.values_list("user_id", "duration_ms")) == [(customer.user.pk, 850)]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ms": "0"}, "duration_ms"),
        ({"ms": "999999"}, "duration_ms"),
        ({"ms": "nan"}, "duration_ms"),
        ({"page": "admin"}, "page"),
        ({"view": "x"}, "view_id"),
    ],
)
def test_an_out_of_bounds_beacon_is_a_400_naming_the_field(fields, field):
    response = beacon(Client(), **fields)
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not PageLoad.objects.exists()


def test_the_beacon_is_csrf_checked():
    client = Client(enforce_csrf_checks=True)
    assert beacon(client).status_code == 403
