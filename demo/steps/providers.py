"""The demo's training providers and this year's training plans (III.4.3(2), III.4.3(3)).

- The Nguyễn Văn Cừ political school and the provincial inspection committee, each with a staff login
  (PROVIDER_LOGINS, printed by `print_demo_logins`) who runs the provider's classes;
- three provider classes with cadres of several bodies: one closed earlier this year (its cadres
  completed the course, source "class"), one held last week with attendance taken and not yet closed,
  one next month with registrations only;
- this year's plans of four bodies (among them the `manager`'s and `manager2`'s),
  their items covering positions, partly done by the completions already in the demo.

Bulk inserts, a few dozen queries; a second run finds the providers and changes nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from courses.models import (
    PROVIDER_STAFF_GROUP,
    Attendance,
    ClassRegistration,
    ClassSession,
    Completion,
    CompletionSource,
    CoursePage,
    PlanItem,
    PlanStatus,
    ProviderKind,
    TrainingClass,
    TrainingPlan,
    TrainingProvider,
)
from demo.steps import organization as organization_demo
from organization.models import Cadre, CadreStatus, Position, Unit

SCHOOL_NAME = "Trường Chính trị Nguyễn Văn Cừ"
COMMITTEE_NAME = "Ủy ban Kiểm tra Tỉnh ủy"


@dataclass(frozen=True)
class ProviderLogin:
    role: str
    username: str
    password: str
    provider: str
    first_name: str
    last_name: str


PROVIDER_LOGINS = (
    ProviderLogin("school", "school", "ktlearn-school-2026", SCHOOL_NAME, "Ngô Thị", "Lan"),  # noqa: S106
    ProviderLogin("ubkt", "ubkt", "ktlearn-ubkt-2026", COMMITTEE_NAME, "Đinh Văn", "Toàn"),  # noqa: S106
)

# The bodies whose cadres fill the provider classes, and the units with a plan this year.
CLASS_BODIES = ("HD01", "HD03", "HD07", "HD08", "HD12")
# Bodies side by side (no plan inside another's subtree), so the province's roll-up counts each planned
# cadre once.
PLAN_UNITS = (organization_demo.MANAGER_UNIT_CODE, organization_demo.MANAGER2_UNIT_CODE, "HD08", "HD12")
PER_BODY = 8


def load(*, stdout, rng, today) -> None:
    if TrainingProvider.objects.filter(name=SCHOOL_NAME).exists():
        stdout.write("Training providers: already there, nothing to do.\n")
        return
    province = Unit.objects.filter(code=organization_demo.PROVINCE_CODE).first()
    courses = {c.code: c for c in CoursePage.objects.filter(code__in=("KT-02", "KT-03", "KT-04", "KT-06", "KT-08"))}
    if province is None or len(courses) < 5:
        stdout.write("Training providers: the province or the courses are not loaded, nothing to do.\n")
        return
    school = TrainingProvider.objects.create(name=SCHOOL_NAME, kind=ProviderKind.POLITICAL_SCHOOL, unit=province)
    committee = TrainingProvider.objects.create(name=COMMITTEE_NAME, kind=ProviderKind.INSPECTION_COMMITTEE,
                                                unit=province)
    _staff({SCHOOL_NAME: school, COMMITTEE_NAME: committee})
    cadres = _cadres_of_bodies(rng)
    closed = _class(school, courses["KT-04"], province, cadres[:PER_BODY * 5 - 5], today=today, days_ago=200,
                    title=f"Lớp bồi dưỡng nghiệp vụ kiểm tra khi có dấu hiệu vi phạm năm {today.year}",
                    venue="Trường Chính trị Nguyễn Văn Cừ, cơ sở 1", rng=rng, closed=True)
    _class(school, courses["KT-03"], province, cadres[5:PER_BODY * 4], today=today, days_ago=8,
           title=f"Lớp bồi dưỡng kỹ năng giám sát chuyên đề năm {today.year}", venue="Trường Chính trị Nguyễn Văn Cừ",
           rng=rng)
    _class(committee, courses["KT-06"], province, cadres[10:PER_BODY * 5], today=today, days_ago=-30,
           title=f"Tập huấn thi hành kỷ luật đảng cho ủy ban kiểm tra cấp xã năm {today.year}",
           venue="Hội trường Tỉnh ủy", rng=rng)
    plans, items = _plans(courses, today=today)
    stdout.write(f"Training providers: 2 providers, 3 classes ({closed} completions from the closed one); "
                 f"{plans} training plans for {today.year} with {items} items.\n")


def _staff(providers: dict[str, TrainingProvider]) -> None:
    User = get_user_model()
    group, _created = Group.objects.get_or_create(name=PROVIDER_STAFF_GROUP)
    group.permissions.add(*Permission.objects.filter(
        content_type__app_label="courses", codename__in=["add_trainingclass", "change_trainingclass",
                                                         "view_trainingclass"]))
    group.permissions.add(*Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"))
    for login in PROVIDER_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = User(username=login.username, first_name=login.first_name, last_name=login.last_name)
            user.set_password(login.password)
            user.save()
        user.groups.add(group)
        providers[login.provider].staff.add(user)


def _cadres_of_bodies(rng) -> list[int]:
    """PER_BODY active committee members of each of CLASS_BODIES' subtrees, interleaved, so every class
    mixes bodies (one query)."""
    paths = dict(Unit.objects.filter(code__in=CLASS_BODIES).values_list("code", "path"))
    rows = list(Cadre.objects.filter(status=CadreStatus.ACTIVE, position__is_committee_member=True)
                .exclude(code=organization_demo.LEARNER_CADRE_CODE)
                .filter(unit__path__regex=r"^(" + "|".join(paths.values()) + ")")
                .order_by("code").values_list("pk", "unit__path"))
    by_body = {code: [pk for pk, path in rows if path.startswith(prefix)] for code, prefix in paths.items()}
    for members in by_body.values():
        rng.shuffle(members)
    chosen = [by_body[code][i] for i in range(PER_BODY) for code in CLASS_BODIES if i < len(by_body.get(code, []))]
    return chosen


def _class(provider, course, unit, cadre_ids, *, today, days_ago, title, venue, rng, closed=False) -> int:
    start = today - dt.timedelta(days=days_ago)
    end = start + dt.timedelta(days=2)
    training_class = TrainingClass.objects.create(
        course=course, provider=provider, title=title, unit=unit, venue=venue, trainer_name="",
        start_on=start, end_on=end, capacity=60, attendance_threshold=80, completed_on=today - dt.timedelta(
            days=days_ago - 3) if closed else None)
    sessions = ClassSession.objects.bulk_create([
        ClassSession(training_class=training_class, date=start + dt.timedelta(days=day), start_time=dt.time(7, 30),
                     topic=topic, sort_order=day)
        for day, topic in enumerate(("Khai giảng và chuyên đề 1", "Chuyên đề 2 và thực hành", "Kiểm tra cuối khóa"))])
    registrations = ClassRegistration.objects.bulk_create(
        [ClassRegistration(training_class=training_class, cadre_id=pk) for pk in cadre_ids])
    if days_ago < 0:
        return 0
    present = {(s.pk, pk): rng.random() < 0.93 for s in sessions for pk in cadre_ids}
    Attendance.objects.bulk_create([Attendance(session_id=s, cadre_id=c, present=p) for (s, c), p in present.items()])
    if not closed:
        return 0
    met = [pk for pk in cadre_ids if 100 * sum(present[(s.pk, pk)] for s in sessions) >= 80 * len(sessions)]
    completions = Completion.objects.bulk_create([
        Completion(cadre_id=pk, course=course, completed_on=end, hours=course.hours, expires_on=course.expiry_for(end),
                   source=CompletionSource.CLASS, training_class=training_class) for pk in met])
    by_cadre = {c.cadre_id: c.pk for c in completions}
    for registration in registrations:
        registration.completion_id = by_cadre.get(registration.cadre_id)
    ClassRegistration.objects.bulk_update(registrations, ["completion"])
    return len(completions)


# (course, positions covered, quarter, month): planned = the cadres of the unit holding those positions,
# so a plan is "train every one of them this year" and shows how far it has got.
PLAN_ITEMS = (
    ("KT-04", ("chu-nhiem", "pho-chu-nhiem-chuyen-trach", "uy-vien-chuyen-trach"), 2, None),
    ("KT-03", (), 3, 8),
    ("KT-02", ("uy-vien-kiem-nhiem",), 1, None),
    ("KT-08", (), 4, 11),
)


def _plans(courses, *, today) -> tuple[int, int]:
    units = list(Unit.objects.filter(code__in=PLAN_UNITS).order_by("path"))
    positions = {p.code: p for p in Position.objects.all()}
    cadres = list(Cadre.objects.filter(status=CadreStatus.ACTIVE).values_list("unit__path", "position__code"))
    plans = TrainingPlan.objects.bulk_create([
        TrainingPlan(unit=unit, year=today.year,
                     status=PlanStatus.APPROVED if unit.code != "HD08" else PlanStatus.DRAFT,
                     note="Kế hoạch bồi dưỡng nghiệp vụ năm (Quy định 296-QĐ/TW; kế hoạch của cấp ủy).")
        for unit in units])
    through, items = PlanItem.positions.through, []
    links = []
    for plan in plans:
        for order, (code, covered, quarter, month) in enumerate(PLAN_ITEMS):
            count = sum(1 for path, position in cadres
                        if path.startswith(plan.unit.path) and (not covered or position in covered))
            if count == 0:
                continue
            items.append(PlanItem(plan=plan, course=courses[code], planned_count=count, planned_quarter=quarter,
                                  planned_month=month, sort_order=order))
            links.append(covered)
    items = PlanItem.objects.bulk_create(items)
    through.objects.bulk_create([through(planitem_id=item.pk, position_id=positions[code].pk)
                                 for item, covered in zip(items, links, strict=True) for code in covered])
    return len(plans), len(items)
