"""`manage.py generate_scale --units N --cadres N`: a large synthetic province for performance work.

The tree is written with bulk inserts and materialized paths computed here (treebeard MP: steps
of 4 characters from 0-9A-Z, depth and numchild set), under its own root code (`--prefix`, "S" by
default) so it can sit beside the demo province. Shape: a province root, about one body per 500
units, one grassroots committee per 6 remaining units, the rest cells spread over the grassroots
committees. Cadres are spread evenly over the province, bodies and grassroots committees, each with
a position history (one entry, or two for one cadre in ten). Deterministic for a given --seed.

The bench app is installed by the dev and test settings only; like load_demo, this refuses
production settings unless --force.
"""

import datetime as dt
import math
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from demo.steps import organization as demo
from lms.guards import refuse_production_settings
from organization.models import (
    Cadre,
    CadreStatus,
    Gender,
    Grade,
    PositionAssignment,
    TheoryLevel,
    Unit,
    UnitKind,
)
from organization.vnsort import name_sort_key

UNITS_PER_BODY = 500
UNITS_PER_GRASSROOTS = 6
# Seats in the proportions a real province has them (see demo.steps.organization).
POSITION_MIX = (
    (demo.CHAIR, 10),
    (demo.DEPUTY_FT, 4),
    (demo.DEPUTY_PT, 6),
    (demo.MEMBER_FT, 2),
    (demo.MEMBER_PT, 50),
    (demo.STAFF, 3),
)


def tree_shape(units: int) -> tuple[int, int, int]:
    """(bodies, grassroots, cells) for a tree of `units` units including its root."""
    below_root = units - 1
    bodies = max(1, round(below_root / UNITS_PER_BODY))
    rest = below_root - bodies
    grassroots = max(1, math.ceil(rest / UNITS_PER_GRASSROOTS))
    return bodies, grassroots, rest - grassroots


class Command(BaseCommand):
    help = "Create a large unit tree and many cadres quickly with bulk inserts (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, required=True, help="Units in the tree, root included (≥ 3).")
        parser.add_argument("--cadres", type=int, required=True, help="Cadres to create (≥ 0).")
        parser.add_argument("--prefix", default="S", help="Code of the root unit and prefix of every code.")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--force", action="store_true", help="Run even under production settings (never on real data)."
        )

    def handle(self, *args, units, cadres, prefix, batch_size, seed, force=False, **options):
        refuse_production_settings("generate_scale", "it writes a synthetic province of fake cadres", force=force)
        if units < 3:
            raise CommandError("--units must be at least 3 (a root, a body and a grassroots committee).")
        if cadres < 0:
            raise CommandError("--cadres must not be negative.")
        if batch_size < 1:
            raise CommandError("--batch-size must be positive.")
        if not prefix.isalnum() or len(prefix) > 6:
            raise CommandError("--prefix must be 1 to 6 letters or digits.")
        if Unit.objects.filter(code=prefix).exists():
            raise CommandError(f"A unit with code {prefix!r} already exists: choose another --prefix.")
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data
        self.batch_size = batch_size
        self.prefix = prefix
        started = time.monotonic()
        with transaction.atomic():
            levels = demo.ensure_levels()
            self.positions = demo.ensure_positions()
            holders = self._create_tree(units, levels)
            tree_done = time.monotonic()
            self.stdout.write(f"units: {units} in {tree_done - started:.1f} s")
            self._create_cadres(cadres, holders)
            self.stdout.write(f"cadres: {cadres} in {time.monotonic() - tree_done:.1f} s")
        # Fresh statistics for the planner, as autovacuum would gather them some minutes later: without
        # them PostgreSQL takes the 200,000 new cadres for a few thousand and plans a keyset page of
        # the REST API as a hash join of every later row and a sort (0.15 s a page instead of 2 ms).
        with connection.cursor() as cursor:
            for model in (Unit, Cadre, PositionAssignment):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {units} units and {cadres} cadres under {prefix!r} in {time.monotonic() - started:.1f} s "
                f"({connection.vendor})."
            )
        )

    def _create_tree(self, units: int, levels) -> list[int]:
        """Insert the tree; return the ids of the units that hold cadres (root, bodies, grassroots)."""
        bodies_n, grassroots_n, cells_n = tree_shape(units)
        prefix = self.prefix
        root = Unit.add_root(
            code=prefix, name=f"Tỉnh thử nghiệm quy mô {prefix}", kind=UnitKind.PROVINCE, level=levels["tinh"]
        )
        bodies = [
            demo.UnitSpec(
                Unit(code=f"{prefix}-B{b:04d}", name=f"Đảng bộ thử nghiệm {b}", kind=UnitKind.BODY,
                     level=levels["truc-thuoc-tinh"])
            )
            for b in range(1, bodies_n + 1)
        ]
        kinds = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.AGENCY, UnitKind.ENTERPRISE)
        grassroots = []
        for g in range(grassroots_n):
            body = bodies[g % bodies_n]
            members = self.rng.randint(20, 700)
            spec = demo.UnitSpec(
                Unit(
                    code=f"{body.unit.code}-G{g + 1:06d}",
                    name=f"Đảng bộ cơ sở thử nghiệm {g + 1}",
                    kind=kinds[g % len(kinds)],
                    level=levels["co-so"],
                    party_member_count=members,
                )
            )
            body.children.append(spec)
            body.unit.party_member_count += members
            grassroots.append(spec)
        for c in range(cells_n):
            parent = grassroots[c % grassroots_n]
            parent.children.append(
                demo.UnitSpec(
                    Unit(
                        code=f"{parent.unit.code}-C{len(parent.children) + 1:03d}",
                        name=f"Chi bộ thử nghiệm {len(parent.children) + 1}",
                        kind=UnitKind.CELL,
                        level=levels["chi-bo"],
                        party_member_count=max(1, parent.unit.party_member_count // 8),
                    )
                )
            )
        root.party_member_count = sum(body.unit.party_member_count for body in bodies)
        root.save(update_fields=["party_member_count"])

        def progress(done, total):
            self.stdout.write(f"  units {done + 1}/{total + 1}")

        demo.insert_subtree(parent=root, children=bodies, batch_size=self.batch_size, on_batch=progress)
        return list(
            Unit.objects.filter(path__startswith=root.path)
            .exclude(kind=UnitKind.CELL)
            .order_by("path")
            .values_list("pk", flat=True)
        )

    def _create_cadres(self, total: int, holders: list[int]) -> None:
        rng = self.rng
        codes, weights = zip(*POSITION_MIX, strict=True)
        position_ids = {code: position.pk for code, position in self.positions.items()}
        sort_keys: dict[str, str] = {}
        today = timezone.localdate()
        returns_ids = connection.features.can_return_rows_from_bulk_insert
        for start in range(0, total, self.batch_size):
            batch = []
            for number in range(start + 1, min(total, start + self.batch_size) + 1):
                gender = Gender.MALE if rng.random() < 0.6 else Gender.FEMALE
                full_name = demo.vietnamese_name(rng, gender)
                if full_name not in sort_keys:
                    sort_keys[full_name] = name_sort_key(full_name)
                position = rng.choices(codes, weights)[0]
                batch.append(
                    Cadre(
                        code=f"{self.prefix}-CB{number:07d}",
                        full_name=full_name,
                        name_sort_key=sort_keys[full_name],
                        gender=gender,
                        date_of_birth=today - dt.timedelta(days=rng.randint(25 * 365, 59 * 365)),
                        unit_id=holders[(number - 1) % len(holders)],
                        position_id=position_ids[position],
                        grade=rng.choice((Grade.NONE, Grade.NONE, Grade.INSPECTOR, Grade.PRINCIPAL)),
                        theory_level=rng.choice((TheoryLevel.INTERMEDIATE, TheoryLevel.ADVANCED)),
                        appointed_on=dt.date(2025, 4, 1) + dt.timedelta(days=rng.randint(0, 300)),
                        status=CadreStatus.ACTIVE if rng.random() < 0.97 else CadreStatus.RETIRED,
                    )
                )
            Cadre.objects.bulk_create(batch, batch_size=self.batch_size)
            if not returns_ids:
                ids = dict(Cadre.objects.filter(code__in=[c.code for c in batch]).values_list("code", "pk"))
                for cadre in batch:
                    cadre.pk = ids[cadre.code]
            assignments = []
            for cadre in batch:
                if rng.random() < 0.1:
                    assignments.append(
                        PositionAssignment(
                            cadre_id=cadre.pk,
                            unit_id=cadre.unit_id,
                            position_id=position_ids[demo.MEMBER_PT],
                            start_date=dt.date(2020, 5, 1),
                            end_date=cadre.appointed_on - dt.timedelta(days=1),
                            reason="Hết nhiệm kỳ 2020 – 2025",
                        )
                    )
                retired = cadre.status == CadreStatus.RETIRED
                assignments.append(
                    PositionAssignment(
                        cadre_id=cadre.pk,
                        unit_id=cadre.unit_id,
                        position_id=cadre.position_id,
                        start_date=cadre.appointed_on,
                        end_date=min(today, cadre.appointed_on + dt.timedelta(days=200)) if retired else None,
                        reason="Nghỉ hưu theo chế độ" if retired else "",
                    )
                )
            PositionAssignment.objects.bulk_create(assignments, batch_size=self.batch_size)
            self.stdout.write(f"  cadres {start + len(batch)}/{total}")
