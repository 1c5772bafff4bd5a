"""Forms: the framework import, the target editor, and the dashboard's filters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from organization.models import Cadre, UnitKind

from .models import Competency, Evidence, EvidenceSource, Target
from .services import evidence_record, target_validate


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


class TargetForm(WagtailAdminModelForm):
    unit_kinds = forms.MultipleChoiceField(
        label=_("Unit kinds"), choices=UnitKind.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty = every kind of unit"),
    )

    class Meta:
        model = Target
        fields = [
            "code", "name", "description", "period_start", "period_end", "positions", "unit_kinds",
            "population_at", "criterion", "required_courses", "min_hours", "goal_percent",
            "newly_elected_deadline_days", "is_active", "order",
        ]
        widgets = {"positions": forms.CheckboxSelectMultiple, "required_courses": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_courses"].queryset = self.fields["required_courses"].queryset.order_by("title")

    def clean(self):
        data = super().clean()
        errors = target_validate(
            period_start=data.get("period_start"), period_end=data.get("period_end"),
            positions=data.get("positions"), unit_kinds=data.get("unit_kinds"), criterion=data.get("criterion"),
            min_hours=data.get("min_hours"), newly_elected_deadline_days=data.get("newly_elected_deadline_days"),
            goal_percent=data.get("goal_percent"), required_courses=data.get("required_courses"),
        )
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return data


class DashboardFilterForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Target"), queryset=Target.objects.none(), required=False,
                                    empty_label=None, widget=forms.Select(attrs={"class": "form-select"}))
    on = forms.DateField(label=_("As of"), required=False)
    kind = forms.ChoiceField(label=_("Unit kind"), choices=[("", _("Every kind")), *UnitKind.choices],
                             required=False, widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Target.objects.filter(is_active=True).order_by("order", "period_start")

    def clean_on(self):
        return self.cleaned_data.get("on") or None


class ReportRequestForm(forms.Form):
    on = forms.DateField(label=_("As of"), required=False)

    def clean_on(self):
        on = self.cleaned_data.get("on")
        if on and on > timezone.localdate():
            raise forms.ValidationError(_("A report cannot be dated in the future."))
        return on



class ReportScheduleForm(forms.Form):
    day_of_month = forms.IntegerField(label=_("Day of the month"), min_value=1, max_value=28, initial=1)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


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
        from organization import roles
        from organization.selectors import cadres_editable_by

        code = self.cleaned_data["cadre_code"].strip()
        user = self.for_user
        cadres = Cadre.objects.all() if roles.is_board(user) or roles.is_administrator(user) else \
            cadres_editable_by(user)
        cadre = cadres.filter(code=code).first()
        if cadre is None:
            raise forms.ValidationError(_("No cadre with this code in your units."))
        return cadre

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
