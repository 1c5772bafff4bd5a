"""Logging in and out, changing a password, throttled failures (django-axes), the Wagtail admin's door."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from demo.steps.cms import login_lines
from organization import roles
from tests.factories import UserFactory

PASSWORD = "pw-Secret-123"  # what UserFactory sets


@pytest.fixture
def cadre_user(db):
    return UserFactory(username="hoa.lt", role=roles.CADRE)


def _login(client, username, password, url="/accounts/login/", next_url="/org/me/"):
    return client.post(url, {"username": username, "password": password, "next": next_url})


def _logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_login_page_is_in_vietnamese(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Mật khẩu" in html


def test_login_with_the_right_password_goes_to_the_requested_page(client, cadre_user):
    response = _login(client, "hoa.lt", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/org/me/"
    assert _logged_in(client)


def test_login_with_a_wrong_password_shows_an_error_and_does_not_log_in(client, cadre_user):
    response = _login(client, "hoa.lt", "wrong-password")

    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()
    assert not _logged_in(client)


def test_login_refuses_a_redirect_to_another_site(client, cadre_user):
    response = _login(client, "hoa.lt", PASSWORD, next_url="https://evil.example.com/")

    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]


def test_pages_behind_login_send_anonymous_visitors_to_the_login_page(client, db):
    response = client.get("/org/me/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/org/me/"


def test_logout_is_a_post_and_ends_the_session(client, cadre_user):
    _login(client, "hoa.lt", PASSWORD)

    assert client.get("/accounts/logout/").status_code == 405  # a link cannot log anyone out
    assert _logged_in(client)
    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert not _logged_in(client)
    assert client.get("/org/me/").status_code == 302


def test_password_change_replaces_the_password(client, cadre_user):
    _login(client, "hoa.lt", PASSWORD)

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Kiem-Tra-2025!", "new_password2": "Kiem-Tra-2025!"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    assert _logged_in(client)  # the session survives its own password change
    cadre_user.refresh_from_db()
    assert cadre_user.check_password("Kiem-Tra-2025!")
    assert not cadre_user.check_password(PASSWORD)


def test_password_change_with_a_wrong_old_password_changes_nothing(client, cadre_user):
    _login(client, "hoa.lt", PASSWORD)

    response = client.post(
        "/accounts/password/",
        {"old_password": "not-it", "new_password1": "Kiem-Tra-2025!", "new_password2": "Kiem-Tra-2025!"},
    )

    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    cadre_user.refresh_from_db()
    assert cadre_user.check_password(PASSWORD)


def test_password_change_needs_a_login(client, db):
    response = client.get("/accounts/password/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- throttling ------------------------------------------------------------------------------------


def _fail_until_locked(client, url="/accounts/login/"):
    return [_login(client, "hoa.lt", f"guess-{n}", url=url).status_code for n in range(settings.AXES_FAILURE_LIMIT)]


def test_failed_logins_lock_the_account_even_for_the_right_password(client, cadre_user):
    statuses = _fail_until_locked(client)

    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form, with its error
    response = _login(client, "hoa.lt", PASSWORD)

    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert not _logged_in(client)


def test_a_lockout_is_per_username(client, cadre_user):
    UserFactory(username="binh.dv", role=roles.CADRE)
    _fail_until_locked(client)

    response = _login(client, "binh.dv", PASSWORD)

    assert response.status_code == 302
    assert _logged_in(client)


def test_a_successful_login_resets_the_failure_count(client, cadre_user):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "hoa.lt", f"guess-{n}")
    _login(client, "hoa.lt", PASSWORD)
    client.post("/accounts/logout/")

    _login(client, "hoa.lt", "one-more-typo")
    response = _login(client, "hoa.lt", PASSWORD)

    assert response.status_code == 302


# --- the Wagtail admin -----------------------------------------------------------------------------


def test_admin_requires_login(client, db):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_login_lets_an_administrator_in_after_the_second_factor(client, db):
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)

    response = _login(client, "quantri", PASSWORD, url="/admin/login/", next_url="/admin/")

    assert response.status_code == 302
    assert client.get("/admin/")["Location"] == "/accounts/2fa/?next=%2Fadmin%2F"
    totp = TOTP(device.bin_key)
    totp.time = time.time()
    client.post("/accounts/2fa/", {"token": f"{totp.token():06d}", "next": "/admin/"})
    assert client.get("/admin/").status_code == 200


def test_admin_turns_away_a_cadre_without_admin_access(client, cadre_user):
    _login(client, "hoa.lt", PASSWORD)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_login_is_throttled_too(client, db):
    UserFactory(username="hoa.lt", is_superuser=True, is_staff=True)
    _fail_until_locked(client, url="/admin/login/")

    response = _login(client, "hoa.lt", PASSWORD, url="/admin/login/", next_url="/admin/")

    assert response.status_code == 429
    assert not _logged_in(client)


def test_a_lockout_on_the_site_also_closes_the_admin_door(client, db):
    UserFactory(username="hoa.lt", is_superuser=True, is_staff=True)
    _fail_until_locked(client, url="/accounts/login/")

    response = _login(client, "hoa.lt", PASSWORD, url="/admin/login/", next_url="/admin/")

    assert response.status_code == 429


# --- the demo logins a newcomer reads about --------------------------------------------------------


def test_readme_lists_exactly_the_demo_logins_make_run_prints():
    readme = (settings.BASE_DIR / "README.md").read_text()
    documented = [line for line in readme.splitlines() if re.fullmatch(r"  \w+: \S+ / \S+", line)]

    assert documented == login_lines()
