"""The data migration that lets the existing Operators group add experiments."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from mechmatch.accounts.services import OPERATOR_GROUP

pytestmark = pytest.mark.django_db
migration = importlib.import_module("mechmatch.experiments.migrations.0004_operators_add_experiments")


def test_the_existing_operators_group_may_add_experiments_and_the_reverse_takes_it_back(operator):
    group = Group.objects.get(name=OPERATOR_GROUP)
    assert migration.OPERATOR_GROUP == OPERATOR_GROUP
    migration.revoke(apps, None)
    assert not group.permissions.filter(codename="add_experiment").exists()
    migration.grant(apps, None)
    assert group.permissions.filter(codename="add_experiment").exists()


def test_without_an_operators_group_it_does_nothing():
    Group.objects.filter(name=OPERATOR_GROUP).delete()
    migration.grant(apps, None)
    assert not Group.objects.filter(name=OPERATOR_GROUP).exists()
