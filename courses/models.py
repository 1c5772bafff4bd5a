"""Curriculum pages (editorial content, in Wagtail) and the learning record (plain models, per cadre).

Page tree: HomePage → CurriculumPage → CoursePage → ModulePage → LessonPage.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from lms import private_files
from lms.private_files import PrivateFileField
from lms.uploads import validate_external_training
from organization.models import Cadre, UnitKind

from .blocks import LessonBodyBlock


class ChoiceListField(models.JSONField):
    """A list of values from a fixed set, stored as JSON and edited as checkboxes."""

    def __init__(self, *args, item_choices=(), **kwargs):
        self.item_choices = list(item_choices)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = self.item_choices
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.item_choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = {choice for choice, _label in self.item_choices}
        unknown = [item for item in value or [] if item not in allowed]
        if unknown:
            raise ValidationError(_("Unknown values: %(values)s") % {"values": ", ".join(map(str, unknown))})


class CurriculumPage(Page):
    """A training program, e.g. the province's program for grassroots inspection committees."""

    intro = models.CharField(_("intro"), max_length=255, blank=True)
    body = RichTextField(_("description"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = CoursePage.objects.child_of(self).live().order_by("path")
        return context


class CoursePage(Page):
    code = models.CharField(_("code"), max_length=32, unique=True, null=True, blank=False,
                            help_text=_("Short code shown on certificates, e.g. KT-01"))
    summary = models.TextField(_("summary"), blank=True)
    intended_audience = models.TextField(_("intended audience"), blank=True)
    description = RichTextField(_("description"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0,
                                validators=[MinValueValidator(0)])
    mandatory = models.BooleanField(
        _("mandatory"), default=False,
        help_text=_("Assigned automatically to every cadre holding one of the target positions"),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"), null=True, blank=True, help_text=_("Empty = a completion never expires")
    )
    due_days_after_appointment = models.PositiveSmallIntegerField(
        _("due days after appointment"), default=90,
        help_text=_("A newly elected or appointed cadre must finish within this many days"),
    )
    target_positions = ParentalManyToManyField(
        "organization.Position", verbose_name=_("target positions"), blank=True, related_name="courses"
    )
    target_unit_kinds = ChoiceListField(
        _("target unit kinds"), item_choices=UnitKind.choices, blank=True, help_text=_("None ticked = every kind")
    )
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("prerequisites"), symmetrical=False, blank=True, related_name="required_by"
    )

    content_panels = Page.content_panels + [
        FieldPanel("code"),
        FieldPanel("summary"),
        FieldPanel("intended_audience"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("hours"), FieldPanel("validity_months")]),
                FieldPanel("mandatory"),
                FieldPanel("due_days_after_appointment"),
                FieldPanel("target_positions", widget=forms.CheckboxSelectMultiple),
                FieldPanel("target_unit_kinds"),
                FieldPanel("prerequisites"),
            ],
            heading=_("Who must take it"),
        ),
        InlinePanel("competency_links", label=_("Competencies built"), heading=_("Competencies built")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("code"),
        index.SearchField("summary"),
        index.SearchField("intended_audience"),
        index.SearchField("description"),
        index.AutocompleteField("title"),
        index.FilterField("mandatory"),
    ]
    parent_page_types = ["courses.CurriculumPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def clean(self):
        super().clean()
        if self.pk and any(course.pk == self.pk for course in self.prerequisites.all()):
            raise ValidationError({"prerequisites": _("A course cannot be its own prerequisite.")})

    def targets_unit_kind(self, kind: str) -> bool:
        return not self.target_unit_kinds or kind in self.target_unit_kinds

    def expiry_for(self, completed_on: datetime.date) -> datetime.date | None:
        if not self.validity_months:
            return None
        return completed_on + relativedelta(months=self.validity_months)

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.course_page_context(course=self, user=request.user))
        return context


class CourseCompetency(Orderable):
    """A competency the course builds, and the level a cadre reaches by completing it."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="competency_links")
    competency = models.ForeignKey(
        "competency.Competency", verbose_name=_("competency"), on_delete=models.CASCADE, related_name="course_links"
    )
    level = models.PositiveSmallIntegerField(_("level reached"), validators=[MinValueValidator(1),
                                                                            MaxValueValidator(10)])

    panels = [FieldPanel("competency"), FieldPanel("level")]

    class Meta(Orderable.Meta):
        verbose_name = _("competency built")
        verbose_name_plural = _("competencies built")

    def __str__(self):
        return f"{self.competency} → {self.level}"


class ModulePage(Page):
    intro = models.TextField(_("intro"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def serve(self, request, *args, **kwargs):
        # A module has no page of its own: its outline is shown on the course page.
        return redirect(self.get_parent().url + f"#module-{self.pk}")


class LessonPage(Page):
    summary = models.TextField(_("summary"), blank=True)
    body = StreamField(LessonBodyBlock(), verbose_name=_("content"), blank=True)
    required = models.BooleanField(_("required"), default=True,
                                   help_text=_("The course is complete only when every required lesson is done"))
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("required"), FieldPanel("estimated_minutes")]),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def quiz_ids(self) -> list[int]:
        return [block.value["quiz"].pk for block in self.body if block.block_type == "quiz" and block.value["quiz"]]

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        from . import selectors, services

        cadre = selectors.cadre_of(request.user)
        if cadre is not None and request.method == "GET":
            services.lesson_open(cadre=cadre, lesson=self)  # records the first opening, if enrolled
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.lesson_page_context(lesson=self, user=request.user))
        return context


# --- The learning record -------------------------------------------------------------------


class EnrollmentSource(models.TextChoices):
    SELF = "self", _("Self-enrolled")
    ASSIGNED = "assigned", _("Assigned by a manager")
    RULE_POSITION = "rule_position", _("Required for the position")
    RULE_ELECTED = "rule_elected", _("Newly elected or appointed")
    RULE_ROTATION = "rule_rotation", _("Rotated into inspection work")
    RULE_EXPIRY = "rule_expiry", _("Completion expired")


RULE_SOURCES = (EnrollmentSource.RULE_POSITION, EnrollmentSource.RULE_ELECTED, EnrollmentSource.RULE_ROTATION,
                EnrollmentSource.RULE_EXPIRY)


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Enrollment(models.Model):
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.CASCADE,
                               related_name="enrollments")
    source = models.CharField(_("source"), max_length=16, choices=EnrollmentSource.choices)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"),
                                    on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=EnrollmentStatus.choices,
                              default=EnrollmentStatus.ACTIVE)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "course"], condition=Q(status="active"),
                                    name="one_active_enrollment_per_course"),
        ]
        indexes = [models.Index(fields=["cadre", "status"]), models.Index(fields=["course", "status"])]

    def __str__(self):
        return f"{self.cadre} · {self.course} ({self.get_status_display()})"

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status == EnrollmentStatus.ACTIVE and self.due_on is not None and self.due_on < today


class LessonProgress(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="progress")
    # The lesson's course when the row was written, so a course's progress is one grouped query.
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="lesson_progress")
    started_at = models.DateTimeField(_("started at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(_("time spent (s)"), default=0)
    last_position = models.PositiveIntegerField(
        _("last position"), default=0, help_text=_("Where the cadre stopped: percent read, or seconds of video")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["cadre", "lesson"], name="one_progress_per_lesson")]
        indexes = [models.Index(fields=["cadre", "course"])]

    def __str__(self):
        return f"{self.cadre} · {self.lesson}"


class CompletionSource(models.TextChoices):
    ONLINE = "online", _("Online course")
    CLASS = "class", _("In-person class")
    EXTERNAL = "external", _("External training")


class Completion(models.Model):
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.CASCADE,
                               related_name="completions")
    completed_on = models.DateField(_("completed on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=CompletionSource.choices,
                              default=CompletionSource.ONLINE)
    enrollment = models.ForeignKey(Enrollment, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="completions")
    training_class = models.ForeignKey("courses.TrainingClass", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="completions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        indexes = [models.Index(fields=["cadre", "course", "expires_on"]),
                   models.Index(fields=["completed_on"])]

    def __str__(self):
        return f"{self.cadre} · {self.course} ({self.completed_on:%d/%m/%Y})"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.completed_on <= day and (self.expires_on is None or day <= self.expires_on)


class Certificate(models.Model):
    """The certificate of one completion. Name, course, hours, issuing body, place and signer are
    copied at issue, so the certificate keeps saying what it said even if the cadre's name, the
    course title or the official documents settings change."""

    completion = models.OneToOneField(Completion, on_delete=models.CASCADE, related_name="certificate")
    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    full_name = models.CharField(_("full name"), max_length=120)
    course_title = models.CharField(_("course"), max_length=255)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    issued_on = models.DateField(_("issued on"))
    issuer = models.CharField(_("issuing body"), max_length=200)
    # From the official documents settings at issue (cms.api.official_documents), so a new signer
    # does not change what earlier certificates say.
    place = models.CharField(_("place"), max_length=100, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    file = PrivateFileField(_("PDF"), folder="certificates", blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    render_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("verify", args=[self.code])

    def private_download_name(self, field: str) -> str:
        return f"chung-nhan-{self.code}.pdf"


class ExternalTraining(models.Model):
    """Training a cadre did elsewhere, entered by a manager; counts toward the cadre's hours."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE,
                              related_name="external_trainings")
    course_name = models.CharField(_("course name"), max_length=255)
    provider = models.CharField(_("provider"), max_length=255)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"))
    file = PrivateFileField(_("evidence file"), folder="external-training",
                            blank=True, validators=[validate_external_training])
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-end_on", "-id"]
        verbose_name = _("external training")
        verbose_name_plural = _("external training")

    def __str__(self):
        return f"{self.cadre} · {self.course_name}"

    def clean(self):
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("The end date is before the start date.")})


# --- In-person classes ------------------------------------------------------------------------------


class TrainingClass(ClusterableModel):
    """An in-person class (tập huấn) for a course: sessions, registered cadres and their attendance.
    Completing it (attendance threshold, and the test if required) counts as completing the course."""

    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.CASCADE,
                               related_name="classes")
    title = models.CharField(_("title"), max_length=255)
    unit = models.ForeignKey("organization.Unit", verbose_name=_("organising unit"), on_delete=models.PROTECT,
                             related_name="training_classes")
    venue = models.CharField(_("venue"), max_length=255)
    trainer_name = models.CharField(_("trainer"), max_length=120, blank=True)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"))
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    attendance_threshold = models.PositiveSmallIntegerField(
        _("attendance needed (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    requires_test = models.BooleanField(_("final test required"), default=False)
    completed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)

    panels = [
        FieldPanel("course"),
        FieldPanel("title"),
        FieldPanel("unit"),
        FieldRowPanel([FieldPanel("start_on"), FieldPanel("end_on")]),
        FieldPanel("venue"),
        FieldPanel("trainer_name"),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("attendance_threshold")]),
        FieldPanel("requires_test"),
        InlinePanel("sessions", label=_("Sessions"), heading=_("Sessions"), min_num=1),
    ]

    class Meta:
        ordering = ["-start_on", "title"]
        verbose_name = _("in-person class")
        verbose_name_plural = _("in-person classes")

    def __str__(self):
        return f"{self.title} ({self.start_on:%d/%m/%Y})"

    def clean(self):
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("The end date is before the start date.")})


class ClassSession(Orderable):
    training_class = ParentalKey(TrainingClass, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"), null=True, blank=True)
    end_time = models.TimeField(_("ends"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=255, blank=True)

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("start_time"), FieldPanel("end_time")]),
              FieldPanel("topic")]

    class Meta(Orderable.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.topic}".strip()


class ClassRegistration(models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="registrations")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE,
                              related_name="class_registrations")
    registered_at = models.DateTimeField(auto_now_add=True)
    test_passed = models.BooleanField(_("test passed"), null=True, blank=True)
    completion = models.ForeignKey(Completion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["cadre__name_sort_key"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["training_class", "cadre"], name="one_registration_per_class")]

    def __str__(self):
        return f"{self.cadre} · {self.training_class}"


class Attendance(models.Model):
    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="attendance")
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "cadre"], name="one_attendance_per_session")]

    def __str__(self):
        return f"{self.cadre_id} @ {self.session_id}: {'present' if self.present else 'absent'}"


# --- In-site notices and the reminder log (tables created by the competency app) ---------------------


class NoticeKind(models.TextChoices):
    ASSIGNED = "assigned", _("Course assigned")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    CERTIFICATE = "certificate", _("Certificate issued")
    MARKED = "marked", _("Marked")
    REMINDER = "reminder", _("Reminder")


class Notice(models.Model):
    """A message shown to a user in their notification centre; the same key is never sent twice
    (courses.notifications writes them, one per event, e.g. ``overdue:<enrolment>:<due date>``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ktlearn_notices")
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices, default=NoticeKind.REMINDER)
    key = models.CharField(max_length=120)
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "competency_notice"  # the table the competency app created
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_unique_key")]
        # The navbar's unread badge counts (user, read_at IS NULL).
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self):
        return self.text[:60]


class CalendarFeed(models.Model):
    """The private address of a cadre's calendar of due dates (an iCalendar feed a calendar app
    subscribes to without logging in). Whoever knows the token reads the feed, so the cadre can
    draw a new one; the old address then answers 404."""

    cadre = models.OneToOneField(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE,
                                 related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.cadre_id}"


class ReminderLog(models.Model):
    """One reminder sent (to a cadre, or a digest to a manager) on one day: never sent twice."""

    key = models.CharField(max_length=120, unique=True)
    sent_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "competency_reminderlog"  # the table the competency app created
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self):
        return self.key



def _external_training_readable(user, training) -> bool:
    from organization.selectors import cadres_visible_to

    return cadres_visible_to(user).filter(pk=training.cadre_id).exists()


def _certificate_readable(user, certificate) -> bool:
    from organization.selectors import cadres_visible_to

    return cadres_visible_to(user).filter(pk=certificate.completion.cadre_id).exists()


private_files.register("courses.externaltraining", _external_training_readable)
private_files.register("courses.certificate", _certificate_readable)
