"""The unit levels and positions every installation gets from migration 0007_reference_data."""

import importlib

import pytest
from django.apps import apps as django_apps

from organization.models import Position, UnitLevel
from organization.reference_data import LEVELS, POSITIONS

pytestmark = pytest.mark.django_db


def test_after_migrate_the_levels_and_positions_exist():
    assert list(UnitLevel.objects.order_by("code").values_list("code", "name", "rank", "valid_from", "valid_to")) == (
        sorted(LEVELS)
    )
    assert list(
        Position.objects.order_by("code").values_list(
            "code", "name", "order", "is_committee_member", "is_fulltime", "is_deputy_chair"
        )
    ) == sorted(POSITIONS)


def test_running_the_migration_again_creates_nothing_and_keeps_an_administrators_edits():
    migration = importlib.import_module("organization.migrations.0007_reference_data")
    Position.objects.filter(code="chu-nhiem").update(name="Chủ nhiệm Ủy ban Kiểm tra")

    migration.create_reference_data(django_apps, None)

    assert UnitLevel.objects.count() == len(LEVELS)
    assert Position.objects.count() == len(POSITIONS)
    assert Position.objects.get(code="chu-nhiem").name == "Chủ nhiệm Ủy ban Kiểm tra"


def test_the_migration_recreates_what_is_missing():
    migration = importlib.import_module("organization.migrations.0007_reference_data")
    UnitLevel.objects.filter(code="chi-bo").delete()

    migration.create_reference_data(django_apps, None)

    assert UnitLevel.objects.get(code="chi-bo").rank == 3
