"""The periodic report (.xlsx and PDF), its background job, the monthly schedule, and the scope rule."""

import datetime
import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from organization import roles
from organization.models import Unit
from targets.models import BoardJob, JobKind, JobStatus, ReportSchedule
from targets.reports import report_data, report_pdf
from targets.services import board_job_request, report_schedule_set
from targets.tasks import reports_monthly_task
from tests.factories import UserFactory, make_manager

from .builders import build_world

pytestmark = pytest.mark.django_db

D = datetime.date
ON = D(2025, 7, 1)


@pytest.fixture
def world():
    w = build_world()
    w["p"] = Unit.objects.get(code="P")
    w["board"] = UserFactory(username="bantochuc", role=roles.BOARD)
    return w


def _report(world, django_capture_on_commit_callbacks, unit=None):
    with django_capture_on_commit_callbacks(execute=True):
        job = board_job_request(by=world["board"], kind=JobKind.REPORT, target=world["target"],
                                unit=unit or world["p"], on=ON)
    job.refresh_from_db()
    return job


def test_report_job_attaches_both_files(world, django_capture_on_commit_callbacks):
    job = _report(world, django_capture_on_commit_callbacks)
    assert (job.status, job.progress) == (JobStatus.DONE, 100)
    assert job.xlsx.name.endswith(".xlsx") and job.pdf.name.endswith(".pdf")
    assert job.pdf.open("rb").read(5) == b"%PDF-"


def test_report_workbook_has_the_summary_the_detail_and_the_cadres(world, django_capture_on_commit_callbacks):
    job = _report(world, django_capture_on_commit_callbacks)
    wb = load_workbook(io.BytesIO(job.xlsx.open("rb").read()))
    assert wb.sheetnames == ["Summary", "Detail by unit", "Cadres not met", "Cadres still in time"]
    summary = [row[:5] for row in wb["Summary"].iter_rows(min_row=3, values_only=True)]
    assert summary == [("P", "Tỉnh ủy Demo", "Province", 7, 4),
                       ("B1", "Đơn vị B1", "Body under the province", 4, 2),
                       ("B2", "Đơn vị B2", "Body under the province", 3, 2)]
    detail = [row[:2] for row in wb["Detail by unit"].iter_rows(min_row=3, values_only=True) if any(row)]
    # Tree order, with the level below the province; W2 was merged away before the date (0/0): noted.
    assert detail == [(1, "B1"), (2, "C1"), (2, "C2"), (1, "B2"), (2, "W1"),
                      ("1 unit(s) with no cadre in the population (0/0) are left out.", None)]
    missing = [row[0] for row in wb["Cadres not met"].iter_rows(min_row=3, values_only=True)]
    assert missing == ["Trần Thị Bình", "Vũ Thị Em", "Bùi Văn Giang"]  # by given name
    # The caption and header stay in view and the shares read as percentages.
    assert wb["Summary"].freeze_panes == wb["Cadres not met"].freeze_panes == "A3"
    assert wb["Summary"]["G3"].number_format == "0.0%" and wb["Summary"]["D3"].number_format == "General"


def test_report_download_by_the_board(world, client, django_capture_on_commit_callbacks):
    job = _report(world, django_capture_on_commit_callbacks)
    client.force_login(world["board"])
    response = client.get(f"/board/reports/{job.pk}/pdf/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"


def test_reports_page_lists_the_report_with_links(world, client, django_capture_on_commit_callbacks):
    job = _report(world, django_capture_on_commit_callbacks)
    client.force_login(world["board"])
    body = client.get("/board/reports/").content.decode()
    assert f"/board/reports/{job.pk}/xlsx/" in body and f"/board/reports/{job.pk}/pdf/" in body


def test_a_report_outside_ones_subtree_is_refused_and_nothing_written(world):
    manager = make_manager(Unit.objects.get(code="B1"), username="ql-b1")
    with pytest.raises(ValidationError, match="your own subtree"):
        board_job_request(by=manager, kind=JobKind.REPORT, target=world["target"],
                          unit=Unit.objects.get(code="B2"), on=ON)
    assert not BoardJob.objects.exists()


def test_a_report_dated_in_the_future_is_refused(world):
    with pytest.raises(ValidationError, match="future"):
        board_job_request(by=world["board"], kind=JobKind.REPORT, target=world["target"], unit=world["p"],
                          on=D(2999, 1, 1))
    assert not BoardJob.objects.exists()


def test_monthly_schedule_makes_one_report_on_its_day(world, django_capture_on_commit_callbacks):
    report_schedule_set(by=world["board"], target=world["target"], unit=world["p"], day_of_month=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert reports_monthly_task(on_iso="2025-07-04") == 0
        assert reports_monthly_task(on_iso="2025-07-05") == 1
        assert reports_monthly_task(on_iso="2025-07-05") == 0
    job = BoardJob.objects.get()
    assert (job.on, job.status, job.schedule.day_of_month) == (D(2025, 7, 5), JobStatus.DONE, 5)


def test_a_schedule_on_day_31_is_refused(world):
    with pytest.raises(ValidationError, match="between 1 and 28"):
        report_schedule_set(by=world["board"], target=world["target"], unit=world["p"], day_of_month=31)
    assert not ReportSchedule.objects.exists()


def test_schedule_form_on_the_reports_page(world, client):
    client.force_login(world["board"])
    response = client.post("/board/reports/schedule/", {"target": world["target"].pk, "unit": world["p"].pk,
                                                        "day_of_month": 3, "is_active": "on"})
    assert response.status_code == 302
    assert ReportSchedule.objects.get().day_of_month == 3


def test_pdf_prints_vietnamese_names(world, tmp_path):
    pdf = report_pdf(report_data(target=world["target"], unit=world["p"], on=ON))
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Trần Thị Bình" in text and "Đạt khung năng lực" in text


def test_formula_like_names_come_out_of_the_report_and_the_missing_export_as_text(world):
    from organization.models import Cadre
    from targets.reports import report_workbook, report_workbook_missing
    from targets.selectors import target_missing
    from tests.spreadsheets import FORMULAS, text_cells

    Unit.objects.filter(code="B1").update(name=FORMULAS[0])
    for old, new in zip(["Trần Thị Bình", "Vũ Thị Em", "Bùi Văn Giang"], FORMULAS[1:], strict=True):
        Cadre.objects.filter(full_name=old).update(full_name=new)
    world["target"].name = "=1+1"
    world["target"].save(update_fields=["name"])

    report = report_workbook(report_data(target=world["target"], unit=world["p"], on=ON))
    assert text_cells(report, "Summary") == {FORMULAS[0]: "s"}
    assert text_cells(report, "Detail by unit") == {FORMULAS[0]: "s"}  # B1 and, as a parent, C1's and C2's
    assert text_cells(report, "Cadres not met") == dict.fromkeys(FORMULAS, "s")  # the names and unit B1
    title = load_workbook(io.BytesIO(report))["Summary"]["A1"]
    assert title.value.startswith("=1+1 — ") and title.data_type == "s"

    rows = list(target_missing(target=world["target"], unit=world["p"], on=ON))
    missing = report_workbook_missing(target=world["target"], unit=world["p"], on=ON, rows=rows)
    assert text_cells(missing) == dict.fromkeys(FORMULAS, "s")
