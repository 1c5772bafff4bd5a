"""Reads for quizzes: what a cadre sees while sitting, results, progress, statistics and item analysis."""

import random
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lms.audit import AuditScope

from .models import (
    Answer,
    AnswerOrder,
    Progress,
    Question,
    QuestionKind,
    Quiz,
    ReviewAvailable,
    Sitting,
    SittingAnswer,
)
from .permissions import quizzes_editable_by


def passed_quiz_ids(*, user, quiz_ids) -> set[int]:
    """Ids among `quiz_ids` that `user` has passed at least once (one query)."""
    if not user.is_authenticated:
        return set()
    return set(
        Sitting.objects.filter(user=user, quiz_id__in=list(quiz_ids), passed=True)
        .values_list("quiz_id", flat=True)
        .distinct()
    )


def quizzes_listed_for_cadres() -> QuerySet[Quiz]:
    """Published quizzes placed in a published course, or opened to every cadre."""
    return Quiz.objects.filter(draft=False).filter(Q(attached=True) | Q(open_to_all=True))


def quiz_is_listed(quiz: Quiz) -> bool:
    return quiz.listed_for_cadres


def quizzes_open_to(user) -> QuerySet[Quiz]:
    """The quizzes listed for cadres, plus every quiz the user edits (a trainer previews drafts and
    quizzes not yet in a course)."""
    return (quizzes_listed_for_cadres() | quizzes_editable_by(user)).distinct()


@dataclass
class QuizStatus:
    attempts_used: int = 0
    open_sitting: Sitting | None = None
    best: Sitting | None = None
    passed: bool = False
    sittings: list = field(default_factory=list)

    def attempts_left(self, quiz: Quiz) -> int | None:
        return None if quiz.attempt_limit is None else max(0, quiz.attempt_limit - self.attempts_used)


def quiz_status(*, user, quiz: Quiz) -> QuizStatus:
    """The user's attempts at a quiz (one query)."""
    sittings = list(Sitting.objects.filter(user=user, quiz=quiz).order_by("-attempt_no"))
    status = QuizStatus(sittings=sittings, attempts_used=max((s.attempt_no for s in sittings), default=0))
    status.open_sitting = next((s for s in sittings if not s.complete), None)
    done = [s for s in sittings if s.complete]
    if done:
        status.best = max(done, key=lambda s: (bool(s.passed), s.current_score, -s.attempt_no))
    status.passed = any(s.passed for s in done)
    return status


def progress_for(*, user) -> QuerySet[Progress]:
    return Progress.objects.filter(user=user).select_related("category").order_by("category__category")


def sittings_of(*, user) -> QuerySet[Sitting]:
    return Sitting.objects.filter(user=user).select_related("quiz").order_by("-start")


def results_of_cadre(*, cadre) -> QuerySet[Sitting]:
    """A cadre's finished quiz attempts (score, passed, date), newest first, for their training record."""
    return Sitting.objects.filter(cadre=cadre, complete=True).select_related("quiz").order_by("-end", "-pk")


# ---------------------------------------------------------------------------------------------
# The paper


@dataclass
class PaperItem:
    number: int
    question: Question
    kind: str
    multiple: bool
    options: list  # [(answer_id, content)] — never the correct flag while sitting
    choice_ids: list = field(default_factory=list)
    tf_answer: bool | None = None
    essay_text: str = ""
    answered: bool = False
    # Filled only by review_paper, after submission:
    is_correct: bool | None = None
    correct_ids: set = field(default_factory=set)
    tf_correct: bool | None = None
    marker_comment: str = ""


def _ordered_options(question: Question, answers: list[tuple[int, str]], order: str, seed: int) -> list:
    if order == AnswerOrder.CONTENT:
        return sorted(answers, key=lambda a: a[1])
    if order == AnswerOrder.RANDOM:
        shuffled = list(answers)
        # Stable per sitting and question, so a reload shows the same order.
        random.Random(seed * 100003 + question.pk).shuffle(shuffled)
        return shuffled
    return answers


def sitting_paper(*, sitting: Sitting, with_key: bool = False) -> list[PaperItem]:
    """The sitting's questions in order with the saved responses: three queries whatever the size.
    The answer key is loaded only when `with_key` (review after submission)."""
    order = list(sitting.question_order)
    questions = {
        q.pk: q
        for q in Question.objects.filter(id__in=order).select_related("mcquestion", "tfquestion")
    }
    option_rows = Answer.objects.filter(question_id__in=order).order_by("sort_order", "id")
    options: dict[int, list] = {}
    key: dict[int, set] = {}
    for aid, qid, content, correct in option_rows.values_list("id", "question_id", "content", "correct"):
        options.setdefault(qid, []).append((aid, content))
        if correct:
            key.setdefault(qid, set()).add(aid)
    saved = {row.question_id: row for row in SittingAnswer.objects.filter(sitting=sitting)}
    items = []
    for number, qid in enumerate((q for q in order if q in questions), start=1):
        q = questions[qid]
        mc = q.mcquestion if q.kind == QuestionKind.MC else None
        item = PaperItem(
            number=number, question=q, kind=q.kind, multiple=bool(mc and mc.multiple),
            options=_ordered_options(q, options.get(qid, []), mc.answer_order if mc else AnswerOrder.NONE, sitting.pk),
        )
        row = saved.get(qid)
        if row is not None:
            item.choice_ids, item.tf_answer, item.essay_text = row.choice_ids, row.tf_answer, row.essay_text
            item.answered = bool(row.choice_ids) or row.tf_answer is not None or bool(row.essay_text.strip())
            if with_key:
                item.is_correct, item.marker_comment = row.is_correct, row.marker_comment
        if with_key:
            item.correct_ids = key.get(qid, set())
            if q.kind == QuestionKind.TF:
                item.tf_correct = q.tfquestion.correct
        items.append(item)
    return items


def review_allowed(sitting: Sitting, now=None) -> bool:
    """Whether the cadre may see their answers marked (the quiz's review option)."""
    if not sitting.complete:
        return False
    quiz = sitting.quiz
    if quiz.review_available == ReviewAvailable.NEVER:
        return False
    if quiz.review_available == ReviewAvailable.CLOSE:
        return quiz.closes_at is not None and (now or timezone.now()) >= quiz.closes_at
    return True


# ---------------------------------------------------------------------------------------------
# Trainer side


def marking_queue(*, user) -> QuerySet[SittingAnswer]:
    """Answered essays waiting for a mark, in quizzes the user can edit, oldest first."""
    return (
        SittingAnswer.objects.filter(
            sitting__complete=True, is_correct__isnull=True, question__kind=QuestionKind.ESSAY,
            sitting__quiz__in=quizzes_editable_by(user),
        )
        .select_related("sitting__quiz", "sitting__cadre", "sitting__user", "question")
        .order_by("sitting__end", "id")
    )


def quiz_sittings(*, user, quiz: Quiz) -> QuerySet[Sitting]:
    """Sittings of a quiz for its editors (empty for anyone else)."""
    if not quizzes_editable_by(user).filter(pk=quiz.pk).exists():
        return Sitting.objects.none()
    return Sitting.objects.filter(quiz=quiz).select_related("user", "cadre").order_by("-start")


@dataclass
class ItemStats:
    question_id: int
    content: str
    kind: str
    category: str
    answered: int = 0
    correct: int = 0
    facility: float | None = None
    discrimination: float | None = None

    @property
    def flag(self) -> str:
        """A trainer's hint: too easy, too hard, or not telling strong from weak cadres."""
        if self.facility is None:
            return ""
        if self.discrimination is not None and self.discrimination < 0.2:
            return "weak"
        if self.facility > 0.9:
            return "easy"
        if self.facility < 0.2:
            return "hard"
        return ""


UPPER_LOWER_SHARE = 0.27


def item_analysis(*, quiz: Quiz) -> tuple[list[ItemStats], int]:
    """Per-question statistics from the quiz's completed, fully marked sittings.

    facility = share of sittings that answered the question correctly (unanswered counts as wrong);
    discrimination = facility in the upper 27% of sittings by total score minus facility in the lower
    27% (each group at least one sitting; ties broken by sitting id). Returns (rows, sittings used).
    Three queries.
    """
    sittings = list(
        Sitting.objects.filter(quiz=quiz, complete=True, essays_pending=0)
        .order_by("id")
        .values_list("id", "current_score", "max_score")
    )
    n = len(sittings)
    ranked = sorted(sittings, key=lambda s: (s[1] / s[2] if s[2] else 0, -s[0]), reverse=True)
    size = max(1, round(UPPER_LOWER_SHARE * n)) if n >= 2 else 0
    upper = {s[0] for s in ranked[:size]}
    lower = {s[0] for s in ranked[n - size:]} if size else set()

    marks = SittingAnswer.objects.filter(sitting_id__in=[s[0] for s in sittings]).values_list(
        "sitting_id", "question_id", "is_correct"
    )
    per_question: dict[int, dict] = {}
    for sitting_id, question_id, is_correct in marks:
        acc = per_question.setdefault(question_id, {"n": 0, "ok": 0, "un": 0, "uok": 0, "ln": 0, "lok": 0})
        ok = bool(is_correct)
        acc["n"] += 1
        acc["ok"] += ok
        if sitting_id in upper:
            acc["un"] += 1
            acc["uok"] += ok
        if sitting_id in lower:
            acc["ln"] += 1
            acc["lok"] += ok
    questions = (
        Question.objects.filter(Q(id__in=per_question.keys()) | Q(quiz=quiz))
        .select_related("category")
        .distinct()
        .order_by("category__category", "id")
    )
    rows = []
    for q in questions:
        acc = per_question.get(q.pk)
        row = ItemStats(question_id=q.pk, content=q.content, kind=q.kind,
                        category=q.category.category if q.category else "")
        if acc:
            row.answered, row.correct = acc["n"], acc["ok"]
            row.facility = acc["ok"] / acc["n"]
            if acc["un"] and acc["ln"]:
                row.discrimination = acc["uok"] / acc["un"] - acc["lok"] / acc["ln"]
        rows.append(row)
    return rows, n


def quiz_summary(*, quiz: Quiz) -> dict:
    """Counts for a quiz's statistics header (one query)."""
    return Sitting.objects.filter(quiz=quiz).aggregate(
        n_sittings=Count("id"),
        n_complete=Count("id", filter=Q(complete=True)),
        n_passed=Count("id", filter=Q(passed=True)),
        n_failed=Count("id", filter=Q(passed=False)),
        n_pending=Count("id", filter=Q(complete=True, essays_pending__gt=0)),
    )


def quizzes_with_pending_marking(*, user) -> QuerySet[Quiz]:
    pending = Sitting.objects.filter(quiz=OuterRef("pk"), complete=True, essays_pending__gt=0)
    return quizzes_editable_by(user).filter(Exists(pending))


def audit_scope(user):
    """Sittings and their answers are read through the cadres' scope (organization.selectors.audit_scope);
    questions and quizzes keep Wagtail's permission rule (lms.audit)."""
    from .models import Progress, SittingAnswer

    return AuditScope(models=(Sitting, SittingAnswer, Progress))


def personal_data(cadre) -> list:
    """The cadre's quiz attempts, for their own download (lms.personal_data)."""
    from django.utils.translation import gettext as _

    from lms.personal_data import model_section

    sittings = Sitting.objects.filter(cadre=cadre).select_related("quiz").order_by("start")
    return [model_section(_("Quiz attempts"), sittings, [
        ("quiz.title", _("Quiz")), "attempt_no", "start", "end", "current_score", "max_score", "passed", "ended_by",
    ])]
