"""A manager of unit A never reaches unit B's units or cadres, on any URL that takes an id; the
board reads but never writes; a cadre sees only their own record."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organization import roles
from organization.models import Cadre, ImportUpload, Unit
from tests.factories import UserFactory

from .builders import read_xlsx, row, xlsx_bytes

CADRE_ADMIN_VIEWS = ["edit", "delete", "inspect", "history", "usage"]
UNIT_ADMIN_VIEWS = ["edit", "delete", "inspect", "history", "usage", "close", "merge"]


@pytest.mark.parametrize("view", CADRE_ADMIN_VIEWS)
def test_a_manager_gets_404_for_another_subtrees_cadre_in_the_admin(client, manager_a, cadre_b, view):
    client.force_login(manager_a)
    url = reverse(f"organization_cadre:{view}", args=[cadre_b.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"full_name": "Đổi tên"}).status_code == 404
    assert Cadre.objects.filter(pk=cadre_b.pk, full_name=cadre_b.full_name).exists()


@pytest.mark.parametrize("view", UNIT_ADMIN_VIEWS)
@pytest.mark.parametrize("unit_name", ["b", "b1", "root"])
def test_a_manager_gets_404_for_units_outside_his_subtree(client, province, manager_a, view, unit_name):
    unit = getattr(province, unit_name)
    client.force_login(manager_a)
    url = reverse(f"organization_unit:{view}", args=[unit.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Đổi tên", "target": province.a1.pk}).status_code == 404
    assert Unit.objects.get(pk=unit.pk).name == unit.name
    assert Unit.objects.get(pk=unit.pk).is_active


@pytest.mark.parametrize("view", CADRE_ADMIN_VIEWS)
def test_the_same_admin_urls_work_inside_his_subtree(client, manager_a, cadre_a, view):
    client.force_login(manager_a)
    assert client.get(reverse(f"organization_cadre:{view}", args=[cadre_a.pk])).status_code == 200


def test_the_public_cadre_page_of_another_subtree_is_404(client, manager_a, cadre_b):
    client.force_login(manager_a)
    assert client.get(reverse("organization:cadre_detail", args=[cadre_b.pk])).status_code == 404


def test_browsing_the_sub_units_of_another_subtree_is_404(client, province, manager_a):
    client.force_login(manager_a)
    index = reverse("organization_unit:index")
    assert client.get(index, {"parent": province.b.pk}).status_code == 404
    assert client.get(index, {"parent": province.root.pk}).status_code == 404
    assert client.get(index, {"parent": "x"}).status_code == 404
    assert client.get(index, {"parent": province.a.pk}).status_code == 200


def test_exports_filtered_on_another_subtrees_unit_are_404(client, province, manager_a, cadre_b):
    client.force_login(manager_a)
    assert client.get(reverse("organization:cadre_export"), {"unit": province.b.pk}).status_code == 404
    assert client.get(reverse("organization:cadre_list"), {"unit": province.b1.pk}).status_code == 404
    admin_index = reverse("organization_cadre:index")
    assert client.get(admin_index, {"unit": province.b.pk}).status_code == 404
    assert client.get(admin_index, {"unit": province.b.pk, "export": "xlsx"}).status_code == 404


def test_an_unfiltered_export_holds_only_the_managers_subtree(client, province, manager_a, cadre_a, cadre_b):
    client.force_login(manager_a)
    for url in (reverse("organization:cadre_export"), reverse("organization_cadre:index") + "?export=xlsx"):
        content = client.get(url).content
        _header, rows, _sheet = read_xlsx(content)
        assert [r[0] for r in rows] == [cadre_a.code]


def test_an_import_naming_another_subtrees_units_is_refused(client, province, manager_a, cadre_b):
    client.force_login(manager_a)
    data = xlsx_bytes([row(code="CB1", unit_code="A1"), row(code="CB2", unit_code="B1")])
    response = client.post(reverse("organization_cadre_import"), {"file": SimpleUploadedFile("f.xlsx", data)})
    preview = response["Location"]
    page = client.get(preview)
    assert not page.context["report"].is_valid
    assert client.post(preview).status_code == 200
    assert not Cadre.objects.filter(code__in=["CB1", "CB2"]).exists()


def test_an_import_cannot_take_over_another_subtrees_cadre(client, province, manager_a, cadre_b):
    client.force_login(manager_a)
    data = xlsx_bytes([row(code=cadre_b.code, full_name="Chiếm chỗ", unit_code="A1")])
    response = client.post(reverse("organization_cadre_import"), {"file": SimpleUploadedFile("f.xlsx", data)})
    client.post(response["Location"])
    cadre_b.refresh_from_db()
    assert (cadre_b.full_name, cadre_b.unit_id) == ("Trần Thị Bình", province.b1.pk)


def test_another_users_import_preview_is_404(client, province, manager_a, manager_b):
    upload = ImportUpload.objects.create(token="t0k3n", user=manager_b, filename="f.xlsx",
                                              content=xlsx_bytes([row(unit_code="B1")]))
    client.force_login(manager_a)
    url = reverse("organization_cadre_import_preview", args=[upload.token])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_the_cadre_form_offers_only_the_managers_units(client, province, manager_a, cadre_a):
    client.force_login(manager_a)
    form = client.get(reverse("organization_cadre:edit", args=[cadre_a.pk])).context["form"]
    assert set(form.fields["unit"].queryset.values_list("code", flat=True)) == {"A", "A1", "A1C"}


# --- the board reads, never writes ------------------------------------------------------------


@pytest.mark.parametrize("view", ["edit", "delete", "history"])
def test_the_board_gets_403_on_cadre_writes(client, board_user, cadre_a, view):
    client.force_login(board_user)
    url = reverse(f"organization_cadre:{view}", args=[cadre_a.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"full_name": "Đổi tên"}).status_code == 403
    assert Cadre.objects.filter(pk=cadre_a.pk, full_name=cadre_a.full_name).exists()


@pytest.mark.parametrize("view", ["edit", "delete", "close", "merge"])
def test_the_board_gets_403_on_unit_writes(client, province, board_user, view):
    client.force_login(board_user)
    url = reverse(f"organization_unit:{view}", args=[province.b1.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Đổi tên", "target": province.a1.pk}).status_code == 403
    assert Unit.objects.get(pk=province.b1.pk).is_active


def test_the_board_cannot_add(client, province, board_user):
    client.force_login(board_user)
    assert client.get(reverse("organization_cadre:add")).status_code == 403
    assert client.get(reverse("organization_unit:add")).status_code == 403


def test_the_board_reads_everything(client, province, board_user, cadre_a, cadre_b):
    client.force_login(board_user)
    index = client.get(reverse("organization_cadre:index"))
    assert cadre_a.full_name in index.text and cadre_b.full_name in index.text
    assert reverse("organization_cadre:add") not in index.text
    assert client.get(reverse("organization_cadre:inspect", args=[cadre_b.pk])).status_code == 200
    assert client.get(reverse("organization_unit:index"), {"parent": province.b.pk}).status_code == 200


# --- a cadre and a trainer --------------------------------------------------------------------


def test_a_cadre_has_no_admin_and_no_list(client, province, cadre_a, cadre_b):
    user = UserFactory(username="cadre", role=roles.CADRE)
    Cadre.objects.filter(pk=cadre_a.pk).update(user=user)
    client.force_login(user)
    assert client.get(reverse("organization:cadre_list")).status_code == 403
    for url in (reverse("organization_cadre:index"), reverse("organization_cadre:edit", args=[cadre_a.pk])):
        response = client.get(url)
        # Without admin access Wagtail sends them to its login page; nothing is shown.
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_a_trainer_has_the_admin_but_not_the_cadres(client, province, cadre_a):
    trainer = UserFactory(username="trainer", role=roles.TRAINER)
    client.force_login(trainer)
    assert client.get(reverse("organization_cadre:index")).status_code == 403
    assert client.get(reverse("organization_cadre:edit", args=[cadre_a.pk])).status_code == 403
    assert client.get(reverse("organization_cadre_import")).status_code == 403
