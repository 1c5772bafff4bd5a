"""Forms of the board's pages and the target editor."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from organization.models import UnitKind

from .models import Target
from .services import target_validate


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

