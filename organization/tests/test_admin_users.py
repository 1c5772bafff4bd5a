"""The Wagtail users list and forms with KTLearn's role and unit; Wagtail's default groups mapped."""

import importlib
import re

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organization import roles
from organization.models import UserProfile
from tests.factories import CadreFactory, UserFactory, make_manager

USERS = reverse("wagtailusers_users:index")


def _admin(client):
    admin = UserFactory(username="quantri", is_superuser=True)
    client.force_login(admin)
    return admin


def _users_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(USERS).status_code == 200
    return len(queries)


def test_the_users_list_costs_the_same_queries_for_2_or_20_users(client, province):
    _admin(client)
    make_manager(province.a, username="manager_a")
    few = _users_list_queries(client)
    for n in range(10):
        make_manager(province.b, username=f"manager_b{n}")
        user = UserFactory(username=f"B-{n:03d}", role=roles.CADRE)
        CadreFactory(code=f"B-{n:03d}", unit=province.b1, position=province.member, user=user)

    assert _users_list_queries(client) == few


def test_the_users_list_shows_each_users_role_and_unit(client, province):
    _admin(client)
    make_manager(province.a, username="manager_a")
    cadre_user = UserFactory(username="A-001", role=roles.CADRE)
    CadreFactory(code="A-001", unit=province.a1, position=province.member, user=cadre_user)

    response = client.get(USERS)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Vai trò" in html
    row = html[html.index("manager_a"):]
    assert roles.UNIT_MANAGER in row[:3000] and "Đảng ủy khối A" in row[:3000]
    row = html[html.index("A-001"):]
    assert roles.CADRE in row[:3000] and "Đảng ủy xã A1" in row[:3000]  # a cadre's unit is their cadre record's


def test_the_admin_sets_a_managers_unit_in_the_user_form(client, province):
    _admin(client)
    manager_group = roles.ensure_groups()[roles.UNIT_MANAGER]
    user = UserFactory(username="ql.moi")

    response = client.post(reverse("wagtailusers_users:edit", args=[user.pk]), {
        "username": "ql.moi", "email": "ql@example.vn", "first_name": "Quản", "last_name": "Lý",
        "is_active": "on", "groups": [manager_group.pk], "unit": province.b.pk,
    })

    assert response.status_code == 302, response.context["form"].errors
    assert UserProfile.objects.get(user=user).unit == province.b
    form_page = client.get(reverse("wagtailusers_users:edit", args=[user.pk])).content.decode()
    assert re.search(rf'<option value="{province.b.pk}" selected>', form_page)


def test_a_new_manager_gets_their_unit_when_created(client, province):
    _admin(client)
    manager_group = roles.ensure_groups()[roles.UNIT_MANAGER]

    response = client.post(reverse("wagtailusers_users:add"), {
        "username": "ql.a", "email": "qla@example.vn", "first_name": "Quản", "last_name": "Lý A",
        "password1": "Kiem-Tra-2026!", "password2": "Kiem-Tra-2026!", "groups": [manager_group.pk],
        "unit": province.a.pk,
    })

    assert response.status_code == 302, response.context["form"].errors
    assert UserProfile.objects.get(user__username="ql.a").unit == province.a


def test_a_manager_without_a_unit_is_refused_and_nothing_is_saved(client, province):
    _admin(client)
    manager_group = roles.ensure_groups()[roles.UNIT_MANAGER]
    user = UserFactory(username="ql.moi")

    response = client.post(reverse("wagtailusers_users:edit", args=[user.pk]), {
        "username": "ql.moi", "email": "ql@example.vn", "first_name": "Quản", "last_name": "Lý",
        "is_active": "on", "groups": [manager_group.pk], "unit": "",
    })

    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not user.groups.exists() and not UserProfile.objects.filter(user=user).exists()


def test_a_manager_cannot_open_the_users_list(client, province):
    client.force_login(make_manager(province.a))

    response = client.get(USERS)

    assert response.status_code in (302, 403)


_migration = importlib.import_module("organization.migrations.0011_map_default_wagtail_groups")


def test_wagtails_default_groups_are_gone_after_migrating(db):
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()


def test_members_of_the_default_groups_become_trainers_and_the_groups_go(db):
    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.create(name="Editors"))
    Group.objects.create(name="Moderators")

    _migration.map_default_groups(apps, None)

    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    assert set(editor.groups.values_list("name", flat=True)) == {roles.TRAINER}


# --- an administrator resets a lost second factor ------------------------------------------------


def _reset_url(user):
    return reverse("organization_two_factor_reset", args=[user.pk])


def test_the_administrator_resets_a_users_second_factor(client, province):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from wagtail.models import ModelLogEntry

    admin = _admin(client)
    manager = make_manager(province.a, username="manager_a")
    TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    StaticDevice.objects.create(user=manager, name="codes", confirmed=True)
    assert _reset_url(manager) in client.get(USERS).content.decode()

    response = client.post(_reset_url(manager))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not StaticDevice.objects.filter(user=manager).exists()
    entry = ModelLogEntry.objects.get(action="ktlearn.account_2fa_reset", object_id=str(manager.pk))
    assert entry.user_id == admin.pk
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "manager_a", "password": "pw-Secret-123"})
    assert client.get("/accounts/2fa/", follow=True).redirect_chain[-1][0].startswith("/accounts/2fa/enrol/")


def test_nobody_else_may_reset_a_second_factor(client, province):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    target = make_manager(province.b, username="manager_b")
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    client.force_login(make_manager(province.a, username="manager_a"))

    assert client.post(_reset_url(target)).status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()


def test_resetting_an_unknown_user_is_a_404(client, db):
    _admin(client)

    assert client.post(reverse("organization_two_factor_reset", args=[999999])).status_code == 404
