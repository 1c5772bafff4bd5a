"""The periodic report as an official document (Hướng dẫn 36-HD/VPTW), read back from the PDF's text:
header, number and symbol (per issuing body and year), place and date, title, 'Nơi nhận', signature
block; the workbook's sheets; and the 6-monthly, annual and chosen-date schedules."""

import datetime
import io
import re
import subprocess
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.utils import timezone, translation
from openpyxl import load_workbook
from wagtail.models import Site

from cms.models import OfficialDocumentSettings
from organization import roles
from organization.models import Unit
from targets.models import BoardJob, JobKind, JobStatus, ReportPeriod, ReportSchedule
from targets.reports import report_build, report_data, report_pdf, report_workbook
from targets.services import board_job_request, report_number_assign, report_schedule_set
from targets.tasks import reports_monthly_task
from tests.factories import UserFactory, add_unit, make_manager

from .builders import build_world

D = datetime.date
ON = D(2025, 7, 1)


@pytest.fixture
def world(db):
    w = build_world()
    w["p"] = Unit.objects.get(code="P")
    w["board"] = UserFactory(username="bantochuc", role=roles.BOARD)
    return w


@pytest.fixture
def signed(db):
    row = OfficialDocumentSettings.for_site(Site.objects.get(is_default_site=True))
    row.signer_name = "Nguyễn Văn Hải"
    row.save()
    return row


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def lines(text: str) -> list[str]:
    """The PDF's lines with runs of spaces (columns) collapsed, so 'left   right' reads 'left | right'."""
    return [re.sub(r"\s{3,}", " | ", line.strip()) for line in text.splitlines() if line.strip()]


def _job(world, on=ON, period=ReportPeriod.CUSTOM):
    return BoardJob.objects.create(kind=JobKind.REPORT, target=world["target"], unit=world["p"], on=on,
                                   requested_by=world["board"], period=period)


def _built_text(world, tmp_path, *, issued_on, job=None) -> str:
    job = report_build(job=job or _job(world), issued_on=issued_on)
    with job.pdf.open("rb") as file:
        return pdf_text(file.read(), tmp_path)


def test_the_pdf_has_the_party_header_number_place_and_date(world, signed, tmp_path):
    text = _built_text(world, tmp_path, issued_on=D(2026, 1, 5))
    head = lines(text)[:4]
    assert head == [
        "TỈNH ỦY QUẢNG NINH | ĐẢNG CỘNG SẢN VIỆT NAM",
        "ỦY BAN KIỂM TRA",
        "*",
        "Số 1-BC/UBKT | Quảng Ninh, ngày 05 tháng 01 năm 2026",
    ]


def test_the_pdf_has_the_title_and_subject_with_the_cut_off(world, signed, tmp_path):
    text = " ".join(lines(_built_text(world, tmp_path, issued_on=D(2026, 1, 5))))
    assert "BÁO CÁO Kết quả thực hiện chỉ tiêu “Đạt khung năng lực” đến ngày 01/07/2025" in text


def test_the_pdf_closes_with_recipients_and_the_signature_block(world, signed, tmp_path):
    closing = lines(_built_text(world, tmp_path, issued_on=D(2026, 1, 5)))[-5:]
    assert closing == [
        "Nơi nhận: | T/M ỦY BAN KIỂM TRA",
        "- Thường trực Tỉnh ủy, | CHỦ NHIỆM",
        "- Ban Tổ chức Tỉnh ủy,",
        "- Lưu UBKT.",
        "Nguyễn Văn Hải",
    ]


def test_the_pdf_follows_the_settings(world, signed, tmp_path):
    signed.superior_body = "Tỉnh ủy Hà Giang"
    signed.place_name = "Hà Giang"
    signed.issuing_body_abbreviation = "UBKTTU"
    signed.on_behalf_line = "T/M Thường trực Ủy ban"
    signed.signer_title = "Phó Chủ nhiệm Thường trực"
    signed.signer_name = "Lò Văn Pủa"
    signed.recipients = "- Ban Thường vụ Tỉnh ủy,\n\n- Lưu VT."
    signed.save()
    text = "\n".join(lines(_built_text(world, tmp_path, issued_on=D(2026, 3, 3))))
    for expected in ("TỈNH ỦY HÀ GIANG | ĐẢNG CỘNG SẢN VIỆT NAM", "Số 1-BC/UBKTTU | Hà Giang, ngày 03 tháng 3 năm 2026",
                     "Nơi nhận: | T/M THƯỜNG TRỰC ỦY BAN", "- Ban Thường vụ Tỉnh ủy, | PHÓ CHỦ NHIỆM THƯỜNG TRỰC",
                     "- Lưu VT.", "Lò Văn Pủa"):
        assert expected in text
    assert "Quảng Ninh" not in text and "Lưu UBKT" not in text


@pytest.mark.parametrize(("issued_on", "line"), [
    (D(2026, 1, 5), "Quảng Ninh, ngày 05 tháng 01 năm 2026"),
    (D(2026, 2, 3), "Quảng Ninh, ngày 03 tháng 02 năm 2026"),
    (D(2026, 3, 3), "Quảng Ninh, ngày 03 tháng 3 năm 2026"),
    (D(2026, 12, 15), "Quảng Ninh, ngày 15 tháng 12 năm 2026"),
])
def test_the_date_line_in_the_pdf_writes_days_and_months_as_hd36_says(world, tmp_path, issued_on, line):
    pdf = report_pdf(report_data(target=world["target"], unit=world["p"], on=ON), number=7, issued_on=issued_on)
    assert f"Số 7-BC/UBKT | {line}" in lines(pdf_text(pdf, tmp_path))


def test_numbers_run_per_year_and_restart_each_year(world, signed, tmp_path):
    first = _built_text(world, tmp_path, issued_on=D(2026, 1, 5))
    second = _built_text(world, tmp_path, issued_on=D(2026, 12, 15))
    next_year = _built_text(world, tmp_path, issued_on=D(2027, 1, 4))
    assert "Số 1-BC/UBKT" in first and "Số 2-BC/UBKT" in second and "Số 1-BC/UBKT" in next_year
    assert sorted(BoardJob.objects.values_list("document_year", "document_number")) == [
        (2026, 1), (2026, 2), (2027, 1)]


def test_each_issuing_body_has_its_own_numbers(world, signed):
    first = report_number_assign(job=_job(world), issuer_abbreviation="UBKT", issued_on=D(2026, 5, 1))
    other = report_number_assign(job=_job(world), issuer_abbreviation="UBKTHU", issued_on=D(2026, 5, 1))
    assert (first.document_symbol, other.document_symbol) == ("1-BC/UBKT", "1-BC/UBKTHU")


def test_a_rebuilt_report_keeps_its_number_and_date(world, signed, tmp_path):
    job = report_build(job=_job(world), issued_on=D(2026, 1, 5))
    again = _built_text(world, tmp_path, issued_on=D(2026, 2, 9), job=BoardJob.objects.get(pk=job.pk))
    assert "Số 1-BC/UBKT | Quảng Ninh, ngày 05 tháng 01 năm 2026" in lines(again)
    assert BoardJob.objects.get(pk=job.pk).document_number == 1


def test_the_database_refuses_two_reports_with_one_number(world):
    _job(world)
    BoardJob.objects.update(issuer_abbreviation="UBKT", document_year=2026, document_number=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardJob.objects.create(kind=JobKind.REPORT, target=world["target"], unit=world["p"], on=ON,
                                issuer_abbreviation="UBKT", document_year=2026, document_number=4)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reports_numbered_in_parallel_get_different_numbers(world):
    job_ids = [_job(world).pk for _ in range(6)]
    barrier, errors = threading.Barrier(len(job_ids)), []

    def number(job_id):
        try:
            barrier.wait()
            report_number_assign(job=BoardJob.objects.get(pk=job_id), issuer_abbreviation="UBKT",
                                 issued_on=D(2026, 4, 1))
        except Exception as exc:  # a collision would show here
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=number, args=(pk,)) for pk in job_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(BoardJob.objects.values_list("document_number", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_sheets_say_what_they_hold(world):
    add_unit(world["p"], "EMPTY")
    book = load_workbook(io.BytesIO(report_workbook(report_data(target=world["target"], unit=world["p"], on=ON))))
    assert book.sheetnames == ["Summary", "Detail by unit", "Cadres not met", "Cadres still in time"]
    with translation.override("vi"):
        book = load_workbook(io.BytesIO(report_workbook(report_data(target=world["target"], unit=world["p"], on=ON))))
    assert book.sheetnames == ["Tổng hợp", "Chi tiết theo đơn vị", "Cán bộ chưa đạt", "Cán bộ còn trong hạn"]


def test_units_with_nobody_to_count_are_left_out_of_the_detail_with_a_note(world):
    add_unit(world["p"], "EMPTY")
    book = load_workbook(io.BytesIO(report_workbook(report_data(target=world["target"], unit=world["p"], on=ON))))
    summary = [row for row in book["Summary"].iter_rows(min_row=3, values_only=True)]
    assert [row[0] for row in summary[:3]] == ["P", "B1", "B2"]
    assert summary[-1][0] == "1 unit(s) with no cadre in the population (0/0) are left out."
    detail = [row for row in book["Detail by unit"].iter_rows(min_row=3, values_only=True)]
    units = [row[1] for row in detail if row[1]]
    assert "EMPTY" not in units and "W2" not in units  # W2 merged into W1 before the date: nobody left
    assert [(row[0], row[1], row[4], row[5], row[-1]) for row in detail if row[1] in ("B1", "C1", "W1")] == [
        (1, "B1", 4, 2, "Tỉnh ủy Demo"), (2, "C1", 2, 1, "Đơn vị B1"), (2, "W1", 3, 2, "Đơn vị B2")]
    assert detail[-1][0].endswith("are left out.")


def test_the_pdf_leaves_out_units_with_nobody_to_count(world, tmp_path):
    add_unit(world["p"], "EMPTY", name="Đơn vị trống")
    text = pdf_text(report_pdf(report_data(target=world["target"], unit=world["p"], on=ON)), tmp_path)
    assert "Đơn vị trống" not in text
    assert "1 unit(s) with no cadre in the population (0/0) are left out." in text


# --- schedules -------------------------------------------------------------------------------


def _schedule(world, frequency, **fields):
    schedule = report_schedule_set(by=world["board"], target=world["target"], unit=world["p"], frequency=frequency,
                                   **fields)
    ReportSchedule.objects.filter(pk=schedule.pk).update(created_at=timezone.make_aware(datetime.datetime(2025, 1, 1)))
    return schedule


def _run(days, django_capture_on_commit_callbacks) -> list[int]:
    with django_capture_on_commit_callbacks(execute=True):
        return [reports_monthly_task(on_iso=day.isoformat()) for day in days]


def test_a_six_monthly_schedule_reports_as_of_30_june_and_31_december(world, django_capture_on_commit_callbacks):
    _schedule(world, ReportPeriod.HALF_YEARLY)
    made = _run([D(2025, 6, 29), D(2025, 6, 30), D(2025, 6, 30), D(2025, 7, 1), D(2025, 12, 31)],
                django_capture_on_commit_callbacks)
    assert made == [0, 1, 0, 0, 1]
    assert list(BoardJob.objects.order_by("on").values_list("on", "period", "status")) == [
        (D(2025, 6, 30), "half_yearly", JobStatus.DONE), (D(2025, 12, 31), "half_yearly", JobStatus.DONE)]


def test_an_annual_schedule_reports_as_of_31_december_only(world, django_capture_on_commit_callbacks):
    _schedule(world, ReportPeriod.ANNUAL)
    assert _run([D(2025, 6, 30), D(2025, 12, 30), D(2025, 12, 31)], django_capture_on_commit_callbacks) == [0, 0, 1]
    assert list(BoardJob.objects.values_list("on", "period")) == [(D(2025, 12, 31), "annual")]


def test_a_chosen_date_is_reported_once(world, django_capture_on_commit_callbacks):
    day = timezone.localdate() + datetime.timedelta(days=3)
    _schedule(world, ReportPeriod.CUSTOM, custom_on=day)
    assert _run([day - datetime.timedelta(days=1), day, day], django_capture_on_commit_callbacks) == [0, 1, 0]
    assert list(BoardJob.objects.values_list("on", "period")) == [(day, "custom")]


def test_a_cut_off_missed_while_the_workers_were_down_is_made_later(world, django_capture_on_commit_callbacks):
    _schedule(world, ReportPeriod.HALF_YEARLY)
    assert _run([D(2025, 7, 3), D(2025, 7, 4)], django_capture_on_commit_callbacks) == [1, 0]
    assert BoardJob.objects.get().on == D(2025, 6, 30)


def test_a_new_schedule_does_not_make_reports_for_cut_offs_before_it(world, django_capture_on_commit_callbacks):
    schedule = _schedule(world, ReportPeriod.HALF_YEARLY)
    ReportSchedule.objects.filter(pk=schedule.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2025, 7, 2, 9)))
    assert _run([D(2025, 7, 3)], django_capture_on_commit_callbacks) == [0]
    assert not BoardJob.objects.exists()


def test_one_schedule_per_frequency_and_a_changed_one_is_updated(world):
    report_schedule_set(by=world["board"], target=world["target"], unit=world["p"], day_of_month=5)
    report_schedule_set(by=world["board"], target=world["target"], unit=world["p"], day_of_month=9)
    report_schedule_set(by=world["board"], target=world["target"], unit=world["p"], frequency=ReportPeriod.ANNUAL)
    assert sorted(ReportSchedule.objects.values_list("frequency", "day_of_month")) == [("annual", 1), ("monthly", 9)]


@pytest.mark.parametrize(("fields", "message"), [
    ({"frequency": ReportPeriod.CUSTOM}, "Choose the date of the report"),
    ({"frequency": ReportPeriod.CUSTOM, "custom_on": D(2020, 1, 1)}, "cannot be dated in the past"),
    ({"frequency": "weekly"}, "Choose monthly, 6-monthly, annual or a chosen date"),
    ({"frequency": ReportPeriod.MONTHLY, "day_of_month": 0}, "between 1 and 28"),
])
def test_a_bad_schedule_is_refused_and_nothing_written(world, fields, message):
    with pytest.raises(ValidationError, match=message):
        report_schedule_set(by=world["board"], target=world["target"], unit=world["p"], **fields)
    assert not ReportSchedule.objects.exists()


def test_a_manager_cannot_schedule_a_report_outside_their_subtree(world):
    manager = make_manager(Unit.objects.get(code="B1"), username="ql-b1")
    with pytest.raises(ValidationError, match="your own subtree"):
        report_schedule_set(by=manager, target=world["target"], unit=Unit.objects.get(code="B2"),
                            frequency=ReportPeriod.ANNUAL)
    assert not ReportSchedule.objects.exists()


def test_the_reports_page_schedules_an_annual_report(world, client):
    client.force_login(world["board"])
    response = client.post("/board/reports/schedule/", {"target": world["target"].pk, "unit": world["p"].pk,
                                                        "frequency": "annual", "is_active": "on"})
    assert response.status_code == 302
    assert ReportSchedule.objects.get().frequency == ReportPeriod.ANNUAL
    assert "Annual (31/12)" in client.get("/board/reports/").content.decode()


def test_the_reports_page_refuses_a_chosen_date_schedule_without_a_date(world, client):
    client.force_login(world["board"])
    response = client.post("/board/reports/schedule/", {"target": world["target"].pk, "unit": world["p"].pk,
                                                        "frequency": "custom", "is_active": "on"}, follow=True)
    assert "Choose the date of the report." in response.content.decode()
    assert not ReportSchedule.objects.exists()


def test_a_report_now_as_of_the_last_half_year_end(world, client, django_capture_on_commit_callbacks):
    client.force_login(world["board"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/board/jobs/", {"kind": "report", "target": world["target"].pk,
                                                "unit": world["p"].pk, "period": "half_yearly"})
    assert response.status_code == 302
    today = timezone.localdate()
    expected = D(today.year, 6, 30) if today >= D(today.year, 6, 30) else D(today.year - 1, 12, 31)
    if today == D(today.year, 12, 31):
        expected = today
    job = BoardJob.objects.get()
    assert (job.on, job.period, job.status, job.document_number) == (expected, "half_yearly", JobStatus.DONE, 1)
    assert "1-BC/UBKT" in client.get("/board/reports/").content.decode()


def test_a_report_now_of_an_unknown_cut_off_is_refused(world):
    with pytest.raises(ValidationError, match="Choose monthly"):
        board_job_request(by=world["board"], kind=JobKind.REPORT, target=world["target"], unit=world["p"], on=ON,
                          period="weekly")
    assert not BoardJob.objects.exists()
