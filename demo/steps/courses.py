"""`load_demo` step: the regulations library, the demo curriculum (demo/content/) and the
learning record of the demo province's cadres.

Pages are created through Wagtail's API (add_child, then a published revision by the `trainer`
login). The learning record is written with bulk inserts: rule-based enrollments for every
cadre holding a target position, completions spread over 2022 to today (some expired and
re-assigned, some overdue), lesson progress, certificates and training done elsewhere. The demo
learner (`cadre` login) gets a hand-made record: an overdue induction course in progress, a
course not started, one done with a certificate, and a self-chosen course.

Idempotent: regulations and pages are looked up by number and code; the learning record is
written only when no demo course has an enrollment yet.
"""

import datetime as dt
import functools
import io
import secrets
from decimal import Decimal

from anyascii import anyascii
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, ExtractYear, LPad
from django.utils import timezone
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.rich_text import RichText

from cms.api import official_documents
from cms.models import HomePage, ModelDocument, PracticePage, Regulation
from courses import services
from courses.models import (
    Attendance,
    Certificate,
    ClassRegistration,
    ClassSession,
    Completion,
    CompletionSource,
    CoursePage,
    CurriculumPage,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    ExternalTraining,
    LessonPage,
    LessonProgress,
    ModulePage,
    TrainingClass,
)
from demo import content
from demo.content import media
from demo.steps import organization as organization_demo
from organization.models import Cadre, CadreStatus, Position, Unit

PLATFORM_START = dt.date(2022, 6, 1)  # first courses online, after Conclusion 34
QD296_START = dt.date(2025, 6, 15)  # the course on Regulation 296 opened after it was issued
BATCH = 2000
# Position codes (organization.reference_data) whose holders get the induction and the full-time courses.
COMMITTEE = ("chu-nhiem", "pho-chu-nhiem-chuyen-trach", "pho-chu-nhiem-kiem-nhiem", "uy-vien-chuyen-trach",
             "uy-vien-kiem-nhiem")
FULLTIME = ("chu-nhiem", "pho-chu-nhiem-chuyen-trach", "uy-vien-chuyen-trach", "can-bo-co-quan")

EXTERNAL = (
    ("Lớp bồi dưỡng nghiệp vụ công tác kiểm tra, giám sát", "Ủy ban Kiểm tra Trung ương", 40),
    ("Tập huấn triển khai Quy định 296-QĐ/TW", "Ủy ban Kiểm tra Tỉnh ủy", 8),
    ("Bồi dưỡng kỹ năng thẩm tra, xác minh", "Trường Chính trị tỉnh", 24),
    ("Tập huấn kiểm tra tài chính đảng", "Văn phòng Tỉnh ủy", 16),
    ("Bồi dưỡng kiến thức quản lý nhà nước", "Trường Chính trị tỉnh", 32),
)


def load(*, stdout, rng, today) -> None:
    trainer = get_user_model().objects.filter(username="trainer").first()
    regulations = _regulations()
    courses = _curriculum(regulations, owner=trainer)
    if Enrollment.objects.filter(course__in=courses.values()).exists():
        stdout.write(f"Curriculum: {len(courses)} courses already there; learning record kept.\n")
        return
    counts = _learning_record(courses, rng=rng, today=today)
    stdout.write(
        f"Curriculum: {len(courses)} courses, {LessonPage.objects.count()} lessons; "
        f"{counts['enrollments']} enrollments, {counts['completions']} completions, "
        f"{counts['progress']} lesson progress rows, {counts['external']} external trainings.\n"
    )


# --- content --------------------------------------------------------------------------------------


def _regulations() -> dict[str, Regulation]:
    existing = {r.number: r for r in Regulation.objects.all()}
    rows = content.regulations()
    for row in rows:
        if row["number"] not in existing:
            existing[row["number"]] = Regulation.objects.create(
                number=row["number"], kind=row["kind"], title=row["title"], issued_on=row["issued_on"],
                issuer=row["issuer"], status=row["status"],
            )
    for row in rows:
        regulation = existing[row["number"]]
        if row["replaced_by"] and regulation.superseded_by_id is None:
            regulation.superseded_by = existing[row["replaced_by"]]
            regulation.save(update_fields=["superseded_by"])
    return existing


def _publish(parent: Page, page: Page, owner) -> Page:
    parent = Page.objects.get(pk=parent.pk)
    page.owner = owner
    parent.add_child(instance=page)
    # Written by the trainer; published as the approvers would, so no permission check here.
    page.save_revision(user=owner, log_action=False).publish(log_action=False)
    return page


def _image(spec: dict, code: str):
    """The diagram of a lesson's image block, drawn now and stored as a Wagtail image."""
    name = f"{code.lower()}-{slugify(anyascii(spec['title']))[:60]}.png"
    image = get_image_model()(title=spec["title"], file=ImageFile(io.BytesIO(media.diagram_png(spec)), name=name))
    image._set_image_file_metadata()
    image.save()
    return image


def _handout(data: dict, regulations):
    """The course's handout (PDF), made from its file, stored as a Wagtail document."""
    document = get_document_model()(title=f"Tài liệu tham khảo khóa {data['code']}: {data['title']}")
    document.file.save(f"{data['code'].lower()}-tai-lieu-tham-khao.pdf",
                       ContentFile(media.handout_pdf(data, regulations)), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


def _body(items, regulations, *, course=None, handout=None) -> list:
    blocks = []
    for item in items:
        if "image" in item:
            spec = item["image"]
            blocks.append(("image", {"image": _image(spec, course["code"] if course else "demo"),
                                     "alt_text": spec["alt"], "caption": spec.get("caption", "")}))
        elif "document" in item:
            blocks.append(("document", {"document": handout(), "title": item["document"]}))
        elif "practice" in item:  # links to the libraries the cms step built
            links = item["practice"]
            blocks.append(("practice", {
                "title": links.get("title", ""),
                "practices": list(PracticePage.objects.filter(slug__in=links.get("practices", [])).order_by("title")),
                "documents": list(ModelDocument.objects.filter(title__in=links.get("documents", []))
                                  .order_by("category", "title")),
            }))
        elif "heading" in item:
            blocks.append(("heading", {"text": item["heading"], "size": "h2"}))
        elif "paragraph" in item:
            blocks.append(("paragraph", RichText(item["paragraph"])))
        elif "cite" in item:
            blocks.append(("citation", {"regulation": regulations[item["cite"]], "article": item["article"],
                                        "quote": item["quote"], "note": item["note"]}))
        else:
            blocks.append(("callout", {"kind": item["callout"], "title": item["title"],
                                       "text": RichText(item["text"])}))
    return blocks


# Ethics (KT-08) and the code of conduct (KT-09) are not training on inspection work: a target that
# counts professional training only (the 2022–2025 one) leaves their hours out.
NOT_PROFESSIONAL = ("KT-08", "KT-09")


def _curriculum(regulations, *, owner) -> dict[str, CoursePage]:
    home = HomePage.objects.first()
    page = content.curriculum()
    curriculum = CurriculumPage.objects.filter(slug=page["slug"]).first()
    if curriculum is None:
        curriculum = _publish(home, CurriculumPage(
            title=page["title"], slug=page["slug"], intro=page["intro"], body=page["body"]), owner)
    positions = {p.code: p for p in Position.objects.all()}
    course_data = content.courses()
    courses = {c.code: c for c in CoursePage.objects.filter(code__in=[d["code"] for d in course_data])}
    for data in course_data:
        if data["code"] in courses:
            continue
        course = CoursePage(
            title=data["title"], slug=data["slug"], code=data["code"], summary=data["summary"],
            intended_audience=data["audience"], hours=Decimal(data["hours"]), mandatory=data["mandatory"],
            validity_months=data["validity"], due_days_after_appointment=data["due_days"],
            counts_as_professional=data["code"] not in NOT_PROFESSIONAL,
        )
        course.target_positions = [positions[code] for code in data["positions"] if code in positions]
        course.prerequisites = [courses[code] for code in data["prerequisites"]]
        course = _publish(curriculum, course, owner)
        courses[data["code"]] = course
        handout = functools.cache(lambda data=data: _handout(data, regulations))
        for module_data in data["modules"]:
            module = _publish(course, ModulePage(title=module_data["title"], intro=module_data["intro"]), owner)
            for lesson in module_data["lessons"]:
                _publish(module, LessonPage(
                    title=lesson["title"], summary=lesson["summary"], estimated_minutes=lesson["minutes"],
                    required=lesson["required"],
                    body=_body(lesson["body"], regulations, course=data, handout=handout)), owner)
    return courses


# --- learning record ------------------------------------------------------------------------------


class _Record:
    """Rows to insert, collected per cadre and course, written in bulk at the end."""

    def __init__(self, courses, today, rng):
        self.today, self.rng = today, rng
        self.lessons = {}
        for course in courses.values():
            self.lessons[course.pk] = list(
                LessonPage.objects.live().descendant_of(course).order_by("path").values_list("pk", "estimated_minutes",
                                                                                            "required"))
        self.enrollments: list[Enrollment] = []
        self.completions: list[tuple[Enrollment, Completion]] = []
        self.progress: list[LessonProgress] = []

    def _at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        hour = hour if hour is not None else self.rng.randint(7, 21)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, self.rng.randint(0, 59))))

    def _lessons_done(self, cadre_id, course, count, finished_on):
        for index, (lesson_id, minutes, _required) in enumerate(self.lessons[course.pk][:count]):
            day = max(finished_on - dt.timedelta(days=count - index), PLATFORM_START)
            started = self._at(day)
            self.progress.append(LessonProgress(
                cadre_id=cadre_id, lesson_id=lesson_id, course=course, started_at=started,
                completed_at=started + dt.timedelta(minutes=minutes), last_position=100,
                seconds_spent=int(minutes * 60 * self.rng.uniform(0.6, 1.4)),
            ))

    def complete(self, cadre_id, course, source, on: dt.date, due_on=None, assigned_by=None):
        enrollment = Enrollment(cadre_id=cadre_id, course=course, source=source, due_on=due_on,
                                status=EnrollmentStatus.COMPLETED, completed_at=self._at(on), assigned_by=assigned_by)
        completion = Completion(cadre_id=cadre_id, course=course, completed_on=on, hours=course.hours,
                                expires_on=course.expiry_for(on), source=CompletionSource.ONLINE)
        self.enrollments.append(enrollment)
        self.completions.append((enrollment, completion))
        if on >= self.today - dt.timedelta(days=365):  # older records came in without lesson detail
            self._lessons_done(cadre_id, course, len(self.lessons[course.pk]), on)

    def active(self, cadre_id, course, source, due_on, lessons_done=0, assigned_by=None):
        self.enrollments.append(Enrollment(cadre_id=cadre_id, course=course, source=source, due_on=due_on,
                                           assigned_by=assigned_by))
        if lessons_done:
            self._lessons_done(cadre_id, course, lessons_done, self.today - dt.timedelta(days=self.rng.randint(0, 40)))

    def some_lessons(self, course) -> int:
        n = len(self.lessons[course.pk])
        return self.rng.randint(1, max(1, n - 1))

    @transaction.atomic
    def save(self) -> dict:
        Enrollment.objects.bulk_create(self.enrollments, batch_size=BATCH)
        completions = []
        for enrollment, completion in self.completions:
            completion.enrollment_id = enrollment.pk
            completions.append(completion)
        Completion.objects.bulk_create(completions, batch_size=BATCH)
        LessonProgress.objects.bulk_create(self.progress, batch_size=BATCH)
        _certificates(completions)
        return {"enrollments": len(self.enrollments), "completions": len(completions), "progress": len(self.progress)}


def _certificates(completions: list[Completion]) -> None:
    """Certificates for the demo completions; their PDFs are rendered on first download."""
    names = dict(Cadre.objects.filter(pk__in={c.cadre_id for c in completions}).values_list("pk", "full_name"))
    document = official_documents()
    signed = {"issuer": document.certificate_issuer, "place": document.place_name,
              "signer_title": document.certificate_signer_title, "signer_name": document.certificate_signer_name}
    rows = [
        Certificate(completion_id=c.pk, number=f"tmp-{c.pk}", code=_code(), full_name=names[c.cadre_id],
                    course_title=c.course.title, hours=c.hours, issued_on=c.completed_on, **signed)
        for c in completions
    ]
    Certificate.objects.bulk_create(rows, batch_size=BATCH)
    # The same numbering as services.certificate_issue ("2026/000123-CN"), in one UPDATE.
    Certificate.objects.filter(number__startswith="tmp-").update(number=Concat(
        Cast(ExtractYear("issued_on"), CharField()), Value("/"), LPad(Cast("pk", CharField()), 6, Value("0")),
        Value("-CN"), output_field=CharField()))


def _code() -> str:
    return "".join(secrets.choice(services.CODE_ALPHABET) for _ in range(12))


def _between(rng, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _learning_record(courses: dict[str, CoursePage], *, rng, today: dt.date) -> dict:
    record = _Record(courses, today, rng)
    year_start = dt.date(today.year, 1, 1)
    learner = Cadre.objects.filter(code=organization_demo.LEARNER_CADRE_CODE).first()
    cadres = list(
        Cadre.objects.filter(status=CadreStatus.ACTIVE).exclude(pk=getattr(learner, "pk", None))
        .values_list("pk", "position__code", "appointed_on", "unit__path").order_by("pk")
    )
    induction, qd296, violations, ethics, conduct = (courses[c] for c in ("KT-01", "KT-02", "KT-04", "KT-08",
                                                                          "KT-09"))
    for cadre_id, position, appointed_on, _path in cadres:
        appointed_on = appointed_on or PLATFORM_START
        newly = appointed_on >= year_start
        # Induction: done long ago by serving members; this year's newly elected are part-way.
        if position in COMMITTEE:
            due = appointed_on + dt.timedelta(days=induction.due_days_after_appointment)
            if not newly:
                done_on = min(today, max(appointed_on, PLATFORM_START) + dt.timedelta(days=rng.randint(10, 85)))
                record.complete(cadre_id, induction, EnrollmentSource.RULE_POSITION, done_on, due_on=due)
            else:
                roll = rng.random()
                if roll < 0.4 and appointed_on + dt.timedelta(days=10) < today:
                    record.complete(cadre_id, induction, EnrollmentSource.RULE_ELECTED,
                                    _between(rng, appointed_on + dt.timedelta(days=10), min(today, due)), due_on=due)
                elif roll < 0.8:
                    record.active(cadre_id, induction, EnrollmentSource.RULE_ELECTED, due,
                                  record.some_lessons(induction))
                else:
                    record.active(cadre_id, induction, EnrollmentSource.RULE_ELECTED, due)
        # Regulation 296: everyone since mid-2025.
        assigned = _between(rng, max(QD296_START, appointed_on), today)
        due = assigned + dt.timedelta(days=qd296.due_days_after_appointment)
        roll = rng.random()
        qd296_done = None
        if roll < 0.55 and assigned < today:
            qd296_done = _between(rng, assigned, min(today, due + dt.timedelta(days=30)))
            record.complete(cadre_id, qd296, EnrollmentSource.RULE_POSITION, qd296_done, due_on=due)
        elif roll < 0.8:
            record.active(cadre_id, qd296, EnrollmentSource.RULE_POSITION, due, record.some_lessons(qd296))
        else:
            record.active(cadre_id, qd296, EnrollmentSource.RULE_POSITION, due)
        # Inspection on signs of violation: full-time cadres, after Regulation 296.
        if position in FULLTIME:
            due = (qd296_done or assigned) + dt.timedelta(days=violations.due_days_after_appointment)
            if qd296_done and rng.random() < 0.45 and qd296_done < today:
                record.complete(cadre_id, violations, EnrollmentSource.RULE_POSITION,
                                _between(rng, qd296_done + dt.timedelta(days=1), today), due_on=due)
            elif qd296_done and rng.random() < 0.5:
                record.active(cadre_id, violations, EnrollmentSource.RULE_POSITION, due,
                              record.some_lessons(violations))
            else:
                record.active(cadre_id, violations, EnrollmentSource.RULE_POSITION, due)
        # Ethics and code of conduct: valid 24 months, so the oldest completions have expired.
        for course, share in ((ethics, 0.75), (conduct, 0.65)):
            if rng.random() < share:
                done_on = _between(rng, max(PLATFORM_START, appointed_on), today)
                record.complete(cadre_id, course, EnrollmentSource.RULE_POSITION, done_on,
                                due_on=done_on + dt.timedelta(days=rng.randint(5, 60)))
            else:
                start = max(appointed_on, today - dt.timedelta(days=rng.randint(10, 200)))
                record.active(cadre_id, course, EnrollmentSource.RULE_POSITION,
                              start + dt.timedelta(days=course.due_days_after_appointment),
                              record.some_lessons(course) if rng.random() < 0.5 else 0)
    _manager_assignments(record, courses, cadres, rng=rng, today=today)
    _self_enrolments(record, courses, cadres, rng=rng, today=today)
    if learner is not None:
        _demo_learner(record, courses, learner, today=today)
    counts = record.save()
    counts["external"] = _external(cadres, learner, rng=rng, today=today)
    _in_person_class(courses["KT-06"], cadres, rng=rng, today=today)
    # Expired completions come back as assignments, as the nightly job would do.
    counts["enrollments"] += services.completions_expire_reassign(today=today)
    counts["enrollments"] += services.required_courses_assign_all(today=today)
    return counts


def _manager_assignments(record, courses, cadres, *, rng, today):
    """The `manager` assigned the supervision course to their body's committee members this year."""
    manager = get_user_model().objects.filter(username="manager").first()
    body = organization_demo.MANAGER_UNIT_CODE
    prefix = Unit.objects.filter(code=body).values_list("path", flat=True).first()
    course = courses["KT-03"]
    due = today + dt.timedelta(days=45)
    for cadre_id, position, _appointed, path in cadres:
        if not prefix or not path.startswith(prefix) or position == "can-bo-co-quan":
            continue
        roll = rng.random()
        if roll < 0.3:
            record.complete(cadre_id, course, EnrollmentSource.ASSIGNED,
                            _between(rng, today - dt.timedelta(days=60), today), due_on=due, assigned_by=manager)
        elif roll < 0.7:
            record.active(cadre_id, course, EnrollmentSource.ASSIGNED, due, record.some_lessons(course),
                          assigned_by=manager)
        else:
            record.active(cadre_id, course, EnrollmentSource.ASSIGNED, due, assigned_by=manager)


def _self_enrolments(record, courses, cadres, *, rng, today):
    """A few cadres chose further courses themselves."""
    optional = [courses[c] for c in ("KT-05", "KT-06", "KT-07")]
    for cadre_id, _position, _appointed, _path in cadres:
        if rng.random() >= 0.06:
            continue
        course = rng.choice(optional)
        if rng.random() < 0.5:
            record.complete(cadre_id, course, EnrollmentSource.SELF, _between(rng, PLATFORM_START, today))
        else:
            record.active(cadre_id, course, EnrollmentSource.SELF, None, record.some_lessons(course))


def _demo_learner(record, courses, learner, *, today):
    """The `cadre` login: newly elected this year, induction overdue and half done, one course done."""
    appointed = learner.appointed_on or today - dt.timedelta(days=150)
    induction = courses["KT-01"]
    # Shown overdue whatever day the demo is loaded on, so the learner sees what "overdue" looks like.
    due = min(appointed + dt.timedelta(days=induction.due_days_after_appointment), today - dt.timedelta(days=5))
    record.active(learner.pk, induction, EnrollmentSource.RULE_ELECTED, due,
                  lessons_done=len(record.lessons[induction.pk]) // 2)
    record.active(learner.pk, courses["KT-02"], EnrollmentSource.RULE_POSITION,
                  today + dt.timedelta(days=75))
    record.active(learner.pk, courses["KT-09"], EnrollmentSource.RULE_POSITION, today + dt.timedelta(days=40),
                  lessons_done=1)
    record.complete(learner.pk, courses["KT-08"], EnrollmentSource.RULE_POSITION,
                    max(appointed + dt.timedelta(days=20), today - dt.timedelta(days=30)),
                    due_on=appointed + dt.timedelta(days=120))
    record.active(learner.pk, courses["KT-03"], EnrollmentSource.SELF, None, lessons_done=1)


def _in_person_class(course, cadres, *, rng, today):
    """A class on discipline held by the `manager`'s body last week: attendance taken, not yet closed,
    so the manager can close it in the demo."""
    unit = Unit.objects.get(code=organization_demo.MANAGER_UNIT_CODE)
    start = today - dt.timedelta(days=9)
    training_class = TrainingClass.objects.create(
        course=course, title=f"Tập huấn thi hành kỷ luật đảng năm {today.year}", unit=unit,
        venue="Hội trường Đảng ủy phường Bạch Đằng", trainer_name="Vũ Minh Khoa", start_on=start,
        end_on=start + dt.timedelta(days=2), capacity=40, attendance_threshold=80,
    )
    sessions = [ClassSession.objects.create(training_class=training_class, date=start + dt.timedelta(days=day),
                                            start_time=dt.time(8, 0), topic=topic, sort_order=day)
                for day, topic in enumerate(("Nguyên tắc và hình thức kỷ luật", "Thẩm quyền và thời hiệu",
                                             "Đồng bộ kỷ luật đảng với kỷ luật hành chính"))]
    members = [pk for pk, _position, _appointed, path in cadres if path.startswith(unit.path)][:30]
    ClassRegistration.objects.bulk_create([ClassRegistration(training_class=training_class, cadre_id=pk)
                                           for pk in members])
    Attendance.objects.bulk_create([
        Attendance(session=session, cadre_id=pk, present=rng.random() < 0.88) for session in sessions for pk in members
    ])


def _external(cadres, learner, *, rng, today) -> int:
    rows = []
    for cadre_id, _position, _appointed, _path in cadres:
        if rng.random() >= 0.08:
            continue
        name, provider, hours = rng.choice(EXTERNAL)
        end = _between(rng, PLATFORM_START, today)
        rows.append(ExternalTraining(cadre_id=cadre_id, course_name=name, provider=provider, hours=Decimal(hours),
                                     start_on=end - dt.timedelta(days=max(0, hours // 8 - 1)), end_on=end))
    if learner is not None:
        rows.append(ExternalTraining(cadre_id=learner.pk, course_name=EXTERNAL[1][0], provider=EXTERNAL[1][1],
                                     hours=Decimal(EXTERNAL[1][2]), start_on=today - dt.timedelta(days=60),
                                     end_on=today - dt.timedelta(days=60)))
    ExternalTraining.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
