"""One truth per figure, on the demo province: for several targets and units, the dashboard card, the
row of the unit in its parent's table, the missing list's count and the report workbook's cell are
the same numbers, for the same date, which every one of them states."""

import io
import random

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from organization.models import Unit
from targets.models import Target
from targets.reports import report_data, report_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(client):
    random.seed(2026)
    call_command("load_demo", stdout=io.StringIO(), grassroots=20, cadres=200)
    client.force_login(get_user_model().objects.get(username="board"))
    return client


def _workbook_cell(data, unit):
    book = openpyxl.load_workbook(io.BytesIO(report_workbook(data)), read_only=True)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if row and row[0] == unit.code and isinstance(row[3], int):
                return row[4], row[3]
    raise AssertionError(f"{unit.code} is in no sheet of the report")


def test_card_table_list_and_report_agree_for_several_targets_and_units(demo):
    province = Unit.get_root_nodes().first()
    body = province.get_children().filter(numchild__gt=0).order_by("code").first()
    leaf = Unit.objects.filter(path__startswith=body.path, numchild=0, is_active=True).order_by("code").first()
    today = timezone.localdate()
    targets = list(Target.objects.filter(is_active=True))
    assert len(targets) >= 3
    seen = 0
    for target in targets:
        for unit, parent in ((province, None), (body, province), (leaf, leaf.get_parent())):
            card = demo.get("/board/", {"target": target.pk, "unit": unit.pk}).context["data"]
            if card.total is None:
                continue
            figures = (card.total.met, card.total.population)
            listed = demo.get("/board/missing/", {"target": target.pk, "unit": unit.pk}).context["total"]
            assert listed == card.missing_count == card.total.population - card.total.met - card.total.in_time
            if parent is not None:
                table = demo.get("/board/", {"target": target.pk, "unit": parent.pk}).context["data"]
                [row] = [r for r in table.units if r.unit_id == unit.pk] or [None]
                if row is not None:  # the table lists the units forecast to miss first, 100 a page
                    assert (row.met, row.population) == figures
            data = report_data(target=target, unit=unit, on=today)
            assert (data.total.met, data.total.population) == figures
            # A committee-level target lists committees (its `missing` are their untrained members).
            assert len(data.committees if target.counts_committees else data.missing) == listed
            assert _workbook_cell(data, unit) == figures
            assert data.on == card.taken_on == target.figures_date(today)
            seen += 1
    assert seen >= 6
