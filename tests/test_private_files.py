# ruff: noqa: F811 -- pytest fixtures imported from organization/tests/conftest.py
"""Private files (evidence, external training, decisions, certificates, reports): stored outside
MEDIA_ROOT under unguessable names and served only to users in scope."""

import datetime
import importlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import override_settings
from django.urls import reverse

from competency.models import Area, Competency, Evidence, EvidenceSource, Framework, ProficiencyLevel
from courses.models import ExternalTraining
from lms import private_files
from organization.tests.conftest import (  # noqa: F401 -- fixtures
    Province,
    admin_user,
    board_user,
    cadre_a,
    cadre_b,
    manager_a,
    manager_b,
    province,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def competency(db):
    fw = Framework.objects.create(name="Khung", version="2025", is_active=True)
    ProficiencyLevel.objects.create(framework=fw, level=1, name="Mức 1")
    area = Area.objects.create(framework=fw, code="A", name="Giám sát")
    return Competency.objects.create(framework=fw, area=area, code="A1", name="Giám sát thường xuyên")


@pytest.fixture
def evidence_a(cadre_a, competency):
    evidence = Evidence(cadre=cadre_a, competency=competency, level=1, source=EvidenceSource.PRIOR,
                        obtained_on=datetime.date(2026, 1, 5))
    evidence.file.save("Bằng Nguyễn Văn An.pdf", ContentFile(PDF), save=False)
    evidence.save()
    return evidence


@pytest.fixture
def training_a(cadre_a):
    training = ExternalTraining(cadre=cadre_a, course_name="Lớp", provider="Trường", hours=8,
                                start_on=datetime.date(2026, 5, 4), end_on=datetime.date(2026, 5, 4))
    training.file.save("chung-chi.pdf", ContentFile(PDF), save=False)
    training.save()
    return training


def test_a_private_file_is_stored_outside_media_root_under_an_unguessable_name(evidence_a, settings):
    name = evidence_a.file.name
    assert name.startswith("evidence/2026/") or name.startswith("evidence/")
    stem = Path(name).stem
    assert len(stem) == 32 and "An" not in name  # 128 random bits, not the uploaded name
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / name).is_file()
    assert not (Path(settings.MEDIA_ROOT) / name).exists()
    assert evidence_a.file.url == reverse("private_file", args=["competency.evidence", evidence_a.pk, "file"])


@pytest.mark.parametrize("fixture", ["evidence_a", "training_a"])
def test_who_may_open_a_private_file(client, request, fixture, manager_a, manager_b, board_user, admin_user,
                                     cadre_a, cadre_b):
    url = request.getfixturevalue(fixture).file.url
    # Anonymous: to the login page, no file.
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # The manager of another unit, and another cadre: 404.
    cadre_b.user = UserFactory(username="cb-b1")
    cadre_b.save()
    for outsider in (manager_b, cadre_b.user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    # The manager of the cadre's unit, the board, the administrator, the cadre themself: the file.
    cadre_a.user = UserFactory(username="cb-a1")
    cadre_a.save()
    for reader in (manager_a, board_user, admin_user, cadre_a.user):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200, reader
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_the_old_public_media_address_serves_nothing(client, evidence_a, admin_user):
    client.force_login(admin_user)
    assert client.get(f"/media/{evidence_a.file.name}").status_code == 404


def test_a_forged_address_is_404(client, admin_user, evidence_a):
    client.force_login(admin_user)
    for args in (["competency.evidence", evidence_a.pk + 99, "file"], ["competency.evidence", evidence_a.pk, "note"],
                 ["organization.cadre", evidence_a.cadre_id, "code"], ["nope.nope", 1, "file"]):
        assert client.get(reverse("private_file", args=args)).status_code == 404


def test_behind_nginx_the_file_is_handed_to_the_proxy(client, settings, evidence_a, admin_user):
    settings.KTLEARN_PRIVATE_ACCEL_PREFIX = "/_private/"
    client.force_login(admin_user)
    response = client.get(evidence_a.file.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{evidence_a.file.name}"
    assert response.content == b""  # Python streams nothing
    assert response["Content-Disposition"].startswith("attachment;")


def test_html_and_svg_are_never_inline(rf, evidence_a):
    evidence_a.file.name = evidence_a.file.name  # any stored file
    response = private_files.serve(rf.get("/"), evidence_a.file, filename="x.svg", inline=True)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_s3_branch_uses_a_private_bucket_and_short_signed_urls(monkeypatch, rf):
    monkeypatch.setenv("KTLEARN_PRIVATE_STORAGE", "s3")
    monkeypatch.setenv("KTLEARN_S3_BUCKET", "ktlearn-private")
    monkeypatch.setenv("KTLEARN_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    monkeypatch.setenv("KTLEARN_S3_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("KTLEARN_S3_SECRET_ACCESS_KEY", "test-secret")
    from lms.settings import base

    config = importlib.reload(base).private_storage_config()
    importlib.reload(base)  # leave the module as the environment was
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert config["OPTIONS"]["default_acl"] == "private" and config["OPTIONS"]["querystring_auth"] is True
    with override_settings(STORAGES={**storages.backends, "private": config}, KTLEARN_PRIVATE_URL_SECONDS=60):
        storage = private_files.private_storage()
        assert type(storage).__name__ == "S3Storage"
        stored = ContentFile(b"", name="evidence/2026/abc.pdf")
        fieldfile = Evidence._meta.get_field("file").attr_class(Evidence(), Evidence._meta.get_field("file"),
                                                                 stored.name)
        fieldfile.storage = storage
        response = private_files.serve(rf.get("/"), fieldfile, filename="minh-chung.pdf")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("http://127.0.0.1:9000/ktlearn-private/private/evidence/2026/abc.pdf?")
    assert "X-Amz-Expires=60" in location and "X-Amz-Signature=" in location
    assert "response-content-disposition=attachment" in location


def test_files_of_a_database_from_before_move_out_of_media_root(evidence_a, training_a, settings):
    """An upgraded database: rows still point at files under MEDIA_ROOT; the migration step moves
    them into the private storage without loss and the rows follow."""
    public, private = storages["default"], private_files.private_storage()
    old = {}
    for row in (evidence_a, training_a):  # put them back where the previous release kept them
        with private.open(row.file.name, "rb") as data:
            old_name = public.save(f"legacy/{Path(row.file.name).name}", data)
        private.delete(row.file.name)
        type(row).objects.filter(pk=row.pk).update(file=old_name)
        old[row.pk, type(row)] = old_name
    moved = private_files.move_to_private(Evidence, ["file"], {"file": "evidence"})
    moved += private_files.move_to_private(ExternalTraining, ["file"], {"file": "external-training"})
    assert moved == 2
    for (pk, model), old_name in old.items():
        row = model.objects.get(pk=pk)
        assert not public.exists(old_name)
        assert private.exists(row.file.name)
        with private.open(row.file.name, "rb") as data:
            assert data.read() == PDF
    # Running it again moves nothing.
    assert private_files.move_to_private(Evidence, ["file"], {"file": "evidence"}) == 0
