"""“Assign for study” in the Wagtail admin: the study plan of a regulation (positions concerned, days,
lesson, quiz) and the assignment of the document to the cadres it concerns in the user's units, with
the count of who will be assigned shown before the user confirms."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from assessments.models import Quiz
from cms.models import Regulation
from organization import roles
from organization.admin.scoped import forbidden_as_403
from organization.models import Position
from organization.selectors import units_editable_by

from .. import selectors, services
from ..models import LessonPage


def can_assign_study(user) -> bool:
    return roles.is_administrator(user) or roles.is_unit_manager(user)


def can_plan_study(user) -> bool:
    """The study plan is the province's (one per document): administrators and editors of the library."""
    return roles.is_administrator(user) or user.has_perm("cms.change_regulation")


class StudyPlanForm(forms.Form):
    positions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Positions concerned"), queryset=Position.objects.order_by("order", "name"),
        widget=forms.CheckboxSelectMultiple)
    due_days = forms.IntegerField(label=gettext_lazy("Days to study it"), min_value=1, max_value=365, initial=30)
    lesson = forms.ModelChoiceField(label=gettext_lazy("Lesson"), queryset=LessonPage.objects.live().order_by("title"),
                                    required=False)
    quiz = forms.ModelChoiceField(label=gettext_lazy("Quiz to pass first"),
                                  queryset=Quiz.objects.filter(draft=False).order_by("title"), required=False)


class StudyUnitForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("Only in this unit and its sub-units"), queryset=None,
                                  required=False, empty_label=gettext_lazy("All my units"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_editable_by(user).order_by("path")


def _reach(user, regulation, unit):
    """(total, already assigned) of the cadres the assignment would reach, or None without a plan."""
    try:
        targets = services.study_targets(by=user, regulation=regulation, unit=unit)
    except ValidationError:
        return None
    total = targets.count()
    already = regulation.study_assignments.filter(cadre__in=targets).count()
    return {"total": total, "already": already, "new": total - already}


@forbidden_as_403
def regulation_study(request, pk):
    """GET: the plan and the count; POST action=plan: save the plan; POST action=assign: assign."""
    if not can_assign_study(request.user):
        raise PermissionDenied
    regulation = get_object_or_404(Regulation, pk=pk)
    study = selectors.regulation_study(regulation)
    initial = {"due_days": 30}
    if study is not None:
        initial = {"positions": list(study.positions.all()), "due_days": study.due_days, "lesson": study.lesson,
                   "quiz": study.quiz}
    plan_form = StudyPlanForm(initial=initial)
    unit_form = StudyUnitForm(request.GET or None, user=request.user)
    status = 200
    action = request.POST.get("action")
    if request.method == "POST" and action == "plan":
        if not can_plan_study(request.user):
            raise PermissionDenied
        plan_form = StudyPlanForm(request.POST)
        if plan_form.is_valid():
            services.regulation_study_set(regulation=regulation, **plan_form.cleaned_data)
            messages.success(request, _("The study plan is saved. Check the count, then assign."))
            return redirect("courses_regulation_study", pk=pk)
        status = 400
    elif request.method == "POST" and action == "assign":
        unit_form = StudyUnitForm(request.POST, user=request.user)
        if unit_form.is_valid():
            try:
                result = services.study_assign(by=request.user, regulation=regulation,
                                               unit=unit_form.cleaned_data["unit"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                n = len(result.created)
                messages.success(request, ngettext(
                    "%(count)d cadre assigned to study the document (%(already)d already were).",
                    "%(count)d cadres assigned to study the document (%(already)d already were).", n,
                ) % {"count": n, "already": result.already})
            return redirect("courses_regulation_study", pk=pk)
        status = 400
    unit = unit_form.cleaned_data.get("unit") if unit_form.is_bound and unit_form.is_valid() else None
    return render(request, "courses/admin/regulation_study.html", {
        "regulation": regulation, "study": study, "plan_form": plan_form, "unit_form": unit_form,
        "can_plan": can_plan_study(request.user), "reach": _reach(request.user, regulation, unit), "unit": unit,
    }, status=status)
