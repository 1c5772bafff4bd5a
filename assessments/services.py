"""Writes for quizzes: start a sitting, save an answer, submit, mark an essay.

Everything that decides a result happens here, on the server: the browser only ever sends what the
cadre chose. Each service runs a fixed number of queries whatever the number of questions.
"""

import datetime
import logging
import random
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from competency.models import EvidenceSource
from competency.services import evidence_record
from lms.audit import audit_record
from organization.models import Cadre

from . import xapi
from .models import (
    Answer,
    Category,
    Progress,
    Question,
    QuestionKind,
    Quiz,
    Sitting,
    SittingAnswer,
    SittingEnd,
)
from .permissions import can_edit_quiz
from .signals import quiz_passed, sitting_marked

logger = logging.getLogger(__name__)

# An answer that left the browser just before the deadline may arrive a moment after it.
DEADLINE_GRACE = datetime.timedelta(seconds=5)
ESSAY_MAX_CHARS = 20000


class AssessmentError(Exception):
    """A refusal with a message meant for the user. `status` is the HTTP status a view answers with."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class QuizUnavailable(AssessmentError):
    status = 403


class AttemptLimitReached(AssessmentError):
    status = 403


class SittingClosed(AssessmentError):
    status = 409


class InvalidAnswer(AssessmentError):
    status = 400


class SittingNotFound(AssessmentError):
    status = 404


# ---------------------------------------------------------------------------------------------
# Start


def _draw_questions(quiz: Quiz, rng: random.Random) -> list[int]:
    """Question ids for a new sitting: the blueprint's draws if it has rows, else the quiz's questions.
    Two queries whatever the bank's size."""
    rows = list(quiz.blueprint.all())
    if rows:
        category_ids = {row.category_id for row in rows}
        pool = list(
            Question.objects.filter(category_id__in=category_ids)
            .order_by("id")
            .values_list("id", "category_id", "sub_category_id")
        )
        chosen: list[int] = []
        taken: set[int] = set()
        for row in rows:
            candidates = [
                qid for qid, cat, sub in pool
                if cat == row.category_id and (row.sub_category_id is None or sub == row.sub_category_id)
                and qid not in taken
            ]
            picked = rng.sample(candidates, min(row.count, len(candidates)))
            if not quiz.random_order:
                picked.sort()
            chosen.extend(picked)
            taken.update(picked)
        if quiz.random_order:
            rng.shuffle(chosen)
    else:
        chosen = list(quiz.questions.order_by("id").values_list("id", flat=True))
        if quiz.random_order:
            rng.shuffle(chosen)
    if quiz.max_questions:
        chosen = chosen[: quiz.max_questions]
    return chosen


def _deadline_for(quiz: Quiz, start: datetime.datetime) -> datetime.datetime | None:
    deadline = start + datetime.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    if quiz.closes_at and (deadline is None or quiz.closes_at < deadline):
        deadline = quiz.closes_at
    return deadline


def _is_expired(sitting: Sitting, now: datetime.datetime) -> bool:
    return sitting.deadline is not None and now > sitting.deadline + DEADLINE_GRACE


def _ended_by_for_expiry(sitting: Sitting) -> str:
    if sitting.quiz.closes_at and sitting.deadline == sitting.quiz.closes_at:
        return SittingEnd.QUIZ_CLOSED
    return SittingEnd.TIME_UP


def sitting_start(*, by, quiz: Quiz, now: datetime.datetime | None = None,
                  rng: random.Random | None = None) -> Sitting:
    """Start (or resume) `user`'s attempt at `quiz`.

    Guarantees: an open, unexpired attempt is resumed rather than duplicated; an expired one is
    closed and scored first; a draft quiz starts only for its editors; the quiz must be open; the
    attempt limit (single attempt, N, unlimited) holds even when two starts race, because attempt
    numbers are unique per (user, quiz) and only one open attempt may exist. Raises
    QuizUnavailable or AttemptLimitReached with a message for the user.
    """
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    if not quiz.listed_for_cadres and not can_edit_quiz(by, quiz):
        if quiz.draft:
            raise QuizUnavailable(_("This quiz is not published yet."))
        raise QuizUnavailable(_("This quiz is not in a published course yet."))

    for _attempt in range(2):
        current = Sitting.objects.filter(user=by, quiz=quiz, complete=False).first()
        if current is not None:
            current.quiz = quiz
            if not _is_expired(current, now):
                return current
            sitting_submit(sitting_id=current.pk, now=now, ended_by=_ended_by_for_expiry(current))

        if quiz.opens_at and now < quiz.opens_at:
            raise QuizUnavailable(
                _("This quiz opens on %(when)s.")
                % {"when": timezone.localtime(quiz.opens_at).strftime("%d/%m/%Y %H:%M")}
            )
        if quiz.closes_at and now >= quiz.closes_at:
            raise QuizUnavailable(_("This quiz has closed."))
        used = Sitting.objects.filter(user=by, quiz=quiz).aggregate(n=Max("attempt_no"))["n"] or 0
        limit = quiz.attempt_limit
        if limit is not None and used >= limit:
            raise AttemptLimitReached(
                _("You have used all %(limit)s attempt(s) allowed for this quiz.") % {"limit": limit}
            )
        order = _draw_questions(quiz, rng)
        if not order:
            raise QuizUnavailable(_("This quiz has no questions yet."))

        cadre_id = Cadre.objects.filter(user=by).values_list("pk", flat=True).first()
        try:
            with transaction.atomic():
                return Sitting.objects.create(
                    user=by, cadre_id=cadre_id, quiz=quiz, attempt_no=used + 1, question_order=order,
                    max_score=len(order), start=now, deadline=_deadline_for(quiz, now),
                )
        except IntegrityError:
            # A simultaneous start won the race: go round once more and resume (or refuse) what it made.
            continue
    raise AttemptLimitReached(_("Another attempt was started at the same moment. Please reload the page."))


# ---------------------------------------------------------------------------------------------
# Answer


TIME_UP_MESSAGE = gettext_lazy(
    "Time is up: this attempt has been closed and scored with the answers saved before the deadline."
)


def _parse_ids(values) -> list[int]:
    try:
        return sorted({int(v) for v in values if str(v).strip() != ""})
    except (TypeError, ValueError):
        raise InvalidAnswer(_("An answer id is not a number.")) from None


def _validated_response(*, kind: str, multiple: bool, valid_answer_ids: set[int], choice_ids, tf_answer,
                        essay_text) -> dict:
    if kind == QuestionKind.MC:
        ids = _parse_ids(choice_ids or [])
        if set(ids) - valid_answer_ids:
            raise InvalidAnswer(_("The chosen answer does not belong to this question."))
        if len(ids) > 1 and not multiple:
            raise InvalidAnswer(_("Choose only one answer to this question."))
        return {"choice_ids": ids, "tf_answer": None, "essay_text": ""}
    if kind == QuestionKind.TF:
        if isinstance(tf_answer, str):
            tf_answer = {"true": True, "false": False}.get(tf_answer.strip().lower(), tf_answer)
        if tf_answer not in (True, False, None):
            raise InvalidAnswer(_("Answer true or false."))
        return {"choice_ids": [], "tf_answer": tf_answer, "essay_text": ""}
    text = "" if essay_text is None else str(essay_text)
    if len(text) > ESSAY_MAX_CHARS:
        raise InvalidAnswer(_("The essay is longer than %(max)s characters.") % {"max": ESSAY_MAX_CHARS})
    return {"choice_ids": [], "tf_answer": None, "essay_text": text}


def _answer_upsert(row: SittingAnswer) -> bool:
    """Insert the answer, or replace the stored one unless that one was sent later (client_seq): one
    statement. False when a later answer of the question is already stored (nothing changed)."""
    from django.db import connection

    table = connection.ops.quote_name(SittingAnswer._meta.db_table)
    fields = {name: SittingAnswer._meta.get_field(name) for name in
              ("sitting", "question", "choice_ids", "tf_answer", "essay_text", "answered_at", "is_correct",
               "marked_by", "marked_at", "marker_comment", "client_seq")}
    columns = [field.column for field in fields.values()]
    values = [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields.values()]
    replaced = ("choice_ids", "tf_answer", "essay_text", "answered_at", "client_seq")
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        "ON CONFLICT (sitting_id, question_id) DO UPDATE SET "
        + ", ".join(f"{fields[name].column} = excluded.{fields[name].column}" for name in replaced)
        + f" WHERE {table}.client_seq IS NULL OR excluded.client_seq IS NULL"
        f" OR {table}.client_seq <= excluded.client_seq RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        returned = cursor.fetchone()
    if returned:
        row.pk = returned[0]
    return bool(returned)


def sitting_answer(*, sitting_id: int, by, question_id, choice_ids=None, tf_answer=None, essay_text=None,
                   now: datetime.datetime | None = None, client_seq=None) -> SittingAnswer:
    """Save one answer of `user`'s open sitting immediately (insert or replace).

    Guarantees: the sitting is the user's and still open (an answer after the deadline is refused
    and the sitting is closed and scored); the question belongs to the sitting; chosen answers
    belong to the question (one only unless the question allows several); an essay is stored as
    plain text. Nothing is written when the answer is refused. With `client_seq` (the sender's
    order: the page's clock in ms), an answer sent before the one stored for the question does not
    replace it (the row returned then has `superseded` set).

    The answer a cadre saves is the busiest write of a province-wide exam (bench/quiz_load.py), so it
    costs three queries whatever the quiz size: the sitting, locked (a submission racing with it
    either scores this answer or makes it refused, never acknowledged and then ignored); the question
    with its options' ids in one join; the upsert. It joins the caller's transaction without a
    savepoint of its own (the view runs outside ATOMIC_REQUESTS, so this block is the transaction),
    and a refusal is raised only after the block, with nothing written.
    """
    now = now or timezone.now()
    try:
        question_id = int(question_id)
    except (TypeError, ValueError):
        raise InvalidAnswer(_("The question id is not a number.")) from None
    try:
        client_seq = int(client_seq) if client_seq not in (None, "") else None
    except (TypeError, ValueError):
        raise InvalidAnswer(_("The answer's sequence number is not a number.")) from None
    if client_seq is not None and not 0 <= client_seq < 2**62:
        raise InvalidAnswer(_("The answer's sequence number is out of range."))
    refusal: AssessmentError | None = None
    expired = None
    with transaction.atomic(savepoint=False):
        sitting = Sitting.objects.select_for_update(of=("self",)).select_related("quiz").filter(
            pk=sitting_id, user=by
        ).first()
        if sitting is None:
            refusal = SittingNotFound(_("This attempt does not exist or is not yours."))
        elif sitting.complete:
            refusal = SittingClosed(_("This attempt has already been submitted; answers can no longer change."))
        elif _is_expired(sitting, now):
            expired = sitting
        elif question_id not in sitting.question_order:
            refusal = InvalidAnswer(_("This question is not part of your attempt."))
        else:
            rows = list(Question.objects.filter(pk=question_id).values_list(
                "kind", "mcquestion__multiple", "mcquestion__answers__id"))
            if not rows:
                refusal = InvalidAnswer(_("This question no longer exists."))
            else:
                kind, multiple = rows[0][0], bool(rows[0][1])
                valid_ids = {aid for _k, _m, aid in rows if aid is not None}
                try:
                    response = _validated_response(kind=kind, multiple=multiple, valid_answer_ids=valid_ids,
                                                   choice_ids=choice_ids, tf_answer=tf_answer,
                                                   essay_text=essay_text)
                except InvalidAnswer as exc:
                    refusal = exc
                else:
                    row = SittingAnswer(sitting=sitting, question_id=question_id, answered_at=now,
                                        client_seq=client_seq, **response)
                    row.superseded = not _answer_upsert(row)
                    return row
    if expired is not None:
        # Closed and scored in a transaction of its own, kept whatever the caller does with the refusal.
        sitting_submit(sitting_id=expired.pk, now=now, ended_by=_ended_by_for_expiry(expired))
        refusal = SittingClosed(str(TIME_UP_MESSAGE))
    raise refusal


# ---------------------------------------------------------------------------------------------
# Submit and score


def _response_snapshot(kind: str, row: dict | None):
    if row is None:
        return None
    if kind == QuestionKind.MC:
        return row["choice_ids"]
    if kind == QuestionKind.TF:
        return row["tf_answer"]
    return row["essay_text"]


def sitting_submit(*, sitting_id: int, by=None, now: datetime.datetime | None = None,
                   ended_by: str = SittingEnd.SUBMITTED) -> Sitting:
    """Close a sitting and score it on the server.

    Guarantees: idempotent (submitting twice, or two submissions racing, score once and return the
    same result); when `user` is given the sitting must be theirs; multiple-choice and true/false
    answers are scored at once (a multiple-answer question counts only when exactly the correct
    answers are ticked), answered essays wait for a trainer (pass/fail stays empty until then),
    unanswered questions count as wrong; Progress is recomputed for the categories involved; a pass
    records competency evidence and sends quiz_passed once. A fixed number of queries.
    """
    now = now or timezone.now()
    with transaction.atomic():
        qs = Sitting.objects.select_for_update(of=("self",)).select_related("quiz").filter(pk=sitting_id)
        if by is not None:
            qs = qs.filter(user=by)
        sitting = qs.first()
        if sitting is None:
            raise SittingNotFound(_("This attempt does not exist or is not yours."))
        if sitting.complete:
            return sitting
        if ended_by == SittingEnd.SUBMITTED and _is_expired(sitting, now):
            ended_by = _ended_by_for_expiry(sitting)

        order = list(sitting.question_order)
        questions = {
            qid: (kind, tf_correct, category_id)
            for qid, kind, tf_correct, category_id in Question.objects.filter(id__in=order).values_list(
                "id", "kind", "tfquestion__correct", "category_id"
            )
        }
        given = {
            row["question_id"]: row
            for row in SittingAnswer.objects.filter(sitting=sitting).values(
                "question_id", "choice_ids", "tf_answer", "essay_text"
            )
        }
        mc_ids = [qid for qid, (kind, _tf, _cat) in questions.items() if kind == QuestionKind.MC]
        correct_choices: dict[int, set[int]] = defaultdict(set)
        for qid, aid in Answer.objects.filter(question_id__in=mc_ids, correct=True).values_list("question_id", "id"):
            correct_choices[qid].add(aid)

        rows, snapshot, incorrect = [], {}, []
        score = pending = 0
        for qid in order:
            if qid not in questions:  # deleted from the bank since the sitting started: counts for nobody
                continue
            kind, tf_correct, _cat = questions[qid]
            row = given.get(qid)
            if kind == QuestionKind.MC:
                is_correct = row is not None and set(row["choice_ids"]) == correct_choices[qid]
            elif kind == QuestionKind.TF:
                is_correct = row is not None and row["tf_answer"] is not None and row["tf_answer"] == tf_correct
            else:
                is_correct = None if row is not None and row["essay_text"].strip() else False
            if is_correct is None:
                pending += 1
            elif is_correct:
                score += 1
            else:
                incorrect.append(qid)
            snapshot[str(qid)] = _response_snapshot(kind, row)
            rows.append(SittingAnswer(
                sitting=sitting, question_id=qid, is_correct=is_correct,
                choice_ids=row["choice_ids"] if row else [], tf_answer=row["tf_answer"] if row else None,
                essay_text=row["essay_text"] if row else "", answered_at=now,
            ))
        # One statement: unanswered questions get a row (wrong), answered ones get their mark.
        SittingAnswer.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["sitting", "question"], update_fields=["is_correct"]
        )
        max_score = len(rows)
        passed = None if pending else _passes(score, max_score, sitting.quiz.pass_mark)
        updated = Sitting.objects.filter(pk=sitting.pk, complete=False).update(
            complete=True, end=now, ended_by=ended_by, current_score=score, max_score=max_score,
            essays_pending=pending, passed=passed, answers=snapshot, incorrect_questions=incorrect,
            updated_at=timezone.now(),
        )
        if not updated:  # cannot happen under the row lock; kept so a result is never recorded twice
            sitting.refresh_from_db()
            return sitting
        sitting.complete, sitting.end, sitting.ended_by = True, now, ended_by
        sitting.current_score, sitting.max_score, sitting.essays_pending = score, max_score, pending
        sitting.passed, sitting.answers, sitting.incorrect_questions = passed, snapshot, incorrect

        audit_record(instance=sitting, action="ktlearn.sitting.submit", user=by,
                     before={"complete": False}, after={"complete": True, **_result(sitting)},
                     data={"quiz_id": sitting.quiz_id})

        category_ids = {cat for _kind, _tf, cat in questions.values() if cat}
        progress_recompute(user_id=sitting.user_id, category_ids=category_ids)
        if passed:
            _on_pass(sitting, category_ids)
        xapi.sitting_result_queue(sitting)
    return sitting


def _result(sitting: Sitting) -> dict:
    """What the audit trail keeps of a sitting's result."""
    return {"current_score": sitting.current_score, "max_score": sitting.max_score,
            "essays_pending": sitting.essays_pending, "passed": sitting.passed,
            "ended_by": sitting.ended_by}


def _passes(score: int, max_score: int, pass_mark: int) -> bool:
    # Integer arithmetic: 7/10 against a 70% mark passes exactly.
    return max_score > 0 and score * 100 >= pass_mark * max_score


def progress_recompute(*, user_id: int, category_ids) -> None:
    """Recompute the user's Progress rows for these categories from all their marked answers in
    completed sittings (two queries)."""
    category_ids = set(category_ids)
    if not category_ids:
        return
    totals = (
        SittingAnswer.objects.filter(
            sitting__user_id=user_id, sitting__complete=True, question__category_id__in=category_ids,
            is_correct__isnull=False,
        )
        .values("question__category_id")
        .annotate(score=Count("id", filter=Q(is_correct=True)), possible=Count("id"))
    )
    rows = [Progress(user_id=user_id, category_id=t["question__category_id"], score=t["score"], possible=t["possible"],
                     updated_at=timezone.now()) for t in totals]
    if rows:
        Progress.objects.bulk_create(rows, update_conflicts=True, unique_fields=["user", "category"],
                                     update_fields=["score", "possible", "updated_at"])


def _on_pass(sitting: Sitting, category_ids: set[int]) -> None:
    """Competency evidence for each category's competency at the quiz's level, then quiz_passed."""
    quiz = sitting.quiz
    if quiz.attests_level and sitting.cadre_id:
        if quiz.category_id:
            category_ids = category_ids | {quiz.category_id}
        categories = (
            Category.objects.filter(id__in=category_ids, competency__isnull=False)
            .select_related("competency__framework", "competency")
            .order_by("competency_id")
        )
        seen = set()
        obtained_on = timezone.localdate(sitting.end)
        for category in categories:
            if category.competency_id in seen:
                continue
            seen.add(category.competency_id)
            try:
                evidence_record(
                    cadre=sitting.cadre, competency=category.competency, level=quiz.attests_level,
                    source=EvidenceSource.QUIZ, obtained_on=obtained_on, source_ref=f"sitting:{sitting.pk}",
                    note=quiz.title,
                )
            except ValidationError as exc:
                # A level outside the framework's scale must not cost the cadre their result.
                logger.warning("No evidence for sitting %s, competency %s: %s", sitting.pk,
                               category.competency_id, exc)
    quiz_passed.send(sender=Quiz, sitting=sitting)


# ---------------------------------------------------------------------------------------------
# Essay marking


def essay_mark(*, answer_id: int, by, correct: bool, comment: str = "",
               now: datetime.datetime | None = None) -> Sitting:
    """Mark one essay answer as correct or not.

    Guarantees: only someone who can edit the quiz marks it; only answered essays of submitted
    sittings, each once; the sitting's score and pending count are recomputed from its answers;
    when the last essay is marked the sitting passes or fails, a pass records evidence and sends
    quiz_passed (once), and either result sends sitting_marked.
    """
    now = now or timezone.now()
    with transaction.atomic():
        answer = SittingAnswer.objects.select_related("sitting__quiz", "question").filter(pk=answer_id).first()
        if answer is None:
            raise InvalidAnswer(_("This answer does not exist."))
        if not can_edit_quiz(by, answer.sitting.quiz):
            raise SittingNotFound(_("You cannot mark answers of this quiz."))
        sitting = Sitting.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=answer.sitting_id)
        if answer.question.kind != QuestionKind.ESSAY:
            raise InvalidAnswer(_("Only essay answers are marked by hand."))
        if not sitting.complete:
            raise InvalidAnswer(_("The attempt has not been submitted yet."))
        updated = SittingAnswer.objects.filter(pk=answer.pk, is_correct__isnull=True).update(
            is_correct=bool(correct), marked_by=by, marked_at=now, marker_comment=comment.strip()
        )
        if not updated:
            raise InvalidAnswer(_("This essay has already been marked."))
        tally = SittingAnswer.objects.filter(sitting=sitting).aggregate(
            score=Count("id", filter=Q(is_correct=True)), pending=Count("id", filter=Q(is_correct__isnull=True))
        )
        was_passed = sitting.passed
        before = {"answer_id": answer.pk, "is_correct": None, **_result(sitting)}
        sitting.current_score, sitting.essays_pending = tally["score"], tally["pending"]
        sitting.passed = (
            None if tally["pending"] else _passes(tally["score"], sitting.max_score, sitting.quiz.pass_mark)
        )
        if sitting.passed is not None:
            wrong = set(
                SittingAnswer.objects.filter(sitting=sitting, is_correct=False).values_list("question_id", flat=True)
            )
            sitting.incorrect_questions = [qid for qid in sitting.question_order if qid in wrong]
        sitting.save(update_fields=["current_score", "essays_pending", "passed", "incorrect_questions", "updated_at"])
        audit_record(instance=sitting, action="ktlearn.sitting.mark", user=by, before=before,
                     after={"answer_id": answer.pk, "is_correct": bool(correct), **_result(sitting)},
                     data={"quiz_id": sitting.quiz_id, "question_id": answer.question_id,
                           "comment": comment.strip()})
        if answer.question.category_id:
            progress_recompute(user_id=sitting.user_id, category_ids={answer.question.category_id})
        if sitting.passed and not was_passed:
            category_ids = set(
                Question.objects.filter(id__in=sitting.question_order, category__isnull=False)
                .values_list("category_id", flat=True)
            )
            _on_pass(sitting, category_ids)
        if sitting.passed is not None:
            sitting_marked.send(sender=Quiz, sitting=sitting)
        if not tally["pending"]:
            xapi.sitting_result_queue(sitting)  # the last essay marked: the result is final
    return sitting


def sittings_close_expired(*, now: datetime.datetime | None = None) -> int:
    """Close and score every open sitting whose deadline has passed (run periodically); returns how many."""
    now = now or timezone.now()
    ids = list(
        Sitting.objects.filter(complete=False, deadline__lt=now - DEADLINE_GRACE).values_list("pk", flat=True)
    )
    for sitting_id in ids:
        sitting = Sitting.objects.select_related("quiz").get(pk=sitting_id)
        sitting_submit(sitting_id=sitting_id, now=now, ended_by=_ended_by_for_expiry(sitting))
    return len(ids)


def quizzes_set_attached(quiz_ids) -> int:
    """Mark exactly these quizzes as placed in a published course (called by the courses app whenever
    its pages are published or unpublished). Returns how many quizzes changed."""
    quiz_ids = set(quiz_ids)
    changed = Quiz.objects.filter(pk__in=quiz_ids, attached=False).update(attached=True)
    changed += Quiz.objects.exclude(pk__in=quiz_ids).filter(attached=True).update(attached=False)
    return changed
