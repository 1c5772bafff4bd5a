"""In-person classes and external training in the Wagtail admin, scoped by the unit visibility rule.

- Classes: administrators and trainers reach every class; a unit manager the classes organised by
  units of their subtree; the board sees all, read-only.
- External training: the records of the cadres the user may see (edit: may edit).

The attendance page of a class registers cadres, marks attendance in bulk, downloads and imports
the attendance sheet (.xlsx, all or nothing) and closes the class.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from lms.audit import AuditedCreateMixin, AuditedDeleteMixin, AuditedEditMixin
from lms.uploads import EXTERNAL_TRAINING, validate_upload
from organization.admin.scoped import (
    OrganizationViewSet,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedIndexView,
    forbidden_as_403,
)
from organization.forms import UnitFilterField
from organization.models import Unit
from organization.selectors import cadres_editable_by, units_editable_by

from .. import services
from ..attendance import session_heading, sheet_for
from ..forms import CadreCodesForm
from ..models import Attendance, CoursePage, ExternalTraining, TrainingClass, TrainingPlan, TrainingProvider
from ..permission_policies import class_permission_policy, external_permission_policy, plan_permission_policy
from ..selectors import (
    cadres_registrable_in,
    cadres_to_register,
    class_units_for,
    class_units_without_provider,
    classes_editable_by,
    classes_visible_to,
    external_visible_to,
    providers_for_classes_of,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Forms ------------------------------------------------------------------------------------------


class TrainingClassForm(WagtailAdminModelForm):
    """The unit: one of the user's units or their providers' units. The provider: one the user works for
    (any, for administrators and trainers); required when the unit is not one the user manages, so a
    provider's staff cannot create or leave a class outside their provider."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = class_units_for(self.for_user)
        if self.instance.pk and self.instance.unit_id:
            units = units | Unit.objects.filter(pk=self.instance.unit_id)
        field = self.fields["unit"]
        self.fields["unit"] = UnitFilterField(label=field.label, queryset=units, required=True,
                                              display_queryset=units.order_by("path")[:500])
        self.fields["course"].queryset = CoursePage.objects.live().order_by("path")
        providers = providers_for_classes_of(self.for_user)
        if self.instance.pk and self.instance.provider_id:
            providers = providers | TrainingProvider.objects.filter(pk=self.instance.provider_id)
        self.fields["provider"].queryset = providers.distinct().order_by("name")

    def clean(self):
        cleaned = super().clean()
        unit, provider = cleaned.get("unit"), cleaned.get("provider")
        if unit is not None and provider is None and not class_units_without_provider(self.for_user).filter(
                pk=unit.pk).exists():
            self.add_error("provider", _("Choose the training provider that runs this class."))
        return cleaned


class ExternalTrainingForm(WagtailAdminModelForm):
    cadre_code = forms.CharField(label=gettext_lazy("Cadre code"), max_length=32)

    class Meta:
        model = ExternalTraining
        fields = ["course_name", "provider", "hours", "start_on", "end_on", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["cadre_code"].initial = self.instance.cadre.code

    def clean_cadre_code(self):
        code = self.cleaned_data["cadre_code"].strip()
        cadre = cadres_editable_by(self.for_user).filter(code=code).first()
        if cadre is None:
            raise forms.ValidationError(_("Unknown cadre code, or a cadre outside your units: %(code)s")
                                        % {"code": code})
        self.instance.cadre = cadre
        return code

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        validate_upload(upload, EXTERNAL_TRAINING)
        return upload

    def save(self, commit=True):
        if not self.instance.pk:
            self.instance.entered_by = self.for_user
        return super().save(commit=commit)


# --- Viewsets ---------------------------------------------------------------------------------------


class TrainingClassIndexView(ScopedIndexView):
    # The scoped index reads the policy's queryset (not the viewset's get_queryset): add the list's joins here.
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("course", "provider").annotate(
            registered=Count("registrations"))


class TrainingClassViewSet(OrganizationViewSet):
    model = TrainingClass
    index_view_class = TrainingClassIndexView
    name = "courses_class"
    url_prefix = "courses/classes"
    icon = "group"
    menu_label = gettext_lazy("In-person classes")
    add_to_admin_menu = True
    menu_order = 260
    permission_policy = class_permission_policy
    template_prefix = ""
    search_fields = ["title", "venue"]
    search_backend_name = None
    ordering = "-start_on"
    inspect_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("course"),
            FieldPanel("title"),
            FieldPanel("provider"),
            FieldPanel("unit"),
            FieldRowPanel([FieldPanel("start_on"), FieldPanel("end_on")]),
            FieldPanel("venue"),
            FieldPanel("trainer_name"),
            FieldRowPanel([FieldPanel("capacity"), FieldPanel("attendance_threshold")]),
            FieldPanel("requires_test"),
            InlinePanel("sessions", label=gettext_lazy("Sessions"), heading=gettext_lazy("Sessions"), min_num=1),
        ],
        base_form_class=TrainingClassForm,
    )

    @property
    def list_display(self):
        return [
            "title",
            Column("course", label=gettext_lazy("Course"), accessor="course.title"),
            Column("provider", label=gettext_lazy("Training provider"), accessor="provider"),
            Column("start_on", label=gettext_lazy("From"), sort_key="start_on"),
            Column("registered", label=gettext_lazy("Registered"), accessor="registered"),
            TitleColumn("attendance", label=gettext_lazy("Attendance"),
                        accessor=lambda obj: gettext_lazy("Registration and attendance"),
                        get_url=lambda obj: reverse("courses_class_attendance", args=[obj.pk])),
        ]

    def get_queryset(self, request):
        return classes_visible_to(request.user).select_related("course", "provider").annotate(
            registered=Count("registrations"))


class _ExternalTrainingAudit:
    audit_fields = services.EXTERNAL_FIELDS
    audit_actions = {"create": "ktlearn.external.create", "change": "ktlearn.external.change",
                     "delete": "ktlearn.external.delete"}


class ExternalTrainingCreateView(_ExternalTrainingAudit, AuditedCreateMixin, ScopedCreateView):
    pass


class ExternalTrainingEditView(_ExternalTrainingAudit, AuditedEditMixin, ScopedEditView):
    pass


class ExternalTrainingDeleteView(_ExternalTrainingAudit, AuditedDeleteMixin, ScopedDeleteView):
    pass


class ExternalTrainingViewSet(OrganizationViewSet):
    """Every add, change and delete is audited (lms.audit) with the values before and after."""

    model = ExternalTraining
    add_view_class = ExternalTrainingCreateView
    edit_view_class = ExternalTrainingEditView
    delete_view_class = ExternalTrainingDeleteView
    name = "courses_external"
    url_prefix = "courses/external-training"
    icon = "doc-full"
    menu_label = gettext_lazy("Training elsewhere")
    add_to_admin_menu = True
    menu_order = 261
    permission_policy = external_permission_policy
    template_prefix = ""
    search_fields = ["course_name", "provider", "cadre__full_name", "cadre__code"]
    search_backend_name = None
    ordering = "-end_on"
    inspect_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel("cadre_code"), FieldPanel("course_name"), FieldPanel("provider"), FieldPanel("hours"),
         FieldRowPanel([FieldPanel("start_on"), FieldPanel("end_on")]), FieldPanel("file")],
        base_form_class=ExternalTrainingForm,
    )
    list_display = [
        "course_name",
        Column("cadre", label=gettext_lazy("Cadre"), accessor="cadre.full_name"),
        "provider",
        "hours",
        Column("end_on", label=gettext_lazy("Until"), sort_key="end_on"),
    ]

    def get_queryset(self, request):
        return external_visible_to(request.user).select_related("cadre")


class TrainingProviderForm(WagtailAdminModelForm):
    def _save_m2m(self):
        super()._save_m2m()
        services.provider_staff_sync(provider=self.instance)


class TrainingProviderViewSet(ModelViewSet):
    """Providers are kept by administrators (model permissions); their staff run the providers' classes."""

    model = TrainingProvider
    name = "courses_provider"
    url_prefix = "courses/providers"
    icon = "group"
    menu_label = gettext_lazy("Training providers")
    add_to_admin_menu = True
    menu_order = 262
    search_fields = ["name"]
    search_backend_name = None
    inspect_view_enabled = False
    copy_view_enabled = False
    add_to_reference_index = False
    list_display = ["name", Column("kind", label=gettext_lazy("Kind"), accessor="get_kind_display"),
                    Column("unit", label=gettext_lazy("Unit"), accessor="unit")]
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("kind"), FieldPanel("unit"), FieldPanel("staff")],
        base_form_class=TrainingProviderForm,
    )

    def get_queryset(self, request):
        return TrainingProvider.objects.select_related("unit")


class TrainingPlanForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_editable_by(self.for_user)
        if self.instance.pk and self.instance.unit_id:
            units = units | Unit.objects.filter(pk=self.instance.unit_id)
        field = self.fields["unit"]
        self.fields["unit"] = UnitFilterField(label=field.label, queryset=units, required=True,
                                              display_queryset=units.order_by("path")[:500])
        # The items' choices: live courses and the classes the user may see. Set on the formset's form
        # class, so the empty form the "add item" button copies has them too.
        courses = CoursePage.objects.live().order_by("path")
        classes = classes_visible_to(self.for_user).order_by("-start_on")
        formset = self.formsets["items"]

        class ItemForm(formset.form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["course"].queryset = courses
                self.fields["training_class"].queryset = classes

        formset.form = ItemForm
        for form in formset.__dict__.get("forms", ()):
            form.fields["course"].queryset = courses
            form.fields["training_class"].queryset = classes


class TrainingPlanIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit").annotate(item_count=Count("items"))


class TrainingPlanViewSet(OrganizationViewSet):
    """A unit's annual training plan, in its subtree's scope; plan vs done is on the board
    (targets:plans)."""

    model = TrainingPlan
    index_view_class = TrainingPlanIndexView
    name = "courses_plan"
    url_prefix = "courses/plans"
    icon = "date"
    menu_label = gettext_lazy("Training plans")
    add_to_admin_menu = True
    menu_order = 263
    permission_policy = plan_permission_policy
    template_prefix = ""
    search_fields = ["unit__name"]
    search_backend_name = None
    ordering = "-year"
    inspect_view_enabled = False
    list_display = [
        Column("unit", label=gettext_lazy("Unit"), accessor="unit.name"),
        Column("year", label=gettext_lazy("Year"), sort_key="year"),
        Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
        Column("items", label=gettext_lazy("Items"), accessor="item_count"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("unit"),
            FieldRowPanel([FieldPanel("year"), FieldPanel("status")]),
            FieldPanel("note"),
            InlinePanel("items", label=gettext_lazy("Items"), heading=gettext_lazy("Items"), min_num=1,
                        panels=[FieldRowPanel([FieldPanel("course"), FieldPanel("training_class")]),
                                FieldPanel("positions"),
                                FieldRowPanel([FieldPanel("planned_quarter"), FieldPanel("planned_month"),
                                               FieldPanel("planned_count")])]),
        ],
        base_form_class=TrainingPlanForm,
    )



# --- The attendance page -----------------------------------------------------------------------------


class RegisterForm(CadreCodesForm):
    """Register cadres in a class by their codes."""


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Attendance sheet (.xlsx)"))


def _editable_class(request, pk) -> TrainingClass:
    training_class = get_object_or_404(
        classes_visible_to(request.user).select_related("course", "unit", "provider"), pk=pk)
    if not classes_editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return training_class


def _attendance_context(training_class, *, user=None, query="", **extra):
    sessions = list(training_class.sessions.order_by("date", "start_time", "pk"))
    registrations = list(training_class.registrations.select_related("cadre", "cadre__unit")
                         .order_by("cadre__name_sort_key"))
    present = set(Attendance.objects.filter(session__training_class=training_class, present=True)
                  .values_list("session_id", "cadre_id"))
    rows = []
    for registration in registrations:
        marks = [(session, (session.pk, registration.cadre_id) in present) for session in sessions]
        attended = sum(1 for _session, mark in marks if mark)
        rows.append({"registration": registration, "marks": marks,
                     "percent": round(100 * attended / len(sessions)) if sessions else 0})
    return {
        "training_class": training_class,
        "sessions": [(s, session_heading(s, sessions)) for s in sessions],
        "rows": rows,
        "register_form": extra.pop("register_form", None) or RegisterForm(),
        "import_form": extra.pop("import_form", None) or ImportForm(),
        "query": query,
        "found": cadres_to_register(user, training_class, query) if user is not None and query else [],
        **extra,
    }


@forbidden_as_403
def class_attendance(request, pk):
    """GET: the sheet. POST: the ticked boxes are present, the others absent; test results too."""
    training_class = _editable_class(request, pk)
    if request.method == "POST":
        cadre_ids = set(training_class.registrations.values_list("cadre_id", flat=True))
        session_ids = list(training_class.sessions.values_list("pk", flat=True))
        ticked = set(request.POST.getlist("present"))
        marks = {(s, c): f"{s}:{c}" in ticked for s in session_ids for c in cadre_ids}
        try:
            services.attendance_save(training_class=training_class, marks=marks, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            passed = {int(v) for v in request.POST.getlist("test_passed") if v.isdigit()}
            if training_class.requires_test:
                for registration in training_class.registrations.all():
                    value = registration.cadre_id in passed
                    if registration.test_passed != value:
                        registration.test_passed = value
                        registration.save(update_fields=["test_passed"])
            messages.success(request, _("Attendance saved."))
        return redirect("courses_class_attendance", pk=pk)
    return render(request, "courses/admin/class_attendance.html",
                  _attendance_context(training_class, user=request.user, query=request.GET.get("q", "")))


@forbidden_as_403
def class_register(request, pk):
    training_class = _editable_class(request, pk)
    if request.method != "POST":
        return redirect("courses_class_attendance", pk=pk)
    form = RegisterForm(request.POST, cadres=cadres_registrable_in(request.user, training_class))
    if form.is_valid():
        try:
            created = services.class_register(training_class=training_class, cadres=form.cleaned_data["cadre_codes"],
                                              by=request.user)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, str(error) if isinstance(error, PermissionDenied) else error)
        else:
            messages.success(request, ngettext("%(count)d cadre registered.", "%(count)d cadres registered.",
                                               len(created)) % {"count": len(created)})
            return redirect("courses_class_attendance", pk=pk)
    return render(request, "courses/admin/class_attendance.html",
                  _attendance_context(training_class, register_form=form), status=400)


@forbidden_as_403
def class_attendance_sheet(request, pk):
    training_class = _editable_class(request, pk)
    response = HttpResponse(sheet_for(training_class), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="diem-danh-lop-{training_class.pk}.xlsx"'
    return response


@forbidden_as_403
def class_attendance_import(request, pk):
    training_class = _editable_class(request, pk)
    if request.method != "POST":
        return redirect("courses_class_attendance", pk=pk)
    form = ImportForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        errors = services.attendance_import(training_class=training_class, upload=form.cleaned_data["file"],
                                            by=request.user)
        if not errors:
            messages.success(request, _("Attendance imported."))
            return redirect("courses_class_attendance", pk=pk)
    return render(request, "courses/admin/class_attendance.html",
                  _attendance_context(training_class, import_form=form, import_errors=errors), status=400)


@forbidden_as_403
def class_complete(request, pk):
    training_class = _editable_class(request, pk)
    if request.method != "POST":
        return redirect("courses_class_attendance", pk=pk)
    try:
        result = services.class_complete(training_class=training_class, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Class closed: %(done)d completed the course, %(not_met)d did not meet the "
                                    "attendance or test requirement.")
                         % {"done": len(result.completed), "not_met": len(result.not_met)})
    return redirect("courses_class_attendance", pk=pk)
