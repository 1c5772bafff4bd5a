"""Forms of the board's pages and the target editor."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from organization.models import UnitKind

from .models import THRESHOLD_SOURCE_FIELDS, ReportPeriod, Target, latest_cutoff
from .services import target_validate


class TargetForm(WagtailAdminModelForm):
    unit_kinds = forms.MultipleChoiceField(
        label=_("Unit kinds"), choices=UnitKind.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty = every kind of unit"),
    )

    class Meta:
        model = Target
        fields = [
            "code", "name", "description", "period_start", "period_end", "positions", "position_groups",
            "unit_kinds", "population_at", "criterion", "required_courses", "regulations", "min_hours",
            "professional_only", "chair_position", "chair_courses", "goal_percent", "newly_elected_deadline_days",
            "is_active", "order", *THRESHOLD_SOURCE_FIELDS,
        ]
        widgets = {"positions": forms.CheckboxSelectMultiple, "required_courses": forms.CheckboxSelectMultiple,
                   "position_groups": forms.CheckboxSelectMultiple, "regulations": forms.CheckboxSelectMultiple,
                   "chair_courses": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_courses"].queryset = self.fields["required_courses"].queryset.order_by("title")
        self.fields["chair_courses"].queryset = self.fields["chair_courses"].queryset.order_by("title")

    def clean(self):
        data = super().clean()
        errors = target_validate(
            period_start=data.get("period_start"), period_end=data.get("period_end"),
            positions=data.get("positions"), unit_kinds=data.get("unit_kinds"), criterion=data.get("criterion"),
            min_hours=data.get("min_hours"), newly_elected_deadline_days=data.get("newly_elected_deadline_days"),
            goal_percent=data.get("goal_percent"), required_courses=data.get("required_courses"),
            regulations=data.get("regulations"),
            chair_position=data.get("chair_position"), chair_courses=data.get("chair_courses"),
            position_groups=data.get("position_groups"),
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
    """A report now: as of the latest month-end, half-year end (30/06, 31/12), year end, or a chosen date."""

    period = forms.ChoiceField(label=_("Cut-off"), choices=[
        (ReportPeriod.CUSTOM, _("The date below")), (ReportPeriod.MONTHLY, _("Last month's end")),
        (ReportPeriod.HALF_YEARLY, _("Last half-year's end (30/06 or 31/12)")),
        (ReportPeriod.ANNUAL, _("Last year's end (31/12)")),
    ], initial=ReportPeriod.CUSTOM,
                               required=False, widget=forms.Select(attrs={"class": "form-select"}))
    on = forms.DateField(label=_("As of"), required=False)

    def clean_on(self):
        on = self.cleaned_data.get("on")
        if on and on > timezone.localdate():
            raise forms.ValidationError(_("A report cannot be dated in the future."))
        return on

    def clean(self):
        data = super().clean()
        period = data.get("period") or ReportPeriod.CUSTOM
        data["period"] = period
        if period != ReportPeriod.CUSTOM:
            data["on"] = latest_cutoff(period, timezone.localdate())
        elif "on" in data:
            data["on"] = data["on"] or timezone.localdate()
        return data


class ReportScheduleForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Frequency"), choices=ReportPeriod.choices, initial=ReportPeriod.MONTHLY,
                                  required=False, widget=forms.Select(attrs={"class": "form-select"}))
    day_of_month = forms.IntegerField(label=_("Day of the month"), min_value=1, max_value=28, initial=1,
                                      required=False, help_text=_("Monthly reports only."))
    custom_on = forms.DateField(label=_("Date"), required=False, help_text=_("A chosen date only."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        frequency = data["frequency"] = data.get("frequency") or ReportPeriod.MONTHLY  # the form before 6-monthly
        if frequency == ReportPeriod.MONTHLY and not data.get("day_of_month") and "day_of_month" not in self.errors:
            self.add_error("day_of_month", _("Choose a day between 1 and 28."))
        if frequency == ReportPeriod.CUSTOM and not data.get("custom_on") and "custom_on" not in self.errors:
            self.add_error("custom_on", _("Choose the date of the report."))
        return data
