from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CadreStatus, Grade, Position, Unit


class CadreFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *CadreStatus.choices], required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=[("", "—"), *Grade.choices[1:]], required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only units the user may see can be chosen; the field lists the upper levels of the tree.
        self.fields["unit"].queryset = (units if units is not None else Unit.objects.none()).filter(
            depth__lte=3
        ).order_by("path")

    def cleaned_filters(self) -> dict:
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "unit": data.get("unit"),
            "position": data.get("position"),
            "status": data.get("status") or "",
            "grade": data.get("grade") or "",
        }
