"""The scoped admin building blocks every KTLearn viewset uses (units, cadres, rotations, classes).

Every view that lists or takes an id asks the model's permission policy (see
organization.permission_policies), which joins Django permissions with the selectors' scope: an
object outside the user's scope is answered 404, an action the user may not take 403.
"""
import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.defaults import permission_denied
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton

from lms.spreadsheets import XLSX_CONTENT_TYPE


def forbidden_as_403(view):
    """Answer PermissionDenied with a real 403. (Wagtail's admin otherwise turns it into a
    redirect to the dashboard, which hides from clients and tests that access was refused.)"""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return permission_denied(request, exc)

    return wrapped


class ScopedObjectMixin:
    """Find the object among those the user may see (else 404) and refuse (403) an action the
    user may not take on it."""

    object_action = "view"

    def scoped_queryset(self):
        policy = self.permission_policy
        if hasattr(policy, "visible_to"):
            return policy.visible_to(self.request.user)
        return self.model._default_manager.all()

    def check_object(self, obj):
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, self.object_action, obj):
            raise PermissionDenied
        return obj


class ScopedIndexView(ScopedObjectMixin, generic.IndexView):
    def get_base_queryset(self):
        return self.scoped_queryset()


class ScopedCreateView(generic.CreateView):
    def form_valid(self, form):
        # A service refusing the write (ValidationError) is shown on the form; nothing is saved.
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    object_action = "change"

    def get_queryset(self):
        return self.scoped_queryset()

    def get_object(self, queryset=None):
        return self.check_object(super().get_object(queryset))

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    object_action = "delete"

    def get_queryset(self):
        return self.scoped_queryset()

    def get_object(self, queryset=None):
        if getattr(self, "object", None):
            return self.object
        return self.check_object(super().get_object(queryset))

    def refuse_reason(self) -> str | None:
        """A reason the object cannot be deleted, shown instead of deleting it."""
        return None

    def form_valid(self, form):
        reason = self.refuse_reason()
        if reason is None:
            try:
                with transaction.atomic():
                    return super().form_valid(form)
            except ProtectedError:
                reason = _("“%(object)s” is still used by other records and cannot be deleted.") % {
                    "object": self.object
                }
        messages.error(self.request, reason)
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["refuse_reason"] = self.refuse_reason()
        return context


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    def get_object(self, queryset=None):
        return self.check_object(get_object_or_404(self.scoped_queryset(), pk=self.pk))


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    object_action = "change"

    def get_object(self):
        return self.check_object(get_object_or_404(self.scoped_queryset(), pk=self.pk))


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    object_action = "change"

    def get_object(self):
        return self.check_object(get_object_or_404(self.scoped_queryset(), pk=self.pk))


class OrganizationViewSet(ModelViewSet):
    """Shared defaults: scoped views, real 403s, inspect on, no copy (codes are unique), and no
    reference index (nothing references these models through Wagtail content)."""

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    template_prefix = "organization/admin/"

    def construct_view(self, view_class, **kwargs):
        return forbidden_as_403(super().construct_view(view_class, **kwargs))


class SpreadsheetIndexView(ScopedIndexView):
    """A scoped index with an "Import" button (for those who may import) and the filtered list as one
    .xlsx download. Subclasses name the import URL, who may import, the workbook and the file name."""

    FORMATS = ("xlsx",)
    import_url_name: str
    export_filename: str  # without the date and extension, e.g. "can-bo"

    def can_import(self) -> bool:
        raise NotImplementedError

    def workbook(self, queryset) -> bytes:
        raise NotImplementedError

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.can_import():
            buttons.append(HeaderButton(_("Import"), url=reverse(self.import_url_name), icon_name="upload"))
        return buttons

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            Button(_("Download XLSX"), url=self.xlsx_export_url, icon_name="download", priority=90),
        ]

    @cached_property
    def show_export_buttons(self):
        return False

    def as_spreadsheet(self, queryset, spreadsheet_format):
        response = HttpResponse(self.workbook(queryset), content_type=XLSX_CONTENT_TYPE)
        filename = f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ScopedActionView(ScopedObjectMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """An action (a form and a button) on one object the user may change: close or merge a unit, start,
    complete or cancel a rotation. Outside the user's scope the object is a 404; the service's refusal
    (ValidationError, PermissionDenied) is shown on the form and nothing is written; success goes back
    to `return_url()` with the message `perform(form)` returns."""

    permission_required = "change"
    object_action = "change"
    template_name = "organization/admin/unit_action.html"
    submit_button_label = ""

    def get_object_queryset(self):
        return self.scoped_queryset()

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(self.get_object_queryset(), pk=kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        self.check_object(self.object)
        refusal = self.unavailable()
        if refusal:
            messages.error(request, refusal)
            return redirect(self.return_url())
        return super().dispatch(request, *args, **kwargs)

    def unavailable(self) -> str | None:
        """Why the action cannot be taken on this object at all (shown, then back), or None."""
        return None

    def return_url(self) -> str:
        raise NotImplementedError

    def get_explanation(self) -> str:
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(object=self.object, action_url=self.request.path, submit_button_label=self.submit_button_label,
                       explanation=self.get_explanation(), cancel_url=self.return_url())
        return context

    def perform(self, form) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            message = self.perform(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.return_url())
