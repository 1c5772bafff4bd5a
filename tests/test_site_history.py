"""Wagtail's site history report: its xlsx and csv exports go through lms.spreadsheets (lms/site_history.py)."""

import csv
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

from organization.models import Unit
from tests.factories import UserFactory

from .spreadsheets import FORMULAS, text_cells

pytestmark = pytest.mark.django_db
URL = "/admin/reports/site-history/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="quantri", is_superuser=True, is_staff=True))
    for index, label in enumerate(FORMULAS):
        ModelLogEntry.objects.create(content_type=ContentType.objects.get_for_model(Unit), label=label,
                                     action="wagtail.create", object_id=str(index + 1), timestamp=timezone.now())
    return client


def test_the_xlsx_export_keeps_formula_like_labels_as_text(admin_client):
    response = admin_client.get(URL, {"export": "xlsx"})
    assert response.status_code == 200
    assert text_cells(b"".join(response.streaming_content)) == dict.fromkeys(FORMULAS, "s")


def test_the_csv_export_quotes_formula_like_labels(admin_client):
    response = admin_client.get(URL, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    labels = {row[1] for row in rows[1:]}
    assert labels == {"'" + label for label in FORMULAS}


def test_the_report_still_needs_admin_access(client):
    client.force_login(UserFactory(username="canbo"))
    assert client.get(URL, {"export": "csv"}).status_code in (302, 403)
