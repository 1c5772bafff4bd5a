import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organization.forms import UnitFilterField
from organization.models import Cadre, Position, Unit

from .models import CoursePage


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.title}" if obj.code else obj.title


class AssignForm(forms.Form):
    """Assign a course to named cadres (by code), a unit subtree, or the holders of a position."""

    course = CourseChoiceField(label=_("Course"), queryset=CoursePage.objects.none())
    cadre_codes = forms.CharField(
        label=_("Cadre codes"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more codes, separated by commas, spaces or new lines"),
    )
    unit = UnitFilterField(label=_("Unit (with its sub-units)"), queryset=Unit.objects.none(), required=False)
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all(), required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, units=None, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("path")
        units = units if units is not None else Unit.objects.none()
        top = units.order_by("depth").values_list("depth", flat=True).first() or 1
        self.fields["unit"].queryset = units
        self.fields["unit"].display_queryset = units.filter(depth__lte=top + 1).order_by("path")
        self._cadres = cadres if cadres is not None else Cadre.objects.none()

    def clean_cadre_codes(self):
        codes = [c for c in re.split(r"[\s,;]+", self.cleaned_data.get("cadre_codes") or "") if c]
        if not codes:
            return []
        found = {c.code: c for c in self._cadres.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                _("Unknown cadre codes, or cadres outside your units: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        return list(found.values())

    def clean_due_on(self):
        due_on = self.cleaned_data.get("due_on")
        if due_on and due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_on

    def clean(self):
        data = super().clean()
        if not (data.get("cadre_codes") or data.get("unit") or data.get("position")):
            raise forms.ValidationError(_("Choose the cadres, a unit or a position to assign the course to."))
        if data.get("cadre_codes") and (data.get("unit") or data.get("position")):
            raise forms.ValidationError(_("Give either cadre codes or a unit/position, not both."))
        return data


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search courses and lessons"), required=False, max_length=100)
