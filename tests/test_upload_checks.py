# ruff: noqa: F811 -- pytest fixtures imported from organization/tests/conftest.py
"""Every private upload is checked by its content (lms/uploads.py): each bad kind is refused with a
Vietnamese message and nothing is saved."""

import datetime
import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from competency.models import Area, Competency, Evidence, EvidenceSource, Framework, ProficiencyLevel
from competency.services import evidence_record
from courses.models import ExternalTraining
from lms import uploads
from organization.tests.conftest import (  # noqa: F401 -- fixtures
    Province,
    admin_user,
    cadre_a,
    manager_a,
    province,
)
from rotation.models import Rotation
from rotation.tests.builders import rotate_out
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    """The messages are checked in Vietnamese, whatever language an earlier test left active."""
    settings.LANGUAGE_CODE = "vi"
    with translation.override("vi"):
        yield

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width=30_000, height=30_000) -> bytes:
    """A valid PNG header claiming 900 megapixels, with a few bytes of data: a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
            + _chunk(b"IEND", b""))


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


BAD = {
    "exe": ("giay-to.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00PE\x00\x00", "không phải loại tệp được phép"),
    "html": ("giay-to.html", b"<!doctype html><script>alert(document.cookie)</script>", "không phải loại tệp"),
    "svg": ("giay-to.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "không phải loại tệp"),
    "renamed": ("giay-to.pdf", b"<html><script>alert(1)</script></html>", "không phải là tệp .pdf thật"),
    "renamed-image": ("anh.png", b"MZ\x90\x00 executable", "không phải là tệp .png thật"),
    "20 MB": ("giay-to.pdf", PDF + b"0" * (20 * 1024 * 1024), "tối đa"),
    "900 megapixels": ("anh.png", png_bomb(), "megapixel"),
}
KINDS = [uploads.EVIDENCE, uploads.EXTERNAL_TRAINING, uploads.DECISION]


@pytest.mark.parametrize("bad", list(BAD))
@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.label)
def test_each_bad_kind_is_refused_for_each_upload_kind(bad, kind):
    name, data, message = BAD[bad]
    with pytest.raises(ValidationError) as excinfo:
        uploads.validate_upload(SimpleUploadedFile(name, data), kind)
    assert message in " ".join(excinfo.value.messages)


@pytest.mark.parametrize("bad", list(BAD))
def test_each_bad_kind_is_refused_as_a_question_figure(bad):
    name, data, message = BAD[bad]
    if bad == "renamed":  # a .pdf is no figure at all: refused by its type before its content
        message = "không phải loại tệp được phép"
    with pytest.raises(ValidationError) as excinfo:
        uploads.validate_upload(SimpleUploadedFile(name, data), uploads.QUESTION_FIGURE)
    assert message in " ".join(excinfo.value.messages)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.label)
@pytest.mark.parametrize("name,data", [("giay-to.pdf", PDF), ("anh.png", png())])
def test_real_files_pass(kind, name, data):
    uploads.validate_upload(SimpleUploadedFile(name, data), kind)


# --- through each form / service: the message a user sees, and nothing written -------------------


@pytest.fixture
def competency(db):
    fw = Framework.objects.create(name="Khung", version="2025", is_active=True)
    ProficiencyLevel.objects.create(framework=fw, level=1, name="Mức 1")
    area = Area.objects.create(framework=fw, code="A", name="Giám sát")
    return Competency.objects.create(framework=fw, area=area, code="A1", name="Giám sát thường xuyên")


def _stored_files(settings) -> list:
    roots = [Path(settings.PRIVATE_MEDIA_ROOT), Path(settings.MEDIA_ROOT)]
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize("bad", list(BAD))
def test_the_external_training_form_refuses_each_bad_kind(client, bad, cadre_a, manager_a, settings):
    name, data, message = BAD[bad]
    client.force_login(manager_a)
    response = client.post(reverse("courses_external:add"), {
        "cadre_code": cadre_a.code, "course_name": "Lớp", "provider": "Trường", "hours": "8",
        "start_on": "2026-05-04", "end_on": "2026-05-04", "file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExternalTraining.objects.exists()
    assert _stored_files(settings) == []


@pytest.mark.parametrize("bad", list(BAD))
def test_the_evidence_form_refuses_each_bad_kind(client, bad, cadre_a, competency, settings):
    name, data, message = BAD[bad]
    client.force_login(UserFactory(username="quantri", is_superuser=True, is_staff=True))
    response = client.post(reverse("competency_evidence:add"), {
        "cadre_code": cadre_a.code, "competency": competency.pk, "level": "1", "source": EvidenceSource.PRIOR,
        "obtained_on": "2026-05-04", "file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Evidence.objects.exists()
    assert _stored_files(settings) == []


@pytest.mark.parametrize("bad", list(BAD))
def test_the_evidence_service_refuses_each_bad_kind(bad, cadre_a, competency):
    name, data, message = BAD[bad]
    with pytest.raises(ValidationError):
        evidence_record(cadre=cadre_a, competency=competency, level=1, source=EvidenceSource.PRIOR,
                        obtained_on=datetime.date(2026, 5, 4), file=SimpleUploadedFile(name, data))
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("bad", list(BAD))
def test_a_rotation_decision_refuses_each_bad_kind(bad, cadre_a, settings):
    name, data, message = BAD[bad]
    with pytest.raises(ValidationError) as excinfo:
        rotate_out(cadre_a, datetime.date(2024, 3, 1), decision_file=SimpleUploadedFile(name, data))
    assert message in " ".join(excinfo.value.messages)
    assert not Rotation.objects.exists()
    assert _stored_files(settings) == []


def test_wagtail_images_refuse_svg_and_documents_are_attachments(settings):
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS <= 64_000_000
    assert "html" not in settings.WAGTAILDOCS_EXTENSIONS and "svg" not in settings.WAGTAILDOCS_EXTENSIONS
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    assert settings.WAGTAILDOCS_INLINE_CONTENT_TYPES == []
