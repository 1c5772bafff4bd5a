"""Cadre-facing quiz pages on the public site, and the trainers' marking queue.

Views parse the request, call one service or selector, and render. Refusals from services
(AssessmentError) become a message (HTML) or {"error": ...} (JSON) with the service's status.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import EssayMarkForm
from .models import Quiz, Sitting, SittingAnswer
from .permissions import can_author, can_edit_quiz, sittings_visible_to


def _wants_json(request) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        or "application/json" in request.headers.get("Accept", "")
        or request.headers.get("X-Requested-With") == "fetch"
    )


def _open_quiz(request, slug) -> Quiz:
    quiz = get_object_or_404(Quiz, url=slug)
    if not selectors.quiz_is_listed(quiz) and not can_edit_quiz(request.user, quiz):
        raise Http404(_("No such quiz."))
    return quiz


def _close_if_expired(sitting: Sitting) -> Sitting:
    """A sitting nobody touched after its deadline is closed when someone looks at it."""
    if not sitting.complete and services._is_expired(sitting, timezone.now()):
        return services.sitting_submit(sitting_id=sitting.pk, ended_by=services._ended_by_for_expiry(sitting))
    return sitting


@login_required
def quiz_list(request):
    quizzes = list(selectors.quizzes_open_to(request.user).order_by("title"))
    passed = selectors.passed_quiz_ids(user=request.user, quiz_ids=[q.pk for q in quizzes])
    return render(request, "assessments/quiz_list.html", {"quizzes": quizzes, "passed": passed})


@login_required
def quiz_detail(request, slug):
    quiz = _open_quiz(request, slug)
    status = selectors.quiz_status(user=request.user, quiz=quiz)
    if status.open_sitting is not None:
        status.open_sitting.quiz = quiz
        if _close_if_expired(status.open_sitting).complete:
            status = selectors.quiz_status(user=request.user, quiz=quiz)
    return render(request, "assessments/quiz_detail.html", {
        "quiz": quiz, "status": status, "attempts_left": status.attempts_left(quiz),
        "is_open": quiz.is_open(), "has_closed": bool(quiz.closes_at and quiz.closes_at <= timezone.now()),
        "can_edit": can_edit_quiz(request.user, quiz),
    })


@login_required
@require_POST
def quiz_start(request, slug):
    quiz = _open_quiz(request, slug)
    try:
        sitting = services.sitting_start(by=request.user, quiz=quiz)
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
        return redirect(quiz.get_absolute_url())
    return redirect("assessments:sitting_take", pk=sitting.pk)


def _own_sitting(request, pk) -> Sitting:
    sitting = Sitting.objects.select_related("quiz").filter(pk=pk, user=request.user).first()
    if sitting is None:
        raise Http404(_("This attempt does not exist or is not yours."))
    return sitting


@login_required
def sitting_take(request, pk):
    sitting = _close_if_expired(_own_sitting(request, pk))
    if sitting.complete:
        return redirect("assessments:sitting_result", pk=sitting.pk)
    items = selectors.sitting_paper(sitting=sitting)
    quiz = sitting.quiz
    context = {"sitting": sitting, "quiz": quiz, "items": items, "total": len(items),
               "answered": sum(1 for i in items if i.answered)}
    if quiz.layout == "paged" and items:
        try:
            index = min(max(int(request.GET.get("q", 1)), 1), len(items))
        except ValueError:
            index = 1
        context.update(page_items=[items[index - 1]], index=index,
                       prev_index=index - 1 if index > 1 else None,
                       next_index=index + 1 if index < len(items) else None)
    else:
        context["page_items"] = items
    return render(request, "assessments/sitting_take.html", context)


@transaction.non_atomic_requests
@login_required
@require_POST
def sitting_answer(request, pk):
    """Save one answer. JSON for the page's script; a redirect (with a message) without it.

    Outside ATOMIC_REQUESTS: the service's block is the whole transaction (no savepoint), so an
    answer costs five queries with the session and the user (bench/quiz_load.py)."""
    try:
        row = services.sitting_answer(
            sitting_id=pk, by=request.user, question_id=request.POST.get("question"),
            choice_ids=request.POST.getlist("choice"), tf_answer=request.POST.get("tf"),
            essay_text=request.POST.get("essay"), client_seq=request.POST.get("seq"),
        )
    except services.AssessmentError as exc:
        if _wants_json(request):
            return JsonResponse({"error": exc.message, "closed": isinstance(exc, services.SittingClosed)},
                                status=exc.status)
        if isinstance(exc, services.SittingNotFound):
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
        if isinstance(exc, services.SittingClosed):
            return redirect("assessments:sitting_result", pk=pk)
        return redirect("assessments:sitting_take", pk=pk)
    if _wants_json(request):
        # superseded: a later answer of this question, sent by the page after this one, is stored already.
        return JsonResponse({"saved": True, "question": row.question_id, "superseded": row.superseded,
                             "saved_at": timezone.localtime(row.answered_at).strftime("%H:%M:%S")})
    target = reverse("assessments:sitting_take", kwargs={"pk": pk})
    next_q = request.POST.get("next_q", "")
    if next_q.isdigit():
        target += f"?q={next_q}"
    else:
        messages.success(request, _("Answer saved."))
    return redirect(target)


@login_required
@require_POST
def sitting_submit(request, pk):
    try:
        services.sitting_submit(sitting_id=pk, by=request.user)
    except services.SittingNotFound as exc:
        raise Http404(exc.message) from exc
    return redirect("assessments:sitting_result", pk=pk)


@login_required
def sitting_result(request, pk):
    sitting = get_object_or_404(sittings_visible_to(request.user).select_related("quiz", "cadre", "user"), pk=pk)
    own = sitting.user_id == request.user.pk
    if own:
        sitting = _close_if_expired(sitting)
        if not sitting.complete:
            return redirect("assessments:sitting_take", pk=sitting.pk)
    quiz = sitting.quiz
    trainer_view = not own
    show_review = (trainer_view and quiz.exam_paper) or (own and selectors.review_allowed(sitting))
    show_key = trainer_view or (show_review and quiz.answers_at_end)
    items = selectors.sitting_paper(sitting=sitting, with_key=show_key) if show_review else []
    if show_review and not show_key:
        # Responses marked right/wrong without revealing the key: only is_correct is needed.
        marks = dict(SittingAnswer.objects.filter(sitting=sitting).values_list("question_id", "is_correct"))
        for item in items:
            item.is_correct = marks.get(item.question.pk)
    return render(request, "assessments/sitting_result.html", {
        "sitting": sitting, "quiz": quiz, "items": items, "show_review": show_review, "show_key": show_key,
        "trainer_view": trainer_view,
    })


@login_required
def my_results(request):
    sittings = Paginator(selectors.sittings_of(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "assessments/my_results.html", {
        "page_obj": sittings, "progress": selectors.progress_for(user=request.user),
    })


# ---------------------------------------------------------------------------------------------
# Trainers


def _require_author(request):
    if not can_author(request.user):
        raise PermissionDenied


@login_required
def marking_queue(request):
    _require_author(request)
    page = Paginator(selectors.marking_queue(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "assessments/marking_queue.html", {"page_obj": page, "form": EssayMarkForm()})


@login_required
@require_POST
def essay_mark(request, answer_id):
    _require_author(request)
    form = EssayMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the essay is acceptable."))
        return redirect("assessments:marking_queue")
    try:
        sitting = services.essay_mark(answer_id=answer_id, by=request.user,
                                      correct=form.cleaned_data["verdict"] == "correct",
                                      comment=form.cleaned_data["comment"])
    except services.SittingNotFound as exc:
        raise Http404(exc.message) from exc
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
        return redirect("assessments:marking_queue")
    messages.success(request, _("Essay marked. Attempt #%(no)s of %(name)s: %(score)s/%(max)s.") % {
        "no": sitting.attempt_no, "name": sitting.cadre or sitting.user, "score": sitting.current_score,
        "max": sitting.max_score,
    })
    return redirect("assessments:marking_queue")


@login_required
def quiz_sittings(request, slug):
    quiz = get_object_or_404(Quiz, url=slug)
    if not can_edit_quiz(request.user, quiz):
        raise PermissionDenied
    page = Paginator(selectors.quiz_sittings(user=request.user, quiz=quiz), 50).get_page(request.GET.get("page"))
    return render(request, "assessments/quiz_sittings.html", {
        "quiz": quiz, "page_obj": page, "summary": selectors.quiz_summary(quiz=quiz),
    })
