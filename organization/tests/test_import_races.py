"""Two confirmations of the same import at once end in normal pages and one set of rows (PostgreSQL)."""

import threading

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from django.urls import reverse

from organization.models import Cadre

from .builders import row, xlsx_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_parallel_confirmations_import_once_and_answer_normally(province, manager_a):
    client = Client()
    client.force_login(manager_a)
    data = xlsx_bytes([row(code=f"CB-{i}", full_name=f"Nguyễn Văn {i}", unit_code="A1") for i in range(30)])
    preview = client.post(reverse("organization_cadre_import"), {"file": SimpleUploadedFile("f.xlsx", data)})
    assert preview.status_code == 302
    barrier, responses = threading.Barrier(2), []

    def confirm():
        c = Client()
        c.force_login(manager_a)
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        try:
            barrier.wait()
            responses.append(c.post(preview["Location"], follow=True))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert [r.status_code for r in responses] == [200, 200]
    # What each page says, read from its HTML: the test client's `response.context` collects the templates
    # rendered by every thread at the same time (Django's template_rendered signal is global), so two
    # pages rendered at once could show each other's context.
    imported, already = "Import finished: 30 created, 0 updated, 0 unchanged.", "This file has already been imported."
    said = sorted((imported in r.content.decode(), already in r.content.decode()) for r in responses)
    assert said == [(False, True), (True, False)]
    assert Cadre.objects.filter(code__startswith="CB-").count() == 30
