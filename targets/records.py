"""The export of every learning record of one unit subtree: enrolments, lesson progress, completions,
quiz sittings and their answers, certificates and competency evidence.

A record belongs to the subtree when its cadre's current unit is in it (a cadre who moved takes their
records along). Each kind is one selector reading `values_list(...).iterator()`: one query per kind,
however many rows, and no model instance is built. The answers sheet adds one query, for the wording
of the chosen multiple-choice answers. Every cell is written through lms.spreadsheets (WorkbookWriter,
SafeCsvWriter), so a value beginning with = + - @ is text, never a formula.

Formats: `xlsx` is one workbook with one sheet per kind; `csv` is a zip of one UTF-8 csv per kind, or,
with `sheet=<kind>`, that one csv on its own.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import Answer, SittingAnswer, SittingEnd
from assessments.models import Sitting as QuizSitting
from competency.models import Evidence, EvidenceSource
from courses.models import (
    Certificate,
    Completion,
    CompletionSource,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    LessonProgress,
)
from lms.spreadsheets import SafeCsvWriter, WorkbookWriter
from organization.models import Cadre, Unit
from organization.selectors import cadres_visible_to

CHUNK = 2000
CSV_DATE = "%d/%m/%Y"


def _cadre_columns(prefix: str) -> tuple[str, ...]:
    return (f"{prefix}code", f"{prefix}full_name", f"{prefix}unit__code", f"{prefix}unit__name")


def _cadre_headers() -> list[Promise]:
    return [_("Cadre code"), _("Full name"), _("Unit code"), _("Unit name")]


def _day(value) -> datetime.date | None:
    """A stored date or date-time as the local calendar day (written dd/mm/yyyy)."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _yes_no(value) -> str:
    if value is None:
        return ""
    return gettext("Yes") if value else gettext("No")


def _label(choices) -> Callable[[str], str]:
    labels = dict(choices)
    return lambda value: str(labels.get(value, value or ""))


def records_cadres(*, user, unit: Unit) -> QuerySet[Cadre]:
    """The cadres whose records are exported: those the user may see, now in `unit`'s subtree."""
    return cadres_visible_to(user).filter(unit__path__startswith=unit.path)


def _rows(queryset, fields: tuple[str, ...]) -> Iterator[tuple]:
    return queryset.values_list(*fields).iterator(chunk_size=CHUNK)


def _ordered(model, cadres: QuerySet[Cadre], *, cadre: str = "cadre__", then: tuple[str, ...] = ()):
    return model.objects.filter(**{f"{cadre}in": cadres.values("pk")}).order_by(
        f"{cadre}unit__path", f"{cadre}name_sort_key", f"{cadre}code", *then)


def enrollment_rows(cadres: QuerySet[Cadre]) -> Iterator[tuple]:
    source, status = _label(EnrollmentSource.choices), _label(EnrollmentStatus.choices)
    fields = (*_cadre_columns("cadre__"), "course__code", "course__title", "source", "status", "created_at",
              "due_on", "completed_at")
    for *who, code, title, src, state, created, due, done in _rows(
            _ordered(Enrollment, cadres, then=("created_at", "id")), fields):
        yield (*who, code or "", title, source(src), status(state), _day(created), due, _day(done))


def lesson_progress_rows(cadres: QuerySet[Cadre]) -> Iterator[tuple]:
    fields = (*_cadre_columns("cadre__"), "course__code", "course__title", "lesson__title", "started_at",
              "completed_at", "seconds_spent", "last_position")
    for *who, code, course, lesson, started, done, seconds, position in _rows(
            _ordered(LessonProgress, cadres, then=("course__title", "lesson__path", "id")), fields):
        yield (*who, code or "", course, lesson, _day(started), _day(done), round(seconds / 60, 1), position)


def completion_rows(cadres: QuerySet[Cadre]) -> Iterator[tuple]:
    source = _label(CompletionSource.choices)
    fields = (*_cadre_columns("cadre__"), "course__code", "course__title", "completed_on", "hours", "expires_on",
              "source", "certificate__number")
    for *who, code, title, done, hours, expires, src, number in _rows(
            _ordered(Completion, cadres, then=("completed_on", "id")), fields):
        yield (*who, code or "", title, done, hours, expires, source(src), number or "")


def sitting_rows(cadres: QuerySet[Cadre]) -> Iterator[tuple]:
    ended = _label(SittingEnd.choices)
    fields = (*_cadre_columns("cadre__"), "quiz__title", "attempt_no", "start", "end", "current_score", "max_score",
              "passed", "complete", "ended_by")
    for *who, quiz, attempt, start, end, score, maximum, passed, complete, ended_by in _rows(
            _ordered(QuizSitting, cadres, then=("start", "id")), fields):
        percent = round(100 * score / maximum) if maximum else 0
        yield (*who, quiz, attempt, _day(start), _day(end), score, maximum, percent, _yes_no(passed),
               _yes_no(complete), ended(ended_by))


def _answer_texts(cadres: QuerySet[Cadre]) -> dict[int, str]:
    """The wording of every multiple-choice answer of a question these cadres answered (one query)."""
    answered = SittingAnswer.objects.filter(sitting__cadre__in=cadres.values("pk")).values("question_id")
    return dict(Answer.objects.filter(question_id__in=answered).values_list("pk", "content").iterator(CHUNK))


def answer_rows(cadres: QuerySet[Cadre]) -> Iterator[tuple]:
    texts = _answer_texts(cadres)
    fields = (*_cadre_columns("sitting__cadre__"), "sitting__quiz__title", "sitting__attempt_no",
              "question__content", "choice_ids", "tf_answer", "essay_text", "is_correct", "answered_at",
              "marker_comment")
    queryset = _ordered(SittingAnswer, cadres, cadre="sitting__cadre__", then=("sitting__start", "sitting_id", "id"))
    for *who, quiz, attempt, question, choice_ids, tf, essay, correct, answered, comment in _rows(queryset, fields):
        if essay:
            response = essay
        elif tf is not None:
            response = gettext("True") if tf else gettext("False")
        else:
            response = "; ".join(texts.get(pk, str(pk)) for pk in (choice_ids or []))
        yield (*who, quiz, attempt, question, response, _yes_no(correct), _day(answered), comment)


def certificate_rows(cadres: QuerySet[Cadre]) -> Iterator[tuple]:
    fields = (*_cadre_columns("completion__cadre__"), "number", "code", "full_name", "course_title", "hours",
              "issued_on", "issuer")
    queryset = _ordered(Certificate, cadres, cadre="completion__cadre__", then=("issued_on", "id"))
    yield from _rows(queryset, fields)


def evidence_rows(cadres: QuerySet[Cadre]) -> Iterator[tuple]:
    source = _label(EvidenceSource.choices)
    fields = (*_cadre_columns("cadre__"), "competency__code", "competency__name", "level", "source", "obtained_on",
              "expires_on", "source_ref", "note")
    for *who, code, name, level, src, obtained, expires, ref, note in _rows(
            _ordered(Evidence, cadres, then=("competency__code", "obtained_on", "id")), fields):
        yield (*who, code, name, level, source(src), obtained, expires, ref, note)


@dataclass(frozen=True)
class RecordKind:
    key: str  # the csv file's name and the `sheet=` parameter
    title: Promise  # the sheet's name
    headers: tuple[Promise, ...]  # after the four cadre columns
    rows: Callable[[QuerySet[Cadre]], Iterator[tuple]]
    widths: tuple[int, ...] = ()

    def header(self) -> list[str]:
        return [str(h) for h in (*_cadre_headers(), *self.headers)]


KINDS: tuple[RecordKind, ...] = (
    RecordKind("enrollments", _("Enrolments"),
               (_("Course code"), _("Course"), _("Source"), _("Status"), _("Enrolled on"), _("Due on"),
                _("Completed on")), enrollment_rows, (14, 36, 14, 12, 12, 12, 12)),
    RecordKind("lesson_progress", _("Lesson progress"),
               (_("Course code"), _("Course"), _("Lesson"), _("Started on"), _("Completed on"),
                _("Time spent (minutes)"), _("Last position")), lesson_progress_rows, (14, 36, 36, 12, 12, 10, 10)),
    RecordKind("completions", _("Completions"),
               (_("Course code"), _("Course"), _("Completed on"), _("Hours"), _("Expires on"), _("Source"),
                _("Certificate number")), completion_rows, (14, 36, 12, 8, 12, 14, 18)),
    RecordKind("sittings", _("Quiz sittings"),
               (_("Quiz"), _("Attempt"), _("Started on"), _("Ended on"), _("Score"), _("Maximum score"),
                _("Percent"), _("Passed"), _("Complete"), _("Ended by")), sitting_rows,
               (36, 8, 12, 12, 8, 8, 8, 8, 8, 14)),
    RecordKind("answers", _("Quiz answers"),
               (_("Quiz"), _("Attempt"), _("Question"), _("Answer given"), _("Correct"), _("Answered on"),
                _("Marker's comment")), answer_rows, (36, 8, 50, 40, 8, 12, 30)),
    RecordKind("certificates", _("Certificates"),
               (_("Certificate number"), _("Verification code"), _("Name on the certificate"), _("Course"),
                _("Hours"), _("Issued on"), _("Issuing body")), certificate_rows, (18, 14, 24, 36, 8, 12, 30)),
    RecordKind("evidence", _("Competency evidence"),
               (_("Competency code"), _("Competency"), _("Level"), _("Source"), _("Obtained on"), _("Expires on"),
                _("Source reference"), _("Note")), evidence_rows, (12, 36, 8, 20, 12, 12, 20, 30)),
)

KIND_KEYS = tuple(kind.key for kind in KINDS)
CADRE_WIDTHS = (14, 26, 12, 30)


def records_workbook(cadres: QuerySet[Cadre]) -> bytes:
    """One .xlsx, one sheet per kind, every cell through WorkbookWriter."""
    writer = WorkbookWriter()
    for kind in KINDS:
        sheet = writer.sheet(kind.title, header=kind.header(), widths=(*CADRE_WIDTHS, *kind.widths))
        for row in kind.rows(cadres):
            writer.row(sheet, row)
    return writer.getvalue()


def _csv_value(value):
    if isinstance(value, datetime.date):
        return value.strftime(CSV_DATE)
    return "" if value is None else value


def records_csv(kind: RecordKind, cadres: QuerySet[Cadre]) -> bytes:
    """One kind as UTF-8 csv with a BOM (Excel opens it in the right encoding), through SafeCsvWriter."""
    stream = io.StringIO()
    writer = SafeCsvWriter(stream)
    writer.writerow(kind.header())
    for row in kind.rows(cadres):
        writer.writerow([_csv_value(value) for value in row])
    return stream.getvalue().encode("utf-8-sig")


def records_csv_zip(cadres: QuerySet[Cadre]) -> bytes:
    """A zip of one csv per kind (`enrollments.csv`, `completions.csv`, …)."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind in KINDS:
            archive.writestr(f"{kind.key}.csv", records_csv(kind, cadres))
    return output.getvalue()


def record_kind(key: str) -> RecordKind | None:
    return next((kind for kind in KINDS if kind.key == key), None)
