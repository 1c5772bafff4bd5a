"""Two API clients of different subtrees of one province, and a JSON client speaking to /api/v1/.

    P (province)
    ├── A (body)  ── A1 (commune)      cadres CA-1 (A), CA-2 (A1)   client "alpha" (read-write on A)
    └── B (body)                       cadre  CB-1 (B)               client "beta"  (read-write on B)
"""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from organization import roles
from organization.models import ApiAccess, Position, UnitKind
from organization.services import api_client_create
from tests.factories import CadreFactory, add_unit, unit_tree_root


class ApiCaller:
    def __init__(self, token: str | None):
        self.http = Client()
        self.token = token

    def _headers(self, headers):
        base = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        base.update(headers)
        return base

    def get(self, path, data=None, **headers):
        return self.http.get(f"/api/v1{path}", data or {}, **self._headers(headers))

    def post(self, path, payload, **headers):
        return self.http.post(f"/api/v1{path}", json.dumps(payload, default=str), content_type="application/json",
                              **self._headers(headers))

    def put(self, path, payload, **headers):
        return self.http.put(f"/api/v1{path}", json.dumps(payload, default=str), content_type="application/json",
                             **self._headers(headers))


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tree(db):
    roles.ensure_groups()
    province = unit_tree_root()
    a = add_unit(province, "A")
    a1 = add_unit(a, "A1", kind=UnitKind.COMMUNE)
    b = add_unit(province, "B")
    position = Position.objects.create(code="uv-ubkt", name="Ủy viên UBKT")
    cadres = {
        "CA-1": CadreFactory(code="CA-1", unit=a, position=position, full_name="Nguyễn Văn An"),
        "CA-2": CadreFactory(code="CA-2", unit=a1, position=position, full_name="Trần Thị Ánh"),
        "CB-1": CadreFactory(code="CB-1", unit=b, position=position, full_name="Lê Văn Bình"),
    }
    return {"P": province, "A": a, "A1": a1, "B": b, "position": position, "cadres": cadres}


@pytest.fixture
def alpha(tree):
    client, token = api_client_create(name="Alpha", unit=tree["A"], access=ApiAccess.READ_WRITE)
    caller = ApiCaller(token)
    caller.client = client
    return caller


@pytest.fixture
def beta(tree):
    client, token = api_client_create(name="Beta", unit=tree["B"], access=ApiAccess.READ_WRITE)
    caller = ApiCaller(token)
    caller.client = client
    return caller


@pytest.fixture
def reader(tree):
    client, token = api_client_create(name="Reader", unit=tree["A"], access=ApiAccess.READ)
    caller = ApiCaller(token)
    caller.client = client
    return caller


@pytest.fixture
def anonymous(tree):
    return ApiCaller(None)
