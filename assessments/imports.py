"""Question bank import from .xlsx (checked in full, then all rows or none) and export in the same format.

One sheet, first row = headers (any order, case-insensitive):
  type        mc | tf | essay  (also "trắc nghiệm", "đúng sai", "tự luận")
  category    bank name (created if it does not exist)
  sub_category  optional (created under the category if needed)
  question    the question text
  explanation optional
  answer_1 … answer_8   options of a multiple-choice question
  correct     mc: the numbers of the right options ("2" or "1,3"); tf: true/false (đúng/sai)
  quiz        optional: the URL of a quiz to add the question to
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from lms.spreadsheets import XLSX, SpreadsheetError, WorkbookWriter, plain_text, read_table, read_upload

from .models import Answer, Category, EssayQuestion, MCQuestion, Question, QuestionKind, Quiz, SubCategory, TFQuestion

MAX_ROWS = 2000
MAX_OPTIONS = 8
HEADERS = ["type", "category", "sub_category", "question", "explanation",
           *[f"answer_{i}" for i in range(1, MAX_OPTIONS + 1)], "correct", "quiz"]
REQUIRED = {"type", "category", "question"}
KIND_ALIASES = {
    "mc": QuestionKind.MC, "trắc nghiệm": QuestionKind.MC, "multiple choice": QuestionKind.MC,
    "tf": QuestionKind.TF, "đúng sai": QuestionKind.TF, "đúng/sai": QuestionKind.TF, "true/false": QuestionKind.TF,
    "essay": QuestionKind.ESSAY, "tự luận": QuestionKind.ESSAY,
}
TRUE_WORDS = {"true", "đúng", "dung", "1", "yes", "x"}
FALSE_WORDS = {"false", "sai", "0", "no"}


# The file as a whole cannot be read (wrong type, too big, not a workbook, no header): the engine's one error.
BankFileError = SpreadsheetError


@dataclass
class BankRow:
    line: int
    kind: str = ""
    category: str = ""
    sub_category: str = ""
    question: str = ""
    explanation: str = ""
    options: list = field(default_factory=list)
    correct: list = field(default_factory=list)  # option numbers (1-based) for mc; [True|False] for tf
    quiz: str = ""
    errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("line", "kind", "category", "sub_category", "question", "explanation",
                                              "options", "correct", "quiz")}


@dataclass
class BankPreview:
    rows: list
    new_categories: list

    @property
    def errors(self) -> list:
        return [(row.line, message) for row in self.rows for message in row.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def _read(upload) -> list[tuple]:
    name, _extension, data = read_upload(upload, allowed=(XLSX,), default_name="bank.xlsx")
    return read_table(name, data, max_bytes=settings.KTLEARN_IMPORT_MAX_BYTES, allowed=(XLSX,))


def bank_parse(upload) -> BankPreview:
    """Read and check every row; writes nothing. Raises BankFileError when the file itself is unusable
    (refused by lms.spreadsheets: type, size, content, zip bomb; or no header)."""
    rows_iter = iter(_read(upload))
    header = next(rows_iter, None)
    if not header:
        raise BankFileError(_("The sheet is empty: the first row must hold the column names."))
    columns = {plain_text(h).lower(): i for i, h in enumerate(header) if plain_text(h)}
    missing = REQUIRED - columns.keys()
    if missing:
        raise BankFileError(_("Missing column(s): %(cols)s.") % {"cols": ", ".join(sorted(missing))})

    def cell(values, name):
        i = columns.get(name)
        return plain_text(values[i]) if i is not None and i < len(values) else ""

    existing = {c.lower(): c for c in Category.objects.values_list("category", flat=True)}
    quiz_urls = set(Quiz.objects.values_list("url", flat=True))
    rows, new_categories = [], []
    for line, values in enumerate(rows_iter, start=2):
        if values is None or not any(plain_text(v) for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise BankFileError(_("The file has more than %(max)s questions; split it.") % {"max": MAX_ROWS})
        row = BankRow(line=line)
        raw_kind = cell(values, "type").lower()
        row.kind = KIND_ALIASES.get(raw_kind, "")
        if not row.kind:
            row.errors.append(_("Unknown type “%(type)s” (use mc, tf or essay).") % {"type": raw_kind})
        row.category = cell(values, "category")[:250]
        if not row.category:
            row.errors.append(_("The category is empty."))
        elif row.category.lower() in existing:
            row.category = existing[row.category.lower()]
        elif row.category not in new_categories:
            new_categories.append(row.category)
        row.sub_category = cell(values, "sub_category")[:250]
        row.question = cell(values, "question")
        if not row.question:
            row.errors.append(_("The question is empty."))
        elif len(row.question) > 2000:
            row.errors.append(_("The question is longer than 2000 characters."))
        row.explanation = cell(values, "explanation")[:2000]
        row.quiz = cell(values, "quiz")
        if row.quiz and row.quiz not in quiz_urls:
            row.errors.append(_("No quiz has the URL “%(url)s”.") % {"url": row.quiz})
        correct = cell(values, "correct")
        if row.kind == QuestionKind.MC:
            numbered = [(i, cell(values, f"answer_{i}")) for i in range(1, MAX_OPTIONS + 1)]
            row.options = [text for _i, text in numbered if text]
            if len(row.options) < 2:
                row.errors.append(_("A multiple-choice question needs at least two answers."))
            if any(len(text) > 1000 for text in row.options):
                row.errors.append(_("An answer is longer than 1000 characters."))
            positions = [i for i, text in numbered if text]
            try:
                picked = sorted({int(p) for p in correct.replace(";", ",").split(",") if p.strip()})
            except ValueError:
                picked = None
            if not picked:
                row.errors.append(_("“correct” must list the number(s) of the right answer(s), e.g. 2 or 1,3."))
            elif set(picked) - set(positions):
                row.errors.append(_("“correct” points to an empty answer column."))
            else:
                row.correct = [positions.index(p) + 1 for p in picked]
        elif row.kind == QuestionKind.TF:
            if correct.lower() in TRUE_WORDS:
                row.correct = [True]
            elif correct.lower() in FALSE_WORDS:
                row.correct = [False]
            else:
                row.errors.append(_("“correct” must be true or false (đúng/sai)."))
        rows.append(row)
    if not rows:
        raise BankFileError(_("The file has no questions."))
    return BankPreview(rows=rows, new_categories=new_categories)


def bank_import(*, rows: list[dict]) -> int:
    """Create the questions of an error-free preview, all in one transaction (all or nothing).
    Returns the number of questions created."""
    with transaction.atomic():
        categories = {c.category.lower(): c for c in Category.objects.all()}
        subs = {(s.category_id, s.sub_category.lower()): s for s in SubCategory.objects.all()}
        quizzes = {q.url: q for q in Quiz.objects.all()}
        for data in rows:
            category = categories.get(data["category"].lower())
            if category is None:
                category = categories[data["category"].lower()] = Category.objects.create(category=data["category"])
            sub = None
            if data["sub_category"]:
                key = (category.pk, data["sub_category"].lower())
                sub = subs.get(key) or SubCategory.objects.create(category=category,
                                                                  sub_category=data["sub_category"])
                subs[key] = sub
            common = {"category": category, "sub_category": sub, "content": data["question"],
                      "explanation": data["explanation"]}
            if data["kind"] == QuestionKind.MC:
                question = MCQuestion.objects.create(multiple=len(data["correct"]) > 1, **common)
                Answer.objects.bulk_create([
                    Answer(question=question, content=text, correct=(i in data["correct"]), sort_order=i)
                    for i, text in enumerate(data["options"], start=1)
                ])
            elif data["kind"] == QuestionKind.TF:
                question = TFQuestion.objects.create(correct=data["correct"][0], **common)
            else:
                question = EssayQuestion.objects.create(**common)
            if data["quiz"]:
                question.quiz.add(quizzes[data["quiz"]])
    return len(rows)


def bank_export(*, questions=None) -> bytes:
    """The bank (or the given questions) as an .xlsx in the import format; every text (a question, an
    answer) is stored as text, so an answer such as "-2" or "=A1" reads back unchanged and never runs."""
    questions = (questions if questions is not None else Question.objects.all()).select_related(
        "category", "sub_category", "tfquestion", "mcquestion"
    ).prefetch_related("quiz").order_by("category__category", "id")
    answers: dict[int, list] = {}
    for qid, content, correct in Answer.objects.filter(question__in=questions.values("id")).order_by(
        "question_id", "sort_order", "id"
    ).values_list("question_id", "content", "correct"):
        answers.setdefault(qid, []).append((content, correct))
    writer = WorkbookWriter()
    ws = writer.sheet("questions", header=HEADERS, widths=(8, 30, 20, 70, 40))
    for q in questions:
        options = answers.get(q.pk, [])[:MAX_OPTIONS]
        if q.kind == QuestionKind.MC:
            correct = ",".join(str(i) for i, (_c, ok) in enumerate(options, start=1) if ok)
        elif q.kind == QuestionKind.TF:
            correct = "true" if q.tfquestion.correct else "false"
        else:
            correct = ""
        quiz_urls = [quiz.url for quiz in q.quiz.all()]
        writer.row(ws, [
            q.kind, q.category.category if q.category else "", q.sub_category.sub_category if q.sub_category else "",
            q.content, q.explanation, *[c for c, _ok in options], *[""] * (MAX_OPTIONS - len(options)), correct,
            quiz_urls[0] if quiz_urls else "",
        ])
    return writer.getvalue()
