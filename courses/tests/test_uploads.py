"""Bad uploads of lesson media are refused with a clear message and write nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="quantri", is_superuser=True, is_staff=True))
    return client


def png(width=20, height=20, mode="RGB") -> bytes:
    buffer = io.BytesIO()
    PILImage.new(mode, (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload_image(client, name, data):
    return client.post(reverse("wagtailimages:add"), {
        "title": "Ảnh bài học", "collection": Collection.get_first_root_node().pk,
        "file": SimpleUploadedFile(name, data, content_type="image/png"),
    })


def upload_document(client, name, data):
    return client.post(reverse("wagtaildocs:add"), {
        "title": "Tài liệu", "collection": Collection.get_first_root_node().pk,
        "file": SimpleUploadedFile(name, data),
    })


def file_errors(response) -> str:
    return " ".join(response.context["form"].errors.get("file", []))


def test_a_real_image_is_accepted(admin_client):
    response = upload_image(admin_client, "so-do.png", png())
    assert response.status_code == 302
    assert get_image_model().objects.count() == 1


def test_a_text_file_named_png_is_refused_as_an_image(admin_client):
    response = upload_image(admin_client, "so-do.png", b"day khong phai la anh")
    assert "Upload a valid image." in file_errors(response)
    assert not get_image_model().objects.exists()


def test_an_image_bomb_is_refused(admin_client):
    bomb = png(9000, 9000, mode="1")  # tiny file, 81 million pixels
    assert len(bomb) < 2_000_000
    response = upload_image(admin_client, "bom.png", bomb)
    assert "pixels" in file_errors(response)
    assert not get_image_model().objects.exists()


def test_an_oversized_image_is_refused(admin_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1000
    response = upload_image(admin_client, "lon.png", png(300, 300) + b"\x00" * 2000)
    assert "This file is too big" in file_errors(response)
    assert not get_image_model().objects.exists()


def test_a_real_mp4_video_is_accepted_as_a_document(admin_client):
    response = upload_document(admin_client, "bai-giang.mp4", MP4_HEAD)
    assert response.status_code == 302
    assert get_document_model().objects.get().file_extension == "mp4"


def test_a_video_of_another_type_is_refused(admin_client):
    response = upload_document(admin_client, "bai-giang.avi", b"RIFF\x00\x00\x00\x00AVI LIST")
    assert "File extension “avi” is not allowed." in file_errors(response)
    assert not get_document_model().objects.exists()


def test_a_file_pretending_to_be_an_mp4_is_refused(admin_client):
    response = upload_document(admin_client, "bai-giang.mp4", b"MZ\x90\x00 this is not a video")
    assert "“bai-giang.mp4” is not a real MP4 video. Upload an MP4 or WebM video file." in file_errors(response)
    assert not get_document_model().objects.exists()


def test_an_oversized_document_is_refused(admin_client, settings):
    settings.KTLEARN_DOCUMENT_MAX_BYTES = 100
    response = upload_document(admin_client, "quy-dinh.pdf", b"%PDF-1.4" + b"0" * 500)
    assert "files may be at most 100" in file_errors(response)
    assert not get_document_model().objects.exists()
