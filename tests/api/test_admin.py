"""Administrators create API clients in the Wagtail admin (the token shown once, only its hash kept)
and revoke them; nobody else reaches the screens."""

import hashlib
import re

import pytest

from organization import roles
from organization.models import ApiClient

from .conftest import ApiCaller


@pytest.fixture
def admin_client(client, tree):
    from tests.factories import UserFactory

    user = UserFactory(username="quantri", role=roles.ADMINISTRATOR, is_superuser=True)
    client.force_login(user)
    return client


def test_an_administrator_creates_a_client_sees_its_token_once_and_revokes_it(admin_client, tree):
    response = admin_client.post("/admin/organization/api-clients/add/", {
        "name": "CSDL ngành kiểm tra", "unit": tree["A"].pk, "access": "read"})
    assert response.status_code == 200, response.content[:500]
    token = re.search(r"data-api-token>(ktl_[\w-]+)<", response.content.decode()).group(1)
    client = ApiClient.objects.get(name="CSDL ngành kiểm tra")
    assert client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ApiClient.objects.filter(pk=client.pk).values().get())
    assert not client.user.is_active and not client.user.has_usable_password()
    listing = admin_client.get("/admin/organization/api-clients/").content.decode()
    assert "CSDL ngành kiểm tra" in listing and token not in listing
    assert ApiCaller(token).get("/cadres").status_code == 200

    admin_client.post(f"/admin/organization/api-clients/{client.pk}/revoke/")
    assert ApiCaller(token).get("/cadres").status_code == 401


def test_a_manager_cannot_open_the_api_clients(client, tree):
    from tests.factories import make_manager

    client.force_login(make_manager(tree["A"]))
    assert client.get("/admin/organization/api-clients/").status_code in (302, 403)
