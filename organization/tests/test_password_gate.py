"""The first login with a one-time password forces a new password; the password reset by e-mail."""

import re

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.utils import translation
from wagtail.models import ModelLogEntry

from organization.accounts import cadre_logins_create
from organization.models import Cadre, OneTimePassword
from tests.factories import CadreFactory, UserFactory

User = get_user_model()
NEW = "Kiem-Tra-2026!"


@pytest.fixture
def issued(province):
    CadreFactory(code="A-001", full_name="Lê Thị Hoa", unit=province.a, position=province.member,
                 email="hoa@example.vn")
    return cadre_logins_create(cadres=Cadre.objects.all()).issued[0]


def _log_in(client, login):
    return client.post("/accounts/login/", {"username": login.username, "password": login.password, "next": "/org/me/"})


def test_after_a_one_time_login_every_page_leads_to_the_password_change(client, issued):
    response = _log_in(client, issued)
    assert response.status_code == 302

    for path in ("/org/me/", "/learn/", "/"):
        page = client.get(path)
        assert page.status_code == 302, path
        assert page["Location"].startswith("/accounts/password/?next="), path
    form = client.get("/accounts/password/")
    assert form.status_code == 200
    assert "mật khẩu dùng một lần" in form.content.decode()


def test_choosing_a_new_password_opens_the_site_and_goes_where_the_user_wanted(client, issued):
    _log_in(client, issued)

    response = client.post("/accounts/password/?next=/org/me/", {
        "old_password": issued.password, "new_password1": NEW, "new_password2": NEW, "next": "/org/me/"})

    assert response.status_code == 302 and response["Location"] == "/org/me/"
    assert client.get("/org/me/").status_code == 200
    assert not OneTimePassword.objects.exists()
    user = User.objects.get(username="A-001")
    assert user.check_password(NEW)


def test_the_gate_stays_closed_at_the_next_login_until_changed(client, issued):
    _log_in(client, issued)
    client.post("/accounts/logout/")

    _log_in(client, issued)

    assert client.get("/org/me/")["Location"].startswith("/accounts/password/")


@pytest.mark.parametrize("password, message", [
    ("ab1", "Mật khẩu quá ngắn"),
    ("12345678901", "hoàn toàn là số"),
    ("password123", "quá phổ biến"),
])
def test_a_weak_new_password_is_refused_in_vietnamese_and_the_gate_stays(client, issued, password, message):
    _log_in(client, issued)
    with translation.override("vi"):
        response = client.post("/accounts/password/", {
            "old_password": issued.password, "new_password1": password, "new_password2": password})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert OneTimePassword.objects.exists()
    assert client.get("/org/me/").status_code == 302


def test_logging_out_stays_possible_behind_the_gate(client, issued):
    _log_in(client, issued)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302 and SESSION_KEY not in client.session


def test_a_user_with_their_own_password_is_not_stopped(client, province):
    user = UserFactory(username="hoa.lt")
    client.post("/accounts/login/", {"username": "hoa.lt", "password": "pw-Secret-123"})

    assert client.get("/org/me/").status_code == 200
    assert user.is_active


def test_the_next_address_after_the_change_must_be_on_this_site(client, issued):
    _log_in(client, issued)

    response = client.post("/accounts/password/", {
        "old_password": issued.password, "new_password1": NEW, "new_password2": NEW,
        "next": "https://evil.example.com/"})

    assert response["Location"] == "/accounts/password/done/"


# --- password reset by e-mail ----------------------------------------------------------------------


def test_the_login_page_links_to_the_password_reset(client, db):
    assert 'href="/accounts/password/reset/"' in client.get("/accounts/login/").content.decode()


def test_a_known_address_receives_a_link_that_sets_a_new_password(client, issued):
    response = client.post("/accounts/password/reset/", {"email": "hoa@example.vn"})

    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hoa@example.vn"]
    body = mail.outbox[0].body
    assert "đồng chí" in body.lower()
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/complete/"
    user = User.objects.get(username="A-001")
    assert user.check_password(NEW)
    assert not OneTimePassword.objects.filter(user=user).exists()  # the one-time password is over too
    assert ModelLogEntry.objects.filter(action="ktlearn.account_password_reset", object_id=str(user.pk)).exists()
    assert client.get(link, follow=True).context["validlink"] is False  # the link works once


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, issued):
    known = client.post("/accounts/password/reset/", {"email": "hoa@example.vn"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.vn"})

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1


def test_a_deactivated_login_gets_no_reset_mail(client, issued):
    User.objects.filter(username="A-001").update(is_active=False)

    client.post("/accounts/password/reset/", {"email": "hoa@example.vn"})

    assert mail.outbox == []


def test_a_weak_password_from_the_link_is_refused(client, issued):
    client.post("/accounts/password/reset/", {"email": "hoa@example.vn"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)

    with translation.override("vi"):
        response = client.post(form.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})

    assert response.status_code == 200 and "Mật khẩu quá ngắn" in response.content.decode()
    assert not User.objects.get(username="A-001").check_password("123")
