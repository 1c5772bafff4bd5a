"""Logins created in bulk from the registry: the service, its slips, the managers' page, the command.

    P  (province)
    ├── A  (body)           manager_a    cadres: a_one, a1_two (in A1), a1_retired (retired)
    │   └── A1 (commune)
    └── B  (body)           manager_b    cadres: b_one
"""

import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from organization import roles
from organization.accounts import ONE_TIME_ALPHABET, cadre_logins_create, one_time_passwords_reissue
from organization.models import Cadre, CadreStatus, OneTimePassword
from organization.slips import login_slips_pdf
from tests.factories import CadreFactory, UserFactory

User = get_user_model()


@pytest.fixture
def cadres(province):
    return {
        "a_one": CadreFactory(code="A-001", full_name="Lê Thị Hoa", unit=province.a, position=province.member,
                              email="hoa@example.vn"),
        "a1_two": CadreFactory(code="A1-002", full_name="Trần Văn Bình", unit=province.a1, position=province.member),
        "a1_retired": CadreFactory(code="A1-003", full_name="Phạm Văn Cũ", unit=province.a1, position=province.member,
                                   status=CadreStatus.RETIRED),
        "b_one": CadreFactory(code="B-001", full_name="Đỗ Thị Mai", unit=province.b, position=province.member),
    }


def _subtree(unit):
    return Cadre.objects.filter(unit__path__startswith=unit.path)


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "slips.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


# --- the service -----------------------------------------------------------------------------------


def test_each_working_cadre_without_a_login_gets_one_named_by_their_code(province, cadres, manager_a):
    batch = cadre_logins_create(cadres=_subtree(province.a), issued_by=manager_a)

    assert sorted(login.username for login in batch.issued) == ["A-001", "A1-002"]
    hoa = Cadre.objects.select_related("user").get(code="A-001")
    assert hoa.user.username == "A-001" and hoa.user.email == "hoa@example.vn" and hoa.user.is_active
    assert set(hoa.user.groups.values_list("name", flat=True)) == {roles.CADRE}
    assert Cadre.objects.get(code="B-001").user is None  # outside the selection
    assert batch.left == 1 and Cadre.objects.get(code="A1-003").user is None  # retired: no login


def test_the_one_time_password_logs_in_and_is_stored_only_as_a_hash(client, province, cadres):
    batch = cadre_logins_create(cadres=_subtree(province.a))
    login = next(item for item in batch.issued if item.username == "A-001")

    assert len(login.password) == 10 and set(login.password) <= set(ONE_TIME_ALPHABET)
    user = User.objects.get(username="A-001")
    assert login.password not in user.password
    assert user.password.startswith("ktlearn_onetime_pbkdf2_sha256$")
    response = client.post("/accounts/login/", {"username": "A-001", "password": login.password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.password.startswith("ktlearn_onetime")  # re-hashed with the default hasher at login


def test_every_login_gets_its_own_password(province, cadres):
    batch = cadre_logins_create(cadres=Cadre.objects.all())

    assert len({login.password for login in batch.issued}) == len(batch.issued) == 3


def test_a_second_run_creates_nothing_and_keeps_the_first_passwords(province, cadres):
    first = cadre_logins_create(cadres=_subtree(province.a))
    hashes = dict(User.objects.values_list("username", "password"))

    second = cadre_logins_create(cadres=_subtree(province.a))

    assert second.issued == [] and second.already_had_login == 2
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert len(first.issued) == 2


def test_a_code_already_used_as_a_username_is_reported_and_never_linked(province, cadres):
    stranger = UserFactory(username="A-001")

    batch = cadre_logins_create(cadres=_subtree(province.a))

    assert batch.username_taken == ["A-001"]
    assert [login.username for login in batch.issued] == ["A1-002"]
    assert Cadre.objects.get(code="A-001").user is None
    stranger.refresh_from_db()
    assert stranger.check_password("pw-Secret-123")


def test_each_new_login_must_change_its_password_and_is_logged(province, cadres, manager_a):
    cadre_logins_create(cadres=_subtree(province.a), issued_by=manager_a)

    users = User.objects.filter(username__in=["A-001", "A1-002"])
    assert OneTimePassword.objects.filter(user__in=users, issued_by=manager_a).count() == 2
    entries = ModelLogEntry.objects.filter(action="ktlearn.account_created")
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(str(u.pk) for u in users)
    assert set(entries.values_list("user", flat=True)) == {manager_a.pk}


def test_reissue_replaces_only_passwords_never_used(client, province, cadres):
    first = {login.username: login.password for login in cadre_logins_create(cadres=_subtree(province.a)).issued}
    used = User.objects.get(username="A1-002")
    OneTimePassword.objects.filter(user=used).delete()  # Bình chose his own password

    again = one_time_passwords_reissue(cadres=_subtree(province.a))

    assert [login.username for login in again] == ["A-001"]
    assert client.post("/accounts/login/", {"username": "A-001", "password": first["A-001"]}).status_code == 200
    assert client.post("/accounts/login/", {"username": "A-001", "password": again[0].password}).status_code == 302
    assert ModelLogEntry.objects.filter(action="ktlearn.account_password_reset").count() == 1


# --- the slips -------------------------------------------------------------------------------------


def test_the_slips_print_name_unit_username_password_and_the_address(province, cadres, tmp_path):
    batch = cadre_logins_create(cadres=_subtree(province.a))

    text = _pdf_text(login_slips_pdf(batch.issued, login_url="https://ktlearn.example.vn/accounts/login/"), tmp_path)

    for login in batch.issued:
        assert login.username in text and login.password in text
    assert "Lê Thị Hoa" in text and "Đảng ủy khối A" in text and "Đảng ủy xã A1" in text
    assert "https://ktlearn.example.vn/accounts/login/" in text
    assert "Đồng chí" in text


def test_each_unit_starts_a_page_and_ten_slips_fill_one(province, tmp_path):
    CadreFactory.create_batch(11, unit=province.a, position=province.member)
    CadreFactory.create_batch(2, unit=province.b, position=province.member)
    batch = cadre_logins_create(cadres=Cadre.objects.all())

    pdf = login_slips_pdf(batch.issued, login_url="http://x/accounts/login/")

    path = tmp_path / "s.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+3$", info, re.M), info  # A: 10 + 1, B: 2
    assert "A4" in info


# --- the page --------------------------------------------------------------------------------------


def test_a_manager_downloads_the_slips_of_their_subtree(client, province, cadres, manager_a, tmp_path):
    client.force_login(manager_a)

    response = client.post("/org/logins/", {"unit": province.a.pk, "include_subunits": "on"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="dang-nhap-A-')
    assert "no-store" in response["Cache-Control"]
    text = _pdf_text(response.content, tmp_path)
    assert "A-001" in text and "A1-002" in text and "http://localhost/accounts/login/" in text
    assert set(Cadre.objects.filter(user__isnull=False).values_list("code", flat=True)) == {"A-001", "A1-002"}


def test_without_sub_units_only_the_units_own_cadres(client, province, cadres, manager_a):
    client.force_login(manager_a)

    client.post("/org/logins/", {"unit": province.a.pk})

    assert list(Cadre.objects.filter(user__isnull=False).values_list("code", flat=True)) == ["A-001"]


def test_the_page_counts_the_cadres_without_a_login(client, province, cadres, manager_a):
    client.force_login(manager_a)

    response = client.get("/org/logins/", {"unit": province.a.pk, "include_subunits": "on"})

    assert response.status_code == 200
    assert response.context["counts"] == {"with_login": 0, "without_login": 2}


def test_a_second_post_says_nothing_was_created(client, province, cadres, manager_a):
    client.force_login(manager_a)
    client.post("/org/logins/", {"unit": province.a.pk, "include_subunits": "on"})

    response = client.post("/org/logins/", {"unit": province.a.pk, "include_subunits": "on"}, follow=True)

    assert response["Content-Type"].startswith("text/html")
    assert "nothing was created" in response.content.decode() or "không tạo" in response.content.decode()


def test_the_page_reprints_only_slips_never_used_when_asked(client, province, cadres, manager_a, tmp_path):
    client.force_login(manager_a)
    client.post("/org/logins/", {"unit": province.a.pk, "include_subunits": "on"})
    OneTimePassword.objects.filter(user__username="A1-002").delete()  # Bình has chosen his password

    response = client.post("/org/logins/", {"unit": province.a.pk, "include_subunits": "on", "reissue": "on"})

    text = _pdf_text(response.content, tmp_path)
    assert "A-001" in text and "A1-002" not in text


def test_a_manager_cannot_create_logins_in_another_subtree(client, province, cadres, manager_a):
    client.force_login(manager_a)

    assert client.post("/org/logins/", {"unit": province.b.pk, "include_subunits": "on"}).status_code == 404
    assert client.get("/org/logins/", {"unit": province.b.pk}).status_code == 404
    assert not Cadre.objects.filter(user__isnull=False).exists()


def test_a_missing_unit_is_a_form_error_and_creates_nothing(client, province, cadres, manager_a):
    client.force_login(manager_a)

    response = client.post("/org/logins/", {})

    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert not User.objects.filter(username__in=["A-001", "A1-002"]).exists()


def test_the_administrator_can_create_logins_anywhere(client, province, cadres):
    admin = UserFactory(username="quantri", role=roles.ADMINISTRATOR)
    client.force_login(admin)

    response = client.post("/org/logins/", {"unit": province.root.pk, "include_subunits": "on"})

    assert response["Content-Type"] == "application/pdf"
    assert Cadre.objects.filter(user__isnull=False).count() == 3


@pytest.mark.parametrize("role", [roles.BOARD, roles.TRAINER, roles.CADRE])
def test_other_roles_are_refused(client, province, cadres, role):
    client.force_login(UserFactory(username="someone", role=role))

    assert client.post("/org/logins/", {"unit": province.a.pk}).status_code == 403
    assert not Cadre.objects.filter(user__isnull=False).exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, province, cadres):
    response = client.post("/org/logins/", {"unit": province.a.pk})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Cadre.objects.filter(user__isnull=False).exists()


# --- the command -----------------------------------------------------------------------------------


def test_the_command_writes_the_slips_and_is_idempotent(province, cadres, tmp_path):
    output = tmp_path / "slips.pdf"

    call_command("create_cadre_logins", "--unit", "A", "--output", str(output))

    assert output.read_bytes()[:5] == b"%PDF-"
    assert Cadre.objects.filter(user__isnull=False).count() == 2
    call_command("create_cadre_logins", "--unit", "A", "--output", str(tmp_path / "again.pdf"))
    assert not (tmp_path / "again.pdf").exists()
    assert Cadre.objects.filter(user__isnull=False).count() == 2


def test_the_command_refuses_an_unknown_unit(province, cadres, tmp_path):
    with pytest.raises(CommandError, match="No unit"):
        call_command("create_cadre_logins", "--unit", "ZZZ", "--output", str(tmp_path / "s.pdf"))
    assert not Cadre.objects.filter(user__isnull=False).exists()


def test_the_command_never_overwrites_a_file(province, cadres, tmp_path):
    output = tmp_path / "slips.pdf"
    output.write_bytes(b"earlier slips")

    with pytest.raises(CommandError, match="exists"):
        call_command("create_cadre_logins", "--unit", "A", "--output", str(output))
    assert output.read_bytes() == b"earlier slips"
    assert not Cadre.objects.filter(user__isnull=False).exists()


# --- logins of cadres who leave ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [CadreStatus.RETIRED, CadreStatus.LEFT])
def test_a_cadre_who_leaves_loses_their_login(client, province, cadres, status):
    from organization.services import cadre_status_set

    login = next(i for i in cadre_logins_create(cadres=_subtree(province.a)).issued if i.username == "A-001")
    hoa = Cadre.objects.get(code="A-001")

    cadre_status_set(cadre=hoa, status=status)

    hoa.user.refresh_from_db()
    assert not hoa.user.is_active
    assert client.post("/accounts/login/", {"username": "A-001", "password": login.password}).status_code == 200
    assert ModelLogEntry.objects.filter(action="ktlearn.account_deactivated", object_id=str(hoa.user.pk)).exists()


def test_a_moved_or_rotated_cadre_keeps_their_login(province, cadres):
    from organization.services import cadre_position_change, cadre_status_set

    cadre_logins_create(cadres=_subtree(province.a))
    hoa = Cadre.objects.get(code="A-001")

    moved_on = hoa.assignments.get().start_date.replace(year=2024)
    cadre_position_change(cadre=hoa, unit=province.b1, position=province.deputy, on=moved_on)
    cadre_status_set(cadre=hoa, status=CadreStatus.ROTATED)

    hoa.user.refresh_from_db()
    assert hoa.user.is_active
    assert not ModelLogEntry.objects.filter(action="ktlearn.account_deactivated").exists()


def test_an_import_that_retires_a_cadre_closes_their_login(province, cadres):
    from organization.imports import CadreRow
    from organization.services import cadre_import

    cadre_logins_create(cadres=_subtree(province.a))
    hoa = Cadre.objects.get(code="A-001")
    row = CadreRow(number=2, code="A-001", full_name=hoa.full_name, gender="", date_of_birth=None,
                   unit_id=province.a.pk, position_id=province.member.pk, grade="", theory_level="", appointed_on=None,
                   status=CadreStatus.RETIRED, email=hoa.email, existing_id=hoa.pk)

    cadre_import(rows=[row])

    assert not User.objects.get(username="A-001").is_active
    assert User.objects.get(username="A1-002").is_active
