"""Personal data (Decree 13/2023): a cadre downloads their own records; cadres gone longer than the
retention period are anonymized with the figures unchanged (the past-dates tree of targets/tests/test_figures.py)."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from competency.models import Evidence, EvidenceSource
from competency.services import evidence_record
from courses import services
from courses.models import Certificate, ExternalTraining
from courses.tests import builders
from organization import roles
from organization.models import Cadre, CadreStatus, Unit
from organization.services import cadre_anonymize, cadre_status_set
from targets.figures import figures_compute
from targets.reports import report_data
from targets.selectors import target_rollup
from targets.tests.test_figures import _numbers, changing_tree  # noqa: F401 -- the fixture
from tests.factories import CadreFactory, UserFactory, add_unit, unit_tree_root

pytestmark = pytest.mark.django_db
D = datetime.date
MY_DATA = reverse("organization:my_data")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _texts(data: bytes) -> dict[str, str]:
    """Sheet title -> every cell of the sheet as one text."""
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: " | ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
            for sheet in book.worksheets}


@pytest.fixture
def two_cadres():
    p = unit_tree_root()
    a = add_unit(p, "A")
    anh = CadreFactory(unit=a, full_name="Trần Thị Ánh", email="anh@example.vn",
                       user=UserFactory(username="anh", role=roles.CADRE))
    bao = CadreFactory(unit=a, full_name="Lê Văn Bảo", user=UserFactory(username="bao", role=roles.CADRE))
    mine, theirs = builders.course(title="Khóa học của Ánh"), builders.course(title="Khóa học của Bảo")
    services.enrollment_self_create(cadre=anh, course=mine)
    services.completion_record(cadre=anh, course=mine, completed_on=D(2026, 4, 1))
    services.enrollment_self_create(cadre=bao, course=theirs)
    ExternalTraining.objects.create(cadre=bao, course_name="Lớp riêng của Bảo", provider="Trường", hours=8,
                                    start_on=D(2026, 1, 1), end_on=D(2026, 1, 2))
    ExternalTraining.objects.create(cadre=anh, course_name="Lớp ngoài của Ánh", provider="Trường", hours=8,
                                    start_on=D(2026, 1, 1), end_on=D(2026, 1, 2))
    return anh, bao


# --- The cadre's own download ---------------------------------------------------------------------------


def test_a_cadre_downloads_their_own_records_and_nothing_of_others(client, two_cadres):
    anh, _bao = two_cadres
    client.force_login(anh.user)
    response = client.get(MY_DATA)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="du-lieu-ca-nhan-')
    sheets = _texts(response.content)
    everything = " ".join(sheets.values())
    assert "Trần Thị Ánh" in sheets["Profile"] and "anh@example.vn" in sheets["Profile"]
    assert "Khóa học của Ánh" in sheets["Enrolments"] and "Khóa học của Ánh" in sheets["Completions"]
    assert Certificate.objects.get().number in sheets["Certificates"]
    assert "Lớp ngoài của Ánh" in sheets["External training"]
    assert "Bảo" not in everything and "bao" not in everything


def test_the_download_is_audited(client, two_cadres):
    anh, _bao = two_cadres
    client.force_login(anh.user)
    client.get(MY_DATA)
    [entry] = ModelLogEntry.objects.filter(action="ktlearn.personal_data.export")
    assert entry.user == anh.user and entry.object_id == str(anh.pk)


def test_the_profile_page_links_to_the_download(client, two_cadres):
    client.force_login(two_cadres[0].user)
    assert MY_DATA in client.get(reverse("organization:me")).content.decode()


def test_a_login_without_a_cadre_gets_404_and_anonymous_the_login_page(client, two_cadres):
    assert client.get(MY_DATA).status_code == 302
    client.force_login(UserFactory(username="khong-co-ho-so"))
    assert client.get(MY_DATA).status_code == 404


def test_the_sheets_are_headed_in_vietnamese(client, two_cadres, settings):
    client.force_login(two_cadres[0].user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    sheets = _texts(client.get(MY_DATA).content)
    assert sheets["Hồ sơ"].startswith("Mã | Họ và tên")


# --- Anonymization ------------------------------------------------------------------------------------------


@pytest.fixture
def departed(two_cadres, tmp_path, settings):
    anh, _bao = two_cadres
    anh.date_of_birth = D(1970, 2, 3)
    anh.save()
    training = ExternalTraining.objects.get(cadre=anh)
    training.file.save("giay-chung-nhan.pdf", ContentFile(b"%PDF-1.4 Tran Thi Anh"), save=True)
    certificate = Certificate.objects.get()
    certificate.file.save("cn.pdf", ContentFile(b"%PDF-1.4 Tran Thi Anh"), save=True)
    cadre_status_set(cadre=anh, status=CadreStatus.RETIRED, on=D(2019, 6, 30))
    return Cadre.objects.get(pk=anh.pk)


def test_anonymization_erases_the_identity_and_keeps_the_records(departed):
    admin = UserFactory(username="quantri", is_superuser=True)
    cadre = cadre_anonymize(cadre=departed, by=admin)
    cadre.refresh_from_db()
    assert cadre.full_name != "Trần Thị Ánh" and cadre.code == f"AN-{cadre.pk:06d}"
    assert (cadre.date_of_birth, cadre.email) == (None, "") and cadre.anonymized_at is not None
    user = cadre.user
    assert not user.is_active and not user.has_usable_password()
    assert user.username.startswith("an-") and user.email == ""
    certificate = Certificate.objects.get()
    assert certificate.full_name == cadre.full_name and not certificate.file
    assert not ExternalTraining.objects.get(cadre=cadre).file
    assert cadre.completions.count() == 1 and cadre.enrollments.count() == 1
    [entry] = ModelLogEntry.objects.filter(action="ktlearn.personal_data.anonymize")
    assert entry.user == admin and "Trần Thị Ánh" not in str(entry.data)


def test_the_audit_entries_lose_the_old_name_but_keep_their_actions(departed):
    before = ModelLogEntry.objects.filter(data__cadre_id=departed.pk).count()
    assert before >= 3
    cadre_anonymize(cadre=departed)
    texts = " ".join(f"{e.label} {e.data}" for e in ModelLogEntry.objects.all())
    assert "Trần Thị Ánh" not in texts and departed.code not in texts and "anh@example.vn" not in texts
    actors = {e.data.get("actor") for e in ModelLogEntry.objects.all()}
    assert "anh" not in actors and f"an-{departed.user_id:06d}" in actors
    assert "Khóa học của Ánh" in texts  # a course title is not personal data
    assert ModelLogEntry.objects.filter(data__cadre_id=departed.pk).count() == before


def test_an_active_cadre_cannot_be_anonymized(two_cadres):
    anh, _bao = two_cadres
    with pytest.raises(ValidationError, match="retired or left"):
        cadre_anonymize(cadre=anh)
    anh.refresh_from_db()
    assert anh.full_name == "Trần Thị Ánh" and anh.anonymized_at is None
    assert not ModelLogEntry.objects.filter(action="ktlearn.personal_data.anonymize").exists()


def test_anonymizing_twice_changes_nothing_the_second_time(departed):
    first = cadre_anonymize(cadre=departed)
    second = cadre_anonymize(cadre=first)
    assert (second.full_name, second.anonymized_at) == (first.full_name, first.anonymized_at)
    assert ModelLogEntry.objects.filter(action="ktlearn.personal_data.anonymize").count() == 1


def test_the_command_anonymizes_only_cadres_gone_longer_than_the_retention(departed, settings, two_cadres):
    settings.KTLEARN_RETENTION_DAYS = 5 * 365
    recent = CadreFactory(unit=departed.unit, full_name="Vừa Nghỉ")
    cadre_status_set(cadre=recent, status=CadreStatus.LEFT, on=D(2026, 1, 1))
    out = io.StringIO()
    call_command("anonymize_cadres", "--dry-run", "--today", "2026-06-01", stdout=out)
    assert departed.code in out.getvalue() and "1 cadres due." in out.getvalue()
    assert Cadre.objects.get(pk=departed.pk).anonymized_at is None
    call_command("anonymize_cadres", "--today", "2026-06-01", stdout=io.StringIO())
    assert Cadre.objects.get(pk=departed.pk).anonymized_at is not None
    assert Cadre.objects.get(pk=recent.pk).full_name == "Vừa Nghỉ"
    assert Cadre.objects.get(pk=two_cadres[1].pk).full_name == "Lê Văn Bảo"


def test_the_command_refuses_an_active_cadre_and_anonymizes_none_of_the_named(departed, two_cadres):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="retired or left"):
        call_command("anonymize_cadres", "--cadre", departed.code, "--cadre", two_cadres[1].code,
                     stdout=io.StringIO())
    assert Cadre.objects.get(pk=departed.pk).anonymized_at is None


def test_the_command_refuses_an_unknown_code(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown cadre codes: XX"):
        call_command("anonymize_cadres", "--cadre", "XX", stdout=io.StringIO())


def test_a_targets_figures_for_past_dates_do_not_change(changing_tree):  # noqa: F811
    """Dũng (W2, no evidence) left on 28/02/2025; Bình (C1) retired on 31/12/2025. Anonymizing both
    changes none of the figures of 2023, 2025 and today, nor the number of missing cadres."""
    target, p = changing_tree["target"], changing_tree["p"]
    dung, binh = Cadre.objects.get(full_name="Dũng"), Cadre.objects.get(full_name="Bình")
    cadre_status_set(cadre=dung, status=CadreStatus.LEFT, on=D(2025, 2, 28))
    cadre_status_set(cadre=binh, status=CadreStatus.RETIRED, on=D(2025, 12, 31))
    days = (D(2023, 6, 30), D(2025, 12, 31), datetime.date.today())
    before = {day: _numbers(target_rollup(target=target, root_unit=p, on=day)) for day in days}
    missing = len(report_data(target=target, unit=Unit.objects.get(code="B2"), on=D(2023, 6, 30)).missing)
    cadre_anonymize(cadre=dung)
    cadre_anonymize(cadre=binh)
    for day in days:
        figures_compute(target=target, on=day, force=True)
        assert _numbers(target_rollup(target=target, root_unit=p, on=day)) == before[day], day
    again = report_data(target=target, unit=Unit.objects.get(code="B2"), on=D(2023, 6, 30)).missing
    assert len(again) == missing and "Dũng" not in {m.cadre.full_name for m in again}


def test_evidence_files_are_removed_and_the_evidence_kept(departed):
    from competency.tests.builders import make_framework

    a1 = make_framework(competencies=("A1",)).competencies.get(code="A1")
    evidence = evidence_record(cadre=departed, competency=a1, level=1, source=EvidenceSource.QUIZ,
                               obtained_on=D(2018, 1, 1), source_ref="x:1")
    evidence.file.save("bang.pdf", ContentFile(b"%PDF-1.4"), save=True)
    cadre_anonymize(cadre=departed)
    evidence = Evidence.objects.get(pk=evidence.pk)
    assert not evidence.file
    assert (evidence.level, evidence.obtained_on) == (1, D(2018, 1, 1))
