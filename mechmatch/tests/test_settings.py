from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from mechmatch.settings import env_bool


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only setting")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.parametrize("value", ["true", "True", "TRUE", " true ", "1", "yes", "on"])
def test_a_boolean_variable_reads_true_from_true_in_any_case(monkeypatch, value):
    monkeypatch.setenv("MECHMATCH_TEST_FLAG", value)
    assert env_bool("MECHMATCH_TEST_FLAG", False) is True


@pytest.mark.parametrize("value", ["false", "False", "FALSE", "0", "no", "off"])
def test_a_boolean_variable_reads_false_from_false_in_any_case(monkeypatch, value):
    monkeypatch.setenv("MECHMATCH_TEST_FLAG", value)
    assert env_bool("MECHMATCH_TEST_FLAG", True) is False


@pytest.mark.parametrize("value", [None, "", "  "])
def test_an_unset_or_empty_boolean_variable_takes_its_default(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("MECHMATCH_TEST_FLAG", raising=False)
    else:
        monkeypatch.setenv("MECHMATCH_TEST_FLAG", value)
    assert env_bool("MECHMATCH_TEST_FLAG", True) is True
    assert env_bool("MECHMATCH_TEST_FLAG", False) is False


@pytest.mark.parametrize("value", ["ture", "flase", "2", "enabled", "y"])
def test_a_typo_in_a_boolean_variable_stops_the_start_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("MECHMATCH_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match=f"MECHMATCH_TEST_FLAG='{value}' is not a boolean"):
        env_bool("MECHMATCH_TEST_FLAG")


def test_a_metrics_token_shorter_than_24_characters_stops_the_start(monkeypatch):
    from mechmatch.settings import env_secret

    monkeypatch.setenv("MECHMATCH_TEST_TOKEN", "short-token")
    with pytest.raises(ImproperlyConfigured, match="MECHMATCH_TEST_TOKEN is too short"):
        env_secret("MECHMATCH_TEST_TOKEN", min_length=24)
    monkeypatch.setenv("MECHMATCH_TEST_TOKEN", "x" * 24)
    assert env_secret("MECHMATCH_TEST_TOKEN", min_length=24) == "x" * 24
    monkeypatch.delenv("MECHMATCH_TEST_TOKEN")
    assert env_secret("MECHMATCH_TEST_TOKEN", min_length=24) == ""


def test_the_settings_refuse_a_short_metrics_token_at_start_up(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "METRICS_TOKEN": "too-short", "DJANGO_SETTINGS_MODULE": "mechmatch.settings"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "METRICS_TOKEN is too short" in done.stderr


@pytest.mark.parametrize("value", ["three", "2.5", "1e3"])
def test_a_whole_number_variable_that_is_not_one_stops_the_start_naming_it(monkeypatch, value):
    from mechmatch.settings import env_int

    monkeypatch.setenv("MECHMATCH_TEST_COUNT", value)
    with pytest.raises(ImproperlyConfigured, match="MECHMATCH_TEST_COUNT.*whole number"):
        env_int("MECHMATCH_TEST_COUNT", 4)


def test_a_number_below_its_minimum_stops_the_start_naming_it(monkeypatch):
    from mechmatch.settings import env_float, env_int

    monkeypatch.setenv("MECHMATCH_TEST_COUNT", "0")
    with pytest.raises(ImproperlyConfigured, match="MECHMATCH_TEST_COUNT='0' is below its minimum of 1"):
        env_int("MECHMATCH_TEST_COUNT", 4, minimum=1)
    monkeypatch.setenv("MECHMATCH_TEST_SECONDS", "-0.5")
    with pytest.raises(ImproperlyConfigured, match="MECHMATCH_TEST_SECONDS"):
        env_float("MECHMATCH_TEST_SECONDS", 1.0)


def test_unset_numbers_take_their_default_and_set_ones_are_read(monkeypatch):
    from mechmatch.settings import env_float, env_int

    monkeypatch.delenv("MECHMATCH_TEST_COUNT", raising=False)
    assert env_int("MECHMATCH_TEST_COUNT", 4, minimum=1) == 4
    monkeypatch.setenv("MECHMATCH_TEST_SECONDS", " 2.5 ")
    assert env_float("MECHMATCH_TEST_SECONDS", 1.0) == 2.5
