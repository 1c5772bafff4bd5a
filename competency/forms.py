"""Forms: the framework import, the target editor, and the dashboard's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.uploads import EVIDENCE, validate_upload
from organization import roles
from organization.models import Cadre
from organization.selectors import cadres_editable_by

from .models import Competency, Evidence, EvidenceSource
from .services import IN_USE_MESSAGE, evidence_record, framework_in_use


class FrameworkImportForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    version = forms.CharField(label=_("Version"), max_length=20)
    effective_from = forms.DateField(label=_("Effective from"), required=False)
    file = forms.FileField(label=_("Workbook (.xlsx)"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel workbook (.xlsx)."))
        return file


class FrameworkImportConfirmForm(forms.Form):
    name = forms.CharField(max_length=200, widget=forms.HiddenInput)
    version = forms.CharField(max_length=20, widget=forms.HiddenInput)
    effective_from = forms.DateField(required=False, widget=forms.HiddenInput)
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)


class EvidenceForm(WagtailAdminModelForm):
    """An assessor records a manual assessment (with a note) or recognised prior learning (with a
    file) for a cadre they may edit; saved through evidence_record with the assessor set."""

    cadre_code = forms.CharField(label=_("Cadre code"), max_length=32)

    class Meta:
        model = Evidence
        fields = ["competency", "level", "source", "obtained_on", "expires_on", "note", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [
            (value, label) for value, label in EvidenceSource.choices
            if value in (EvidenceSource.MANUAL, EvidenceSource.PRIOR)
        ]
        self.fields["competency"].queryset = Competency.objects.filter(framework__is_active=True).select_related(
            "area").order_by("area__order", "order", "code")

    def clean_cadre_code(self):

        code = self.cleaned_data["cadre_code"].strip()
        user = self.for_user
        cadres = Cadre.objects.all() if roles.is_board(user) or roles.is_administrator(user) else \
            cadres_editable_by(user)
        cadre = cadres.filter(code=code).first()
        if cadre is None:
            raise forms.ValidationError(_("No cadre with this code in your units."))
        return cadre

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        validate_upload(upload, EVIDENCE)
        return upload

    def clean(self):
        data = super().clean()
        competency, level = data.get("competency"), data.get("level")
        if competency and level is not None:
            top = competency.framework.levels.order_by("-level").values_list("level", flat=True).first() or 0
            if not 1 <= level <= top:
                self.add_error("level", _("Level %(level)s is outside the scale (1–%(max)s).")
                               % {"level": level, "max": top})
        if data.get("obtained_on") and data.get("expires_on") and data["expires_on"] < data["obtained_on"]:
            self.add_error("expires_on", _("The expiry date is before the date obtained."))
        if data.get("source") == EvidenceSource.MANUAL and not (data.get("note") or "").strip():
            self.add_error("note", _("A manual assessment needs a note."))
        if data.get("source") == EvidenceSource.PRIOR and not data.get("file"):
            self.add_error("file", _("Recognised prior learning needs a supporting file."))
        return data

    def save(self, commit=True):
        data = self.cleaned_data
        self.instance = evidence_record(
            cadre=data["cadre_code"], competency=data["competency"], level=data["level"], source=data["source"],
            obtained_on=data["obtained_on"], expires_on=data.get("expires_on"), note=data.get("note") or "",
            assessor=self.for_user, file=data.get("file"),
        )
        return self.instance


class EvidenceCorrectionForm(WagtailAdminModelForm):
    """Recorded evidence is not rewritten: only its expiry and note can be corrected."""

    class Meta:
        model = Evidence
        fields = ["expires_on", "note"]


class FrameworkPartForm(WagtailAdminModelForm):
    """A scale level, area, competency or requirement: part of a version, read-only once it is in use."""

    def clean(self):
        cleaned = super().clean()
        frameworks = [cleaned.get("framework")]
        if self.instance.pk:
            frameworks.append(self.instance.framework)
        if any(fw is not None and framework_in_use(fw) for fw in frameworks):
            raise forms.ValidationError(IN_USE_MESSAGE)
        return cleaned


class FrameworkForm(WagtailAdminModelForm):
    """A version's name and notes can be corrected; its date cannot move once it is in use."""

    def clean_effective_from(self):
        value = self.cleaned_data.get("effective_from")
        if self.instance.pk and framework_in_use(self.instance) and value != self.instance.effective_from:
            raise forms.ValidationError(IN_USE_MESSAGE)
        return value
