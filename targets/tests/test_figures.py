"""The stored figures: right for any past date (dated tree, framework versions), final for ended
periods, in time apart from missing, first terms only, and fresh after every kind of write.

The tree of the past-dates tests (all cadres hold "uv" since 2020):

  P [province]
  ├─ B1 [body]            C1 sits here until 30/06/2024
  │  └─ C1 [commune]      a (A1=2 from 2022), b (A1=1 from 2022; A1=2 from 01/06/2026)
  └─ B2 [body]            e (A1=2 from 2024); C1 moved here on 01/07/2024
     ├─ W1 [ward]         c (A1=1 from 2022); d arrives with the merge
     └─ W2 [ward]         d (no evidence); merged into W1 on 01/03/2025

Framework 2023 (from 01/01/2023) requires A1 ≥ 1; framework 2025 (from 01/01/2025) requires A1 ≥ 2.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from competency.models import EvidenceSource
from competency.services import evidence_record
from competency.tests.builders import make_framework, require
from lms.signals import records_batch
from organization import roles
from organization.models import Unit, UnitKind
from organization.services import cadre_position_change, unit_merge, unit_move
from targets import freshness
from targets.figures import figures_compute, subtree_rows
from targets.models import CadreState, Criterion, FigureSet, PopulationAt
from targets.reports import report_data
from targets.selectors import target_missing, target_rollup
from targets.services import target_create
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, unit_tree_root

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()


def _numbers(rows):
    codes = dict(Unit.objects.values_list("id", "code"))
    return {codes[r.unit_id]: (r.population, r.met) for r in rows}


@pytest.fixture
def changing_tree():
    uv = PositionFactory(code="uv", name="Ủy viên")
    v2023 = make_framework(version="2023", active=False, competencies=("A1",))
    v2023.effective_from = D(2023, 1, 1)
    v2023.save()
    require(v2023, "A1", uv, 1)
    v2025 = make_framework(version="2025", active=True, competencies=("A1",))
    v2025.effective_from = D(2025, 1, 1)
    v2025.save()
    require(v2025, "A1", uv, 2)
    p = unit_tree_root()
    b1 = add_unit(p, "B1")
    c1 = add_unit(b1, "C1", kind=UnitKind.COMMUNE)
    b2 = add_unit(p, "B2")
    w1 = add_unit(b2, "W1", kind=UnitKind.WARD)
    w2 = add_unit(b2, "W2", kind=UnitKind.WARD)
    old_a1 = v2023.competencies.get(code="A1")
    new_a1 = v2025.competencies.get(code="A1")

    def cadre(name, unit, *evidence):
        person = CadreFactory(full_name=name, unit=unit, position=uv)
        for competency, level, on in evidence:
            evidence_record(cadre=person, competency=competency, level=level, source=EvidenceSource.QUIZ,
                            obtained_on=on, source_ref=f"{name}:{on}")
        return person

    cadre("An", c1, (old_a1, 2, D(2022, 6, 1)))
    cadre("Bình", c1, (old_a1, 1, D(2022, 6, 1)), (new_a1, 2, D(2026, 6, 1)))
    cadre("Cường", w1, (old_a1, 1, D(2022, 6, 1)))
    cadre("Dũng", w2)
    cadre("Em", b2, (new_a1, 2, D(2024, 3, 1)))
    unit_move(unit=Unit.objects.get(pk=c1.pk), parent=Unit.objects.get(pk=b2.pk), on=D(2024, 7, 1))
    unit_merge(source=Unit.objects.get(pk=w2.pk), target=Unit.objects.get(pk=w1.pk), on=D(2025, 3, 1))
    target = target_create(
        code="nl", name="Đạt khung năng lực", period_start=D(2022, 1, 1), period_end=D(2030, 12, 31),
        positions=[uv], criterion=Criterion.COMPETENT, population_at=PopulationAt.TODAY,
    )
    return {"target": target, "p": Unit.objects.get(pk=p.pk), "uv": uv, "v2025": v2025}


def test_2023_figures_use_the_tree_and_framework_of_2023(changing_tree):
    # C1 is still under B1; W2 still exists; framework 2023 asks A1 ≥ 1; Em's evidence is from 2024.
    rows = target_rollup(target=changing_tree["target"], root_unit=changing_tree["p"], on=D(2023, 6, 30))
    assert _numbers(rows) == {
        "P": (5, 3), "B1": (2, 2), "C1": (2, 2), "B2": (3, 1), "W1": (1, 1), "W2": (1, 0),
    }


def test_2025_figures_use_the_tree_and_framework_of_2025(changing_tree):
    # C1 under B2 since 07/2024; Dũng in W1 since the merge; framework 2025 asks A1 ≥ 2.
    rows = target_rollup(target=changing_tree["target"], root_unit=changing_tree["p"], on=D(2025, 12, 31))
    assert _numbers(rows) == {
        "P": (5, 2), "B1": (0, 0), "C1": (2, 1), "B2": (5, 2), "W1": (2, 0), "W2": (0, 0),
    }


def test_todays_figures_count_the_evidence_of_2026(changing_tree):
    assert _numbers(target_rollup(target=changing_tree["target"], root_unit=changing_tree["p"], on=TODAY)) == {
        "P": (5, 3), "B1": (0, 0), "C1": (2, 2), "B2": (5, 3), "W1": (2, 0), "W2": (0, 0),
    }


def test_a_2023_report_run_today_gives_the_2023_answer(changing_tree):
    data = report_data(target=changing_tree["target"], unit=Unit.objects.get(code="B1"), on=D(2023, 6, 30))
    assert [(unit.code, row.population, row.met) for unit, row, _forecast in data.rows] == [("B1", 2, 2), ("C1", 2, 2)]
    assert data.missing == []
    data = report_data(target=changing_tree["target"], unit=Unit.objects.get(code="B2"), on=D(2023, 6, 30))
    assert {m.cadre.full_name for m in data.missing} == {"Dũng", "Em"}


def test_the_missing_reasons_of_a_past_date_quote_that_dates_framework(changing_tree):
    [why] = [m.reasons for m in target_missing(target=changing_tree["target"], unit=Unit.objects.get(code="W1"),
                                               on=D(2025, 12, 31)) if m.cadre.full_name == "Cường"]
    assert why == ["A1 Năng lực A1: level 1 of 2"]


def test_a_move_is_refused_under_its_own_subtree(changing_tree):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="under itself"):
        unit_move(unit=Unit.objects.get(code="B2"), parent=Unit.objects.get(code="C1"), on=TODAY)
    assert Unit.objects.get(code="C1").get_parent().code == "B2"


# --- Newly elected members: first terms only, in time apart from missing -----------------------------------------


@pytest.fixture
def newly_elected():
    uv = PositionFactory(code="uv", name="Ủy viên")
    p = unit_tree_root()
    c = add_unit(p, "C", kind=UnitKind.COMMUNE)
    soon = TODAY - datetime.timedelta(days=20)  # deadline in 70 days: still in time
    late = TODAY - datetime.timedelta(days=200)  # deadline passed 110 days ago
    people = {
        "in_time": CadreFactory(full_name="Mới Bầu", unit=c, position=uv, appointed_on=soon),
        "late": CadreFactory(full_name="Quá Hạn", unit=c, position=uv, appointed_on=late),
        "trained": CadreFactory(full_name="Đã Học", unit=c, position=uv, appointed_on=late),
        "reelected": CadreFactory(full_name="Tái Cử", unit=c, position=uv, appointed_on=late),
    }
    people["reelected"].assignments.update(first_term=False)
    target = target_create(
        code="moi", name="Bồi dưỡng ủy viên mới", period_start=TODAY - datetime.timedelta(days=365),
        period_end=TODAY + datetime.timedelta(days=365), positions=[uv], criterion=Criterion.TRAINED,
        min_hours=Decimal(8), newly_elected_deadline_days=90,
    )
    return {"target": target, "p": Unit.objects.get(pk=p.pk), "people": people, "late": late}


def _train(cadre, on, hours=8):
    from courses.models import ExternalTraining

    ExternalTraining.objects.create(cadre=cadre, course_name="Lớp bồi dưỡng", provider="Trường Chính trị tỉnh",
                                    start_on=on, end_on=on, hours=Decimal(hours))


def test_in_time_members_are_neither_met_nor_missing_and_reelected_are_not_counted(newly_elected):
    _train(newly_elected["people"]["trained"], newly_elected["late"] + datetime.timedelta(days=30))
    [top, _c] = target_rollup(target=newly_elected["target"], root_unit=newly_elected["p"], on=TODAY)
    assert (top.population, top.met, top.in_time, top.not_met) == (3, 1, 1, 1)
    missing = target_missing(target=newly_elected["target"], unit=newly_elected["p"], on=TODAY)
    assert [m.cadre.full_name for m in missing] == ["Quá Hạn"]
    in_time = target_missing(target=newly_elected["target"], unit=newly_elected["p"], on=TODAY,
                             state=CadreState.IN_TIME)
    assert [(m.cadre.full_name, m.deadline) for m in in_time] == [
        ("Mới Bầu", newly_elected["people"]["in_time"].appointed_on + datetime.timedelta(days=90))]


def test_an_election_after_an_earlier_committee_term_is_not_a_first_term(newly_elected):
    person = newly_elected["people"]["late"]
    other = add_unit(newly_elected["p"], "C2", kind=UnitKind.COMMUNE)
    assignment = cadre_position_change(cadre=person, unit=other, position=person.position, on=TODAY, appointed=True)
    assert assignment.first_term is False
    office = PositionFactory(code="vp", is_committee_member=False)
    newcomer = CadreFactory(full_name="Chưa Từng", unit=other, position=office)
    assert cadre_position_change(cadre=newcomer, unit=other, position=person.position, on=TODAY,
                                 appointed=True).first_term is True


# --- Ended periods ------------------------------------------------------------------------------------------------


def test_an_ended_period_shows_its_final_result_without_forecast(changing_tree, client):
    ended = target_create(
        code="cu", name="Giai đoạn 2022–2025", period_start=D(2022, 1, 1), period_end=D(2025, 12, 31),
        positions=[changing_tree["uv"]], criterion=Criterion.COMPETENT,
    )
    client.force_login(UserFactory(username="bt", role=roles.BOARD))
    response = client.get("/board/", {"target": ended.pk})
    body = response.content.decode()
    assert response.context["data"].final and response.context["data"].taken_on == D(2025, 12, 31)
    assert "Final result: the period ended on 31/12/2025" in body
    assert "Forecast at the period&#x27;s end" not in body and "Forecast at the period's end" not in body
    assert "Units below the goal" in body
    # A leaf unit: no units chart, no "units will miss".
    response = client.get("/board/", {"target": ended.pk, "unit": Unit.objects.get(code="C1").pk})
    body = response.content.decode()
    assert response.context["data"].is_leaf
    assert "units-chart" not in body and "Units below the goal" not in body


# --- Fresh after writes -------------------------------------------------------------------------------------------


def _set(target, on=TODAY):
    return FigureSet.objects.get(target=target, on=target.figures_date(on))


def test_a_backdated_record_marks_that_date_and_later_stale_and_the_refresh_recomputes(
    changing_tree, django_capture_on_commit_callbacks
):
    target, p = changing_tree["target"], changing_tree["p"]
    figures_compute(target=target, on=D(2023, 6, 30))
    figures_compute(target=target, on=D(2025, 12, 31))
    figures_compute(target=target, on=TODAY)
    FigureSet.objects.update(wanted_at=timezone.now())  # all three are being looked at
    cuong = changing_tree["target"].positions.get().cadres.get(full_name="Cường")
    with django_capture_on_commit_callbacks(execute=True):
        evidence_record(cadre=cuong, competency=changing_tree["v2025"].competencies.get(code="A1"), level=2,
                        source=EvidenceSource.QUIZ, obtained_on=D(2025, 6, 1), source_ref="late-entry")
    # The refresh ran (eagerly here; after KTLEARN_FIGURES_DEBOUNCE_SECONDS with a worker).
    assert not _set(target, D(2023, 6, 30)).is_stale
    assert _numbers(subtree_rows(_set(target, D(2025, 12, 31)), p))["W1"] == (2, 1)
    assert _numbers(subtree_rows(_set(target, TODAY), p))["W1"] == (2, 1)
    assert _numbers(subtree_rows(_set(target, D(2023, 6, 30)), p))["W1"] == (1, 1)  # unchanged: before the entry
    assert _set(target, D(2023, 6, 30)).version == 1  # not even marked


def test_a_write_marks_stale_but_the_refresh_waits_for_writes_to_pause(changing_tree):
    target = changing_tree["target"]
    figures_compute(target=target, on=TODAY)
    freshness._mark(on=D(2026, 1, 1), target_ids=None)  # what a write's commit does
    figure_set = _set(target)
    assert figure_set.is_stale and figure_set.refresh_queued_at is not None
    assert "waited" in freshness.figures_refresh(debounce_seconds=30)
    assert _set(target).is_stale
    FigureSet.objects.update(changed_at=F("changed_at") - datetime.timedelta(seconds=31))
    assert freshness.figures_refresh(debounce_seconds=30) == {"computed": 1, "failed": 0}
    assert not _set(target).is_stale


def test_a_batch_of_many_writes_marks_once_from_its_earliest_date(
    changing_tree, django_capture_on_commit_callbacks, monkeypatch
):
    target = changing_tree["target"]
    figures_compute(target=target, on=TODAY)
    marks = []
    monkeypatch.setattr(freshness, "_mark", lambda **kwargs: marks.append(kwargs))
    cadres = list(target.positions.get().cadres.all())
    competency = changing_tree["v2025"].competencies.get(code="A1")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic(), records_batch():
        for i, cadre in enumerate(cadres * 10):
            evidence_record(cadre=cadre, competency=competency, level=1, source=EvidenceSource.QUIZ,
                            obtained_on=D(2025, 3, 1) - datetime.timedelta(days=i), source_ref=f"batch-{i}")
    assert len(marks) == 1  # fifty writes, one mark (and one refresh)
    assert marks[0]["on"] == D(2025, 3, 1) - datetime.timedelta(days=len(cadres) * 10 - 1)
    assert set(marks[0]["target_ids"]) == {target.pk}  # evidence touches the competency targets only

    marks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for cadre in cadres[:3]:  # outside a batch each write marks after its own commit
            evidence_record(cadre=cadre, competency=competency, level=2, source=EvidenceSource.QUIZ,
                            obtained_on=D(2025, 6, 1), source_ref="single")
    assert len(marks) == 3


def test_a_batch_that_rolls_back_marks_nothing(changing_tree, django_capture_on_commit_callbacks, monkeypatch):
    target = changing_tree["target"]
    marks = []
    monkeypatch.setattr(freshness, "_mark", lambda **kwargs: marks.append(kwargs))
    cadre = target.positions.get().cadres.first()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic(), records_batch():
            evidence_record(cadre=cadre, competency=changing_tree["v2025"].competencies.get(code="A1"), level=1,
                            source=EvidenceSource.QUIZ, obtained_on=D(2022, 1, 1), source_ref="rolled-back")
            raise RuntimeError("the import failed half-way")
    assert marks == []


@pytest.mark.parametrize("change", ["target", "framework", "move", "assignment"])
def test_every_kind_of_write_marks_the_figures_stale(changing_tree, change, django_capture_on_commit_callbacks):
    target = changing_tree["target"]
    figures_compute(target=target, on=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        if change == "target":
            target.goal_percent = 90
            target.save()
        elif change == "framework":
            require(changing_tree["v2025"], "A1", changing_tree["uv"], 3, kind=UnitKind.WARD)
        elif change == "move":
            unit_move(unit=Unit.objects.get(code="W1"), parent=Unit.objects.get(code="B1"), on=TODAY)
        else:
            person = target.positions.get().cadres.get(full_name="An")
            cadre_position_change(cadre=person, unit=Unit.objects.get(code="W1"), position=person.position, on=TODAY)
    figure_set = _set(target)
    assert figure_set.version > 1 and figure_set.computed_version == figure_set.version  # marked, then computed again


def test_the_page_says_when_the_figures_were_computed_and_that_they_are_being_recomputed(changing_tree, client):
    target = changing_tree["target"]
    client.force_login(UserFactory(username="bt", role=roles.BOARD))
    body = client.get("/board/", {"target": target.pk}).content.decode()
    figure_set = _set(target)
    assert "computed at " + timezone.localtime(figure_set.computed_at).strftime("%H:%M %d/%m/%Y") in body
    assert "Recomputing…" not in body
    FigureSet.objects.update(version=F("version") + 1)
    body = client.get("/board/", {"target": target.pk}).content.decode()
    assert "Recomputing…" in body
    status = client.get(f"/board/figures/{figure_set.pk}/status/")
    assert "Recomputing…" in status.content.decode() and "HX-Refresh" not in status
    figures_compute(target=target, on=TODAY)
    assert client.get(f"/board/figures/{figure_set.pk}/status/")["HX-Refresh"] == "true"


# --- Framework versions in use are read-only ----------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "pw-Secret-123")
    client.force_login(admin)
    return client


def test_a_requirement_of_a_version_in_use_cannot_be_changed_and_a_new_version_can(changing_tree, admin_client):
    from competency.models import Framework, Requirement

    v2025 = changing_tree["v2025"]
    requirement = Requirement.objects.get(framework=v2025)
    response = admin_client.post(f"/admin/competency/requirements/edit/{requirement.pk}/", {
        "framework": v2025.pk, "competency": requirement.competency_id, "position": requirement.position_id,
        "unit_kind": "", "required_level": 4,
    })
    assert response.status_code == 200 and "This framework version is in use" in response.content.decode()
    requirement.refresh_from_db()
    assert requirement.required_level == 2
    admin_client.post(f"/admin/competency/requirements/delete/{requirement.pk}/")
    assert Requirement.objects.filter(pk=requirement.pk).exists()

    response = admin_client.post(f"/admin/competency/frameworks/{v2025.pk}/new-version/", {"version": "2027"})
    draft = Framework.objects.get(version="2027")
    assert response.status_code == 302 and draft.effective_from is None and not draft.is_active
    copied = Requirement.objects.get(framework=draft)
    assert (copied.competency.code, copied.required_level) == ("A1", 2)
    response = admin_client.post(f"/admin/competency/requirements/edit/{copied.pk}/", {
        "framework": draft.pk, "competency": copied.competency_id, "position": copied.position_id,
        "unit_kind": "", "required_level": 3,
    })
    assert response.status_code == 302
    copied.refresh_from_db()
    assert copied.required_level == 3
    # The draft is not in force: today's figures still use 2025's A1 ≥ 2.
    rows = target_rollup(target=changing_tree["target"], root_unit=changing_tree["p"], on=TODAY)
    assert _numbers(rows)["P"] == (5, 3)
