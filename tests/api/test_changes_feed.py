"""The changes feed of the learning records: completions, certificates, external training and quiz
results carry `updated_at`, take `updated_since` (with a cursor, like every list) and return only
what changed since — for each client, only in its own subtree; deletions come as tombstones."""

import datetime
import importlib
import time
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from assessments.models import Sitting
from courses.models import Certificate, Completion, ExternalTraining
from organization.models import Cadre

from .records import give_records

RESOURCES = ["/completions", "/certificates", "/external-training", "/quiz-results"]


def _change(resource: str, code: str) -> int:
    """Change one record of the cadre `code` as the app would (a save), and return its id."""
    if resource == "/completions":
        record = Completion.objects.get(cadre__code=code)
        record.expires_on = datetime.date(2028, 5, 4)
    elif resource == "/certificates":
        record = Certificate.objects.get(completion__cadre__code=code)
        record.full_name = record.full_name + " (sửa)"
    elif resource == "/external-training":
        record = ExternalTraining.objects.get(cadre__code=code)
        record.hours = Decimal(20)
    else:
        record = Sitting.objects.get(cadre__code=code)
        record.current_score, record.passed = 9, True
    record.save()
    return record.pk


def _since() -> str:
    time.sleep(0.002)  # the records above are strictly older
    since = timezone.now()
    time.sleep(0.002)
    return since.isoformat()


@pytest.fixture
def records(tree):
    give_records(Cadre.objects.filter(code__in={"CA-1", "CA-2", "CB-1"}))


@pytest.mark.parametrize("resource", RESOURCES)
def test_updated_since_returns_only_the_records_changed_since(records, alpha, resource):
    everything = alpha.get(resource).json()["items"]
    assert len(everything) == 2 and all(item["updated_at"] for item in everything)
    since = _since()
    assert alpha.get(resource, {"updated_since": since}).json() == {"items": [], "next_cursor": None}

    changed = _change(resource, "CA-2")
    items = alpha.get(resource, {"updated_since": since}).json()["items"]
    assert [item["id"] for item in items] == [changed]
    assert items[0]["updated_at"] > since.replace("+00:00", "Z")[:19]


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_changes_of_each_resource_page_with_a_cursor(records, alpha, resource):
    since = _since()
    changed = {_change(resource, "CA-1"), _change(resource, "CA-2")}
    first = alpha.get(resource, {"updated_since": since, "limit": 1}).json()
    assert first["next_cursor"]
    second = alpha.get(resource, {"updated_since": since, "limit": 1, "cursor": first["next_cursor"]}).json()
    assert second["next_cursor"] is None
    assert {item["id"] for item in first["items"] + second["items"]} == changed


@pytest.mark.parametrize("resource", RESOURCES)
def test_each_client_sees_the_changes_of_its_own_subtree_only(records, alpha, beta, resource):
    since = _since()
    mine, theirs = _change(resource, "CA-1"), _change(resource, "CB-1")
    assert [i["id"] for i in alpha.get(resource, {"updated_since": since}).json()["items"]] == [mine]
    assert [i["id"] for i in beta.get(resource, {"updated_since": since}).json()["items"]] == [theirs]
    assert alpha.get(resource, {"updated_since": since, "unit": "B"}).status_code == 404


@pytest.mark.parametrize(("resource", "tombstone"), [
    ("/completions", "completions"), ("/certificates", "certificates"), ("/external-training", "external-training"),
    ("/quiz-results", "quiz-results"),
])
def test_a_deleted_record_comes_as_a_tombstone_to_its_subtree_only(records, alpha, beta, resource, tombstone):
    since = _since()
    model = {"/completions": Completion, "/certificates": Certificate, "/external-training": ExternalTraining,
             "/quiz-results": Sitting}[resource]
    cadre_path = "completion__cadre__code" if resource == "/certificates" else "cadre__code"
    record = model.objects.get(**{cadre_path: "CB-1"})
    pk = record.pk
    record.delete()
    seen = beta.get("/tombstones", {"resource": tombstone, "updated_since": since}).json()["items"]
    assert [t["object_id"] for t in seen] == [pk]
    assert alpha.get("/tombstones", {"resource": tombstone, "updated_since": since}).json()["items"] == []


def test_the_migration_dates_existing_records_when_they_were_recorded(records):
    old = timezone.now() - datetime.timedelta(days=400)
    Completion.objects.update(created_at=old)
    ExternalTraining.objects.update(created_at=old - datetime.timedelta(days=1))
    Sitting.objects.update(end=old - datetime.timedelta(days=2))
    importlib.import_module("courses.migrations.0013_changes_feed_updated_at").fill(apps, None)
    importlib.import_module("assessments.migrations.0005_sitting_updated_at").fill(apps, None)
    assert set(Completion.objects.values_list("updated_at", flat=True)) == {old}
    assert set(Certificate.objects.values_list("updated_at", flat=True)) == {old}
    assert set(ExternalTraining.objects.values_list("updated_at", flat=True)) == {old - datetime.timedelta(days=1)}
    assert set(Sitting.objects.values_list("updated_at", flat=True)) == {old - datetime.timedelta(days=2)}
