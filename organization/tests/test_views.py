"""Public pages (/org/...) and the cadre import (upload -> preview -> confirm)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override

from organization import imports, roles
from organization.models import Cadre, CadreStatus, ImportUpload, PositionAssignment
from tests.factories import CadreFactory, UserFactory
from tests.spreadsheets import BOMB_MESSAGE, FORMULAS, NOT_EXCEL_MESSAGE, exe_bytes, png_bytes, text_cells, zip_bomb

from .builders import HEADER, csv_bytes, read_xlsx, row, xlsx_bytes

LIST_URL = reverse("organization:cadre_list")
EXPORT_URL = reverse("organization:cadre_export")
IMPORT_URL = reverse("organization_cadre_import")


def _cadres(province, n, unit=None):
    return [
        CadreFactory(full_name=f"Nguyễn Văn Thử {i:03d}", unit=unit or province.a1, position=province.member)
        for i in range(n)
    ]


# --- the cadre list ---------------------------------------------------------------------------


def test_a_manager_lists_only_the_cadres_of_his_subtree(client, manager_a, cadre_a, cadre_b):
    client.force_login(manager_a)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert cadre_a.full_name in response.text
    assert cadre_b.full_name not in response.text


def test_the_list_shows_names_in_vietnamese_order(client, province, board_user):
    for name in ["Phạm Thu Đào", "Vũ Đức Dũng", "Lê Văn Bình", "Trần Thị Ánh", "Nguyễn Văn An"]:
        CadreFactory(full_name=name, unit=province.a1, position=province.member)
    client.force_login(board_user)
    text = client.get(LIST_URL).text
    order = sorted(["An", "Ánh", "Bình", "Dũng", "Đào"], key=lambda given: text.index(f" {given}</a>"))
    # a < á only by tone, b, then d before đ.
    assert order == ["An", "Ánh", "Bình", "Dũng", "Đào"]


def _count_queries(client, url):
    client.get(url)  # warm: the navbar's unread badge is cached per user after the first page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_the_same_number_of_queries_for_5_and_50_cadres(client, province, manager_a):
    client.force_login(manager_a)
    _cadres(province, 5)
    few = _count_queries(client, LIST_URL)
    _cadres(province, 45)
    many = _count_queries(client, LIST_URL)
    assert few == many
    assert many <= 12


def test_a_unit_filter_outside_the_users_tree_is_404(client, manager_a, province):
    client.force_login(manager_a)
    assert client.get(LIST_URL, {"unit": province.b.pk}).status_code == 404
    assert client.get(LIST_URL, {"unit": province.a1.pk}).status_code == 200


def test_a_deep_unit_of_the_users_tree_can_be_a_filter(client, manager_a, province):
    deep = CadreFactory(unit=province.a1c, position=province.member, full_name="Hoàng Văn Sâu")
    client.force_login(manager_a)
    response = client.get(LIST_URL, {"unit": province.a1c.pk})
    assert deep.full_name in response.text


def test_managers_see_the_import_link_and_the_board_does_not(client, manager_a, board_user, province):
    client.force_login(manager_a)
    assert IMPORT_URL in client.get(LIST_URL).text
    client.force_login(board_user)
    assert IMPORT_URL not in client.get(LIST_URL).text


def test_the_export_link_keeps_the_current_filters(client, manager_a, province):
    client.force_login(manager_a)
    text = client.get(LIST_URL, {"status": "active", "q": "An"}).text
    assert f'{EXPORT_URL}?status=active&amp;q=An' in text


def test_a_cadre_gets_403_on_the_list_and_the_export(client, province, cadre_a):
    user = UserFactory(username="cadre", role=roles.CADRE)
    Cadre.objects.filter(pk=cadre_a.pk).update(user=user)
    client.force_login(user)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(EXPORT_URL).status_code == 403


def test_a_cadre_sees_their_own_record_and_no_other(client, province, cadre_a, cadre_b):
    user = UserFactory(username="cadre", role=roles.CADRE)
    Cadre.objects.filter(pk=cadre_a.pk).update(user=user)
    client.force_login(user)
    assert client.get(reverse("organization:cadre_detail", args=[cadre_a.pk])).status_code == 200
    assert client.get(reverse("organization:cadre_detail", args=[cadre_b.pk])).status_code == 404
    assert cadre_a.full_name in client.get(reverse("organization:me")).text


# --- the export -------------------------------------------------------------------------------


def test_the_export_has_a_vietnamese_header_and_real_dates(client, province, manager_a):
    CadreFactory(code="CB9", full_name="Trần Thị Ánh", unit=province.a1, position=province.member,
                 date_of_birth=datetime.date(1980, 9, 5), appointed_on=datetime.date(2021, 3, 15))
    client.force_login(manager_a)
    response = client.get(EXPORT_URL)
    assert response["Content-Type"] == imports.XLSX_CONTENT_TYPE
    header, rows, sheet = read_xlsx(response.content)
    with override("vi"):
        assert header == [capfirst(str(column.label)) for column in imports.COLUMNS]
    assert rows[0][:5] == ["CB9", "Trần Thị Ánh", None, datetime.datetime(1980, 9, 5), "A1"]
    assert sheet["D2"].number_format == "dd/mm/yyyy"
    assert sheet["J2"].is_date and sheet["J2"].number_format == "dd/mm/yyyy"


def test_the_export_follows_the_list_filters_and_scope(client, province, manager_a, cadre_a, cadre_b):
    CadreFactory(code="CB-R", full_name="Lê Hưu", unit=province.a1, position=province.member,
                 status=CadreStatus.RETIRED)
    client.force_login(manager_a)
    _header, rows, _sheet = read_xlsx(client.get(EXPORT_URL).content)
    assert sorted(r[0] for r in rows) == ["CB-A1", "CB-R"]
    _header, rows, _sheet = read_xlsx(client.get(EXPORT_URL, {"status": "retired"}).content)
    assert [r[0] for r in rows] == ["CB-R"]


def test_the_export_is_in_vietnamese_name_order(client, province, board_user):
    for name in ["Phạm Thu Đào", "Vũ Đức Dũng", "Nguyễn Văn An"]:
        CadreFactory(full_name=name, unit=province.a1, position=province.member)
    client.force_login(board_user)
    _header, rows, _sheet = read_xlsx(client.get(EXPORT_URL).content)
    assert [r[1] for r in rows] == ["Nguyễn Văn An", "Vũ Đức Dũng", "Phạm Thu Đào"]


# --- the import -------------------------------------------------------------------------------


def _upload(client, data, name="can-bo.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def _preview_url(response):
    assert response.status_code == 302, getattr(response, "text", "")[:2000]
    return response["Location"]


def test_upload_preview_confirm_creates_the_cadres(client, province, manager_a):
    client.force_login(manager_a)
    data = xlsx_bytes([
        row(code="CB1", full_name="Trần Thị Ánh", date_of_birth="05/09/1980", appointed_on=datetime.date(2021, 3, 15)),
        row(code="CB2", full_name="Vũ Đức Dũng", unit_code="A1C", position="Ủy viên kiêm nhiệm"),
    ])
    preview = _preview_url(_upload(client, data))
    page = client.get(preview)
    assert page.status_code == 200
    assert "Trần Thị Ánh" in page.text
    assert not Cadre.objects.exists()  # the preview writes nothing
    response = client.post(preview)
    assert response.status_code == 302
    assert set(Cadre.objects.values_list("code", flat=True)) == {"CB1", "CB2"}
    assert PositionAssignment.objects.get(cadre__code="CB1").start_date == datetime.date(2021, 3, 15)
    assert not ImportUpload.objects.exists()


def test_reimporting_the_same_file_updates_instead_of_duplicating(client, province, manager_a):
    client.force_login(manager_a)
    data = csv_bytes([row(code="CB1", full_name="Trần Thị Ánh", appointed_on="01/01/2024")])
    client.post(_preview_url(_upload(client, data, "can-bo.csv")))
    changed = csv_bytes([row(code="CB1", full_name="Trần Thị Ánh", appointed_on="01/01/2024",
                             position="pcn-chuyen-trach")])
    preview = _preview_url(_upload(client, changed, "can-bo.csv"))
    assert _("Update") in client.get(preview).text
    client.post(preview)
    cadre = Cadre.objects.get()
    assert cadre.position == province.deputy
    assert Cadre.objects.count() == 1
    assert cadre.assignments.count() == 2  # the move is history, not an overwrite


def test_a_file_with_one_bad_row_writes_nothing(client, province, manager_a, cadre_a):
    client.force_login(manager_a)
    data = xlsx_bytes([
        row(code="CB1"),
        row(code=cadre_a.code, full_name="Tên đổi", date_of_birth="31/02/1980"),
        row(code="CB3", unit_code="NOPE"),
    ])
    preview = _preview_url(_upload(client, data))
    page = client.get(preview)
    assert _("Unit code %(code)s is unknown or outside the units you manage.") % {"code": "NOPE"} in page.text
    assert "31/02/1980" in page.text
    response = client.post(preview)
    assert response.status_code == 200
    assert list(Cadre.objects.values_list("code", "full_name")) == [(cadre_a.code, cadre_a.full_name)]


def test_the_confirmation_checks_the_file_again(client, province, manager_a):
    client.force_login(manager_a)
    preview = _preview_url(_upload(client, xlsx_bytes([row(code="CB1", unit_code="A1C")])))
    # Between the preview and the confirmation the unit is closed.
    province.a1c.is_active = False
    province.a1c.save()
    response = client.post(preview)
    assert response.status_code == 200
    assert _("Unit %(code)s is closed and cannot receive cadres.") % {"code": "A1C"} in response.text
    assert not Cadre.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("can-bo.xls", b"old excel", "Only .xlsx (Excel) and .csv files can be imported."),
        ("can-bo.xlsx", b"Ma,Ten\n1,2\n",
         "The file is not a valid Excel workbook (.xlsx). Save it again from Excel as .xlsx."),
        ("can-bo.csv", b"\x00\x01\x02", "The file is not a text CSV file. Save it from Excel as “CSV UTF-8”."),
    ],
)
def test_files_of_another_type_are_refused_on_the_upload_page(client, province, manager_a, name, data, message):
    client.force_login(manager_a)
    response = _upload(client, data, name)
    assert response.status_code == 200
    assert _(message) in response.text
    assert not ImportUpload.objects.exists()


def test_a_file_over_the_limit_is_refused(client, province, manager_a, settings):
    settings.KTLEARN_IMPORT_MAX_BYTES = 4096
    client.force_login(manager_a)
    response = _upload(client, csv_bytes([row(code=f"CB{i}") for i in range(200)]), "can-bo.csv")
    assert _("The file is %(size)s KB; the limit is %(limit)s KB.").split("%")[0] in response.text
    assert not ImportUpload.objects.exists()


def test_a_wrong_header_is_refused_on_the_upload_page(client, province, manager_a):
    client.force_login(manager_a)
    header = ["Mã", *HEADER[1:]]
    response = _upload(client, xlsx_bytes([row()], header=header))
    assert response.status_code == 200
    assert _("Unknown column “%(header)s”.") % {"header": "Mã"} in response.text
    assert not ImportUpload.objects.exists()


def test_a_preview_belongs_to_the_user_who_uploaded_it(client, province, manager_a):
    client.force_login(manager_a)
    preview = _preview_url(_upload(client, xlsx_bytes([row(code="CB1")])))
    other = UserFactory(username="other_admin", role=roles.ADMINISTRATOR)
    client.force_login(other)
    assert client.get(preview).status_code == 404
    assert client.post(preview).status_code == 404
    assert not Cadre.objects.exists()


def test_an_exported_file_imports_back_unchanged(client, province, manager_a):
    CadreFactory(code="CB7", full_name="Trần Thị Ánh", unit=province.a1, position=province.member, gender="f",
                 date_of_birth=datetime.date(1980, 9, 5), grade="ktv", appointed_on=datetime.date(2020, 1, 1))
    client.force_login(manager_a)
    exported = client.get(EXPORT_URL).content
    page = client.get(_preview_url(_upload(client, exported)))
    report = page.context["report"]
    assert report.is_valid
    assert [r.action for r in report.rows] == [imports.UNCHANGED]


def test_the_template_downloads_with_the_header(client, province, manager_a):
    client.force_login(manager_a)
    response = client.get(reverse("organization_cadre_import_template"))
    header, rows, _sheet = read_xlsx(response.content)
    assert header == HEADER and rows == []


def test_the_board_cannot_import(client, province, board_user):
    client.force_login(board_user)
    assert client.get(IMPORT_URL).status_code == 403
    assert _upload(client, xlsx_bytes([row()])).status_code == 403
    assert client.get(reverse("organization_cadre_import_template")).status_code == 403


# --- spreadsheet safety (lms.spreadsheets) -------------------------------------------------------


@pytest.mark.parametrize(("make", "message"), [(zip_bomb, BOMB_MESSAGE), (png_bytes, NOT_EXCEL_MESSAGE),
                                               (exe_bytes, NOT_EXCEL_MESSAGE)], ids=["zip-bomb", "png", "exe"])
def test_a_zip_bomb_or_a_renamed_file_is_refused_and_nothing_is_written(client, province, manager_a, make, message):
    client.force_login(manager_a)
    cadres = Cadre.objects.count()
    response = _upload(client, make(), "can-bo.xlsx")
    assert response.status_code == 200
    assert _(message) in response.text
    assert not ImportUpload.objects.exists()
    assert Cadre.objects.count() == cadres


def test_formula_like_names_are_exported_as_text(client, province, manager_a):
    for index, name in enumerate(FORMULAS):
        CadreFactory(code=f"CB-F{index}", full_name=name, unit=province.a1, position=province.member)
    client.force_login(manager_a)
    assert text_cells(client.get(EXPORT_URL).content) == dict.fromkeys(FORMULAS, "s")
