"""Parallel requests for the same thing end in normal pages and one row (PostgreSQL: real row locks)."""

import threading

import pytest
from django.db import connections
from django.test import Client

from courses.models import Enrollment
from tests.factories import CadreFactory, add_unit, make_manager, unit_tree_root

from . import builders

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_parallel(user, n, url, data):
    barrier = threading.Barrier(n)
    statuses = []

    # Logged in one after the other, before the threads: the login itself (and the second factor's
    # device it records for staff) is not what races here.
    clients = []
    for _ in range(n):
        client = Client()
        client.force_login(user)
        clients.append(client)

    def run(client):
        try:
            barrier.wait()
            statuses.append(client.post(url, data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return statuses


def test_ten_parallel_assignments_of_one_cadre_give_one_enrolment_and_no_error():
    unit = add_unit(unit_tree_root(), "A")
    manager = make_manager(unit, username="ql-a")
    cadre = CadreFactory(unit=unit, code="CB-1")
    course = builders.course(title="Nghiệp vụ kiểm tra")

    form = {"course": course.pk, "target": "ticked", "cadres": [cadre.pk]}
    statuses = _in_parallel(manager, 10, "/learn/assign/", form)

    assert sorted(statuses) == [302] * 10
    assert Enrollment.objects.filter(cadre=cadre, course=course).count() == 1
