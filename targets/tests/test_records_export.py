"""The export of every learning record of a unit subtree: scope, one sheet (or csv) per kind with the
database's rows, formula-looking text kept as text, and a query count that does not grow with the rows."""

import csv
import datetime
import io
import itertools
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import Sitting, SittingAnswer
from assessments.tests.builders import competency, mc_question, quiz, right_answer, tf_question
from competency.models import Evidence, EvidenceSource
from courses.models import Certificate, Completion, Enrollment, EnrollmentSource, LessonProgress
from courses.tests.builders import course_with_lessons
from organization import roles
from targets.records import KINDS
from tests.factories import CadreFactory, UserFactory, add_unit, make_manager, unit_tree_root

pytestmark = pytest.mark.django_db

D = datetime.date
URL = "/board/records/export/"
EVIL = '=HYPERLINK("http://x","y")'
SHEETS = ["Enrolments", "Lesson progress", "Completions", "Quiz sittings", "Quiz answers", "Certificates",
          "Competency evidence"]
_numbers = itertools.count(1)


@pytest.fixture
def world():
    """P with two subtrees: A (with A1 below it) and B. Courses, quiz and competency are shared."""
    p = unit_tree_root()
    a = add_unit(p, "A")
    a1 = add_unit(a, "A1")
    b = add_unit(p, "B")
    page, lessons = course_with_lessons(n_modules=1, n_lessons=1, code="KH-REC", title="Nghiệp vụ kiểm tra")
    q = quiz(title="Kiểm tra cuối khóa")
    mc = mc_question(quiz=q, content="Câu trắc nghiệm")
    tf = tf_question(quiz=q, content="Câu đúng sai")
    w = {"p": p, "a": a, "a1": a1, "b": b, "course": page, "lesson": lessons[0], "quiz": q, "mc": mc, "tf": tf,
         "competency": competency("GS9")}
    w["cadres"] = {
        "an": records_for(w, CadreFactory(full_name="Lê Văn An", unit=a)),
        "evil": records_for(w, CadreFactory(full_name=EVIL, unit=a1)),
        "binh": records_for(w, CadreFactory(full_name="Trần Thị Bình", unit=b)),
    }
    w["board"] = UserFactory(username="bantochuc", role=roles.BOARD)
    w["manager_a"] = make_manager(a, username="ql-a")
    return w


def records_for(w, cadre):
    """One record of every kind for the cadre (two answers in the sitting)."""
    now = timezone.now()
    course = w["course"]
    Enrollment.objects.create(cadre=cadre, course=course, source=EnrollmentSource.SELF, due_on=D(2025, 12, 31))
    LessonProgress.objects.create(cadre=cadre, lesson=w["lesson"], course=course, started_at=now, seconds_spent=600)
    completion = Completion.objects.create(cadre=cadre, course=course, completed_on=D(2025, 3, 4), hours=Decimal("8"))
    n = next(_numbers)
    Certificate.objects.create(completion=completion, number=f"GCN-{n:05d}", code=f"MA{n:06d}",
                               full_name=cadre.full_name, course_title=course.title, hours=Decimal("8"),
                               issued_on=D(2025, 3, 5), issuer="Ủy ban Kiểm tra Tỉnh ủy")
    user = UserFactory(username=f"hv-{cadre.code}", role=roles.CADRE)
    sitting = Sitting.objects.create(user=user, cadre=cadre, quiz=w["quiz"], complete=True, current_score=1,
                                     max_score=2, passed=False, end=now)
    SittingAnswer.objects.create(sitting=sitting, question=w["mc"], choice_ids=[right_answer(w["mc"]).pk],
                                 is_correct=True)
    SittingAnswer.objects.create(sitting=sitting, question=w["tf"], tf_answer=False, is_correct=False)
    Evidence.objects.create(cadre=cadre, competency=w["competency"], level=2, source=EvidenceSource.MANUAL,
                            obtained_on=D(2025, 2, 1), source_ref=f"hs-{cadre.code}")
    return cadre


def _workbook(client, user, **params):
    client.force_login(user)
    response = client.get(URL, {"format": "xlsx", **params})
    assert response.status_code == 200
    return response, load_workbook(io.BytesIO(response.content))


def _codes(sheet) -> list[str]:
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_board_gets_every_record_one_sheet_per_kind(world, client):
    response, wb = _workbook(client, world["board"])
    assert response["Content-Disposition"].startswith('attachment; filename="ho-so-hoc-tap-p-')
    assert response["Cache-Control"] == "private, no-store"
    assert wb.sheetnames == SHEETS
    everyone = {c.code for c in world["cadres"].values()}
    counts = {"Enrolments": Enrollment.objects.count(), "Lesson progress": LessonProgress.objects.count(),
              "Completions": Completion.objects.count(), "Quiz sittings": Sitting.objects.count(),
              "Quiz answers": SittingAnswer.objects.count(), "Certificates": Certificate.objects.count(),
              "Competency evidence": Evidence.objects.count()}
    for name in SHEETS:
        codes = _codes(wb[name])
        assert len(codes) == counts[name], name
        assert set(codes) == everyone, name


def test_a_sheet_holds_the_databases_values_with_dates_as_days(world, client):
    _response, wb = _workbook(client, world["board"])
    an = world["cadres"]["an"]
    header = next(wb["Completions"].iter_rows(max_row=1, values_only=True))
    assert header[:4] == ("Cadre code", "Full name", "Unit code", "Unit name")
    row = next(r for r in wb["Completions"].iter_rows(min_row=2) if r[0].value == an.code)
    assert [c.value for c in row[:8]] == [an.code, "Lê Văn An", "A", "Đơn vị A", "KH-REC", "Nghiệp vụ kiểm tra",
                                          datetime.datetime(2025, 3, 4), 8]
    assert row[6].number_format == "dd/mm/yyyy"
    answers = [r for r in wb["Quiz answers"].iter_rows(min_row=2, values_only=True) if r[0] == an.code]
    assert [(r[6], r[7], r[8]) for r in answers] == [("Câu trắc nghiệm", "Đúng", "Yes"),
                                                     ("Câu đúng sai", "False", "No")]
    certificate = Certificate.objects.get(completion__cadre=an)
    row = next(r for r in wb["Certificates"].iter_rows(min_row=2, values_only=True) if r[0] == an.code)
    assert row[4:7] == (certificate.number, certificate.code, "Lê Văn An")


def test_a_manager_gets_only_their_subtree_in_every_sheet(world, client):
    _response, wb = _workbook(client, world["manager_a"])
    ours = {world["cadres"]["an"].code, world["cadres"]["evil"].code}
    for name in SHEETS:
        assert set(_codes(wb[name])) == ours, name
    assert len(_codes(wb["Quiz answers"])) == 4


def test_a_manager_may_pick_a_unit_below_their_own(world, client):
    _response, wb = _workbook(client, world["manager_a"], unit=world["a1"].pk)
    assert _codes(wb["Enrolments"]) == [world["cadres"]["evil"].code]


def test_a_unit_outside_the_managers_subtree_is_404(world, client):
    client.force_login(world["manager_a"])
    assert client.get(URL, {"unit": world["b"].pk}).status_code == 404
    assert client.get(URL, {"unit": world["p"].pk, "format": "csv"}).status_code == 404


def test_a_cadre_is_refused(world, client):
    user = UserFactory(username="hv", role=roles.CADRE)
    CadreFactory(user=user, unit=world["a"])
    client.force_login(user)
    assert client.get(URL, {"unit": world["a"].pk}).status_code == 403


def test_an_unknown_format_or_sheet_is_404(world, client):
    client.force_login(world["board"])
    assert client.get(URL, {"format": "pdf"}).status_code == 404
    assert client.get(URL, {"format": "csv", "sheet": "nothing"}).status_code == 404


def test_a_formula_looking_name_stays_text_in_xlsx(world, client):
    _response, wb = _workbook(client, world["board"])
    for name in SHEETS:
        cells = [r[1] for r in wb[name].iter_rows(min_row=2) if r[1].value == EVIL]
        assert cells, name
        assert all(cell.data_type == "s" for cell in cells), name


def test_csv_is_a_zip_of_one_file_per_kind_with_formulas_quoted(world, client):
    client.force_login(world["board"])
    response = client.get(URL, {"format": "csv", "unit": world["a"].pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment; ")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == [f"{kind.key}.csv" for kind in KINDS]
    rows = list(csv.reader(io.StringIO(archive.read("evidence.csv").decode("utf-8-sig"))))
    assert rows[0][:4] == ["Cadre code", "Full name", "Unit code", "Unit name"]
    assert len(rows) - 1 == Evidence.objects.filter(cadre__unit__path__startswith=world["a"].path).count()
    evil = next(r for r in rows if r[0] == world["cadres"]["evil"].code)
    assert evil[1] == "'" + EVIL
    assert evil[8] == "01/02/2025"  # obtained on, dd/mm/yyyy


def test_csv_of_one_kind(world, client):
    client.force_login(world["board"])
    response = client.get(URL, {"format": "csv", "sheet": "certificates"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'certificates.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) - 1 == Certificate.objects.count()
    assert {r[1] for r in rows[1:]} == {"Lê Văn An", "'" + EVIL, "Trần Thị Bình"}
    assert {r[9] for r in rows[1:]} == {"05/03/2025"}


def _queries(client, user, params) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_query_count_does_not_grow_with_the_cadres(world, client, fmt):
    params = {"format": fmt, "unit": world["a"].pk}
    few = _queries(client, world["manager_a"], params)
    for n in range(18):
        records_for(world, CadreFactory(full_name=f"Cán bộ {n}", unit=world["a1"]))
    many = _queries(client, world["manager_a"], params)
    assert many == few
    assert few < 25


def test_the_reports_page_offers_the_export_for_its_unit(world, client):
    client.force_login(world["manager_a"])
    body = client.get("/board/reports/", {"unit": world["a1"].pk}).content.decode()
    assert 'action="/board/records/export/"' in body
    assert f'<option value="{world["a1"].pk}" selected>' in body
