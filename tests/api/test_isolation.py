"""Two clients of different subtrees (alpha: A, beta: B; see conftest): every endpoint shows each
only its own subtree's records, and answers 404 for the other's, as for a unit manager."""

import pytest

from organization.models import Cadre

from .records import give_records

A_SIDE = {"CA-1", "CA-2"}
B_SIDE = {"CB-1"}

# (path, the field naming the cadre or unit of each item)
SCOPED_LISTS = [
    ("/cadres", "code"),
    ("/position-assignments", "cadre_code"),
    ("/enrolments", "cadre_code"),
    ("/completions", "cadre_code"),
    ("/certificates", "cadre_code"),
    ("/quiz-results", "cadre_code"),
    ("/external-training", "cadre_code"),
]


@pytest.fixture
def records(tree):
    give_records(Cadre.objects.filter(code__in=A_SIDE | B_SIDE))


@pytest.mark.parametrize(("path", "field"), SCOPED_LISTS)
def test_each_client_lists_only_its_subtree(records, alpha, beta, path, field):
    seen_by_alpha = {item[field] for item in alpha.get(path).json()["items"]}
    seen_by_beta = {item[field] for item in beta.get(path).json()["items"]}
    assert seen_by_alpha == A_SIDE
    assert seen_by_beta == B_SIDE


def test_units_are_the_subtree_of_each_client(alpha, beta):
    assert {u["code"] for u in alpha.get("/units").json()["items"]} == {"A", "A1"}
    assert {u["code"] for u in beta.get("/units").json()["items"]} == {"B"}


@pytest.mark.parametrize("path", ["/cadres/{cadre}", "/units/{unit}", "/cadres?unit={unit}",
                                  "/enrolments?unit={unit}", "/completions?unit={unit}", "/certificates?unit={unit}",
                                  "/quiz-results?unit={unit}", "/external-training?unit={unit}",
                                  "/position-assignments?unit={unit}", "/units?unit={unit}"])
def test_the_other_subtree_is_404_for_each_client(records, alpha, beta, path):
    assert alpha.get(path.format(cadre="CB-1", unit="B")).status_code == 404
    assert beta.get(path.format(cadre="CA-1", unit="A")).status_code == 404
    assert alpha.get(path.format(cadre="CA-1", unit="A")).status_code == 200
    assert beta.get(path.format(cadre="CB-1", unit="B")).status_code == 200


def test_tombstones_are_shown_to_the_subtree_they_came_from(alpha, beta):
    Cadre.objects.get(code="CB-1").delete()
    assert alpha.get("/tombstones", {"resource": "cadres"}).json()["items"] == []
    assert [t["key"] for t in beta.get("/tombstones", {"resource": "cadres"}).json()["items"]] == ["CB-1"]


def test_a_client_cannot_write_the_other_subtree(alpha, beta):
    cadre = alpha.post("/cadres/bulk", {"rows": [{"code": "X-1", "full_name": "Ai Đó", "unit_code": "B",
                                                  "position_code": "uv-ubkt"}]})
    assert cadre.status_code == 422
    move = alpha.post("/position-assignments/bulk", {"rows": [{"cadre_code": "CB-1", "unit_code": "A",
                                                              "position_code": "uv-ubkt", "start_date": "2026-07-01"}]})
    assert move.status_code == 422
    external = beta.post("/external-training/bulk", {"rows": [{
        "cadre_code": "CA-1", "course_name": "Lớp", "provider": "Trường", "hours": "8", "start_on": "2026-01-01",
        "end_on": "2026-01-02"}]})
    assert external.status_code == 422
    assert Cadre.objects.get(code="CB-1").unit.code == "B"
    assert not Cadre.objects.filter(code="X-1").exists()


def test_reference_lists_are_the_same_for_both(records, alpha, beta):
    for path in ("/positions", "/courses", "/targets"):
        assert alpha.get(path).json() == beta.get(path).json()
