"""What a sync client does with the resources: upserts by code (idempotent, audited with the client as
actor), position changes, external training that counts, pages with cursors, the changes feed and
its tombstones, ETags."""

import datetime
from decimal import Decimal

from wagtail.models import ModelLogEntry

from courses.models import ExternalTraining
from courses.selectors import training_hours
from organization.models import Cadre, PositionAssignment

ROW = {"code": "CA-9", "full_name": "Phạm Thị Mới", "unit_code": "A1", "position_code": "uv-ubkt",
       "gender": "f", "date_of_birth": "1985-04-30", "email": "moi@example.vn"}


def test_the_same_cadre_payload_twice_creates_once_then_changes_nothing(alpha):
    first = alpha.post("/cadres/bulk", {"rows": [ROW]})
    assert first.status_code == 200, first.content
    assert first.json()["created"] == 1
    cadre = Cadre.objects.get(code="CA-9")
    assert (cadre.unit.code, cadre.gender, cadre.date_of_birth) == ("A1", "f", datetime.date(1985, 4, 30))
    entries = ModelLogEntry.objects.filter(action="ktlearn.api.write")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.user == alpha.client.user and entry.data["keys"] == ["CA-9"]
    assert entry.data["actor"] == alpha.client.user.username
    stamp = cadre.updated_at

    second = alpha.post("/cadres/bulk", {"rows": [ROW]})
    assert second.json() == {**second.json(), "created": 0, "updated": 0, "unchanged": 1}
    assert Cadre.objects.get(code="CA-9").updated_at == stamp
    assert entries.count() == 1  # nothing written, nothing audited


def test_put_by_code_updates_one_cadre_and_records_the_move_as_history(alpha, tree):
    response = alpha.put("/cadres/CA-1", {**ROW, "code": "ignored", "full_name": "Nguyễn Văn An", "unit_code": "A1"})
    assert response.status_code == 200, response.content
    assert response.json()["updated"] == 1
    cadre = Cadre.objects.get(code="CA-1")
    assert cadre.unit == tree["A1"]
    assert [a.unit.code for a in cadre.assignments.order_by("start_date")][-1] == "A1"


def test_position_assignments_bulk_records_a_dated_change_and_is_idempotent(alpha, tree):
    payload = {"rows": [{"cadre_code": "CA-1", "unit_code": "A1", "position_code": "uv-ubkt",
                         "start_date": "2025-07-01", "reason": "Điều động"}]}
    first = alpha.post("/position-assignments/bulk", payload)
    assert first.status_code == 200, first.content
    assert first.json()["created"] == 1
    history = list(PositionAssignment.objects.filter(cadre__code="CA-1").order_by("start_date"))
    assert [(a.unit.code, a.end_date) for a in history] == [("A", datetime.date(2025, 6, 30)), ("A1", None)]
    again = alpha.post("/position-assignments/bulk", payload)
    assert again.json()["unchanged"] == 1
    assert PositionAssignment.objects.filter(cadre__code="CA-1").count() == 2


def test_external_training_counts_toward_the_cadres_hours_and_is_idempotent(alpha):
    row = {"cadre_code": "CA-2", "course_name": "Bồi dưỡng nghiệp vụ kiểm tra", "provider": "Trường Chính trị tỉnh",
           "hours": "24.0", "start_on": "2026-03-02", "end_on": "2026-03-06"}
    assert alpha.post("/external-training/bulk", {"rows": [row]}).json()["created"] == 1
    cadre = Cadre.objects.get(code="CA-2")
    assert training_hours(cadre=cadre, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31)) == Decimal(24)
    assert alpha.post("/external-training/bulk", {"rows": [row]}).json()["unchanged"] == 1
    conflict = alpha.post("/external-training/bulk", {"rows": [{**row, "hours": "30"}]})
    assert conflict.status_code == 409
    assert ExternalTraining.objects.count() == 1
    listed = alpha.get("/external-training").json()["items"]
    assert [(t["cadre_code"], t["hours"]) for t in listed] == [("CA-2", "24.0")]


def test_cursor_pages_walk_every_cadre_once(alpha):
    for i in range(5):
        alpha.post("/cadres/bulk", {"rows": [{**ROW, "code": f"P-{i}", "email": ""}]})
    seen, cursor = [], None
    while True:
        body = alpha.get("/cadres", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [c["code"] for c in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(["CA-1", "CA-2", *[f"P-{i}" for i in range(5)]])
    assert len(seen) == len(set(seen))


def test_updated_since_returns_only_what_changed_and_deletions_come_as_tombstones(alpha, beta):
    since = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(milliseconds=1)).isoformat()
    Cadre.objects.filter(code="CA-1").update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    Cadre.objects.filter(code="CA-2").update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    alpha.put("/cadres/CA-2", {**ROW, "code": "CA-2", "full_name": "Trần Thị Ánh Mai"})
    changed = alpha.get("/cadres", {"updated_since": since}).json()["items"]
    assert [c["code"] for c in changed] == ["CA-2"]

    Cadre.objects.get(code="CA-2").delete()
    gone = alpha.get("/tombstones", {"resource": "cadres", "updated_since": since}).json()["items"]
    assert [(t["resource"], t["key"]) for t in gone] == [("cadres", "CA-2")]
    assert alpha.get("/tombstones", {"resource": "position-assignments"}).json()["items"]
    assert beta.get("/tombstones").json()["items"] == []


def test_a_read_answers_304_to_its_own_etag_and_200_once_it_changed(alpha):
    first = alpha.get("/cadres")
    etag = first["ETag"]
    assert etag
    again = alpha.get("/cadres", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    alpha.put("/cadres/CA-1", {**ROW, "code": "CA-1", "full_name": "Nguyễn Văn An Khang", "unit_code": "A"})
    changed = alpha.get("/cadres", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_units_come_with_level_kind_parent_and_dated_placements(alpha):
    units = {u["code"]: u for u in alpha.get("/units").json()["items"]}
    assert set(units) == {"A", "A1"}
    assert units["A1"]["parent_code"] == "A" and units["A1"]["kind"] == "commune"
    assert units["A1"]["placements"] == [{"parent_code": "A", "valid_from": None, "valid_to": None}]


def test_a_cadre_comes_with_their_position_history(alpha):
    body = alpha.get("/cadres/CA-1").json()
    assert body["unit_code"] == "A" and body["position_code"] == "uv-ubkt"
    assert [(h["unit_code"], h["end_date"]) for h in body["history"]] == [("A", None)]
