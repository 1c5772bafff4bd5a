"""API clients in the Wagtail admin (Settings › API clients): administrators list them, create one
(its token is shown once, on the page that follows the creation) and revoke one."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import roles, selectors, services
from ..models import ApiAccess, ApiClient, Unit


def _require_admin(user):
    if not roles.is_administrator(user):
        raise PermissionDenied


class ApiClientForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120,
                           help_text=gettext_lazy("The system that calls the API, e.g. the inspection database."))
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit subtree"), queryset=Unit.objects.order_by("path"),
                                  help_text=gettext_lazy("The client sees this unit and its sub-units, as their "
                                                         "manager would."))
    access = forms.ChoiceField(label=gettext_lazy("Access"), choices=ApiAccess.choices)
    expires_on = forms.DateField(label=gettext_lazy("Expires on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=gettext_lazy("Empty: does not expire."))


class _AdminOnly:
    def dispatch(self, request, *args, **kwargs):
        _require_admin(request.user)
        return super().dispatch(request, *args, **kwargs)


class ApiClientIndexView(_AdminOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "organization/admin/api_clients.html"
    page_title = gettext_lazy("API clients")
    header_icon = "key"

    def get_context_data(self, **kwargs):
        return super().get_context_data(clients=selectors.api_clients_visible_to(self.request.user), **kwargs)


class ApiClientCreateView(_AdminOnly, WagtailAdminTemplateMixin, FormView):
    template_name = "organization/admin/api_client_form.html"
    page_title = gettext_lazy("New API client")
    header_icon = "key"
    form_class = ApiClientForm

    def form_valid(self, form):
        import datetime

        from django.utils import timezone

        expires_on = form.cleaned_data["expires_on"]
        expires_at = None
        if expires_on:
            expires_at = timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.max))
        try:
            client, token = services.api_client_create(
                name=form.cleaned_data["name"], unit=form.cleaned_data["unit"], access=form.cleaned_data["access"],
                expires_at=expires_at, by=self.request.user)
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error("expires_on" if field == "expires_at" else field, messages_)
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, created=client, token=token))


class ApiClientRevokeView(_AdminOnly, View):
    def post(self, request, pk):
        client = get_object_or_404(selectors.api_clients_visible_to(request.user), pk=pk)
        services.api_client_revoke(client=client, by=request.user)
        messages.success(request, _("The API client “%(name)s” is revoked: its token no longer works.")
                         % {"name": client.name})
        return redirect("organization_api_clients")


__all__ = ["ApiClient", "ApiClientCreateView", "ApiClientIndexView", "ApiClientRevokeView"]
