"""Demo step: the training history of the demo province since the 2020 congresses.

Before the platform opened (06/2022) and beside it, cadres were trained in person: the Provincial
Inspection Committee's annual conference on inspection work (8 hours) and the political school's
refresher class (16 hours), recorded as training done elsewhere (courses.ExternalTraining) in the
years each cadre held a post (demo.steps.organization writes the posts of both terms).

The 2022–2025 target ("trained": at least TRAINED_HOURS hours in the period) follows a believable
path: each cadre in post at the end of 2025 reaches the hours in one year of the period (more in
2023 and 2025, the years of the big classes, never before they took up inspection work); about
SHORT_SHARE of them fall short, for a reason the load log names (appointed when the commune-level
committees were formed on 01/07/2025 and not yet sent to a class; or absent from the classes).
Former holders of the 2020–2025 term trained in their years too. Written with one executemany.

Idempotent: nothing is written when the 2020 conference is already recorded.
"""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from courses.models import Completion, ExternalTraining
from demo.steps import organization as organization_demo
from organization.models import Cadre, PositionAssignment

FIRST_YEAR = 2020
PERIOD = (dt.date(2022, 1, 1), dt.date(2025, 12, 31))
TRAINED_HOURS = 24  # the demo target's threshold (demo.steps.competency.TARGETS)
CONFERENCE = ("Hội nghị tập huấn nghiệp vụ công tác kiểm tra, giám sát năm {year}", "Ủy ban Kiểm tra Tỉnh ủy", 8)
REFRESHER = ("Lớp bồi dưỡng nghiệp vụ công tác kiểm tra, giám sát năm {year}", "Trường Chính trị tỉnh", 16)
# The year of the period in which a cadre in post at its end reached the hours.
TRAINED_IN = ((2022, 20), (2023, 30), (2024, 22), (2025, 28))
SHORT_SHARE = 0.05
SHORT_REFORM = "Bố trí khi thành lập đảng bộ cấp xã (01/07/2025), chưa được cử đi bồi dưỡng"
SHORT_ABSENT = "Vắng các lớp bồi dưỡng của giai đoạn"


def _posts() -> dict[int, list[tuple[dt.date, dt.date | None]]]:
    posts = defaultdict(list)
    demo = Cadre.objects.filter(code__startswith=f"{organization_demo.PROVINCE_CODE}-CB-")
    for cadre_id, start, end in PositionAssignment.objects.filter(cadre__in=demo).values_list(
            "cadre_id", "start_date", "end_date"):
        posts[cadre_id].append((start, end))
    return posts


def _window(posts, year: int, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days of `year` the cadre held a post (first to last), before today."""
    first, last = None, None
    for start, end in posts:
        lo, hi = max(start, dt.date(year, 1, 1)), min(end or today, dt.date(year, 12, 31), today - dt.timedelta(1))
        if lo <= hi:
            first = lo if first is None else min(first, lo)
            last = hi if last is None else max(last, hi)
    return (first, last) if first else None


def _day(rng, window, months=None) -> dt.date:
    lo, hi = window
    if months:  # the conference is held in spring: inside the window when it can be
        spring_lo, spring_hi = max(lo, dt.date(lo.year, months[0], 1)), min(hi, dt.date(lo.year, months[1], 28))
        if spring_lo <= spring_hi:
            lo, hi = spring_lo, spring_hi
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def _holds_on(posts, day: dt.date) -> bool:
    return any(start <= day and (end is None or end >= day) for start, end in posts)


@transaction.atomic
def load(*, stdout, rng, today: dt.date) -> None:
    if ExternalTraining.objects.filter(provider__in=(CONFERENCE[1], REFRESHER[1]),
                                       course_name__endswith=f"năm {FIRST_YEAR}").exists():
        stdout.write("Training history: already loaded, nothing to do.\n")
        return
    posts = _posts()
    if not posts:
        stdout.write("Training history: the demo province is not loaded, nothing to do.\n")
        return
    hours = defaultdict(list)  # what the platform and the courses step recorded: (day, hours)
    # Only professional courses count towards the 2022–2025 target (not ethics, not the code of conduct).
    professional = Completion.objects.filter(cadre_id__in=posts, course__counts_as_professional=True)
    for cadre_id, day, h in professional.values_list("cadre_id", "completed_on", "hours"):
        hours[cadre_id].append((day, float(h)))
    for cadre_id, day, h in ExternalTraining.objects.filter(cadre_id__in=posts).values_list("cadre_id", "end_on",
                                                                                             "hours"):
        hours[cadre_id].append((day, float(h)))

    def had(cadre_id, until: dt.date) -> float:
        return sum(h for day, h in hours[cadre_id] if PERIOD[0] <= day <= until)

    rows: list[tuple] = []

    def add(cadre_id, course, year, day):
        name, provider, h = course
        start = day - dt.timedelta(days=max(0, h // 8 - 1))
        rows.append((cadre_id, name.format(year=year), provider, Decimal(h), start, day))
        hours[cadre_id].append((day, float(h)))

    end = PERIOD[1]
    # The target's population at the period's end: whoever held a post that day (some have left since).
    population = sorted(c for c, p in posts.items() if _holds_on(p, end))
    # The shortfalls, named: appointed at the reform and not sent to a class yet, or absent.
    short: dict[int, str] = {}
    candidates = [c for c in population if had(c, end) < TRAINED_HOURS]  # the platform alone left them short
    share = min(1.0, SHORT_SHARE * len(population) / max(1, len(candidates)))
    for cadre_id in candidates:
        if rng.random() < share:
            first = min(start for start, _ in posts[cadre_id])
            short[cadre_id] = SHORT_REFORM if first >= organization_demo.REFORM_DAY else SHORT_ABSENT
    years, weights = zip(*TRAINED_IN, strict=True)
    in_population = set(population)
    for cadre_id, cadre_posts in posts.items():
        windows = {y: _window(cadre_posts, y, today) for y in range(FIRST_YEAR, today.year + 1)}
        for year in (2020, 2021, *range(PERIOD[1].year + 1, today.year + 1)):
            if windows[year] and rng.random() < 0.85:
                add(cadre_id, CONFERENCE, year, _day(rng, windows[year], (3, 5)))
        period_years = [y for y in years if windows[y]]
        if not period_years:
            continue
        if cadre_id in short:
            if had(cadre_id, end) + CONFERENCE[2] < TRAINED_HOURS and rng.random() < 0.5:
                add(cadre_id, CONFERENCE, period_years[0], _day(rng, windows[period_years[0]], (3, 5)))
            continue
        if cadre_id not in in_population:  # a former holder: the years they served
            for year in period_years:
                if rng.random() < 0.8:
                    add(cadre_id, CONFERENCE, year, _day(rng, windows[year], (3, 5)))
            if rng.random() < 0.4:
                year = rng.choice(period_years)
                add(cadre_id, REFRESHER, year, _day(rng, windows[year], (8, 11)))
            continue
        allowed = [(y, w) for y, w in zip(years, weights, strict=True) if y in period_years]
        trained_in = rng.choices([y for y, _ in allowed], [w for _, w in allowed])[0]
        for year in period_years:
            if year > trained_in:
                if rng.random() < 0.6:  # kept coming to the conference
                    add(cadre_id, CONFERENCE, year, _day(rng, windows[year], (3, 5)))
                continue
            if year < trained_in and rng.random() < 0.7:
                add(cadre_id, CONFERENCE, year, _day(rng, windows[year], (3, 5)))
            if year == trained_in:
                by = windows[year][1]
                while had(cadre_id, by) < TRAINED_HOURS:
                    add(cadre_id, REFRESHER, year, _day(rng, windows[year], (8, 11)))
    table = connection.ops.quote_name(ExternalTraining._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (cadre_id, course_name, provider, hours, start_on, end_on, file, created_at, "
            "updated_at) VALUES (%s, %s, %s, %s, %s, %s, '', %s, %s)",
            [(*row, now, now) for row in rows],
        )
    by_year = Counter(row[5].year for row in rows)
    reasons = Counter(short.values())
    stdout.write(
        f"Training history: {len(rows)} in-person trainings since {FIRST_YEAR} "
        f"({', '.join(f'{year}: {by_year[year]}' for year in sorted(by_year))}); of the {len(population)} cadres "
        f"in post on {end:%d/%m/%Y}, {len(short)} short of {TRAINED_HOURS} hours in 2022–2025 "
        f"({'; '.join(f'{reason}: {n}' for reason, n in reasons.most_common())}).\n"
    )
