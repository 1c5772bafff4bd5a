"""Single sign-on with an OpenID Connect provider: a fake provider answers the token and userinfo
requests (mozilla-django-oidc's HTTP calls), so the whole code flow runs through the site."""

import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from wagtail.models import ModelLogEntry

from organization import roles
from organization.models import Cadre, CadreStatus
from tests.factories import CadreFactory, UserFactory

SECRET = "fake-provider-secret-of-at-least-32-bytes"  # noqa: S105


class FakeProvider:
    """The provider's token and userinfo endpoints; `claims` is who logged in there."""

    def __init__(self):
        self.claims = {}
        self.nonce = None

    def post(self, url, data=None, **kwargs):
        assert url == "https://sso.example.vn/token" and data["code"] == "the-code"
        id_token = jwt.encode({"iss": "https://sso.example.vn", "aud": "ktlearn", "sub": "someone",
                               "nonce": self.nonce, "exp": int(time.time()) + 300, "iat": int(time.time())},
                              SECRET, algorithm="HS256")
        return _Response({"id_token": id_token, "access_token": "access", "token_type": "Bearer"})

    def get(self, url, headers=None, **kwargs):
        assert url == "https://sso.example.vn/userinfo" and headers["Authorization"] == "Bearer access"
        return _Response(self.claims)


class _Response:
    def __init__(self, data):
        self._data = data
        self.status_code = 200
        self.headers = {"content-type": "application/json"}

    def json(self):
        return self._data

    def raise_for_status(self):
        return None


@pytest.fixture
def provider(settings, monkeypatch):
    settings.KTLEARN_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "ktlearn"
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://sso.example.vn/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://sso.example.vn/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://sso.example.vn/userinfo"
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "organization.oidc.CadreOIDCBackend"]
    fake = FakeProvider()
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", fake.post)
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", fake.get)
    return fake


def _sign_in(client, provider, claims, next_url="/org/me/"):
    start = client.get(f"/accounts/oidc/authenticate/?next={next_url}")
    assert start.status_code == 302 and start["Location"].startswith("https://sso.example.vn/authorize?")
    query = parse_qs(urlparse(start["Location"]).query)
    provider.nonce = query["nonce"][0]
    provider.claims = claims
    return client.get("/accounts/oidc/callback/", {"code": "the-code", "state": query["state"][0]})


@pytest.fixture
def hoa(province):
    return CadreFactory(code="A-001", full_name="Lê Thị Hoa", unit=province.a, position=province.member,
                        email="hoa@example.vn")


def test_a_cadre_with_a_login_signs_in_by_their_code(client, provider, hoa):
    user = UserFactory(username="hoa.lt", role=roles.CADRE)
    Cadre.objects.filter(pk=hoa.pk).update(user=user)

    response = _sign_in(client, provider, {"cadre_code": "A-001", "email": "other@example.vn"})

    assert response.status_code == 302 and response["Location"] == "/org/me/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_cadre_without_a_login_is_matched_by_email_and_gets_one(client, provider, hoa):
    response = _sign_in(client, provider, {"email": "HOA@example.vn", "email_verified": True})

    assert response.status_code == 302 and response["Location"] == "/org/me/"
    user = get_user_model().objects.get(username="A-001")
    assert client.session[SESSION_KEY] == str(user.pk)
    assert Cadre.objects.get(pk=hoa.pk).user == user
    assert not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {roles.CADRE}
    assert ModelLogEntry.objects.filter(action="ktlearn.account_created", object_id=str(user.pk)).exists()


@pytest.mark.parametrize("claims", [
    {"cadre_code": "NOBODY"},
    {"email": "stranger@example.vn"},
    {"email": "hoa@example.vn", "email_verified": False},
])
def test_someone_who_is_no_cadre_is_refused(client, provider, hoa, claims):
    response = _sign_in(client, provider, claims)

    assert response.status_code == 302 and response["Location"] == settings.LOGIN_REDIRECT_URL_FAILURE
    assert SESSION_KEY not in client.session
    assert not get_user_model().objects.filter(username="A-001").exists()


def test_a_retired_cadre_is_refused(client, provider, hoa):
    Cadre.objects.filter(pk=hoa.pk).update(status=CadreStatus.RETIRED)

    response = _sign_in(client, provider, {"cadre_code": "A-001"})

    assert response["Location"] == settings.LOGIN_REDIRECT_URL_FAILURE and SESSION_KEY not in client.session


def test_a_deactivated_login_is_refused(client, provider, hoa):
    user = UserFactory(username="hoa.lt", role=roles.CADRE, is_active=False)
    Cadre.objects.filter(pk=hoa.pk).update(user=user)

    _sign_in(client, provider, {"cadre_code": "A-001"})

    assert SESSION_KEY not in client.session


def test_a_forged_state_is_refused(client, provider, hoa):
    client.get("/accounts/oidc/authenticate/")
    provider.claims = {"cadre_code": "A-001"}

    response = client.get("/accounts/oidc/callback/", {"code": "the-code", "state": "forged"})

    assert SESSION_KEY not in client.session
    assert response.status_code in (302, 400)


def test_staff_signed_in_by_the_provider_still_pass_the_second_factor(client, provider, hoa, province):
    user = UserFactory(username="ql", role=roles.UNIT_MANAGER)
    Cadre.objects.filter(pk=hoa.pk).update(user=user)

    _sign_in(client, provider, {"cadre_code": "A-001"}, next_url="/org/cadres/")

    assert client.get("/org/cadres/")["Location"].startswith("/accounts/2fa/")


def test_the_login_page_offers_single_sign_on_only_when_configured(client, provider, settings, db):
    settings.KTLEARN_OIDC_PROVIDER_NAME = "VNeID"
    assert "/accounts/oidc/authenticate/" in client.get("/accounts/login/").content.decode()

    settings.KTLEARN_OIDC_ENABLED = False
    assert "/accounts/oidc/authenticate/" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/oidc/authenticate/").status_code == 404
