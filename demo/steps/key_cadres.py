"""Demo step: the key cadres (cán bộ chủ chốt) of the demo province and their training on inspection work.

The action programme (mục III.4.3(1)) asks for the training of the key cadres, not only of the
inspection cadres: the secretary and the deputy secretary of every commune-level and sector Party
committee directly under the province and of every grassroots Party committee. They hold the
positions of the reference data's key-cadre group (organization.reference_data.KEY_CADRES_GROUP).
The commune-level committees' leaders took office when the committees were formed (01/07/2025),
the others at the 2020 congresses. Most of them attended the province's conference on inspection
work for key cadres (8 hours) in 2025 or 2026; some have not yet, so the target
"Bồi dưỡng nghiệp vụ công tác kiểm tra cho cán bộ chủ chốt" (demo.steps.competency) is well on
its way but not met. Written with bulk_create (a few queries however large the province).

Idempotent: nothing is written when the key cadres are already there.
"""

import datetime as dt
from decimal import Decimal

from courses.models import ExternalTraining
from demo.steps import organization as organization_demo
from organization.models import (
    GRASSROOTS_KINDS,
    Cadre,
    CadreStatus,
    Gender,
    Position,
    PositionAssignment,
    TheoryLevel,
    Unit,
    UnitKind,
)
from organization.reference_data import REFORM_DAY
from organization.vnsort import name_sort_key

CODE_PREFIX = f"{organization_demo.PROVINCE_CODE}-CC-"
CONGRESS_2020 = dt.date(2020, 9, 15)
COURSE = ("Hội nghị bồi dưỡng nghiệp vụ công tác kiểm tra, giám sát cho cán bộ chủ chốt năm {year}",
          "Ủy ban Kiểm tra Tỉnh ủy", 8)
TRAINED_SHARE = {2025: 0.45, 2026: 0.35}  # of each year's key cadres; the rest not yet trained


def _units():
    """The committees whose secretary and deputy are key cadres: the bodies directly under the province
    (commune-level and sector committees) and the grassroots committees, active today."""
    units = Unit.objects.filter(is_active=True).filter(kind__in=[UnitKind.BODY, *GRASSROOTS_KINDS])
    return list(units.select_related("level").order_by("path"))


def load(*, stdout, rng, today: dt.date) -> None:
    if Cadre.objects.filter(code__startswith=CODE_PREFIX).exists():
        stdout.write("Key cadres: already loaded, nothing to do.\n")
        return
    positions = {p.code: p for p in Position.objects.filter(code__in=("bi-thu", "pho-bi-thu"))}
    units = _units()
    if len(positions) < 2 or not units:
        stdout.write("Key cadres: the demo province or the key-cadre positions are missing, nothing to do.\n")
        return
    cadres, n = [], 0
    for unit in units:
        commune_level = unit.kind == UnitKind.BODY and unit.level_id and unit.level.code == "xa"
        start = REFORM_DAY if commune_level else CONGRESS_2020
        for code in ("bi-thu", "pho-bi-thu"):
            n += 1
            gender = Gender.FEMALE if rng.random() < 0.25 else Gender.MALE
            name = organization_demo.vietnamese_name(rng, gender)
            cadres.append(Cadre(
                code=f"{CODE_PREFIX}{n:05d}", full_name=name, name_sort_key=name_sort_key(name), gender=gender,
                date_of_birth=dt.date(rng.randint(1965, 1985), rng.randint(1, 12), rng.randint(1, 28)),
                unit=unit, position=positions[code], appointed_on=start, status=CadreStatus.ACTIVE,
                theory_level=TheoryLevel.ADVANCED if rng.random() < 0.8 else TheoryLevel.INTERMEDIATE,
            ))
    Cadre.objects.bulk_create(cadres, batch_size=organization_demo.BATCH_SIZE)
    cadres = list(Cadre.objects.filter(code__startswith=CODE_PREFIX).only("pk", "unit_id", "position_id",
                                                                          "appointed_on"))
    PositionAssignment.objects.bulk_create(
        (PositionAssignment(cadre=c, unit_id=c.unit_id, position_id=c.position_id, start_date=c.appointed_on,
                            reason="Bầu tại đại hội" if c.appointed_on == CONGRESS_2020 else
                            "Chỉ định khi thành lập đảng bộ cấp xã", first_term=False)
         for c in cadres), batch_size=organization_demo.BATCH_SIZE)
    name, provider, hours = COURSE
    trainings, trained = [], 0
    for cadre in cadres:
        draw = rng.random()
        year = 2025 if draw < TRAINED_SHARE[2025] else 2026 if draw < TRAINED_SHARE[2025] + TRAINED_SHARE[2026] else 0
        if not year:
            continue
        # The 2025 conference came after the commune-level committees were formed (10/2025); 2026's in 05/2026.
        day = dt.date(2025, 10, 16) if year == 2025 else dt.date(2026, 5, 21)
        if day >= today:
            continue
        trained += 1
        trainings.append(ExternalTraining(cadre_id=cadre.pk, course_name=name.format(year=year), provider=provider,
                                          hours=Decimal(hours), start_on=day, end_on=day))
    ExternalTraining.objects.bulk_create(trainings, batch_size=organization_demo.BATCH_SIZE)
    stdout.write(f"Key cadres: {len(cadres)} secretaries and deputy secretaries of {len(units)} committees, "
                 f"{trained} trained on inspection work.\n")
