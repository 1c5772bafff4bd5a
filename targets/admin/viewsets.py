"""The targets in the Wagtail admin (the board edits them; the dashboard reads them)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.model import ModelViewSet

from ..forms import TargetForm
from ..models import Target


class TargetViewSet(ModelViewSet):
    model = Target
    name = "targets_target"
    url_prefix = "competency/targets"  # its address from before targets had an app of its own
    icon = "crosshairs"
    menu_label = _("Targets")
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["name", "period_start", "period_end", "criterion", "goal_percent",
                    BooleanColumn("is_active", label=_("Active"))]
    list_filter = ["criterion", "is_active"]
    # Every threshold next to its source (the legal basis, or the province's own choice).
    edit_handler = ObjectList([
        FieldPanel("code"), FieldPanel("name"), FieldPanel("description"),
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
        MultiFieldPanel([
            FieldPanel("positions", widget=forms.CheckboxSelectMultiple),
            FieldPanel("position_groups", widget=forms.CheckboxSelectMultiple),
            FieldPanel("unit_kinds"), FieldPanel("population_at"),
        ], heading=_("Who is counted")),
        FieldPanel("criterion"),
        MultiFieldPanel([
            FieldPanel("regulations", widget=forms.CheckboxSelectMultiple),
        ], heading=_("Documents to study ('studied' targets)")),
        MultiFieldPanel([
            FieldPanel("chair_position"),
            FieldPanel("chair_courses", widget=forms.CheckboxSelectMultiple),
        ], heading=_("The committee's chair ('committee' targets)")),
        MultiFieldPanel([
            FieldPanel("required_courses", widget=forms.CheckboxSelectMultiple),
            FieldPanel("min_hours"),
            FieldRowPanel([FieldPanel("hours_source"), FieldPanel("hours_local_choice")]),
            FieldPanel("professional_only"),
            FieldRowPanel([FieldPanel("courses_source"), FieldPanel("courses_local_choice")]),
            FieldPanel("newly_elected_deadline_days"),
            FieldRowPanel([FieldPanel("deadline_source"), FieldPanel("deadline_local_choice")]),
        ], heading=_("Thresholds and their sources")),
        InlinePanel("standard_rules", heading=_("Criteria and standards ('standard' targets)"),
                    label=_("Criterion or standard"),
                    panels=[FieldPanel("kind"), FieldPanel("value"), FieldPanel("source"),
                            FieldPanel("local_choice")]),
        FieldRowPanel([FieldPanel("goal_percent"), FieldPanel("order"), FieldPanel("is_active")]),
    ], base_form_class=TargetForm)
