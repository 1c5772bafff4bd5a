import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organization.forms import UnitFilterField
from organization.models import Cadre, Position, Unit

from .models import CoursePage
from .selectors import CellStatus


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.title}" if obj.code else obj.title


class CadreCodesForm(forms.Form):
    """Cadres named by code (a class register): `cadres` are the ones the user may name."""

    cadre_codes = forms.CharField(
        label=_("Cadre codes"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more codes, separated by commas, spaces or new lines"),
    )

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
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


def _style(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.Select):
            field.widget.attrs["class"] = "form-select"
        elif not isinstance(field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.HiddenInput):
            field.widget.attrs["class"] = "form-control"


def _unit_field_scope(field, units, levels: int) -> None:
    """Accept any of `units`, list only their upper `levels` (a province has thousands of units)."""
    top = units.order_by("depth").values_list("depth", flat=True).first() or 1
    field.queryset = units
    field.display_queryset = units.filter(depth__lte=top + levels).order_by("path")


class AssignFilterForm(forms.Form):
    """The assign page's filters of the cadre list (GET), as on the team page."""

    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    unit = UnitFilterField(label=_("Unit (with its sub-units)"), queryset=Unit.objects.none(), required=False)
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all(), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_field_scope(self.fields["unit"], units if units is not None else Unit.objects.none(), 2)
        _style(self)

    def asks_for_hidden_unit(self) -> bool:
        """True when the query names a unit outside the user's scope (the view answers 404)."""
        return bool(self.data.get("unit")) and "unit" in self.errors

    def cleaned_filters(self) -> dict:
        data = self.cleaned_data
        return {"search": data.get("q") or "", "unit": data.get("unit"), "position": data.get("position")}


class AssignTarget:
    TICKED = "ticked"
    RULE = "rule"


class AssignForm(forms.Form):
    """Assign a course to the cadres ticked in the list, or by rule to every active cadre of a unit
    subtree and/or holding a position. `cadres` accepts only the cadres the user may assign (a forged id
    makes the form invalid); `units` the units they may assign within."""

    course = CourseChoiceField(label=_("Course"), queryset=CoursePage.objects.none())
    due_on = forms.DateField(label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    target = forms.ChoiceField(
        label=_("Assign to"), initial=AssignTarget.TICKED,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        choices=[(AssignTarget.TICKED, _("The cadres ticked in the list")),
                 (AssignTarget.RULE, _("Every active cadre of the unit and/or position below"))],
    )
    cadres = forms.ModelMultipleChoiceField(
        label=_("Cadres"), queryset=Cadre.objects.none(), required=False,
        error_messages={"invalid_choice": _("A chosen cadre is not one of your units' cadres.")},
    )
    unit = UnitFilterField(label=_("Unit (with its sub-units)"), queryset=Unit.objects.none(), required=False,
                           error_messages={"invalid_choice": _("This unit is not one of your units.")})
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all(), required=False)

    def __init__(self, *args, units=None, cadres=None, **kwargs):
        kwargs.setdefault("auto_id", "assign-%s")  # the filter form above has its own unit and position
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("path")
        self.fields["cadres"].queryset = cadres if cadres is not None else Cadre.objects.none()
        _unit_field_scope(self.fields["unit"], units if units is not None else Unit.objects.none(), 2)
        _style(self)

    def clean_due_on(self):
        due_on = self.cleaned_data.get("due_on")
        if due_on and due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_on

    def clean(self):
        data = super().clean()
        if data.get("target") == AssignTarget.TICKED and "cadres" not in self.errors and not data.get("cadres"):
            self.add_error("cadres", _("Tick at least one cadre."))
        if data.get("target") == AssignTarget.RULE and not (data.get("unit") or data.get("position")):
            self.add_error(None, _("Choose a unit or a position for the rule."))
        return data

    def assignment(self) -> dict:
        """The keyword arguments of services.enrollment_assign naming whom to assign."""
        data = self.cleaned_data
        if data["target"] == AssignTarget.TICKED:
            return {"cadres": list(data["cadres"])}
        return {"unit": data.get("unit"), "position": data.get("position")}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search courses and lessons"), required=False, max_length=100)


class TeamFilterForm(forms.Form):
    """The team page's filters: units within the user's scope (any depth accepted, the upper levels listed)."""

    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    unit = UnitFilterField(label=_("Unit (with its sub-units)"), queryset=Unit.objects.none(), required=False)
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all(), required=False)
    course = CourseChoiceField(label=_("Course"), queryset=CoursePage.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = units if units is not None else Unit.objects.none()
        top = units.order_by("depth").values_list("depth", flat=True).first() or 1
        self.fields["unit"].queryset = units
        self.fields["unit"].display_queryset = units.filter(depth__lte=top + 2).order_by("path")
        self.fields["course"].queryset = CoursePage.objects.live().order_by("path")
        self.fields["status"].choices = [
            ("", "—"), (CellStatus.OVERDUE, _("Overdue")), (CellStatus.IN_PROGRESS, _("In progress")),
            (CellStatus.COMPLETED, _("Completed")), (CellStatus.NOT_STARTED, _("Not started")),
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm" if isinstance(
                field.widget, forms.Select) else "form-control form-control-sm"

    def asks_for_hidden_unit(self) -> bool:
        """True when the query names a unit outside the user's scope (the view answers 404)."""
        return bool(self.data.get("unit")) and "unit" in self.errors

    def cleaned_filters(self) -> dict:
        data = self.cleaned_data
        return {"search": data.get("q") or "", "unit": data.get("unit"), "position": data.get("position"),
                "course": data.get("course"), "status": data.get("status") or ""}


class TeamAction:
    ASSIGN = "assign"
    REMIND = "remind"
    DUE = "due"


class TeamBulkForm(forms.Form):
    """A bulk action on the cadres ticked on the team page. `cadres` accepts only the cadres the user
    may edit: an id outside their units (a forged POST) makes the whole form invalid."""

    action = forms.ChoiceField(label=_("Action"), choices=[
        (TeamAction.ASSIGN, _("Assign a course")), (TeamAction.REMIND, _("Send a reminder")),
        (TeamAction.DUE, _("Set the due date of a course")),
    ])
    cadres = forms.ModelMultipleChoiceField(label=_("Cadres"), queryset=Cadre.objects.none(),
                                            error_messages={"required": _("Tick at least one cadre."),
                                                            "invalid_choice": _("A chosen cadre is not one of "
                                                                                "your units' cadres.")})
    course = CourseChoiceField(label=_("Course"), queryset=CoursePage.objects.none(), required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, cadres=None, **kwargs):
        kwargs.setdefault("auto_id", "bulk-%s")  # the filter form above has its own course field
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = cadres if cadres is not None else Cadre.objects.none()
        self.fields["course"].queryset = CoursePage.objects.live().order_by("path")
        self.fields["action"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["course"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["due_on"].widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in (TeamAction.ASSIGN, TeamAction.DUE) and not data.get("course"):
            self.add_error("course", _("Choose the course."))
        if action == TeamAction.DUE and not data.get("due_on"):
            self.add_error("due_on", _("Give the due date."))
        if data.get("due_on") and data["due_on"] < timezone.localdate():
            self.add_error("due_on", _("The due date cannot be in the past."))
        return data


class CatalogueForm(forms.Form):
    """The catalogue's filters (GET). A value that is not one of the choices is an error shown next to
    its field; the other filters still apply."""

    DURATIONS = {
        "short": (None, 4),  # up to 4 hours
        "day": (4, 8),  # more than 4, up to 8
        "days": (8, 24),
        "long": (24, None),
    }

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    curriculum = forms.TypedChoiceField(label=_("Curriculum"), coerce=int, required=False, empty_value=None)
    competency = forms.TypedChoiceField(label=_("Competency"), coerce=int, required=False, empty_value=None)
    duration = forms.ChoiceField(label=_("Duration"), required=False, choices=[
        ("", _("Any duration")), ("short", _("Up to 4 hours")), ("day", _("4 to 8 hours")),
        ("days", _("8 to 24 hours")), ("long", _("More than 24 hours")),
    ])
    required = forms.BooleanField(label=_("Required for me"), required=False)

    def __init__(self, *args, curricula=(), competencies=(), **kwargs):
        """`curricula` and `competencies`: the choices, already fetched (lists), so validating and
        drawing the form costs no query."""
        super().__init__(*args, **kwargs)
        self._curricula = {c.pk: c for c in curricula}
        self._competencies = {c.pk: c for c in competencies}
        self.fields["curriculum"].choices = [("", _("All curricula"))] + [(c.pk, c.title) for c in curricula]
        self.fields["competency"].choices = [("", _("Any competency"))] + [(c.pk, c.name) for c in competencies]

    def filters(self) -> dict:
        """The valid filters, by name (an invalid one is left out)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        hours = self.DURATIONS.get(data.get("duration") or "")
        return {"q": (data.get("q") or "").strip(), "curriculum": self._curricula.get(data.get("curriculum")),
                "competency": self._competencies.get(data.get("competency")), "hours": hours,
                "required": bool(data.get("required"))}
