"""lms.rest.etag validates and serialises the answers with plain pydantic copies of the response
schemas (faster than ninja's Schema by ten): the JSON must be byte for byte what the Schema gives."""

import datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from courses.rest import ExternalTrainingOut
from lms.rest.etag import plain_model
from lms.rest.schemas import page_of
from organization.rest import CadreDetailOut

NOW = datetime.datetime(2026, 12, 3, 9, 30, 1, 123456, tzinfo=datetime.UTC)
ASSIGNMENT = {"id": 7, "cadre_code": "CA-1", "unit_code": "A", "position_code": "uv", "start_date": datetime.date(
    2020, 1, 1), "end_date": None, "reason": "", "first_term": True, "updated_at": NOW}
CADRE = {"id": 1, "code": "CA-1", "full_name": "Nguyễn Văn An", "gender": "m", "date_of_birth": None,
         "unit_code": "A", "position_code": "uv", "position_name": "Ủy viên", "grade": "", "theory_level": "",
         "appointed_on": datetime.date(2020, 1, 1), "status": "active", "email": "", "updated_at": NOW,
         "history": [ASSIGNMENT]}
TRAINING = {"id": 3, "cadre_code": "CA-1", "course_name": "Lớp", "provider": "Trường", "hours": Decimal("16.0"),
            "start_on": datetime.date(2026, 1, 5), "end_on": datetime.date(2026, 1, 9), "created_at": NOW,
            "updated_at": NOW, "extra": "ignored"}


@pytest.mark.parametrize(("schema", "payload"), [
    (CadreDetailOut, CADRE),
    (page_of(ExternalTrainingOut), {"items": [TRAINING, TRAINING], "next_cursor": "aWQ6Mw"}),
    (page_of(ExternalTrainingOut), {"items": []}),
])
def test_the_plain_model_gives_the_schemas_json(schema, payload):
    assert plain_model(schema).model_validate(payload).model_dump_json() == \
        schema.model_validate(payload).model_dump_json()


def test_the_plain_model_refuses_what_the_schema_refuses():
    with pytest.raises(ValidationError):
        plain_model(CadreDetailOut).model_validate({**CADRE, "history": [{**ASSIGNMENT, "start_date": None}]})
    with pytest.raises(ValidationError):
        plain_model(CadreDetailOut).model_validate({k: v for k, v in CADRE.items() if k != "code"})
