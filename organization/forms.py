from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from . import imports, roles, selectors
from .models import CadreStatus, Grade, Position, Unit


class ShortListIterator(ModelChoiceIterator):
    """Iterates the field's `display_queryset`, read when the select is rendered."""

    @property
    def queryset(self):
        display = getattr(self.field, "display_queryset", None)
        return self.field.queryset if display is None else display

    @queryset.setter
    def queryset(self, value):
        pass


class UnitFilterField(forms.ModelChoiceField):
    """Accepts any unit in `queryset` (the user's visible units) but lists only the upper levels,
    so the select stays short in a province of thousands of units."""

    iterator = ShortListIterator

    def __init__(self, *args, display_queryset=None, **kwargs):
        self.display_queryset = display_queryset
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{'— ' * (obj.depth - 1)}{obj.name}"


class CadreFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = UnitFilterField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *CadreStatus.choices], required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=[("", "—"), *Grade.choices[1:]], required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = units if units is not None else Unit.objects.none()
        field = self.fields["unit"]
        field.display_queryset = units.filter(depth__lte=3).order_by("path")
        field.queryset = units

    def asks_for_hidden_unit(self) -> bool:
        """True when the query names a unit the user may not see (the view answers 404)."""
        return bool(self.data.get("unit")) and "unit" in self.errors

    def cleaned_filters(self) -> dict:
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "unit": data.get("unit"),
            "position": data.get("position"),
            "status": data.get("status") or "",
            "grade": data.get("grade") or "",
        }


class UnitChoiceField(forms.ModelChoiceField):
    """Units shown as an indented tree: "— — Chi bộ 1 (CB1)"."""

    def label_from_instance(self, obj):
        return f"{'— ' * (obj.depth - 1)}{obj.name} ({obj.code})"


class CadreAdminForm(WagtailAdminModelForm):
    """The staff form for a cadre. The unit list is the user's editable active subtree; on edit,
    `change_on` / `change_reason` describe a change of unit, position or status, which is
    recorded as history (services.cadre_update), never overwritten."""

    change_on = forms.DateField(
        label=_("Change takes effect on"),
        required=False,
        widget=AdminDateInput,
        help_text=_("When the unit, position or status changes: the date it takes effect (default: today)."),
    )
    change_reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "unit" in self.fields:
            units = selectors.units_for_cadre_form(user)
            if self.instance.pk and self.instance.unit_id:
                units = units | Unit.objects.filter(pk=self.instance.unit_id)
            field = self.fields["unit"]
            self.fields["unit"] = UnitChoiceField(
                queryset=units.order_by("path"), label=field.label, required=True, widget=field.widget
            )
        if not self.instance.pk:
            self.fields.pop("change_on", None)
            self.fields.pop("change_reason", None)
        if "user" in self.fields and not (user is not None and roles.is_administrator(user)):
            # Linking logins is the administrators' job.
            self.fields.pop("user")


class UnitAdminForm(WagtailAdminModelForm):
    """Create or edit a unit. A new unit is placed under `parent` (one the user may edit);
    administrators may leave it empty to create a new root. Closing and merging have their own
    actions, and the tree position is not edited here."""

    parent = UnitChoiceField(label=_("Parent unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if self.instance.pk:
            self.fields.pop("parent", None)
        else:
            self.fields["parent"].queryset = selectors.units_for_cadre_form(user)
            self.fields["parent"].required = not roles.is_administrator(user)

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and not parent.is_active:
            raise forms.ValidationError(_("A closed unit cannot receive sub-units."))
        return parent


class UnitCloseForm(forms.Form):
    on = forms.DateField(label=_("Closed on"), required=False, help_text=_("Default: today."), widget=AdminDateInput)


class UnitMergeForm(forms.Form):
    target = UnitChoiceField(label=_("Merge into"), queryset=Unit.objects.none())
    on = forms.DateField(label=_("Merged on"), required=False, help_text=_("Default: today."), widget=AdminDateInput)

    def __init__(self, *args, source: Unit, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Any active unit the user may edit, except the source and its own sub-units.
        self.fields["target"].queryset = (
            selectors.units_for_cadre_form(user).exclude(path__startswith=source.path)
        )


class SpreadsheetImportForm(forms.Form):
    """An upload refused at once by name and size (lms.spreadsheets.check_upload); the content is
    checked when the file is read."""

    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def __init__(self, *args, max_bytes: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = settings.KTLEARN_IMPORT_MAX_BYTES if max_bytes is None else max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            imports.check_upload(upload.name, upload.size, max_bytes=self.max_bytes)
        except imports.ImportFileError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return upload


class CadreImportForm(SpreadsheetImportForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("An .xlsx or .csv file with one cadre per row, laid out like the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class CadreLoginsForm(forms.Form):
    """Which cadres to create logins for: a unit the user may edit, with or without its sub-units."""

    unit = UnitFilterField(label=_("Unit"), queryset=Unit.objects.none())
    include_subunits = forms.BooleanField(label=_("Include the sub-units' cadres"), required=False, initial=True)
    reissue = forms.BooleanField(
        label=_("Also print new one-time passwords for logins not used yet (the old slips stop working)"),
        required=False,
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = units if units is not None else Unit.objects.none()
        field = self.fields["unit"]
        field.display_queryset = units.filter(depth__lte=4)
        field.queryset = units
        for name in ("include_subunits", "reissue"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        field.widget.attrs["class"] = "form-select"

    def asks_for_hidden_unit(self) -> bool:
        return bool(self.data.get("unit")) and "unit" in self.errors
