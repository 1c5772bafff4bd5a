"""The official documents settings (Settings menu of the admin): who may edit them, what the other
apps read from them, the private seal image, and the date line of a Party document."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from wagtail.models import Site

from cms.api import date_line, official_documents
from cms.models import OfficialDocumentSettings, validate_seal_image
from organization import roles
from tests.factories import UserFactory, make_manager, unit_tree_root
from tests.spreadsheets import png_bytes

pytestmark = pytest.mark.django_db

D = datetime.date


def _site():
    return Site.objects.get(is_default_site=True)


def _url():
    return f"/admin/settings/cms/officialdocumentsettings/{_site().pk}/"


@pytest.mark.parametrize(("day", "line"), [
    (D(2026, 1, 5), "Quảng Ninh, ngày 05 tháng 01 năm 2026"),
    (D(2026, 2, 3), "Quảng Ninh, ngày 03 tháng 02 năm 2026"),
    (D(2026, 3, 3), "Quảng Ninh, ngày 03 tháng 3 năm 2026"),
    (D(2026, 12, 15), "Quảng Ninh, ngày 15 tháng 12 năm 2026"),
])
def test_the_date_line_writes_zeros_as_hd36_says(day, line):
    assert date_line("Quảng Ninh", day) == line


def test_without_saved_settings_the_documents_read_the_demo_province():
    document = official_documents()
    assert (document.superior_body, document.issuing_body, document.issuing_body_abbreviation,
            document.place_name) == ("Tỉnh ủy Quảng Ninh", "Ủy ban Kiểm tra", "UBKT", "Quảng Ninh")
    assert document.recipients == ("- Thường trực Tỉnh ủy,", "- Ban Tổ chức Tỉnh ủy,", "- Lưu UBKT.")
    assert document.certificate_issuer == "Ủy ban Kiểm tra Tỉnh ủy Quảng Ninh"
    assert document.signer_name == "" and document.seal_image is None


def test_the_settings_page_loads_for_an_administrator():
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(username="quantri", role=roles.ADMINISTRATOR))
    response = client.get(_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="signer_name"' in body and 'name="seal_image"' in body and "Tỉnh ủy Quảng Ninh" in body


def test_an_administrator_saves_the_signer_and_the_documents_read_it(client):
    client.force_login(UserFactory(username="quantri", role=roles.ADMINISTRATOR))
    form = {field: getattr(OfficialDocumentSettings(), field) for field in (
        "province_name", "superior_body", "issuing_body", "issuing_body_abbreviation", "place_name",
        "on_behalf_line", "signer_title", "recipients", "certificate_signer_title", "certificate_signer_name")}
    form.update(signer_name="Nguyễn Văn Hải", province_name="Hà Giang", superior_body="Tỉnh ủy Hà Giang")
    response = client.post(_url(), form)
    assert response.status_code == 302
    document = official_documents()
    assert (document.signer_name, document.superior_body) == ("Nguyễn Văn Hải", "Tỉnh ủy Hà Giang")


def test_the_settings_page_is_refused_to_a_unit_manager_and_nothing_changes(client):
    client.force_login(make_manager(unit_tree_root(), username="ql"))
    assert client.get(_url()).status_code in (302, 403)
    client.post(_url(), {"signer_name": "Kẻ Mạo Danh", "superior_body": "X"})
    assert official_documents().signer_name == ""
    assert client.get("/admin/").status_code == 200  # the manager has the admin, not this page
    assert _url() not in client.get("/admin/").content.decode()


def test_the_board_cannot_open_the_settings_either(client):
    client.force_login(UserFactory(username="bantochuc", role=roles.BOARD))
    assert client.get(_url()).status_code in (302, 403)


def test_the_seal_image_is_private(client):
    row = OfficialDocumentSettings.for_site(_site())
    row.seal_image.save("con-dau.png", ContentFile(png_bytes()))
    url = row.seal_image.url
    assert url.startswith("/files/cms.officialdocumentsettings/")
    assert official_documents().seal_image == png_bytes()
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(make_manager(unit_tree_root(), username="ql"))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="quantri", role=roles.ADMINISTRATOR))
    assert client.get(url).status_code == 200


@translation.override("en")
def test_a_seal_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationError, match="not a real .png file"):
        validate_seal_image(SimpleUploadedFile("con-dau.png", b"%PDF-1.4 not an image"))
    with pytest.raises(ValidationError, match="not an allowed file type"):
        validate_seal_image(SimpleUploadedFile("con-dau.svg", b"<svg/>"))
