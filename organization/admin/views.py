"""Cadre import in the Wagtail admin: upload -> preview (every row checked) -> confirm.

The uploaded file is kept in ImportUpload (kind "cadres"), keyed by an unguessable token and its user, so
the preview survives between requests; the confirmation reads and checks it again before
writing, and writes nothing unless every row is valid.
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import exports, imports, roles, selectors, services
from ..forms import CadreImportForm
from ..models import Cadre, ImportUpload

UPLOAD_LIFETIME = datetime.timedelta(days=1)
PREVIEW_VALID_ROWS = 200


def can_import(user) -> bool:
    """Managers and administrators with the cadre permissions; the board only reads."""
    return (
        user.is_authenticated
        and user.has_perm("organization.add_cadre")
        and user.has_perm("organization.change_cadre")
        and (roles.is_administrator(user) or roles.is_unit_manager(user))
    )


def prepare_report(user, filename: str, data: bytes) -> imports.ImportReport:
    """Read and check a file for `user` (their editable units only)."""

    def build_context(rows):
        return selectors.cadre_import_context(
            user=user,
            unit_codes={imports.cell_text(r.values.get("unit_code")) for r in rows},
            cadre_codes={imports.cell_text(r.values.get("code")) for r in rows},
        )

    return imports.prepare(
        filename, data, max_bytes=settings.KTLEARN_IMPORT_MAX_BYTES, build_context=build_context
    )


def upload_store(*, form, user, prepare, kind: str) -> str | None:
    """Read the uploaded spreadsheet, check it with `prepare(user, filename, data)`, and keep it as an
    ImportUpload of `kind` for the preview/confirm steps. Returns the upload's token, or None after putting
    the file-level errors on the form (nothing is stored then). Shared by every spreadsheet import of the
    admin."""
    upload = form.cleaned_data["file"]
    data = upload.read(settings.KTLEARN_IMPORT_MAX_BYTES + 1)
    report = prepare(user, upload.name, data)
    if report.file_errors:
        for message in report.file_errors:
            form.add_error("file", message)
        return None
    ImportUpload.objects.filter(created_at__lt=timezone.now() - UPLOAD_LIFETIME).delete()
    stored = ImportUpload.objects.create(
        token=secrets.token_urlsafe(32), user=user, kind=kind, filename=upload.name[:255], content=data
    )
    return stored.token


def upload_get(*, token: str, user, kind: str) -> ImportUpload:
    """The user's own, fresh upload of `kind` with that token, or 404: a token never opens another
    user's file, a stale one, or a file uploaded for another import."""
    return get_object_or_404(
        ImportUpload, token=token, user_id=user.pk, kind=kind, created_at__gte=timezone.now() - UPLOAD_LIFETIME
    )


class SpreadsheetImportMixin(WagtailAdminTemplateMixin):
    """Shared by the upload and preview pages of every spreadsheet import of the admin (cadres, rotations):
    `allowed(user)` guards both, the breadcrumbs lead back to `index_url_name`."""

    header_icon = "upload"
    kind: str
    model = None
    index_url_name = ""
    upload_url_name = ""
    preview_url_name = ""
    template_url_name = ""
    columns: tuple = ()

    @staticmethod
    def allowed(user) -> bool:
        raise NotImplementedError

    @staticmethod
    def prepare(user, filename: str, data: bytes) -> imports.ImportReport:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": capfirst(self.model._meta.verbose_name_plural)},
            {"url": "", "label": self.get_page_title()},
        ]


class SpreadsheetUploadView(SpreadsheetImportMixin, FormView):
    """Upload: the file is read and checked at once; a file-level problem stays on the form, otherwise the
    file is kept and the preview opens."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(template_url=reverse(self.template_url_name), columns=self.columns,
                       max_kb=settings.KTLEARN_IMPORT_MAX_BYTES // 1024)
        return context

    def form_valid(self, form):
        token = upload_store(form=form, user=self.request.user, prepare=self.prepare, kind=self.kind)
        if token is None:
            return self.form_invalid(form)
        return redirect(self.preview_url_name, token=token)


class SpreadsheetPreviewView(SpreadsheetImportMixin, TemplateView):
    """Preview and confirmation: the kept file is read and checked again each time; the confirmation writes
    (`write(report)`, which returns the response) only when every row is valid."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.upload = upload_get(token=kwargs["token"], user=request.user, kind=self.kind)

    def get_page_subtitle(self):
        return self.upload.filename

    def report(self) -> imports.ImportReport:
        return self.prepare(self.request.user, self.upload.filename, bytes(self.upload.content))

    def counts(self, report, valid) -> dict:
        return {"errors": len(report.error_rows), "total": len(report.rows)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = kwargs.get("report") or self.report()
        valid = [r for r in report.rows if not r.errors]
        context.update(
            report=report, columns=self.columns, error_rows=report.error_rows,
            valid_rows=valid[:PREVIEW_VALID_ROWS], more_valid_rows=max(0, len(valid) - PREVIEW_VALID_ROWS),
            counts=self.counts(report, valid), upload_url=reverse(self.upload_url_name),
        )
        return context

    def invalid(self, report, message: str):
        messages.error(self.request, message)
        return self.render_to_response(self.get_context_data(report=report))

    def write(self, report):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        # Two confirmations of one upload (a double click, two tabs) take turns on the upload's row;
        # the first imports and deletes it, the second is told so instead of importing again.
        if ImportUpload.objects.select_for_update().filter(pk=self.upload.pk).first() is None:
            messages.info(request, _("This file has already been imported."))
            return redirect(self.index_url_name)
        report = self.report()
        if not report.is_valid:
            return self.invalid(
                report, _("Nothing was imported: correct the rows marked below and upload the file again.")
            )
        return self.write(report)


class CadreImport:
    kind = ImportUpload.Kind.CADRES
    model = Cadre
    index_url_name = "organization_cadre:index"
    upload_url_name = "organization_cadre_import"
    preview_url_name = "organization_cadre_import_preview"
    template_url_name = "organization_cadre_import_template"
    columns = imports.COLUMNS
    allowed = staticmethod(can_import)
    prepare = staticmethod(prepare_report)


class CadreImportView(CadreImport, SpreadsheetUploadView):
    form_class = CadreImportForm
    template_name = "organization/admin/cadre_import.html"
    page_title = gettext_lazy("Import cadres")


class CadreImportPreviewView(CadreImport, SpreadsheetPreviewView):
    template_name = "organization/admin/cadre_import_preview.html"
    page_title = gettext_lazy("Check the import")

    def counts(self, report, valid) -> dict:
        return {
            **super().counts(report, valid),
            "create": report.count(imports.CREATE),
            "update": report.count(imports.UPDATE),
            "unchanged": report.count(imports.UNCHANGED),
        }

    def write(self, report):
        result = services.cadre_import(rows=report.valid_rows, by=self.request.user, upload=self.upload)
        self.upload.delete()
        messages.success(
            self.request,
            _("Import finished: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect("organization_cadre:index")


def cadre_import_template(request):
    if not can_import(request.user):
        raise PermissionDenied
    response = HttpResponse(exports.template_workbook(), content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-can-bo.xlsx"'
    return response
