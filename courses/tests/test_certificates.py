import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import services
from courses.models import Certificate, Completion

from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(cadre_user):
    course = builders.course(title="Quy định 296-QĐ/TW về công tác kiểm tra, giám sát", hours=Decimal("16"),
                             validity_months=36)
    completion = Completion.objects.create(cadre=cadre_user, course=course, completed_on=timezone.localdate(),
                                           hours=course.hours, expires_on=course.expiry_for(timezone.localdate()))
    return services.certificate_issue(completion=completion)


def test_completing_a_course_renders_the_pdf_in_the_background_after_commit(cadre_user,
                                                                            django_capture_on_commit_callbacks):
    course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=1)
    services.enrollment_self_create(cadre=cadre_user, course=course)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.lesson_complete(cadre=cadre_user, lesson=lessons[0])
        assert not Certificate.objects.get().file  # nothing rendered inside the transaction
    certificate = Certificate.objects.get()
    # One piece of background work (the PDF) besides the board's figures being marked stale.
    assert len([c for c in callbacks if "enqueue" in c.__qualname__]) == 1
    with certificate.file.open("rb") as pdf:
        data = pdf.read()
    assert data.startswith(b"%PDF-")
    assert certificate.render_ms is not None and certificate.rendered_at is not None


def test_the_pdf_embeds_a_font_with_vietnamese_glyphs_and_the_qr_code(certificate):
    services.certificate_render(certificate=certificate)
    with certificate.file.open("rb") as pdf:
        data = pdf.read()
    assert b"/FontFile2" in data and b"DejaVuSans" in data  # embedded TrueType, not a base-14 font
    assert b"/Subtype /Image" in data


def test_certificate_numbers_and_codes_are_unique(cadre_user):
    course = builders.course()
    certificates = [
        services.certificate_issue(completion=Completion.objects.create(
            cadre=cadre_user, course=course, completed_on=datetime.date(2026, 1, i), hours=8))
        for i in (1, 2, 3)
    ]
    assert len({c.number for c in certificates}) == 3 and len({c.code for c in certificates}) == 3


def test_verify_page_shows_only_name_course_date_and_validity(client, certificate):
    cadre = certificate.completion.cadre
    response = client.get(f"/verify/{certificate.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "This certificate is genuine and valid." in body
    assert "Nguyễn Thị Ánh" in body and "Quy định 296-QĐ/TW" in body
    assert certificate.completion.expires_on.strftime("%d/%m/%Y") in body
    assert cadre.code not in body and cadre.unit.name not in body
    assert certificate.number not in body


def test_verify_page_accepts_a_lower_case_code(client, certificate):
    assert client.get(f"/verify/{certificate.code.lower()}/").status_code == 200


def test_verify_page_says_clearly_when_a_code_is_unknown(client, db):
    response = client.get("/verify/ZZZZZZZZZZZZ/")
    assert response.status_code == 404
    assert "No certificate has the code “ZZZZZZZZZZZZ”" in response.content.decode()


def test_verify_page_says_clearly_when_a_certificate_expired(client, certificate):
    Completion.objects.filter(pk=certificate.completion_id).update(expires_on=datetime.date(2020, 1, 1))
    body = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "This certificate is genuine but expired on 01/01/2020." in body


def test_verify_page_escapes_the_name(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(full_name="<script>alert(1)</script>")
    body = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_the_cadre_downloads_their_certificate(client, certificate):
    client.force_login(certificate.completion.cadre.user)
    response = client.get(f"/learn/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_another_cadre_cannot_download_it(client, certificate, commune):
    from tests.factories import CadreFactory, UserFactory

    other = CadreFactory(unit=commune, user=UserFactory(username="khac"))
    client.force_login(other.user)
    assert client.get(f"/learn/certificates/{certificate.pk}/pdf/").status_code == 404


def _settings(**fields):
    from wagtail.models import Site

    from cms.models import OfficialDocumentSettings

    row = OfficialDocumentSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def _pdf_text(certificate, tmp_path) -> str:
    import subprocess

    services.certificate_render(certificate=certificate)
    path = tmp_path / "certificate.pdf"
    with certificate.file.open("rb") as pdf:
        path.write_bytes(pdf.read())
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _issue(cadre_user, day=datetime.date(2026, 3, 3)):
    course = builders.course(title="Nghiệp vụ kiểm tra", hours=Decimal("8"))
    completion = Completion.objects.create(cadre=cadre_user, course=course, completed_on=day, hours=course.hours)
    return services.certificate_issue(completion=completion)


def test_the_certificate_carries_the_province_the_place_and_date_and_the_signer(cadre_user, tmp_path):
    _settings(certificate_signer_name="Nguyễn Văn Hải", certificate_signer_title="Chủ nhiệm Ủy ban Kiểm tra")
    text = _pdf_text(_issue(cadre_user), tmp_path)
    assert "ỦY BAN KIỂM TRA TỈNH ỦY QUẢNG NINH" in text
    assert "Quảng Ninh, ngày 03 tháng 3 năm 2026" in text
    assert "CHỦ NHIỆM ỦY BAN KIỂM TRA" in text and "Nguyễn Văn Hải" in text


def test_a_new_signer_does_not_change_certificates_already_issued(cadre_user, tmp_path):
    _settings(certificate_signer_name="Nguyễn Văn Hải", province_name="Quảng Ninh")
    certificate = _issue(cadre_user)
    _settings(certificate_signer_name="Trần Văn Mới", superior_body="Tỉnh ủy Hà Giang", place_name="Hà Giang")
    text = _pdf_text(Certificate.objects.get(pk=certificate.pk), tmp_path)
    assert "Nguyễn Văn Hải" in text and "TỈNH ỦY QUẢNG NINH" in text
    assert "Trần Văn Mới" not in text and "Hà Giang" not in text
    assert "Hà Giang" in _pdf_text(_issue(cadre_user, datetime.date(2026, 4, 1)), tmp_path)


def test_the_seal_image_is_printed_when_set(cadre_user):
    from django.core.files.base import ContentFile

    from tests.spreadsheets import png_bytes

    certificate = _issue(cadre_user)

    def images() -> int:
        services.certificate_render(certificate=certificate)
        with certificate.file.open("rb") as pdf:
            return pdf.read().count(b"/Subtype /Image")

    without = images()
    _settings().seal_image.save("con-dau.png", ContentFile(png_bytes()))
    assert images() == without + 1  # the QR code, and now the seal
