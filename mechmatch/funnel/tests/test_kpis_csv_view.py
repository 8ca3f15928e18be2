import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from mechmatch.funnel.testing import make_request_at

pytestmark = pytest.mark.django_db


def download(user, **query):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get("/operators/kpis/export.csv", {"preset": "7", **query})


def test_a_table_downloads_as_streamed_csv_with_the_page_s_numbers(operator, customer):
    make_request_at(customer.user, timezone.now(), postal_code="P0A 1A0", candidate_km=[150.0])

    response = download(operator, table="supply-gap")

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="kpi-supply-gap-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [["Country", "Postal area", "Requests", "Without a local mechanic"], ["CA", "P0A", "1", "1"]]


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_escaped(operator, customer):
    make_request_at(customer.user, timezone.now(), country="=cmd", postal_code="@SUM", candidate_km=[])

    response = download(operator, table="supply-gap")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][:2] == ["'=cmd", "'@SU"]


def test_an_unknown_table_or_an_outsider_gets_a_404(operator, customer):
    assert download(operator, table="nope").status_code == 404
    assert download(customer.user, table="funnel").status_code == 404
    assert download(None, table="funnel").status_code == 404
