"""Quizzes and question banks: django-quiz's model, rebuilt for modern Django, plus what it lacked.

Names follow django-quiz (Category, SubCategory, Question, MCQuestion, Answer, TFQuestion,
EssayQuestion, Quiz, Sitting, Progress) so anyone who knows it feels at home. Beyond it: time
limits and opening dates enforced on the server, attempt limits that hold under concurrency,
blueprint draws, answers saved one by one (SittingAnswer), review options, competency evidence.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from lms import private_files, uploads
from lms.private_files import PrivateFileField
from lms.slugs import ascii_slug
from organization.models import Cadre


class Category(models.Model):
    """A question bank. Mapped to a competency, so a passed quiz becomes competency evidence."""

    category = models.CharField(_("category"), max_length=250, unique=True)
    competency = models.ForeignKey(
        "competency.Competency",
        verbose_name=_("competency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quiz_categories",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["category"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.category


class SubCategory(models.Model):
    sub_category = models.CharField(_("sub-category"), max_length=250)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="sub_categories"
    )

    class Meta:
        ordering = ["category", "sub_category"]
        verbose_name = _("sub-category")
        verbose_name_plural = _("sub-categories")
        constraints = [
            models.UniqueConstraint(fields=["category", "sub_category"], name="subcategory_unique_per_category")
        ]

    def __str__(self):
        return f"{self.sub_category} ({self.category})"


class ReviewAvailable(models.TextChoices):
    SUBMIT = "submit", _("Right after submission")
    CLOSE = "close", _("After the quiz closes")
    NEVER = "never", _("Never (score only)")


class QuizLayout(models.TextChoices):
    ALL = "all", _("All questions on one page")
    PAGED = "paged", _("One question per page")


# Paths under /quiz/ that a quiz's URL must not take.
RESERVED_QUIZ_URLS = {"mine", "marking", "sitting"}


class Quiz(ClusterableModel):
    title = models.CharField(_("title"), max_length=200)
    url = models.SlugField(
        _("URL"), max_length=120, unique=True, blank=True,
        help_text=_("The quiz's address: /quiz/<url>/ (letters, digits, -). Empty = made from the title"),
    )
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.SET_NULL, null=True, blank=True, related_name="quizzes"
    )
    random_order = models.BooleanField(_("random order"), default=False, help_text=_("Shuffle the questions"))
    max_questions = models.PositiveIntegerField(
        _("max questions"), null=True, blank=True, help_text=_("Number of questions drawn for each sitting")
    )
    answers_at_end = models.BooleanField(
        _("answers at end"), default=False, help_text=_("Show the correct answers and explanations on the result page")
    )
    exam_paper = models.BooleanField(
        _("exam paper"),
        default=True,
        help_text=_("Keep each sitting's full paper (every answer) open to trainers; otherwise they see scores only"),
    )
    single_attempt = models.BooleanField(_("single attempt"), default=False, help_text=_("One attempt per user"))
    max_attempts = models.PositiveSmallIntegerField(
        _("max attempts"), null=True, blank=True, validators=[MinValueValidator(1)], help_text=_("Empty = unlimited")
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=50, validators=[MaxValueValidator(100)]
    )
    success_text = models.TextField(_("success text"), blank=True)
    fail_text = models.TextField(_("fail text"), blank=True)
    draft = models.BooleanField(_("draft"), default=False, help_text=_("Only trainers can see a draft quiz"))
    # Cadres see a published quiz only when it is placed in a live lesson of a live course (`attached`,
    # kept by the courses app) or opened to everyone.
    open_to_all = models.BooleanField(
        _("open to all cadres"), default=False,
        help_text=_("List the quiz for every cadre even when no published course contains it"),
    )
    attached = models.BooleanField(_("in a published course"), default=False, editable=False)

    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Empty = no limit"),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    layout = models.CharField(_("layout"), max_length=8, choices=QuizLayout.choices, default=QuizLayout.ALL)
    review_available = models.CharField(
        _("review available"), max_length=8, choices=ReviewAvailable.choices, default=ReviewAvailable.SUBMIT,
        help_text=_("When a cadre can see their answers marked right or wrong"),
    )
    attests_level = models.PositiveSmallIntegerField(
        _("attests level"), null=True, blank=True,
        help_text=_("Passing records competency evidence at this level for each category's competency"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("editors"), blank=True, related_name="quizzes_editable",
        help_text=_("Trainers who may edit this quiz and see its sittings"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="quiz_closes_after_opening",
            )
        ]

    def __str__(self):
        return self.title

    def _fill_url(self):
        """An empty URL is made from the title, ASCII ("Kỷ luật Đảng" → "ky-luat-dang"), unique."""
        if self.url or not self.title:
            return
        base = ascii_slug(self.title, max_length=110) or "bai-kiem-tra"
        taken = set(Quiz.objects.exclude(pk=self.pk).filter(url__startswith=base).values_list("url", flat=True))
        taken |= RESERVED_QUIZ_URLS
        url, n = base, 2
        while url in taken:
            url, n = f"{base}-{n}", n + 1
        self.url = url

    def save(self, *args, **kwargs):
        self._fill_url()
        super().save(*args, **kwargs)

    def clean(self):
        self._fill_url()
        if self.url in RESERVED_QUIZ_URLS:
            raise ValidationError({"url": _("This address is reserved; choose another.")})
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The quiz must close after it opens.")})
        if self.single_attempt and self.max_attempts and self.max_attempts != 1:
            raise ValidationError({"max_attempts": _("A single-attempt quiz allows exactly one attempt.")})

    def get_absolute_url(self):
        return reverse("assessments:quiz_detail", kwargs={"slug": self.url})

    @property
    def listed_for_cadres(self) -> bool:
        """Published, and placed in a published course or opened to every cadre."""
        return not self.draft and (self.attached or self.open_to_all)

    @property
    def attempt_limit(self) -> int | None:
        """Attempts allowed per user; None = unlimited."""
        return 1 if self.single_attempt else self.max_attempts

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.opens_at is None or self.opens_at <= now) and (self.closes_at is None or now < self.closes_at)


class QuizBlueprint(models.Model):
    """A draw rule: `count` questions picked at random from `category` for each sitting."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="blueprint")
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+")
    sub_category = models.ForeignKey(
        SubCategory, verbose_name=_("sub-category"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    count = models.PositiveSmallIntegerField(_("number of questions"), validators=[MinValueValidator(1)])
    sort_order = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("blueprint row")
        verbose_name_plural = _("blueprint")

    def __str__(self):
        return f"{self.count} × {self.sub_category or self.category}"


class QuestionKind(models.TextChoices):
    MC = "mc", _("Multiple choice")
    TF = "tf", _("True / false")
    ESSAY = "essay", _("Essay")


class Question(ClusterableModel):
    """Base question (multi-table inheritance, as in django-quiz). `kind` names the concrete type so a
    page of questions is rendered without one query per question."""

    quiz = models.ManyToManyField(Quiz, verbose_name=_("quizzes"), blank=True, related_name="questions")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    sub_category = models.ForeignKey(
        SubCategory, verbose_name=_("sub-category"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="questions",
    )
    # Exam content: private (lms.private_files), shown only to those taking or editing the quiz.
    figure = PrivateFileField(_("figure"), folder="quiz-figures", blank=True,
                              validators=[uploads.validator(uploads.QUESTION_FIGURE)],
                              help_text=_("A PNG or JPEG image shown with the question."))
    content = models.TextField(_("question"), max_length=2000)
    explanation = models.TextField(_("explanation"), max_length=2000, blank=True,
                                   help_text=_("Shown after the question has been answered (if the quiz allows)"))
    kind = models.CharField(_("type"), max_length=8, choices=QuestionKind.choices, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.content[:80]

    def clean(self):
        if self.sub_category_id and self.sub_category.category_id != self.category_id:
            raise ValidationError({"sub_category": _("The sub-category belongs to another category.")})


class AnswerOrder(models.TextChoices):
    CONTENT = "content", _("Alphabetical")
    RANDOM = "random", _("Random")
    NONE = "none", _("As written")


class MCQuestion(Question):
    # Shuffled by default so a cadre cannot pass by position (always the first option); the shuffle is
    # seeded by sitting and question (assessments.selectors), so a reload shows the same order.
    answer_order = models.CharField(
        _("answer order"), max_length=8, choices=AnswerOrder.choices, default=AnswerOrder.RANDOM,
        help_text=_("Random: a different order for each attempt, the same on reload"),
    )
    multiple = models.BooleanField(
        _("several correct answers"), default=False,
        help_text=_("Cadres tick every correct answer; the question counts only when all are ticked"),
    )

    class Meta:
        verbose_name = _("multiple choice question")
        verbose_name_plural = _("multiple choice questions")

    def save(self, *args, **kwargs):
        self.kind = QuestionKind.MC
        super().save(*args, **kwargs)


class Answer(models.Model):
    question = ParentalKey(MCQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers")
    content = models.CharField(_("answer"), max_length=1000)
    correct = models.BooleanField(_("correct"), default=False)
    sort_order = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return self.content


class TFQuestion(Question):
    correct = models.BooleanField(_("the statement is true"), default=False)

    class Meta:
        verbose_name = _("true/false question")
        verbose_name_plural = _("true/false questions")

    def save(self, *args, **kwargs):
        self.kind = QuestionKind.TF
        super().save(*args, **kwargs)


class EssayQuestion(Question):
    class Meta:
        verbose_name = _("essay question")
        verbose_name_plural = _("essay questions")

    def save(self, *args, **kwargs):
        self.kind = QuestionKind.ESSAY
        super().save(*args, **kwargs)


class InlineCorrect(models.TextChoices):
    OPTION_1 = "1", _("Option 1")
    OPTION_2 = "2", _("Option 2")
    OPTION_3 = "3", _("Option 3")
    OPTION_4 = "4", _("Option 4")
    TRUE = "true", _("True")
    FALSE = "false", _("False")


class InlineQuestion(Orderable):
    """A question written inside the quiz editor (InlinePanel) rather than in a bank. Saving it keeps a
    real bank question in step (`question`: a multiple choice or true/false question of the quiz's
    category, linked to the quiz), so sittings, marking and statistics treat both kinds alike. Answers
    are updated in place, never replaced, so sittings that chose them keep pointing at them."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="inline_questions")
    kind = models.CharField(_("type"), max_length=8, default=QuestionKind.MC,
                            choices=[(QuestionKind.MC, _("Multiple choice")), (QuestionKind.TF, _("True / false"))])
    content = models.TextField(_("question"), max_length=2000)
    option_1 = models.CharField(_("option 1"), max_length=1000, blank=True)
    option_2 = models.CharField(_("option 2"), max_length=1000, blank=True)
    option_3 = models.CharField(_("option 3"), max_length=1000, blank=True)
    option_4 = models.CharField(_("option 4"), max_length=1000, blank=True)
    correct = models.CharField(_("right answer"), max_length=5, choices=InlineCorrect.choices, default="1",
                               help_text=_("Multiple choice: the right option; true / false: whether the "
                                           "statement is true"))
    explanation = models.TextField(_("explanation"), max_length=2000, blank=True)
    question = models.OneToOneField(Question, on_delete=models.SET_NULL, null=True, blank=True, editable=False,
                                    related_name="inline_source")

    panels = [
        FieldPanel("kind"),
        FieldPanel("content"),
        FieldRowPanel([FieldPanel("option_1"), FieldPanel("option_2")]),
        FieldRowPanel([FieldPanel("option_3"), FieldPanel("option_4")]),
        FieldPanel("correct"),
        FieldPanel("explanation"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question written in the quiz")
        verbose_name_plural = _("questions written in the quiz")

    def __str__(self):
        return self.content[:80]

    def options(self) -> list[str]:
        return [o.strip() for o in (self.option_1, self.option_2, self.option_3, self.option_4) if o.strip()]

    def clean(self):
        if self.kind == QuestionKind.MC:
            if len(self.options()) < 2:
                raise ValidationError({"option_2": _("Give at least two options.")})
            if self.correct not in ("1", "2", "3", "4") or not getattr(self, f"option_{self.correct}").strip():
                raise ValidationError({"correct": _("Choose the option that is right (an option you filled in).")})
        elif self.correct not in ("true", "false"):
            raise ValidationError({"correct": _("A true / false question is right when “True” or “False”.")})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._sync_question()

    def _sync_question(self):
        question = self.question
        if question is not None and question.kind != self.kind:
            question.quiz.remove(self.quiz)  # the old question keeps its sittings, out of the quiz
            question = None
        common = {"content": self.content, "explanation": self.explanation, "category": self.quiz.category}
        if self.kind == QuestionKind.MC:
            mc = MCQuestion.objects.get(pk=question.pk) if question else MCQuestion()
            for field, value in common.items():
                setattr(mc, field, value)
            mc.save()
            texts = self.options()
            right = [o.strip() for o in (self.option_1, self.option_2, self.option_3, self.option_4)][
                int(self.correct) - 1] if self.correct.isdigit() else ""
            answers = list(Answer.objects.filter(question=mc).order_by("sort_order", "id"))
            for i, text in enumerate(texts):
                answer = answers[i] if i < len(answers) else Answer(question=mc)
                answer.content, answer.correct, answer.sort_order = text, text == right, i
                answer.save()
            Answer.objects.filter(pk__in=[a.pk for a in answers[len(texts):]]).delete()
            question = mc
        else:
            tf = TFQuestion.objects.get(pk=question.pk) if question else TFQuestion()
            for field, value in common.items():
                setattr(tf, field, value)
            tf.correct = self.correct == "true"
            tf.save()
            question = tf
        question.quiz.add(self.quiz)
        if self.question_id != question.pk:
            InlineQuestion.objects.filter(pk=self.pk).update(question=question)
            self.question_id = question.pk


class SittingEnd(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("quiz sitting", "Submitted")
    TIME_UP = "time_up", _("Time limit reached")
    QUIZ_CLOSED = "closed", _("Quiz closed")


class Sitting(models.Model):
    """One attempt of one user at one quiz. Scores are computed only on the server, at submission."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="sittings")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="sittings")
    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="sittings")
    attempt_no = models.PositiveSmallIntegerField(_("attempt"), default=1)
    question_order = models.JSONField(_("question order"), default=list)
    # The paper as submitted ({question_id: response}), frozen at submission.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    incorrect_questions = models.JSONField(_("incorrect questions"), default=list, blank=True)
    current_score = models.PositiveIntegerField(_("score"), default=0)
    max_score = models.PositiveIntegerField(_("maximum score"), default=0)
    essays_pending = models.PositiveIntegerField(_("essays to mark"), default=0)
    passed = models.BooleanField(_("passed"), null=True, blank=True, help_text=_("Empty until fully marked"))
    complete = models.BooleanField(_("complete"), default=False)
    ended_by = models.CharField(_("ended by"), max_length=10, choices=SittingEnd.choices, blank=True)
    start = models.DateTimeField(_("start"), default=timezone.now)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    # The REST API's changes feed (quiz results): submitted, an essay marked.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("sitting")
        verbose_name_plural = _("sittings")
        constraints = [
            # Two simultaneous starts cannot both create an attempt with the same number...
            models.UniqueConstraint(fields=["user", "quiz", "attempt_no"], name="sitting_attempt_unique"),
            # ...nor two open attempts at the same quiz.
            models.UniqueConstraint(fields=["user", "quiz"], condition=Q(complete=False),
                                    name="sitting_one_open_per_user_quiz"),
        ]
        indexes = [models.Index(fields=["quiz", "complete"]), models.Index(fields=["complete", "deadline"])]

    def __str__(self):
        return f"{self.user} · {self.quiz} #{self.attempt_no}"

    def get_absolute_url(self):
        return reverse("assessments:sitting_result", kwargs={"pk": self.pk})

    @property
    def percent(self) -> int:
        if not self.max_score:
            return 0
        return round(100 * self.current_score / self.max_score)

    @property
    def marking_pending(self) -> bool:
        return self.complete and self.essays_pending > 0


class SittingAnswer(models.Model):
    """One answer, saved the moment it is given, so nothing is lost when a connection drops."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="sitting_answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="sitting_answers")
    choice_ids = models.JSONField(_("chosen answers"), default=list, blank=True)
    tf_answer = models.BooleanField(_("true/false answer"), null=True, blank=True)
    essay_text = models.TextField(_("essay"), blank=True, max_length=20000)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    is_correct = models.BooleanField(_("correct"), null=True, blank=True, help_text=_("Empty until marked"))
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)
    marker_comment = models.TextField(_("marker's comment"), blank=True)
    # The sender's order of the stored answer (the page's clock in milliseconds when it sent it): an
    # answer that arrives after a later one of the same question (a request held up in the network,
    # retried, or given up by its sender) does not replace it. Empty for answers sent without one.
    client_seq = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["sitting", "id"]
        verbose_name = _("sitting answer")
        verbose_name_plural = _("sitting answers")
        constraints = [
            models.UniqueConstraint(fields=["sitting", "question"], name="sitting_answer_unique_per_question")
        ]

    def __str__(self):
        return f"{self.sitting_id}/{self.question_id}"


class Progress(models.Model):
    """Each user's running score by category, over all their completed sittings (django-quiz's Progress)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_progress")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="progress")
    score = models.PositiveIntegerField(_("score"), default=0)
    possible = models.PositiveIntegerField(_("possible"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "category"]
        verbose_name = _("user progress")
        verbose_name_plural = _("user progress")
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="progress_unique_per_category")]

    def __str__(self):
        return f"{self.user} · {self.category}: {self.score}/{self.possible}"

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.possible) if self.possible else 0


def _question_figure_readable(user, question) -> bool:
    """Who edits question banks, and whoever has a sitting of a quiz holding the question."""
    if any(user.has_perm(f"assessments.change_{model}") for model in ("mcquestion", "tfquestion", "essayquestion")):
        return True
    return Sitting.objects.filter(user=user, quiz__questions=question).exists()


@receiver(post_delete, sender=InlineQuestion, dispatch_uid="assessments_inline_question_removed")
def _inline_question_removed(sender, instance, **kwargs):
    """A question removed from the quiz editor leaves the quiz; the bank question stays for its sittings."""
    if instance.question_id:
        Quiz.questions.through.objects.filter(quiz_id=instance.quiz_id, question_id=instance.question_id).delete()


for _label in ("assessments.question", "assessments.mcquestion", "assessments.tfquestion", "assessments.essayquestion"):
    private_files.register(_label, _question_figure_readable, inline_images=True)
