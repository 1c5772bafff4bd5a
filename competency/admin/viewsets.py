"""The competency app's Wagtail admin: viewsets, forms and admin views (registered in wagtail_hooks.py)."""

from django.contrib import messages
from django.forms import modelform_factory
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from lms.audit import AuditedDeleteMixin, AuditedEditMixin
from organization import roles
from organization.selectors import cadres_editable_by

from ..forms import EvidenceCorrectionForm, EvidenceForm, FrameworkForm, FrameworkPartForm
from ..models import Area, Competency, Evidence, Framework, ProficiencyLevel, Requirement
from ..services import EVIDENCE_FIELDS, IN_USE_MESSAGE, framework_in_use


class InUseDeleteView(DeleteView):
    """Deleting a version in use, or a part of one, is refused: make a new version instead."""

    def post(self, request, *args, **kwargs):
        framework = self.object if isinstance(self.object, Framework) else self.object.framework
        if framework_in_use(framework):
            messages.error(request, IN_USE_MESSAGE)
            return redirect(self.get_success_url())
        return super().post(request, *args, **kwargs)


class BaseFormMixin:
    base_form_class = None

    def get_form_class(self, for_update=False):
        return modelform_factory(self.model, form=self.base_form_class, formfield_callback=self.formfield_for_dbfield,
                                 fields=self.get_form_fields())


class FrameworkPartViewSet(BaseFormMixin, ModelViewSet):
    base_form_class = FrameworkPartForm
    delete_view_class = InUseDeleteView


class FrameworkIndexView(IndexView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("competency.add_framework"):
            buttons.append(HeaderButton(_("Import .xlsx"), url=reverse("competency_framework_import"),
                                        icon_name="upload"))
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(MenuItem(_("Export .xlsx"), url=reverse("competency_framework_export", args=[instance.pk]),
                                icon_name="download", priority=40))
        if not instance.is_active and self.request.user.has_perm("competency.change_framework"):
            buttons.append(MenuItem(_("Activate"), url=reverse("competency_framework_activate", args=[instance.pk]),
                                    icon_name="tick", priority=5))
        if self.request.user.has_perm("competency.add_framework"):
            buttons.append(MenuItem(_("New version from this one"),
                                    url=reverse("competency_framework_new_version", args=[instance.pk]),
                                    icon_name="copy", priority=6))
        return buttons


class FrameworkViewSet(BaseFormMixin, ModelViewSet):
    model = Framework
    name = "competency_framework"
    url_prefix = "competency/frameworks"
    icon = "list-ul"
    menu_label = _("Framework versions")
    index_view_class = FrameworkIndexView
    base_form_class = FrameworkForm
    delete_view_class = InUseDeleteView
    list_display = ["name", "version", BooleanColumn("is_active", label=_("Active")), "effective_from"]
    form_fields = ["name", "version", "effective_from", "notes"]
    search_fields = ["name", "version"]


class ProficiencyLevelViewSet(FrameworkPartViewSet):
    model = ProficiencyLevel
    name = "competency_level"
    url_prefix = "competency/levels"
    icon = "pick"
    menu_label = _("Proficiency scale")
    list_display = ["level", "name", "framework"]
    list_filter = ["framework"]
    form_fields = ["framework", "level", "name", "descriptor"]


class AreaViewSet(FrameworkPartViewSet):
    model = Area
    name = "competency_area"
    url_prefix = "competency/areas"
    icon = "folder-open-inverse"
    menu_label = _("Areas")
    list_display = ["code", "name", "framework", "order"]
    list_filter = ["framework"]
    form_fields = ["framework", "code", "name", "order"]
    search_fields = ["code", "name"]


class CompetencyViewSet(FrameworkPartViewSet):
    model = Competency
    name = "competency_competency"
    url_prefix = "competency/competencies"
    icon = "tasks"
    menu_label = _("Competencies")
    list_display = ["code", "name", "area", "framework"]
    list_filter = ["framework", "area"]
    form_fields = ["framework", "area", "code", "name", "description", "order"]
    search_fields = ["code", "name"]
    list_per_page = 50


class RequirementViewSet(FrameworkPartViewSet):
    model = Requirement
    name = "competency_requirement"
    url_prefix = "competency/requirements"
    icon = "list-ol"
    menu_label = _("Requirements")
    list_display = ["position", "competency", "unit_kind", "required_level", "framework"]
    list_filter = ["framework", "position", "unit_kind", "competency__area"]
    form_fields = ["framework", "competency", "position", "unit_kind", "required_level"]
    list_per_page = 50

    def get_queryset(self, request):
        return Requirement.objects.select_related("position", "competency", "framework")


class _EvidenceAudit:
    audit_fields = EVIDENCE_FIELDS
    audit_actions = {"change": "ktlearn.evidence.change", "delete": "ktlearn.evidence.delete"}


class EvidenceCreateView(CreateView):
    def save_instance(self):
        # evidence_record (called by the form) audits the new evidence; no second wagtail.create entry.
        self.action_class(self.form.instance, user=self.request.user, form=self.form, log_action=False,
                          sort_order_field=None).execute(skip_permission_checks=True)
        return self.form.instance


class EvidenceEditView(_EvidenceAudit, AuditedEditMixin, EditView):
    pass


class EvidenceDeleteView(_EvidenceAudit, AuditedDeleteMixin, DeleteView):
    pass


class EvidenceViewSet(ModelViewSet):
    """Evidence of all kinds is listed; assessors add manual assessments and prior learning here.
    Every add, correction and delete is audited (lms.audit)."""

    model = Evidence
    add_view_class = EvidenceCreateView
    edit_view_class = EvidenceEditView
    delete_view_class = EvidenceDeleteView
    name = "competency_evidence"
    url_prefix = "competency/evidence"
    icon = "doc-full"
    menu_label = _("Evidence")
    list_display = ["cadre", "competency", "level", "source", "obtained_on", "expires_on"]
    list_filter = ["source", "competency__area"]
    search_fields = ["cadre__full_name", "cadre__code", "competency__code"]
    list_per_page = 50

    def get_queryset(self, request):

        qs = Evidence.objects.select_related("cadre", "competency")
        if roles.is_board(request.user) or roles.is_administrator(request.user):
            return qs
        return qs.filter(cadre__in=cadres_editable_by(request.user))

    def get_form_class(self, for_update=False):
        return EvidenceCorrectionForm if for_update else EvidenceForm


class CompetencyGroup(ModelViewSetGroup):
    menu_label = _("Competency framework")
    menu_icon = "list-ul"
    menu_order = 300
    items = (
        FrameworkViewSet, ProficiencyLevelViewSet, AreaViewSet, CompetencyViewSet, RequirementViewSet,
        EvidenceViewSet,
    )

