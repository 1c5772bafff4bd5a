from django import forms
from django.utils.translation import gettext_lazy as _


class EssayMarkForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Mark"), choices=[("correct", _("Acceptable")), ("incorrect", _("Not acceptable"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment for the cadre"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
