"""The second factor for staff on both login pages, with real TOTP codes computed here."""

import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from organization import roles
from tests.factories import UserFactory, make_manager

PASSWORD = "pw-Secret-123"


def _code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():0{device.digits}d}"


def _log_in(client, username, url="/accounts/login/", next_url="/org/cadres/"):
    return client.post(url, {"username": username, "password": PASSWORD, "next": next_url})


def _enrol(client, user, next_url="/org/cadres/"):
    """Enrol through the pages, as the user would; returns the device and the recovery codes."""
    client.get(f"/accounts/2fa/enrol/?next={next_url}")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/2fa/enrol/", {"token": _code(device), "next": next_url})
    assert response.status_code == 200
    return device, response.context["codes"]


@pytest.fixture
def manager(province):
    return make_manager(province.a, username="manager_a")


@pytest.mark.parametrize("role", [roles.ADMINISTRATOR, roles.BOARD, roles.UNIT_MANAGER, roles.TRAINER])
def test_staff_without_a_device_are_sent_to_enrol_after_the_password(client, province, role):
    user = UserFactory(username="staff", role=role)
    if role == roles.UNIT_MANAGER:
        make_manager(province.a, username="staff")

    _log_in(client, "staff")
    response = client.get("/org/cadres/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/?next=")
    enrol = client.get(response["Location"], follow=True)
    assert enrol.redirect_chain[-1][0].startswith("/accounts/2fa/enrol/")
    html = enrol.content.decode()
    assert 'src="data:image/png;base64,' in html
    assert client.session[SESSION_KEY] == str(user.pk)


def test_enrolling_with_a_real_code_shows_ten_recovery_codes_once_and_opens_the_site(client, manager):
    _log_in(client, "manager_a")

    device, codes = _enrol(client, manager)

    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/org/cadres/").status_code == 200
    assert ModelLogEntry.objects.filter(action="ktlearn.account_2fa_enabled", object_id=str(manager.pk)).exists()
    # Shown once: the enrolment page now starts a new device, and never lists the codes again.
    assert not any(code in client.get("/accounts/2fa/enrol/").content.decode() for code in codes)


def test_a_wrong_enrolment_code_confirms_nothing(client, manager):
    _log_in(client, "manager_a")
    client.get("/accounts/2fa/enrol/")
    device = TOTPDevice.objects.get(user=manager)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"

    response = client.post("/accounts/2fa/enrol/", {"token": wrong})

    assert response.status_code == 200 and response.context["form"].errors["token"]
    device.refresh_from_db()
    assert not device.confirmed and not StaticToken.objects.exists()
    assert client.get("/org/cadres/").status_code == 302


def test_at_the_next_login_staff_with_a_device_must_enter_a_code(client, manager):
    _log_in(client, "manager_a")
    device, _codes = _enrol(client, manager)
    client.post("/accounts/logout/")

    _log_in(client, "manager_a")
    assert client.get("/org/cadres/")["Location"].startswith("/accounts/2fa/?next=")
    assert client.get("/accounts/2fa/enrol/")["Location"].startswith("/accounts/2fa/")  # no new device before a code

    response = client.post("/accounts/2fa/", {"token": _code(device, offset=30), "next": "/org/cadres/"})

    assert response.status_code == 302 and response["Location"] == "/org/cadres/"
    assert client.get("/org/cadres/").status_code == 200


def test_a_wrong_code_keeps_the_door_closed(client, manager):
    _log_in(client, "manager_a")
    device, _codes = _enrol(client, manager)
    client.post("/accounts/logout/")
    _log_in(client, "manager_a")

    response = client.post("/accounts/2fa/", {"token": "000000" if _code(device, 30) != "000000" else "111111"})

    assert response.status_code == 200 and response.context["form"].errors["token"]
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/org/cadres/").status_code == 302


def test_a_recovery_code_works_once(client, manager):
    _log_in(client, "manager_a")
    _device, codes = _enrol(client, manager)
    client.post("/accounts/logout/")

    _log_in(client, "manager_a")
    assert client.post("/accounts/2fa/", {"token": codes[0]}).status_code == 302
    assert client.get("/org/cadres/").status_code == 200
    client.post("/accounts/logout/")

    _log_in(client, "manager_a")
    assert client.post("/accounts/2fa/", {"token": codes[0]}).status_code == 200  # used up
    assert client.get("/org/cadres/").status_code == 302


def test_the_admin_login_page_asks_for_the_second_factor_too(client, db):
    admin = UserFactory(username="quantri", is_superuser=True)

    response = _log_in(client, "quantri", url="/admin/login/", next_url="/admin/")
    assert response.status_code == 302
    gate = client.get("/admin/")
    assert gate.status_code == 302 and gate["Location"].startswith("/accounts/2fa/?next=%2Fadmin%2F")

    device, _codes = _enrol(client, admin, next_url="/admin/")
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def test_cadres_are_not_asked(client, db):
    UserFactory(username="hoa.lt", role=roles.CADRE)

    _log_in(client, "hoa.lt", next_url="/org/me/")

    assert client.get("/org/me/").status_code == 200
    assert not TOTPDevice.objects.exists()


def test_logging_out_stays_possible_before_the_code(client, manager):
    _log_in(client, "manager_a")

    response = client.post("/accounts/logout/")

    assert response.status_code == 302 and SESSION_KEY not in client.session


def test_the_next_address_must_be_on_this_site(client, manager):
    _log_in(client, "manager_a")
    _device, _codes = _enrol(client, manager, next_url="https://evil.example.com/")

    page = client.get("/accounts/2fa/?next=https://evil.example.com/")

    assert page.status_code == 302 and "evil" not in page["Location"]


def test_the_secret_can_be_typed_when_the_qr_code_cannot_be_scanned(client, manager):
    _log_in(client, "manager_a")

    html = client.get("/accounts/2fa/enrol/").content.decode()

    assert re.search(r"<code[^>]*>([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>", html)


def test_a_session_from_before_the_rule_is_still_asked_for_the_code(client, manager):
    from organization.two_factor import TWO_FACTOR_REQUIRED

    _log_in(client, "manager_a")
    session = client.session
    del session[TWO_FACTOR_REQUIRED]  # as a session opened before the second factor existed
    session.save()

    assert client.get("/org/cadres/")["Location"].startswith("/accounts/2fa/")


def test_before_the_code_even_the_password_pages_are_closed(client, manager):
    _log_in(client, "manager_a")

    assert client.get("/accounts/password/")["Location"].startswith("/accounts/2fa/")
