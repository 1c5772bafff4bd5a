"""The targets in the Wagtail admin (the board edits them; the dashboard reads them)."""

from django.utils.translation import gettext_lazy as _
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

    def get_form_class(self, for_update=False):
        return TargetForm
