"""Trainer views inside the Wagtail admin: bank import/export and item analysis."""

import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import imports, selectors
from ..models import Category, Question
from ..permissions import can_author, quizzes_editable_by

SESSION_KEY = "assessments_bank_import"


class BankUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Question bank (.xlsx)"))


def _require_author(request):
    if not can_author(request.user):
        raise PermissionDenied


def bank_import(request):
    """Upload → preview (every row checked, errors per row) → confirm (all rows or none)."""
    _require_author(request)
    if request.method == "POST" and "confirm" in request.POST:
        pending = request.session.get(SESSION_KEY) or {}
        if not pending or pending.get("token") != request.POST.get("token"):
            messages.error(request, _("This preview has expired; upload the file again."))
            return redirect("assessments_admin:bank_import")
        count = imports.bank_import(rows=pending["rows"])
        del request.session[SESSION_KEY]
        messages.success(request, _("%(n)s questions imported.") % {"n": count})
        return redirect("assessments_admin:bank_import")

    form = BankUploadForm(request.POST or None, request.FILES or None)
    preview = None
    token = ""
    if request.method == "POST" and form.is_valid():
        try:
            preview = imports.bank_parse(form.cleaned_data["file"])
        except imports.BankFileError as exc:
            form.add_error("file", str(exc))
        else:
            if preview.ok:
                token = secrets.token_urlsafe(16)
                request.session[SESSION_KEY] = {"token": token, "rows": [r.as_dict() for r in preview.rows]}
            else:
                request.session.pop(SESSION_KEY, None)
    return render(request, "assessments/admin/bank_import.html", {
        "form": form, "preview": preview, "token": token, "headers": imports.HEADERS,
        "categories": Category.objects.order_by("category"),
    })


def bank_export(request):
    _require_author(request)
    questions = Question.objects.all()
    category_id = request.GET.get("category", "")
    if category_id.isdigit():
        questions = questions.filter(category_id=int(category_id))
    response = HttpResponse(
        imports.bank_export(questions=questions),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="ngan-hang-cau-hoi-{stamp}.xlsx"'
    return response


def statistics_index(request):
    _require_author(request)
    quizzes = quizzes_editable_by(request.user).order_by("title")
    return render(request, "assessments/admin/statistics_index.html", {"quizzes": quizzes})


def quiz_statistics(request, pk):
    _require_author(request)
    quiz = get_object_or_404(quizzes_editable_by(request.user), pk=pk)
    rows, used = selectors.item_analysis(quiz=quiz)
    return render(request, "assessments/admin/quiz_statistics.html", {
        "quiz": quiz, "rows": rows, "used": used, "summary": selectors.quiz_summary(quiz=quiz),
    })
