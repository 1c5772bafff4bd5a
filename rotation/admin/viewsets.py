"""The rotation register and the rotation plans in the Wagtail admin.

Scoped like the rest of the organization admin (organization.admin.scoped): every view asks the
model's permission policy, so a rotation outside the user's scope (neither its from- nor its
to-unit in a manager's subtree) is a 404 and an action the user may not take a 403. Writes go
through the rotation services, whose refusals are shown on the form and write nothing.
"""


import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets import AdminDateInput
from wagtail.log_actions import log

from organization import selectors as unit_selectors
from organization.admin.scoped import (
    OrganizationViewSet,
    ScopedActionView,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    SpreadsheetIndexView,
    forbidden_as_403,
)
from organization.admin.views import SpreadsheetPreviewView, SpreadsheetUploadView
from organization.admin.viewsets import UnitTreeFilter
from organization.forms import SpreadsheetImportForm, UnitChoiceField
from organization.models import ImportUpload, Position, Unit

from .. import imports as rotations
from .. import selectors, services
from ..models import Rotation, RotationDirection, RotationPlan, RotationStatus
from ..permission_policies import rotation_permission_policy

TEMPLATES = "rotation/admin/"
INSPECTION_DEPTH = 3


def _fmt(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


# ---------------------------------------------------------------------------------------------
# The register


def _year_choices():
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year + 1, this_year - 15, -1)]


def _visible_units(request):
    return unit_selectors.units_visible_to(request.user).order_by("path")


class RotationFilterSet(WagtailFilterSet):
    year = django_filters.TypedChoiceFilter(
        label=gettext_lazy("Start year"), choices=_year_choices, coerce=int, method="filter_year"
    )
    direction = django_filters.ChoiceFilter(
        label=gettext_lazy("Direction"), choices=RotationDirection.choices, widget=forms.RadioSelect
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=RotationStatus.choices, widget=forms.RadioSelect
    )
    unit = UnitTreeFilter(label=gettext_lazy("Unit (from or to)"), queryset=_visible_units, method="filter_unit")
    alert = django_filters.ChoiceFilter(
        label=gettext_lazy("Alerts"),
        choices=[("ending", gettext_lazy("Ending within 90 days")), ("overdue", gettext_lazy("Overdue return"))],
        method="filter_alert",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Rotation
        fields = ["direction", "status"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_date__year=value) if value else queryset

    def filter_unit(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(from_unit__path__startswith=value.path) | Q(to_unit__path__startswith=value.path))

    def filter_alert(self, queryset, name, value):
        today = timezone.localdate()
        if value == "ending":
            return selectors.rotations_ending_soon(queryset, on=today)
        if value == "overdue":
            return selectors.rotations_overdue(queryset, on=today)
        return queryset


class StatusColumn(Column):
    cell_template_name = TEMPLATES + "status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["overdue"] = instance.is_overdue(timezone.localdate())
        return context


class RotationIndexView(SpreadsheetIndexView):
    import_url_name = "rotation_import"
    export_filename = "luan-chuyen"

    def can_import(self) -> bool:
        return can_import_rotations(self.request.user)

    def workbook(self, queryset) -> bytes:
        return rotations.rotations_workbook(queryset)

    def get_base_queryset(self):
        return self.scoped_queryset().select_related(
            "cadre", "from_unit", "from_position", "to_unit", "to_position"
        )



class CadreCodeField(forms.ModelChoiceField):
    """A cadre typed by code (a province has thousands: no select list)."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(
            to_field_name="code",
            error_messages={"invalid_choice": gettext_lazy("No cadre with this code among the cadres you can see.")},
            **kwargs,
        )

    def prepare_value(self, value):
        return value.code if hasattr(value, "code") else value


LOCKED_AFTER_START = ("cadre", "direction", "from_unit", "from_position", "from_post_title", "to_unit", "to_position",
                      "to_post_title", "start_date")


class RotationAdminForm(WagtailAdminModelForm):
    """A rotation's record. Units are listed as the tree (all of them: a cadre may be rotated
    anywhere; the services check that one end is in a manager's subtree and the destination is
    open). Once started, the fields already written into the position history are read-only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["cadre"] = CadreCodeField(
            queryset=unit_selectors.cadres_visible_to(user).select_related("unit", "position"),
            label=capfirst(Rotation._meta.get_field("cadre").verbose_name),
            help_text=_("The cadre's code, e.g. HD-CB-00123."),
        )
        if self.instance.pk:
            self.initial["cadre"] = self.instance.cadre.code
        for name in ("from_unit", "to_unit"):
            field = self.fields[name]
            # Inspection committees sit at the province, its bodies and the grassroots committees
            # (not in cells): list those levels, plus the unit already recorded.
            units = Unit.objects.filter(depth__lte=INSPECTION_DEPTH)
            current = getattr(self.instance, f"{name}_id", None)
            if current:
                units = units | Unit.objects.filter(pk=current)
            self.fields[name] = UnitChoiceField(
                queryset=units.order_by("path"), label=field.label, required=False, help_text=field.help_text
            )
        if self.instance.pk and self.instance.status != RotationStatus.PLANNED:
            for name in LOCKED_AFTER_START:
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        # Out of / within the sector with no from-post: the services default it to the cadre's
        # current post; fill it in now so the model's own check sees it.
        cadre = cleaned.get("cadre")
        if (
            cadre is not None and not self.instance.pk
            and cleaned.get("direction") in (RotationDirection.OUT, RotationDirection.WITHIN)
            and not cleaned.get("from_unit") and not cleaned.get("from_position")
        ):
            cleaned["from_unit"], cleaned["from_position"] = cadre.unit, cadre.position
            self.instance.from_unit, self.instance.from_position = cadre.unit, cadre.position
        return cleaned


def _service_fields(form) -> dict:
    data = {name: form.cleaned_data[name] for name in services.ROTATION_FIELDS if name in form.cleaned_data}
    upload = data.get("decision_file")
    if upload is False:  # "clear" ticked
        data["decision_file"] = ""
    elif not upload:
        data.pop("decision_file", None)
    return data


class ServiceRefusalMixin:
    """A service refusing the write (ValidationError, or PermissionDenied for another manager's
    units) is shown on the form; nothing is saved."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You can only record rotations into or out of the units you manage."))
        except ValidationError as exc:
            form.add_error(None, exc)
        self.produced_error_message = self.get_error_message()
        return self.form_invalid(form)

    def get_success_message(self, *args):
        message = super().get_success_message(*args)
        rotation = self.object
        if message and rotation.short_service_left:
            message = f"{message} " + _(
                "Note: %(cadre)s has fewer than 10 years of service left (QĐ 65-QĐ/TW)."
            ) % {"cadre": rotation.cadre.full_name}
        return message

    def get_success_url(self):
        return reverse("rotation_rotation:inspect", args=[self.object.pk])


class RotationCreateView(ServiceRefusalMixin, ScopedCreateView):
    def save_instance(self):
        data = _service_fields(self.form)
        rotation = services.rotation_create(by=self.request.user, **data)
        log(instance=rotation, action="wagtail.create", content_changed=True, data={"cadre_id": rotation.cadre_id})
        return rotation


class RotationEditView(ServiceRefusalMixin, ScopedEditView):
    def save_instance(self):
        data = _service_fields(self.form)
        rotation = services.rotation_update(by=self.request.user, rotation=self.object, **data)
        log(instance=rotation, action="wagtail.edit", content_changed=True, data={"cadre_id": rotation.cadre_id})
        return rotation


class RotationDeleteView(ScopedDeleteView):
    def refuse_reason(self):
        if self.object.status in (RotationStatus.IN_PROGRESS, RotationStatus.COMPLETED):
            return _("“%(rotation)s” has been started and is part of the position history: it cannot be deleted.") % {
                "rotation": self.object
            }
        return None


class RotationInspectView(ScopedInspectView):
    def get_object(self, queryset=None):
        obj = get_object_or_404(
            self.scoped_queryset().select_related("cadre", "from_unit", "from_position", "to_unit", "to_position"),
            pk=self.pk,
        )
        return self.check_object(obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rotation = self.object
        context["rotation"] = rotation
        context["overdue"] = rotation.is_overdue(timezone.localdate())
        context["assignments"] = rotation.cadre.assignments.select_related("unit", "position").order_by("-start_date")
        context["actions"] = _actions_for(self.request.user, rotation, self.permission_policy)
        return context


def _actions_for(user, rotation, policy) -> list[tuple[str, str]]:
    if not policy.user_has_permission_for_instance(user, "change", rotation):
        return []
    actions = []
    if rotation.status == RotationStatus.PLANNED:
        actions.append((_("Start"), reverse("rotation_rotation:start", args=[rotation.pk])))
        actions.append((_("Cancel the rotation"), reverse("rotation_rotation:cancel", args=[rotation.pk])))
    elif rotation.status == RotationStatus.IN_PROGRESS:
        actions.append((_("Complete"), reverse("rotation_rotation:complete", args=[rotation.pk])))
    return actions


# --- Start / complete / cancel -----------------------------------------------------------------


class RotationStartForm(forms.Form):
    pass


class RotationCompleteForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Actual end (last day)"), widget=AdminDateInput,
                         help_text=gettext_lazy("The cadre's next post starts the day after."))
    unit = UnitChoiceField(label=gettext_lazy("New placement: unit"), queryset=Unit.objects.none(), required=False)
    position = forms.ModelChoiceField(label=gettext_lazy("New placement: position"), queryset=Position.objects.all(),
                                      required=False)

    def __init__(self, *args, rotation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True, depth__lte=INSPECTION_DEPTH).order_by("path")
        self.fields["on"].initial = min(timezone.localdate(), rotation.planned_end)
        if rotation.direction == RotationDirection.INTO:
            self.fields["unit"].help_text = _("Empty: the cadre returns to work outside inspection (status “left”).")
        else:
            self.fields["unit"].help_text = _("Empty: the cadre returns to %(post)s.") % {"post": rotation.from_label}


class RotationCancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=255)


class RotationActionView(ScopedActionView):
    model = Rotation
    header_icon = "resubmit"

    def get_object_queryset(self):
        return self.scoped_queryset().select_related("cadre", "from_unit", "from_position", "to_unit", "to_position")

    def return_url(self):
        return reverse("rotation_rotation:inspect", args=[self.object.pk])

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("rotation_rotation:index"), "label": capfirst(Rotation._meta.verbose_name_plural)},
            {"url": self.return_url(), "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]


class RotationStartView(RotationActionView):
    form_class = RotationStartForm
    page_title = gettext_lazy("Start the rotation")
    submit_button_label = gettext_lazy("Start")

    def get_explanation(self):
        rotation = self.object
        if rotation.direction == RotationDirection.OUT:
            return _(
                "%(cadre)s's post %(post)s ends on the day before %(date)s and their status becomes “rotated”."
            ) % {"cadre": rotation.cadre.full_name, "post": rotation.from_label, "date": _fmt(rotation.start_date)}
        return _("From %(date)s, %(cadre)s's position history shows %(post)s, and the courses this post requires are "
                 "assigned, due counted from that day.") % {
            "cadre": rotation.cadre.full_name, "post": rotation.to_label, "date": _fmt(rotation.start_date)}

    def perform(self, form):
        started = services.rotation_start(by=self.request.user, rotation=self.object)
        log(instance=started.rotation, action="wagtail.edit", content_changed=True,
            data={"cadre_id": started.rotation.cadre_id})
        return _("The rotation of %(cadre)s has started; %(count)s required course(s) assigned.") % {
            "cadre": self.object.cadre.full_name, "count": len(started.enrollments)}


class RotationCompleteView(RotationActionView):
    form_class = RotationCompleteForm
    page_title = gettext_lazy("Complete the rotation")
    submit_button_label = gettext_lazy("Complete")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rotation": self.object}

    def perform(self, form):
        data = form.cleaned_data
        rotation = services.rotation_complete(by=self.request.user, rotation=self.object, on=data["on"],
                                              unit=data.get("unit"), position=data.get("position"))
        log(instance=rotation, action="wagtail.edit", content_changed=True, data={"cadre_id": rotation.cadre_id})
        return _("The rotation of %(cadre)s is completed.") % {"cadre": self.object.cadre.full_name}


class RotationCancelView(RotationActionView):
    form_class = RotationCancelForm
    page_title = gettext_lazy("Cancel the rotation")
    submit_button_label = gettext_lazy("Cancel the rotation")

    def get_explanation(self):
        return _("A cancelled rotation stays in the register; nothing else changes.")

    def perform(self, form):
        rotation = services.rotation_cancel(by=self.request.user, rotation=self.object,
                                            reason=form.cleaned_data.get("reason") or "")
        log(instance=rotation, action="wagtail.edit", content_changed=True, data={"cadre_id": rotation.cadre_id})
        return _("The rotation of %(cadre)s is cancelled.") % {"cadre": self.object.cadre.full_name}


class RotationViewSet(OrganizationViewSet):
    model = Rotation
    name = "rotation_rotation"
    url_prefix = "organization/rotations"
    icon = "resubmit"
    menu_label = gettext_lazy("Rotation register")
    index_view_class = RotationIndexView
    add_view_class = RotationCreateView
    edit_view_class = RotationEditView
    delete_view_class = RotationDeleteView
    inspect_view_class = RotationInspectView
    filterset_class = RotationFilterSet
    search_fields = ["cadre__full_name", "cadre__code", "decision_number"]
    search_backend_name = None
    ordering = "-start_date"
    list_per_page = 50
    inspect_template_name = TEMPLATES + "inspect.html"
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("cadre"), FieldPanel("direction"), FieldPanel("legal_basis")],
                heading=gettext_lazy("Cadre and basis"),
            ),
            MultiFieldPanel(
                [FieldPanel("from_unit"), FieldPanel("from_position"), FieldPanel("from_post_title")],
                heading=gettext_lazy("From"),
            ),
            MultiFieldPanel(
                [FieldPanel("to_unit"), FieldPanel("to_position"), FieldPanel("to_post_title")],
                heading=gettext_lazy("To"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("decision_number"), FieldPanel("decision_date")]),
                    FieldPanel("decision_issuer"),
                    FieldPanel("decision_file"),
                ],
                heading=gettext_lazy("Decision"),
            ),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("start_date"), FieldPanel("planned_end")])],
                heading=gettext_lazy("Term"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("in_succession_plan"),
                    FieldPanel("years_of_service_left"),
                    FieldPanel("equivalent_position"),
                ],
                heading=gettext_lazy("QĐ 65-QĐ/TW conditions"),
            ),
            FieldPanel("notes"),
        ],
        base_form_class=RotationAdminForm,
    )

    @property
    def list_display(self):
        field = Rotation._meta.get_field
        return [
            "cadre",
            Column("direction", label=capfirst(field("direction").verbose_name), accessor="get_direction_display",
                   sort_key="direction"),
            Column("from_label", label=gettext_lazy("From")),
            Column("to_label", label=gettext_lazy("To")),
            Column("start_date", label=capfirst(field("start_date").verbose_name), sort_key="start_date",
                   accessor=lambda r: _fmt(r.start_date)),
            Column("planned_end", label=capfirst(field("planned_end").verbose_name), sort_key="planned_end",
                   accessor=lambda r: _fmt(r.planned_end)),
            Column("decision_number", label=capfirst(field("decision_number").verbose_name)),
            StatusColumn("status", label=capfirst(field("status").verbose_name), sort_key="status"),
        ]

    @property
    def start_view(self):
        return self.construct_view(RotationStartView)

    @property
    def complete_view(self):
        return self.construct_view(RotationCompleteView)

    @property
    def cancel_view(self):
        return self.construct_view(RotationCancelView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("start/<int:pk>/", self.start_view, name="start"),
            path("complete/<int:pk>/", self.complete_view, name="complete"),
            path("cancel/<int:pk>/", self.cancel_view, name="cancel"),
        ]


# ---------------------------------------------------------------------------------------------
# Plans


class RotationPlanForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        self.fields["unit"] = UnitChoiceField(
            queryset=unit_selectors.units_visible_to(self.for_user).filter(depth__lte=3).order_by("path")
            | Unit.objects.filter(pk=self.instance.unit_id or 0),
            label=field.label,
        )

    def is_valid(self):
        # The lines are only cleaned once the form and its formsets are: check repeats after that.
        if not super().is_valid():
            return False
        seen = set()
        for form in self.formsets["lines"].forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not data.get("direction"):
                continue
            key = (data["direction"], data.get("position"))
            if key in seen:
                self.add_error(None, _("Each direction and position may appear only once in a plan."))
                return False
            seen.add(key)
        return True


class PlanProgressColumn(Column):
    cell_template_name = TEMPLATES + "plan_progress_cell.html"


class RotationPlanIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return self.scoped_queryset().select_related("unit").prefetch_related("lines__position")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plans = list(context["object_list"])
        progress = selectors.rotation_plan_progress(plans)
        for plan in plans:
            plan.progress = progress[plan.pk]
            plan.planned_total, plan.done_total = selectors.rotation_plan_totals(plan.progress)
        return context


class RotationPlanInspectView(ScopedInspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        context["plan"] = plan
        context["progress"] = selectors.rotation_plan_progress([plan])[plan.pk]
        return context


class RotationPlanViewSet(OrganizationViewSet):
    model = RotationPlan
    name = "rotation_rotationplan"
    url_prefix = "organization/rotation-plans"
    icon = "calendar-alt"
    index_view_class = RotationPlanIndexView
    inspect_view_class = RotationPlanInspectView
    inspect_template_name = TEMPLATES + "plan_inspect.html"
    ordering = ["-year", "unit__path"]
    list_per_page = 50
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("year"), FieldPanel("unit")]),
            FieldPanel("notes"),
            InlinePanel("lines", label=gettext_lazy("Planned rotations"), heading=gettext_lazy("Planned rotations"),
                        panels=[FieldPanel("direction"), FieldPanel("position"), FieldPanel("planned_count")]),
        ],
        base_form_class=RotationPlanForm,
    )

    @property
    def list_display(self):
        return [
            "unit",
            Column("year", label=capfirst(RotationPlan._meta.get_field("year").verbose_name), sort_key="year"),
            PlanProgressColumn("progress", label=gettext_lazy("Done / planned")),
        ]


class RotationViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Rotations")
    menu_icon = "resubmit"
    menu_order = 260
    submenu_hook = "register_rotation_menu_item"
    items = (RotationViewSet, RotationPlanViewSet)


# ---------------------------------------------------------------------------------------------
# Import (upload -> preview -> confirm), on organization.imports' machinery


def can_import_rotations(user) -> bool:
    """The board, administrators and managers who may record rotations."""

    return user.is_authenticated and rotation_permission_policy.user_has_permission(user, "add")


def prepare_report(user, filename: str, data: bytes) -> rotations.ImportReport:
    def build_context(rows):
        return selectors.rotation_import_context(
            user=user,
            cadre_codes={rotations.cell_text(r.values.get("cadre_code")) for r in rows},
            unit_codes={rotations.cell_text(r.values.get(key)) for r in rows
                        for key in ("from_unit_code", "to_unit_code")},
        )

    return rotations.prepare(filename, data, max_bytes=settings.KTLEARN_IMPORT_MAX_BYTES, build_context=build_context)


class RotationImportForm(SpreadsheetImportForm):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An .xlsx file with one rotation per row, laid out like the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class RotationImport:
    kind = ImportUpload.Kind.ROTATIONS
    model = Rotation
    index_url_name = "rotation_rotation:index"
    upload_url_name = "rotation_import"
    preview_url_name = "rotation_import_preview"
    template_url_name = "rotation_import_template"
    columns = rotations.COLUMNS
    allowed = staticmethod(can_import_rotations)
    prepare = staticmethod(prepare_report)


class RotationImportView(RotationImport, SpreadsheetUploadView):
    form_class = RotationImportForm
    template_name = TEMPLATES + "import.html"
    page_title = gettext_lazy("Import rotations")


class RotationImportPreviewView(RotationImport, SpreadsheetPreviewView):
    template_name = TEMPLATES + "import_preview.html"
    page_title = gettext_lazy("Check the rotation import")

    def counts(self, report, valid) -> dict:
        return {**super().counts(report, valid), "create": report.count(rotations.CREATE),
                "unchanged": report.count(rotations.UNCHANGED), "warnings": sum(1 for r in valid if r.warnings)}

    def write(self, report):
        try:
            result = services.rotation_import(by=self.request.user, rows=report.valid_rows, upload=self.upload)
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            return self.invalid(report, _("Nothing was imported: %(error)s") % {"error": text})
        self.upload.delete()
        messages.success(
            self.request,
            _("Import finished: %(created)s rotations added, %(unchanged)s already in the register.")
            % {"created": result.created, "unchanged": result.unchanged},
        )
        return redirect("rotation_rotation:index")


def rotation_import_template(request):
    if not can_import_rotations(request.user):
        raise PermissionDenied
    response = HttpResponse(rotations.template_workbook(), content_type=rotations.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-luan-chuyen.xlsx"'
    return response


def admin_urls():
    return [
        path("organization/rotation-import/", forbidden_as_403(RotationImportView.as_view()),
             name="rotation_import"),
        path("organization/rotation-import/template.xlsx", forbidden_as_403(rotation_import_template),
             name="rotation_import_template"),
        path("organization/rotation-import/<str:token>/", forbidden_as_403(RotationImportPreviewView.as_view()),
             name="rotation_import_preview"),
    ]


# ---------------------------------------------------------------------------------------------
# Dashboard


class RotationAlertsPanel(Component):
    """On the admin dashboard: rotations ending within 90 days and overdue returns, in the user's
    scope (two queries; nothing shown when there is nothing to say or the user cannot see rotations)."""

    name = "rotation_alerts"
    template_name = TEMPLATES + "home_panel.html"
    order = 110
    LIMIT = 8

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        today = timezone.localdate()
        alerts = selectors.rotation_alerts(user=self.user, on=today)
        index = reverse("rotation_rotation:index")
        context.update(
            ending=alerts["ending"][: self.LIMIT], ending_count=len(alerts["ending"]),
            overdue=alerts["overdue"][: self.LIMIT], overdue_count=len(alerts["overdue"]),
            ending_url=f"{index}?alert=ending", overdue_url=f"{index}?alert=overdue", today=today,
            overview_url=reverse("rotation:overview"),
        )
        return context

    def render_html(self, parent_context=None):
        return super().render_html(parent_context or {})
