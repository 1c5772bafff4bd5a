"""Wagtail admin views for the framework that are not plain CRUD: activate, export, import with preview."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..forms import FrameworkImportConfirmForm, FrameworkImportForm
from ..imports import framework_workbook_export, framework_workbook_parse
from ..models import Framework
from ..services import framework_activate, framework_import, framework_new_version

IMPORT_DIR = "framework-imports"


def _require(request, action: str):
    if not request.user.has_perm(f"competency.{action}_framework"):
        raise PermissionDenied


def _index_url():
    return reverse("competency_framework:index")


def framework_activate_view(request, pk):
    _require(request, "change")
    framework = get_object_or_404(Framework, pk=pk)
    if request.method == "POST":
        try:
            framework_activate(framework=framework)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(framework)s is now the active framework.") % {"framework": framework})
        return redirect(_index_url())
    return TemplateResponse(request, "competency/admin/framework_activate.html", {
        "framework": framework, "active": Framework.objects.filter(is_active=True).first(),
        "header_title": _("Activate %(framework)s") % {"framework": framework},
    })


def framework_new_version_view(request, pk):
    """A draft copy of a version to change (a version in use is read-only); its number is proposed."""
    _require(request, "add")
    source = get_object_or_404(Framework, pk=pk)
    if request.method != "POST":
        return TemplateResponse(request, "competency/admin/framework_new_version.html", {
            "framework": source, "header_title": _("New version from %(framework)s") % {"framework": source},
            "proposed": _next_version(source.version),
        })
    version = (request.POST.get("version") or "").strip()[:20]
    if not version:
        messages.error(request, _("Give the new version a number."))
        return redirect(reverse("competency_framework_new_version", args=[pk]))
    try:
        draft = framework_new_version(source=source, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("competency_framework_new_version", args=[pk]))
    messages.success(request, _("Version %(version)s is a draft copy: change it, give it a date, then activate it.")
                     % {"version": draft.version})
    return redirect(reverse("competency_framework:edit", args=[draft.pk]))


def _next_version(version: str) -> str:
    taken = set(Framework.objects.values_list("version", flat=True))
    n = 2
    while f"{version}.{n}" in taken:
        n += 1
    return f"{version}.{n}"


def framework_export_view(request, pk):
    _require(request, "view")
    framework = get_object_or_404(Framework, pk=pk)
    response = HttpResponse(
        framework_workbook_export(framework),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="khung-nang-luc-{slugify(framework.version)}.xlsx"'
    return response


def framework_import_view(request):
    """GET: the upload form. POST: check the workbook and show a preview (or every error); nothing
    is written until the confirmation."""
    _require(request, "add")
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "header_title": _("Import a framework version")}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parsed = framework_workbook_parse(data["file"])
        if Framework.objects.filter(version=data["version"]).exists():
            form.add_error("version", _("Version %(version)s already exists.") % {"version": data["version"]})
        context["parsed"] = parsed
        if parsed.is_valid and form.is_valid():
            token = uuid.uuid4().hex
            data["file"].seek(0)
            default_storage.save(f"{IMPORT_DIR}/{token}.xlsx", ContentFile(data["file"].read()))
            context["confirm_form"] = FrameworkImportConfirmForm(initial={
                "name": data["name"], "version": data["version"], "effective_from": data["effective_from"],
                "token": token,
            })
    return TemplateResponse(request, "competency/admin/framework_import.html", context)


def framework_import_confirm_view(request):
    _require(request, "add")
    if request.method != "POST":
        return redirect("competency_framework_import")
    form = FrameworkImportConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The import could not be confirmed; upload the workbook again."))
        return redirect("competency_framework_import")
    path = f"{IMPORT_DIR}/{form.cleaned_data['token']}.xlsx"
    if not default_storage.exists(path):
        messages.error(request, _("The uploaded workbook has expired; upload it again."))
        return redirect("competency_framework_import")
    try:
        with default_storage.open(path, "rb") as file:
            framework = framework_import(
                file=file, name=form.cleaned_data["name"], version=form.cleaned_data["version"],
                effective_from=form.cleaned_data["effective_from"],
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("competency_framework_import")
    finally:
        default_storage.delete(path)
    messages.success(
        request, _("Framework %(framework)s imported (inactive). Activate it when ready.") % {"framework": framework}
    )
    return redirect(_index_url())
