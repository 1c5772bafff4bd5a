"""Wagtail's users in the admin, with KTLearn's role and unit.

The list shows each user's role (their groups) and unit (UserProfile.unit); the create and edit
forms set the unit a unit manager works for, which decides the subtree they see. Wired in through
a custom users app config (organization.apps.UsersAppConfig), as Wagtail documents for custom
user forms.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from .. import accounts, roles, two_factor
from ..forms import UnitFilterField
from ..models import Unit


def _unit_field():
    return UnitFilterField(
        label=gettext_lazy("Unit"), queryset=Unit.objects.none(), required=False,
        help_text=gettext_lazy("The unit a unit manager works for: they see and edit its subtree only."),
    )


class _StaffUnitMixin:

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = Unit.objects.order_by("path")
        field.display_queryset = Unit.objects.filter(is_active=True).order_by("path")
        if self.instance.pk:
            profile = getattr(self.instance, "ktlearn_profile", None)
            field.initial = profile.unit_id if profile else None

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        if groups is not None and any(g.name == roles.UNIT_MANAGER for g in groups) and not cleaned.get("unit"):
            self.add_error("unit", _("A unit manager needs a unit."))
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            accounts.staff_unit_set(user=user, unit=self.cleaned_data.get("unit"))
        return user


class KTLearnUserCreationForm(_StaffUnitMixin, UserCreationForm):
    unit = _unit_field()


class KTLearnUserEditForm(_StaffUnitMixin, UserEditForm):
    unit = _unit_field()


class IndexView(wagtail_users.IndexView):
    @cached_property
    def columns(self):
        columns = list(super().columns)
        position = next((i for i, c in enumerate(columns) if c.name == "is_superuser"), len(columns))
        columns[position:position] = [
            Column("roles", label=gettext_lazy("Role"), accessor=_role_names, width="15%"),
            Column("unit", label=gettext_lazy("Unit"), accessor=_unit_name, width="20%"),
        ]
        return columns

    def get_base_queryset(self):
        return (super().get_base_queryset().select_related("ktlearn_profile__unit", "cadre__unit")
                .prefetch_related("groups"))


def _role_names(user) -> str:
    return ", ".join(sorted(group.name for group in user.groups.all()))


def _unit_name(user) -> str:
    profile = getattr(user, "ktlearn_profile", None)
    if profile is not None and profile.unit is not None:
        return profile.unit.name
    cadre = getattr(user, "cadre", None)
    return cadre.unit.name if cadre is not None else ""


class UserViewSet(wagtail_users.UserViewSet):
    index_view_class = IndexView
    create_template_name = "organization/admin/user_create.html"
    edit_template_name = "organization/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return KTLearnUserEditForm if for_update else KTLearnUserCreationForm


class TwoFactorResetView(WagtailAdminTemplateMixin, FormView):
    """An administrator removes a user's authenticator and recovery codes (a lost phone): at their
    next login the user enrols a new one. Anyone else: 403."""

    template_name = "organization/admin/unit_action.html"
    form_class = forms.Form
    header_icon = "key"

    def dispatch(self, request, *args, **kwargs):
        if not roles.is_administrator(request.user):
            raise PermissionDenied
        self.object = get_object_or_404(get_user_model(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Reset two-factor authentication")

    def get_page_subtitle(self):
        return self.object.get_username()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=self.request.path, submit_button_label=_("Reset"),
            cancel_url=reverse("wagtailusers_users:index"),
            explanation=_("%(user)s's authenticator app and recovery codes stop working; at the next login they set "
                          "up a new one. Do it only when the person has lost their phone and their codes, after "
                          "checking who they are.") % {"user": self.object.get_username()},
        )
        return context

    def form_valid(self, form):
        removed = two_factor.devices_reset(user=self.object, by=self.request.user)
        messages.success(self.request, ngettext(
            "%(n)d device removed: %(user)s sets up two-factor authentication again at the next login.",
            "%(n)d devices removed: %(user)s sets up two-factor authentication again at the next login.",
            removed) % {"n": removed, "user": self.object.get_username()})
        return redirect("wagtailusers_users:index")


def two_factor_reset_button(user, request_user):
    if roles.is_administrator(request_user):
        yield Button(_("Reset two-factor authentication"), reverse("organization_two_factor_reset", args=[user.pk]),
                     icon_name="key", priority=90)
