"""Every error the API answers is RFC 9457 problem details, with the status the client can act on."""

import datetime

from django.test import override_settings
from django.utils import timezone

from organization.models import ApiAccess, Cadre, PositionAssignment
from organization.services import api_client_create, api_client_revoke

from .conftest import ApiCaller

PROBLEM = "application/problem+json"


def _cadre_row(code="CA-9", unit="A", position="uv-ubkt", **extra):
    return {"code": code, "full_name": "Phạm Thị Mới", "unit_code": unit, "position_code": position, **extra}


def test_no_token_is_401_with_a_bearer_challenge(anonymous):
    response = anonymous.get("/cadres")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


def test_an_unknown_token_is_401(tree):
    assert ApiCaller("ktl_not-a-token").get("/cadres").status_code == 401


def test_a_revoked_client_is_401_from_the_next_request(alpha):
    assert alpha.get("/cadres").status_code == 200
    api_client_revoke(client=alpha.client)
    assert alpha.get("/cadres").status_code == 401


def test_an_expired_client_is_401(tree):
    client, token = api_client_create(name="Soon", unit=tree["A"], access=ApiAccess.READ,
                                      expires_at=timezone.now() + datetime.timedelta(days=1))
    caller = ApiCaller(token)
    assert caller.get("/cadres").status_code == 200
    type(client).objects.filter(pk=client.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert caller.get("/cadres").status_code == 401


def test_a_write_by_a_read_only_client_is_403_and_writes_nothing(reader):
    response = reader.post("/cadres/bulk", {"rows": [_cadre_row()]})
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert "read-only" in response.json()["detail"]
    assert not Cadre.objects.filter(code="CA-9").exists()


def test_an_object_outside_the_subtree_is_404_like_one_that_does_not_exist(alpha):
    outside = alpha.get("/cadres/CB-1")
    missing = alpha.get("/cadres/NO-SUCH")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()
    assert alpha.get("/units/B").status_code == 404
    assert alpha.get("/cadres", {"unit": "B"}).status_code == 404
    assert alpha.get("/cadres/CA-2").status_code == 200


def test_upserting_a_code_held_outside_the_subtree_is_409_and_writes_nothing(alpha, tree):
    response = alpha.post("/cadres/bulk", {"rows": [_cadre_row(), _cadre_row(code="CB-1")]})
    assert response.status_code == 409
    body = response.json()
    assert [row["status"] for row in body["rows"]] == ["ok", "conflict"]
    assert body["rows"][1]["errors"]
    assert not Cadre.objects.filter(code="CA-9").exists()
    assert Cadre.objects.get(code="CB-1").full_name == "Lê Văn Bình"


def test_an_assignment_rewriting_a_recorded_day_is_409(alpha, tree):
    start = PositionAssignment.objects.get(cadre__code="CA-1").start_date
    response = alpha.post("/position-assignments/bulk", {"rows": [
        {"cadre_code": "CA-1", "unit_code": "A1", "position_code": "uv-ubkt", "start_date": start.isoformat()}]})
    assert response.status_code == 409
    assert response.json()["rows"][0]["status"] == "conflict"
    assert PositionAssignment.objects.filter(cadre__code="CA-1").count() == 1


def test_more_than_1000_rows_is_413(alpha):
    rows = [_cadre_row(code=f"N-{i}") for i in range(1001)]
    response = alpha.post("/cadres/bulk", {"rows": rows})
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert not Cadre.objects.filter(code__startswith="N-").exists()


def test_an_invalid_row_is_422_with_its_message_and_nothing_is_written(alpha):
    response = alpha.post("/cadres/bulk", {"rows": [_cadre_row(), _cadre_row(code="CA-10", position="no-such")]})
    assert response.status_code == 422
    rows = response.json()["rows"]
    assert rows[0]["status"] == "ok" and rows[1]["status"] == "invalid"
    assert any("no-such" in message for message in rows[1]["errors"])
    assert not Cadre.objects.filter(code__in=["CA-9", "CA-10"]).exists()


def test_a_malformed_payload_is_422_with_field_errors(alpha):
    response = alpha.post("/cadres/bulk", {"rows": [{"code": "X", "date_of_birth": "not a date"}]})
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"rows.0.full_name", "rows.0.date_of_birth"} <= fields


def test_an_invalid_cursor_is_422(alpha):
    response = alpha.get("/cadres", {"cursor": "garbage!"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


@override_settings(KTLEARN_API_RATE="3/min")
def test_over_the_rate_a_client_gets_429_with_retry_after_and_another_client_does_not(alpha, beta):
    assert [alpha.get("/positions").status_code for _ in range(3)] == [200, 200, 200]
    response = alpha.get("/positions")
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    assert int(response["Retry-After"]) >= 1
    assert beta.get("/positions").status_code == 200
