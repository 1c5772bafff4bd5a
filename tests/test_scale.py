"""The scale generator (`manage.py generate_scale`) used by the benchmarks in bench/."""

import io
from collections import Counter
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from bench.management.commands.generate_scale import tree_shape
from demo.management.commands import load_demo
from organization.models import Cadre, PositionAssignment, Unit, UnitKind

pytestmark = pytest.mark.django_db


def generate(**options):
    out = io.StringIO()
    call_command("generate_scale", stdout=out, **{"units": 60, "cadres": 500, **options})
    return out.getvalue()


def subtree(code="S"):
    return Unit.objects.filter(path__startswith=Unit.objects.get(code=code).path)


def test_creates_exactly_the_requested_units_and_cadres():
    generate()

    assert subtree().count() == 60
    assert Cadre.objects.filter(code__startswith="S-CB").count() == 500


def test_the_generated_tree_is_a_valid_treebeard_tree():
    generate(units=300, cadres=50)

    assert Unit.find_problems() == ([], [], [], [], [])


def test_the_tree_has_a_province_bodies_grassroots_and_cells():
    generate(units=1200, cadres=10)
    bodies, grassroots, cells = tree_shape(1200)

    kinds = Counter(subtree().values_list("kind", flat=True))

    assert kinds[UnitKind.PROVINCE] == 1
    assert kinds[UnitKind.BODY] == bodies == 2
    assert kinds[UnitKind.CELL] == cells
    assert sum(kinds[kind] for kind in ("commune", "ward", "agency", "enterprise")) == grassroots
    assert subtree().filter(kind=UnitKind.BODY, depth=2).count() == bodies
    assert subtree().filter(kind=UnitKind.CELL, depth=4).count() == cells


def test_cadres_are_spread_evenly_over_the_units_that_hold_them():
    generate(units=60, cadres=500)
    holders = subtree().exclude(kind=UnitKind.CELL)

    per_unit = Counter(Cadre.objects.values_list("unit_id", flat=True))

    assert set(per_unit) == set(holders.values_list("pk", flat=True))
    assert max(per_unit.values()) - min(per_unit.values()) <= 1


def test_every_cadre_has_a_position_history_ending_in_the_current_position():
    generate(units=30, cadres=300)

    for cadre in Cadre.objects.prefetch_related("assignments"):
        last = list(cadre.assignments.all())[-1]
        current = (cadre.unit_id, cadre.position_id, cadre.appointed_on)
        assert (last.unit_id, last.position_id, last.start_date) == current
    assert PositionAssignment.objects.count() > Cadre.objects.count()


def test_small_batches_give_the_same_tree_as_one_batch():
    generate(units=80, cadres=40, batch_size=7)
    small = list(subtree().order_by("path").values_list("path", "code", "depth", "numchild"))
    Cadre.objects.all().delete()
    Unit.objects.all().delete()

    generate(units=80, cadres=40)

    assert list(subtree().order_by("path").values_list("path", "code", "depth", "numchild")) == small
    assert Unit.find_problems() == ([], [], [], [], [])


def test_treebeard_can_keep_editing_the_generated_tree():
    generate(units=40, cadres=0)
    grassroots = subtree().filter(kind=UnitKind.COMMUNE).first()
    first_cell = grassroots.get_children().first()

    # Sorts before the existing cells by code: treebeard has to shift their paths.
    Unit.objects.get(pk=grassroots.pk).add_child(code=first_cell.code[:-1], name="Chi bộ mới", kind=UnitKind.CELL)

    assert Unit.find_problems() == ([], [], [], [], [])
    assert Unit.objects.get(pk=grassroots.pk).get_children().first().name == "Chi bộ mới"


def test_refuses_to_run_under_production_settings(settings):
    settings.SETTINGS_MODULE = "lms.settings.production"

    with pytest.raises(CommandError, match="generate_scale refuses to run under production settings"):
        generate()

    assert not Unit.objects.exists()


def test_runs_under_production_settings_when_forced(settings):
    settings.SETTINGS_MODULE = "lms.settings.production"

    generate(units=10, cadres=5, force=True)

    assert subtree().count() == 10


def test_load_demo_and_generate_scale_share_one_guard():
    from bench.management.commands import generate_scale

    assert load_demo.refuse_production_settings is generate_scale.refuse_production_settings


def test_sits_beside_the_demo_province():
    with mock.patch.object(load_demo, "STEPS", ("demo.steps.organization",)):
        call_command("load_demo", grassroots=20, cadres=60, stdout=io.StringIO())
    demo_units, demo_cadres = Unit.objects.count(), Cadre.objects.count()

    generate(units=50, cadres=100)

    assert Unit.objects.count() == demo_units + 50
    assert Cadre.objects.count() == demo_cadres + 100
    assert Unit.find_problems() == ([], [], [], [], [])
    assert sorted(Unit.get_root_nodes().values_list("code", flat=True)) == ["HD", "S"]


def test_reports_progress_and_elapsed_time():
    output = generate(units=60, cadres=500)

    assert "cadres 500/500" in output
    assert "Generated 60 units and 500 cadres under 'S' in " in output


def test_refuses_a_prefix_that_is_already_used_and_writes_nothing():
    generate(units=30, cadres=20)

    with pytest.raises(CommandError, match="already exists"):
        generate(units=30, cadres=20)

    assert Unit.objects.count() == 30
    assert Cadre.objects.count() == 20


def test_a_second_tree_with_another_prefix_is_separate():
    generate(units=30, cadres=20)

    generate(units=30, cadres=20, prefix="S2")

    assert subtree("S2").count() == 30
    assert not subtree("S").filter(code__startswith="S2").exists()
    assert Cadre.objects.filter(code__startswith="S2-CB").count() == 20


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"units": 2}, "--units must be at least 3"),
        ({"cadres": -1}, "--cadres must not be negative"),
        ({"prefix": "S-1"}, "--prefix must be"),
        ({"batch_size": 0}, "--batch-size must be positive"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_written(options, message):
    with pytest.raises(CommandError, match=message):
        generate(**options)

    assert not Unit.objects.exists()
    assert not Cadre.objects.exists()
