"""The demo rotation register: five years of rotations of the demo province's cadres (about 5% of the
active cadres a year, into, out of and within the inspection sector), a plan for the current year for
the province and the two demo managers' bodies, some rotations ending within 90 days and one overdue.

Every rotation fits the cadre's position history: the demo province's cadres mostly hold one post
since their (re-)election, so a past rotation gets its posts written as closed history entries
before that post; the cadres marked "rotated" by demo.steps.organization are the ones out on a rotation
now. Written in bulk (two inserts), then the courses their new post requires are assigned to the
cadres rotated in (rotation.services.rotation_training_assign). A `load_demo` step: idempotent
(if the province already has rotations, only the plans are ensured).
"""

import datetime as dt
from collections import Counter

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Count, Min

from demo.steps import organization as organization_demo
from organization.models import Cadre, CadreStatus, PositionAssignment, Unit
from rotation import services
from rotation.models import (
    Rotation,
    RotationBasis,
    RotationDirection,
    RotationPlan,
    RotationPlanLine,
    RotationStatus,
    rotation_default_end,
)

SHARE_PER_YEAR = 0.05
YEARS = 5
ISSUERS = ("Ban Thường vụ Tỉnh ủy", "Ban Thường vụ Tỉnh ủy", "Thường trực Tỉnh ủy")
OUTSIDE_POSTS = (
    "Phó Bí thư Đảng ủy", "Phó Chủ tịch UBND", "Trưởng ban Tổ chức Đảng ủy", "Chánh Văn phòng Đảng ủy",
    "Trưởng ban Tuyên giáo và Dân vận", "Phó Giám đốc Sở Nội vụ", "Phó Chánh Thanh tra tỉnh",
    "Trưởng phòng Tổ chức cán bộ, Sở Tài chính", "Phó Trưởng ban Nội chính Tỉnh ủy", "Chủ tịch Ủy ban MTTQ",
)
DIRECTION_SHARES = ((RotationDirection.INTO, 0.4), (RotationDirection.OUT, 0.4), (RotationDirection.WITHIN, 0.2))
ENDING_SOON_AT_LEAST = 5
RECENT_DAYS = 180


def _day_in_year(rng, year: int, last: dt.date) -> dt.date:
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), last)
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _outside_post(rng, unit: Unit) -> str:
    return f"{rng.choice(OUTSIDE_POSTS)} — {unit.name}"


def _basis(rng, start: dt.date) -> str:
    if start >= dt.date(2025, 7, 1):
        return rng.choice((RotationBasis.QD368, RotationBasis.QD65, RotationBasis.QD65))
    return rng.choice((RotationBasis.KL23, RotationBasis.QD65, RotationBasis.QD65, RotationBasis.KL35))


def _service_left(cadre: Cadre, start: dt.date) -> int | None:
    if cadre.date_of_birth is None:
        return None
    retirement_age = 62 if cadre.gender == "m" else 60
    return max(0, retirement_age - relativedelta(start, cadre.date_of_birth).years)


class _Register:
    """Rotations and history entries to insert, with decision numbers per year."""

    def __init__(self, rng, today):
        self.rng, self.today = rng, today
        self.rotations: list[Rotation] = []
        self.history: list[PositionAssignment] = []
        self.numbers: Counter = Counter()

    def add(self, cadre: Cadre, *, direction, start, status, planned_end=None, actual_end=None, **posts) -> Rotation:
        rng = self.rng
        self.numbers[start.year] += 1
        decided = start - dt.timedelta(days=rng.randint(7, 45))
        rotation = Rotation(
            cadre=cadre, direction=direction, start_date=start, status=status,
            planned_end=planned_end or rotation_default_end(start), actual_end=actual_end,
            decision_number=f"{self.numbers[start.year] * 7 + 100}-QĐ/TU", decision_date=decided,
            decision_issuer=rng.choice(ISSUERS), legal_basis=_basis(rng, start),
            in_succession_plan=rng.random() < 0.75, years_of_service_left=_service_left(cadre, start),
            equivalent_position=rng.random() < 0.8, **posts,
        )
        self.rotations.append(rotation)
        return rotation

    def entry(self, cadre: Cadre, unit: Unit, position, start: dt.date, end: dt.date, reason: str) -> None:
        if end >= start:
            self.history.append(PositionAssignment(cadre=cadre, unit=unit, position=position, start_date=start,
                                                   end_date=end, reason=reason[:255]))


def _reason(rotation: Rotation, prefix: str) -> str:
    return f"{prefix} (quyết định {rotation.decision_number}, {rotation.decision_date:%d/%m/%Y})"


def _plans(*, today, rng, stdout) -> None:
    """This year's plan for the province and the two demo managers' bodies, a little ahead of what
    has been done so far (the year is not over); idempotent."""
    from rotation.selectors import rotation_plan_progress

    chair = organization_demo.ensure_positions()[organization_demo.CHAIR]
    for code in (organization_demo.PROVINCE_CODE, organization_demo.MANAGER_UNIT_CODE,
                 organization_demo.MANAGER2_UNIT_CODE):
        unit = Unit.objects.filter(code=code).first()
        if unit is None or RotationPlan.objects.filter(year=today.year, unit=unit).exists():
            continue
        plan = RotationPlan.objects.create(
            year=today.year, unit=unit, notes="Kế hoạch luân chuyển cán bộ theo Kết luận 23-KL/TW và Quy định 65-QĐ/TW."
        )
        lines = RotationPlanLine.objects.bulk_create(
            RotationPlanLine(plan=plan, direction=direction, position=position, planned_count=0)
            for direction, position in ((RotationDirection.INTO, None), (RotationDirection.INTO, chair),
                                        (RotationDirection.OUT, None), (RotationDirection.WITHIN, None))
        )
        plan = RotationPlan.objects.select_related("unit").prefetch_related("lines").get(pk=plan.pk)
        for line, done in rotation_plan_progress([plan])[plan.pk]:
            line.planned_count = done + rng.randint(1, 3 if line.position_id else 6)
        RotationPlanLine.objects.bulk_update(plan.lines.all(), ["planned_count"])
        stdout.write(f"Rotation plan {today.year}: {unit.name} ({len(lines)} lines).\n")


@transaction.atomic
def load(*, stdout, rng, today: dt.date) -> None:
    """Build the demo rotation register once (see the module docstring)."""
    province = Unit.objects.filter(code=organization_demo.PROVINCE_CODE).first()
    if province is None:
        stdout.write("Rotations: the demo province is not loaded, nothing to do.\n")
        return
    demo_cadres = Cadre.objects.filter(code__startswith=f"{organization_demo.PROVINCE_CODE}-CB-")
    if Rotation.objects.filter(cadre__in=demo_cadres).exists():
        _plans(today=today, rng=rng, stdout=stdout)
        stdout.write("Rotations: already loaded, nothing to do.\n")
        return

    register = _Register(rng, today)
    first_year = today.year - YEARS + 1
    active = demo_cadres.filter(status=CadreStatus.ACTIVE).count()
    per_year = max(2, round(active * SHARE_PER_YEAR))
    # Cadres holding one post since they took it up (A): a rotation before A fits before that post.
    pool = list(
        demo_cadres.filter(status=CadreStatus.ACTIVE)
        .exclude(code=organization_demo.LEARNER_CADRE_CODE)
        .annotate(entries=Count("assignments"), held_since=Min("assignments__start_date"))
        .filter(entries=1, held_since__gt=dt.date(first_year, 1, 1))
        .select_related("unit", "position")
        .order_by("code")
    )
    rng.shuffle(pool)
    used: set[int] = set()
    units = list(Unit.objects.filter(path__startswith=province.path, depth__in=(2, 3), is_active=True).order_by("path"))

    # 1. The cadres demo.steps.organization marked "rotated": out on a rotation since their post ended.
    away = list(
        demo_cadres.filter(status=CadreStatus.ROTATED)
        .annotate(left_on=Min("assignments__end_date")).select_related("unit", "position").order_by("code")
    )
    for cadre in away:
        if cadre.left_on is None:
            continue
        start = cadre.left_on + dt.timedelta(days=1)
        planned_end = rotation_default_end(start)
        if planned_end < today:
            planned_end = start + relativedelta(months=60)  # a longer term in the decision
        register.add(cadre, direction=RotationDirection.OUT, start=start, status=RotationStatus.IN_PROGRESS,
                     planned_end=planned_end, from_unit=cadre.unit, from_position=cadre.position,
                     to_post_title=_outside_post(rng, cadre.unit))
        used.add(cadre.pk)
    started = Counter(r.start_date.year for r in register.rotations)

    # 2. Each year, up to about 5% of the active cadres, into, out of and within the sector.
    for year in range(first_year, today.year + 1):
        for direction, share in DIRECTION_SHARES:
            wanted = round(per_year * share) - (started[year] if direction == RotationDirection.OUT else 0)
            for _ in range(max(0, wanted)):
                start = _day_in_year(rng, year, today - dt.timedelta(days=1))
                cadre = next((c for c in pool if c.pk not in used and c.held_since > start), None)
                if cadre is None:
                    break
                _past_rotation(register, cadre, direction=direction, start=start, units=units)
                used.add(cadre.pk)

    # 3. A few planned for the coming months, not started yet.
    for months in (1, 2, 3):
        cadre = next((c for c in pool if c.pk not in used), None)
        if cadre is None:
            break
        start = today + relativedelta(months=months)
        register.add(cadre, direction=RotationDirection.OUT, start=start, status=RotationStatus.PLANNED,
                     from_unit=cadre.unit, from_position=cadre.position, to_post_title=_outside_post(rng, cadre.unit))
        used.add(cadre.pk)

    _alerts(register, today)
    promoted = _promotions(register, pool=[c for c in pool if c.pk not in used], today=today)
    Rotation.objects.bulk_create(register.rotations, batch_size=organization_demo.BATCH_SIZE)
    PositionAssignment.objects.bulk_create(register.history, batch_size=organization_demo.BATCH_SIZE)
    _promotions_apply(promoted)

    # The training rule for the cadres rotated in lately (the nightly courses sweep has long covered
    # the earlier ones): their post's courses, due counted from the rotation's start.
    rotated_in = Rotation.objects.filter(
        cadre__in=demo_cadres, direction__in=(RotationDirection.INTO, RotationDirection.WITHIN),
        status=RotationStatus.IN_PROGRESS,
        start_date__gte=today - dt.timedelta(days=RECENT_DAYS),
    ).select_related("to_position")
    assigned = sum(len(services.rotation_training_assign(rotation=r, today=today)) for r in rotated_in)
    _plans(today=today, rng=rng, stdout=stdout)
    by_status = Counter(r.status for r in register.rotations)
    stdout.write(
        f"Rotations: {len(register.rotations)} over {YEARS} years ({per_year} a year is 5%), "
        f"{by_status[RotationStatus.IN_PROGRESS]} in progress, {by_status[RotationStatus.COMPLETED]} completed; "
        f"{len(register.history)} history entries; {assigned} required courses assigned to the cadres rotated in "
        f"within {RECENT_DAYS} days.\n"
    )


def _past_rotation(register: _Register, cadre: Cadre, *, direction, start: dt.date, units: list[Unit]) -> None:
    """A rotation starting before the cadre's current post (held since `cadre.held_since`): its posts
    become closed history entries before that post. Completed when its end has passed."""
    rng, today = register.rng, register.today
    held_since = cadre.held_since
    if direction != RotationDirection.OUT and (held_since - start).days < 60:
        start = held_since  # rotated straight into the post they hold now
    planned_end = rotation_default_end(start)
    before = held_since - dt.timedelta(days=1)
    earlier = start - relativedelta(years=rng.randint(2, 6))
    if direction == RotationDirection.OUT:
        # Out and back: needs the return before the current post, so it ends early enough.
        actual_end = min(planned_end - dt.timedelta(days=1), before - dt.timedelta(days=1))
        if actual_end < start + relativedelta(months=12) or actual_end >= today:
            direction = RotationDirection.INTO  # not enough room for a return: rotate someone in instead
        else:
            rotation = register.add(cadre, direction=direction, start=start, status=RotationStatus.COMPLETED,
                                    planned_end=planned_end, actual_end=actual_end, from_unit=cadre.unit,
                                    from_position=cadre.position, to_post_title=_outside_post(rng, cadre.unit))
            register.entry(cadre, cadre.unit, cadre.position, earlier, start - dt.timedelta(days=1), "")
            register.entry(cadre, cadre.unit, cadre.position, actual_end + dt.timedelta(days=1), before,
                           _reason(rotation, "Kết thúc luân chuyển, trở về đơn vị cũ"))
            return
    if planned_end < today:
        status, actual_end = RotationStatus.COMPLETED, planned_end
    else:
        status, actual_end = RotationStatus.IN_PROGRESS, None
    if direction == RotationDirection.WITHIN:
        others = [u for u in units if u.pk != cadre.unit_id and u.kind == cadre.unit.kind] or units
        origin = rng.choice(others)
        rotation = register.add(cadre, direction=direction, start=start, status=status, planned_end=planned_end,
                                actual_end=actual_end, from_unit=origin, from_position=cadre.position,
                                to_unit=cadre.unit, to_position=cadre.position)
        register.entry(cadre, origin, cadre.position, earlier, start - dt.timedelta(days=1), "")
    else:
        rotation = register.add(cadre, direction=RotationDirection.INTO, start=start, status=status,
                                planned_end=planned_end, actual_end=actual_end,
                                from_post_title=_outside_post(rng, cadre.unit), to_unit=cadre.unit,
                                to_position=cadre.position)
    register.entry(cadre, cadre.unit, cadre.position, start, before, _reason(rotation, "Luân chuyển"))


PROMOTIONS = 12  # part-time grassroots members rotated into full-time seats of commune-level committees lately


def _promotions(register: _Register, *, pool: list[Cadre], today: dt.date) -> list[tuple[Cadre, Rotation]]:
    """Recent rotations within the sector from a part-time seat of a grassroots committee into a
    full-time seat of a commune-level committee (strengthening the committees formed in 2025): the
    new post requires courses the old one did not (the full-time course), so rotation-aware training
    assigns them. Their current post is closed the day before and the new one opened."""
    from organization.models import Position

    rng = register.rng
    fulltime = Position.objects.filter(code=organization_demo.MEMBER_FT).first()
    targets = list(Unit.objects.filter(code__in=organization_demo.COMMUNE_LEVEL_CODES, is_active=True).order_by("code"))
    if fulltime is None or not targets:
        return []
    chosen = []
    for cadre in pool:
        if len(chosen) >= PROMOTIONS:
            break
        if (cadre.position.code != organization_demo.MEMBER_PT
                or cadre.unit.code in organization_demo.COMMUNE_LEVEL_CODES):
            continue
        start = today - dt.timedelta(days=rng.randint(20, RECENT_DAYS - 10))
        if start <= cadre.held_since + dt.timedelta(days=30):
            continue
        to_unit = rng.choice(targets)
        rotation = register.add(cadre, direction=RotationDirection.WITHIN, start=start,
                                status=RotationStatus.IN_PROGRESS, from_unit=cadre.unit,
                                from_position=cadre.position, to_unit=to_unit, to_position=fulltime)
        chosen.append((cadre, rotation))
    return chosen


def _promotions_apply(promoted: list[tuple[Cadre, Rotation]]) -> None:
    for cadre, rotation in promoted:
        PositionAssignment.objects.filter(cadre=cadre, end_date__isnull=True).update(
            end_date=rotation.start_date - dt.timedelta(days=1), reason=_reason(rotation, "Luân chuyển"))
        PositionAssignment.objects.create(cadre=cadre, unit=rotation.to_unit, position=rotation.to_position,
                                          start_date=rotation.start_date, first_term=False,
                                          reason=_reason(rotation, "Luân chuyển"))
        Cadre.objects.filter(pk=cadre.pk).update(unit=rotation.to_unit, position=rotation.to_position,
                                                 appointed_on=rotation.start_date)


def _alerts(register: _Register, today: dt.date) -> None:
    """At least a few rotations in progress end within 90 days (decisions with a shorter term), and
    exactly one is overdue."""
    rng = register.rng
    running = sorted((r for r in register.rotations if r.status == RotationStatus.IN_PROGRESS),
                     key=lambda r: (r.start_date, r.cadre.code))
    if not running:
        return
    overdue = running[0]
    overdue.planned_end = max(overdue.start_date + dt.timedelta(days=1), today - dt.timedelta(days=20))
    others = [r for r in running[1:] if r.planned_end >= today]
    for rotation in running[1:]:
        if rotation.planned_end < today:
            rotation.planned_end = today + dt.timedelta(days=rng.randint(100, 400))
    soon = [r for r in others if r.planned_end <= today + dt.timedelta(days=90)]
    for rotation in others[-(ENDING_SOON_AT_LEAST - len(soon)):] if len(soon) < ENDING_SOON_AT_LEAST else []:
        rotation.planned_end = today + dt.timedelta(days=rng.randint(15, 85))
