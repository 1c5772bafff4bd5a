"""The good-practice write-up's page form (which units its author may name). Kept apart from
cms.forms, which needs the documents app loaded, because cms.models imports it."""

from wagtail.admin.forms import WagtailAdminPageForm


class PracticePageForm(WagtailAdminPageForm):
    """A good-practice write-up's admin form: a unit manager attributes it to a unit of their own
    subtree only; trainers, approvers and administrators to any active unit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:
            self.fields["unit"].queryset = practice_units_for(self.for_user)


def practice_units_for(user):
    from organization import roles
    from organization.models import Unit
    from organization.selectors import units_for_cadre_form

    if user is not None and roles.is_unit_manager(user) and not roles.is_administrator(user):
        return units_for_cadre_form(user)
    return Unit.objects.filter(is_active=True).order_by("path")
