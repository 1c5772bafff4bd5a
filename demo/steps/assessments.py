"""Demo question banks, quizzes and sittings (step of `manage.py load_demo`).

Seven banks (77 questions) drawn from the Party Charter's chapter on inspection, supervision and
discipline, QĐ 22 (now QĐ 296), QĐ 69 (amended by QĐ 264), QĐ 37, QĐ 101, QĐ 08-QĐi, the rules on
denunciations and appeals, Party finance and asset declarations, and the province's action program
for Conclusion 34 (/work/shared/seed). Six quizzes; sittings for ~160 demo cadres, passed and failed,
with a few essays left in the trainer's marking queue. Idempotent: natural keys are looked up first
and sittings are created only once.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments import services
from assessments.models import (
    Answer,
    Category,
    EssayQuestion,
    MCQuestion,
    Question,
    QuestionKind,
    Quiz,
    QuizBlueprint,
    ReviewAvailable,
    Sitting,
    SittingAnswer,
    SittingEnd,
    TFQuestion,
)
from demo import content
from organization.models import Cadre, CadreStatus

# The banks, their questions and the quizzes live in demo/content/ (question_banks.json, quizzes.json).
_BANKS = content.question_banks()
GS, KT, KL, TC, TK, DD, KL34 = "gs", "kt", "kl", "tc", "tk", "dd", "kl34"

# key: (name, description, keywords that find the bank's competency when the preferred one is missing)
CATEGORIES = {bank["key"]: (bank["name"], bank["description"], tuple(bank["keywords"])) for bank in _BANKS["banks"]}


def _question_row(question: dict) -> tuple:
    kind = question["kind"]
    options = question["options"] if kind in ("mc", "mc_multi") else question["correct"] if kind == "tf" else None
    return kind, question["bank"], question["text"], options, question.get("right", []), question["explanation"]


# (kind, bank, question, options or truth, right option numbers, explanation)
QUESTIONS = [_question_row(question) for question in _BANKS["questions"]]

QUIZZES = content.quizzes()["quizzes"]

# The quiz that fits each demo course (demo/content/courses codes), for a lesson's QuizBlock or a final test.
COURSE_QUIZZES = {
    "KT-01": "ket-luan-34", "KT-02": "kiem-tra-giam-sat-co-ban", "KT-03": "kiem-tra-giam-sat-co-ban",
    "KT-04": "kiem-tra-cuoi-khoa-nghiep-vu", "KT-05": "to-cao-khieu-nai-tai-chinh", "KT-06": "ky-luat-dang-qd-69",
    "KT-07": "to-cao-khieu-nai-tai-chinh", "KT-08": "dao-duc-neu-guong", "KT-09": "ket-luan-34",
}

# Share of demo learners attempting each quiz.
ATTEMPT_SHARE = {"kiem-tra-giam-sat-co-ban": 0.9, "ky-luat-dang-qd-69": 0.6, "to-cao-khieu-nai-tai-chinh": 0.3,
                 "dao-duc-neu-guong": 0.3, "kiem-tra-cuoi-khoa-nghiep-vu": 0.25, "ket-luan-34": 0.5}
DEMO_LEARNERS = 160
PENDING_ESSAYS = 8
ESSAY_ANSWERS = content.quizzes()["essay_answers"]


def _ensure_banks(stdout) -> dict:
    categories = {}
    for key, (name, description, _keywords) in CATEGORIES.items():
        categories[key], _ = Category.objects.get_or_create(category=name, defaults={"description": description})
    existing = set(Question.objects.filter(category__in=categories.values()).values_list("category_id", "content"))
    created = 0
    for kind, bank, text, options, right, explanation in QUESTIONS:
        category = categories[bank]
        if (category.pk, text) in existing:
            continue
        common = {"category": category, "content": text, "explanation": explanation}
        if kind in ("mc", "mc_multi"):
            question = MCQuestion.objects.create(multiple=kind == "mc_multi", **common)
            Answer.objects.bulk_create([
                Answer(question=question, content=option, correct=i in right, sort_order=i)
                for i, option in enumerate(options, start=1)
            ])
        elif kind == "tf":
            TFQuestion.objects.create(correct=options, **common)
        else:
            EssayQuestion.objects.create(**common)
        created += 1
    stdout.write(f"    question banks: {len(categories)} categories, {created} questions created")
    return categories


# The demo framework's competency for each bank (demo.steps.competency codes); keywords are the fallback.
PREFERRED_COMPETENCY = {GS: "GS2", KT: "KT1", KL: "KL2", TC: "TC2", TK: "TD1", DD: "CT2", KL34: "DL2"}


def _link_competencies(categories: dict) -> int:
    """Map each bank to a competency of the active framework (when one exists): the preferred code, else
    the first competency whose area, then whose name, contains a keyword of the bank."""
    from competency.models import Competency
    from competency.selectors import framework_active

    framework = framework_active()
    if framework is None:
        return 0
    competencies = list(Competency.objects.filter(framework=framework).select_related("area"))
    by_code = {c.code: c for c in competencies}
    linked = 0
    for key, (_name, _description, keywords) in CATEGORIES.items():
        category = categories[key]
        if category.competency_id:
            continue
        match = by_code.get(PREFERRED_COMPETENCY[key])
        for keyword in keywords:
            if match:
                break
            match = next((c for c in competencies if keyword in c.area.name.lower()), None) or next(
                (c for c in competencies if keyword in c.name.lower()), None)
        if match:
            category.competency = match
            category.save(update_fields=["competency"])
            linked += 1
    return linked


def _ensure_quizzes(categories: dict, trainer) -> list[Quiz]:
    quizzes = []
    for spec in QUIZZES:
        spec = dict(spec)
        blueprint = spec.pop("blueprint", None)
        bank = spec.pop("bank", None)
        no_essays = spec.pop("no_essays", False)
        quiz = Quiz.objects.filter(url=spec["url"]).first()
        if quiz is None:
            # A quiz no demo course holds is opened to every cadre (course quizzes show once placed).
            spec.setdefault("open_to_all", spec["url"] not in COURSE_QUIZZES.values())
            quiz = Quiz.objects.create(owner=trainer, review_available=ReviewAvailable.SUBMIT, **spec)
            if blueprint:
                QuizBlueprint.objects.bulk_create([
                    QuizBlueprint(quiz=quiz, category=categories[key], count=count, sort_order=i)
                    for i, (key, count) in enumerate(blueprint)
                ])
            if bank:
                questions = Question.objects.filter(category=categories[bank])
                if no_essays:
                    questions = questions.exclude(kind=QuestionKind.ESSAY)
                quiz.questions.add(*questions)
        quizzes.append(quiz)
    return quizzes


def _learners(rng) -> list[Cadre]:
    """Demo learners: the `cadre` login's learner and a sample of active cadres given a (password-less) account."""
    User = get_user_model()
    pool = list(Cadre.objects.filter(status=CadreStatus.ACTIVE).order_by("code").only("id", "code", "full_name",
                                                                                          "user_id"))
    chosen = rng.sample(pool, min(DEMO_LEARNERS, len(pool)))
    without_user = [c for c in chosen if c.user_id is None]
    users = []
    for cadre in without_user:
        family, _, given = cadre.full_name.rpartition(" ")
        user = User(username=cadre.code.lower(), first_name=family, last_name=given)
        user.set_unusable_password()  # demo learners with results, not logins
        users.append(user)
    taken = set(User.objects.filter(username__in=[u.username for u in users]).values_list("username", flat=True))
    User.objects.bulk_create([u for u in users if u.username not in taken])
    by_name = dict(User.objects.filter(username__in=[c.code.lower() for c in without_user]).values_list("username",
                                                                                                           "id"))
    for cadre in without_user:
        cadre.user_id = by_name[cadre.code.lower()]
    Cadre.objects.bulk_update(without_user, ["user"])
    from demo.steps.organization import LEARNER_CADRE_CODE

    learner = Cadre.objects.filter(code=LEARNER_CADRE_CODE, user__isnull=False).first()
    if learner is not None and learner.pk not in {c.pk for c in chosen}:
        chosen.append(learner)
    return chosen


def _sit(quiz, cadre, attempt_no, ability, start, rng, key, kinds, trainer, mark_essays):
    order = services._draw_questions(quiz, rng)
    limit = dt.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    sitting = Sitting(user_id=cadre.user_id, cadre=cadre, quiz=quiz, attempt_no=attempt_no, question_order=order,
                      start=start, complete=True, ended_by=SittingEnd.SUBMITTED, max_score=len(order),
                      deadline=start + limit if limit else None)
    sitting.end = start + dt.timedelta(minutes=rng.randint(4, quiz.time_limit_minutes or 25))
    rows, snapshot, incorrect, score, pending = [], {}, [], 0, 0
    for qid in order:
        kind = kinds[qid]
        right = rng.random() < ability
        row = SittingAnswer(question_id=qid, answered_at=sitting.end)
        if kind == QuestionKind.MC:
            correct_ids, wrong_ids = key[qid]
            row.choice_ids = sorted(correct_ids) if right or not wrong_ids else [rng.choice(wrong_ids)]
            row.is_correct = right or not wrong_ids
            snapshot[str(qid)] = row.choice_ids
        elif kind == QuestionKind.TF:
            row.tf_answer = key[qid] if right else not key[qid]
            row.is_correct = right
            snapshot[str(qid)] = row.tf_answer
        else:
            row.essay_text = rng.choice(ESSAY_ANSWERS)
            snapshot[str(qid)] = row.essay_text
            if mark_essays:
                row.is_correct = right
                row.marked_by, row.marked_at = trainer, sitting.end + dt.timedelta(days=1)
                row.marker_comment = "Đạt yêu cầu." if right else "Chưa nêu đủ các bước theo quy định."
            else:
                pending += 1
        if row.is_correct:
            score += 1
        elif row.is_correct is False:
            incorrect.append(qid)
        rows.append(row)
    sitting.current_score, sitting.essays_pending = score, pending
    sitting.passed = None if pending else services._passes(score, len(order), quiz.pass_mark)
    sitting.answers, sitting.incorrect_questions = snapshot, incorrect
    return sitting, rows


def _answer_key() -> tuple[dict, dict]:
    """{question_id: (right answer ids, wrong answer ids) or True/False} and {question_id: kind} for the banks."""
    banks = Category.objects.filter(category__in=[name for name, _d, _k in CATEGORIES.values()])
    kinds = dict(Question.objects.filter(category__in=banks).values_list("id", "kind"))
    key: dict = dict(TFQuestion.objects.filter(id__in=kinds).values_list("id", "correct"))
    for qid, aid, correct in Answer.objects.filter(question_id__in=kinds).values_list("question_id", "id", "correct"):
        right, wrong = key.setdefault(qid, (set(), []))
        if correct:
            right.add(aid)
        else:
            wrong.append(aid)
    return key, kinds


def _ensure_sittings(quizzes, trainer, rng, today, stdout) -> None:
    if Sitting.objects.filter(quiz__in=quizzes).exists():
        return
    learners = _learners(rng)
    key, kinds = _answer_key()
    # Quizzes that may draw an essay (their sittings may wait for the trainer's mark).
    with_essays = {
        quiz.pk for quiz in quizzes
        if quiz.blueprint.exists() or quiz.questions.filter(kind=QuestionKind.ESSAY).exists()
    }
    tz = timezone.get_current_timezone()
    sittings, answers = [], []
    essay_sittings = 0
    from demo.steps.organization import LEARNER_CADRE_CODE

    for cadre in learners:
        ability = rng.uniform(0.35, 0.97)
        for quiz in quizzes:
            is_learner = cadre.code == LEARNER_CADRE_CODE
            if is_learner:
                if quiz.url not in ("ky-luat-dang-qd-69", "ket-luan-34"):
                    continue
            elif rng.random() > ATTEMPT_SHARE[quiz.url]:
                continue
            limit = quiz.attempt_limit or 3
            skill = ability if not is_learner else (0.3 if quiz.url == "ky-luat-dang-qd-69" else 0.95)
            day = today - dt.timedelta(days=rng.randint(8, 150))
            for attempt_no in range(1, limit + 1):
                start = dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=tz)
                recent = day > today - dt.timedelta(days=30)
                mark = not (quiz.pk in with_essays and essay_sittings < PENDING_ESSAYS and recent)
                sitting, rows = _sit(quiz, cadre, attempt_no, skill, start, rng, key, kinds, trainer, mark)
                if sitting.essays_pending:
                    essay_sittings += 1
                sittings.append(sitting)
                answers.append(rows)
                if sitting.passed is not False or is_learner or rng.random() < 0.4:
                    break
                skill = min(0.98, skill + 0.2)  # studied before trying again
                day = day + dt.timedelta(days=rng.randint(2, 7))
    with transaction.atomic():
        Sitting.objects.bulk_create(sittings, batch_size=500)
        rows = []
        for sitting, sitting_rows in zip(sittings, answers, strict=True):
            for row in sitting_rows:
                row.sitting = sitting
                rows.append(row)
        SittingAnswer.objects.bulk_create(rows, batch_size=1000)
        category_ids = set(Category.objects.filter(
            category__in=[name for name, _d, _k in CATEGORIES.values()]).values_list("id", flat=True))
        for user_id in {s.user_id for s in sittings}:
            services.progress_recompute(user_id=user_id, category_ids=category_ids)
    passed = sum(1 for s in sittings if s.passed)
    failed = sum(1 for s in sittings if s.passed is False)
    stdout.write(f"    sittings: {len(sittings)} for {len(learners)} cadres ({passed} passed, {failed} not passed, "
                 f"{len(sittings) - passed - failed} awaiting essay marking)")


def _record_evidence(quizzes) -> int:
    """Competency evidence for passed demo sittings whose banks map to competencies (idempotent)."""
    from competency.models import EvidenceSource
    from competency.services import evidence_record

    competency_by_category = dict(Category.objects.filter(competency__isnull=False).values_list("id", "competency"))
    if not competency_by_category:
        return 0
    from competency.models import Competency

    competencies = {c.pk: c for c in Competency.objects.filter(pk__in=competency_by_category.values())
                    .select_related("framework")}
    category_of = dict(Question.objects.filter(category_id__in=competency_by_category).values_list("id", "category_id"))
    recorded = 0
    for sitting in Sitting.objects.filter(quiz__in=quizzes, passed=True, cadre__isnull=False).select_related("quiz",
                                                                                                             "cadre"):
        if not sitting.quiz.attests_level:
            continue
        wanted = {competency_by_category[category_of[q]] for q in sitting.question_order if q in category_of}
        for competency_id in sorted(wanted):
            try:
                evidence_record(cadre=sitting.cadre, competency=competencies[competency_id],
                                level=sitting.quiz.attests_level, source=EvidenceSource.QUIZ,
                                obtained_on=timezone.localdate(sitting.end), source_ref=f"sitting:{sitting.pk}",
                                note=sitting.quiz.title)
            except ValidationError:  # the framework's scale is shorter than the quiz's level
                continue
            recorded += 1
    return recorded


def load(*, stdout, rng, today) -> None:
    """Question banks, quizzes and demo sittings; evidence when the competency framework is loaded."""
    User = get_user_model()
    trainer = User.objects.filter(username="trainer").first()
    categories = _ensure_banks(stdout)
    linked = _link_competencies(categories)
    quizzes = _ensure_quizzes(categories, trainer)
    _ensure_sittings(quizzes, trainer, rng, today, stdout)
    evidence = _record_evidence(quizzes)
    stdout.write(f"    quizzes: {len(quizzes)}; banks linked to competencies: {linked}; evidence records: {evidence}")
