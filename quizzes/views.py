"""Quiz views: they translate HTTP to calls of quizzes.services and quizzes.selectors. Every
form posts without JavaScript (the attempt's Next, Previous and Finish buttons save the page);
attempts are fetched through `visible_to`, so a learner reaches only their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms.permissions import role_required, visible_object_or_404
from cms.roles import TRAINER
from courses.models import Cohort
from courses.views import wants_json
from quizzes import selectors, services
from quizzes.models import Attempt, QuizPage

FULL_REVIEW = dict.fromkeys(("marks", "correctness", "feedback", "answers"), True)


def _attempt(request, pk) -> Attempt:
    return visible_object_or_404(Attempt.objects.all(), request.user, pk=pk)


def _quiz_of(attempt: Attempt) -> QuizPage | None:
    if attempt.quiz_key is None:
        return None
    return QuizPage.objects.filter(translation_key=attempt.quiz_key).live().first()


def _page_number(value) -> int:
    return int(value) if str(value).isdigit() and len(str(value)) < 5 else 1


@login_required
@require_POST
def start(request, page_id):
    quiz = get_object_or_404(QuizPage.objects.live().public(), pk=page_id)
    try:
        attempt = services.start_attempt(request.user, quiz)
    except services.QuizActionRefused as exc:
        messages.error(request, str(exc))
        return redirect(quiz.url)
    return redirect("quiz_attempt", pk=attempt.pk)


@login_required
def attempt(request, pk):
    """An open attempt, one page of questions at a time. A post saves the page's answers,
    then goes where its button said (next, previous, a page, the summary); the same post
    with `Accept: application/json` is the autosave."""
    attempt = services.finish_if_expired(_attempt(request, pk))
    if not attempt.is_open:
        if wants_json(request):
            return JsonResponse({"error": _("This attempt has been submitted.")}, status=409)
        return redirect("quiz_review", pk=attempt.pk)
    if request.method == "POST":
        try:
            saved = services.save_responses(request.user, attempt.pk, request.POST)
        except services.QuizActionRefused as exc:
            if wants_json(request):
                return JsonResponse({"error": str(exc)}, status=409)
            messages.error(request, str(exc))
            return redirect("quiz_attempt", pk=attempt.pk)
        if wants_json(request):
            at = formats.time_format(timezone.localtime(), "H:i:s")
            return JsonResponse({"saved": True, "changed": saved, "at": at})
        go = request.POST.get("go", "")
        if go == "finish":
            return redirect("quiz_summary", pk=attempt.pk)
        return redirect(f"{reverse('quiz_attempt', args=[attempt.pk])}?page={_page_number(go)}")
    quiz = _quiz_of(attempt)
    context = selectors.attempt_page(
        attempt,
        _page_number(request.GET.get("page", 1)),
        shuffle_choices=quiz.shuffle_choices if quiz else True,
    )
    return render(request, "quizzes/attempt.html", {**context, "quiz": quiz})


@login_required
def summary(request, pk):
    attempt = services.finish_if_expired(_attempt(request, pk))
    if not attempt.is_open:
        return redirect("quiz_review", pk=attempt.pk)
    context = selectors.attempt_page(attempt, 1)
    per_page = attempt.questions_per_page
    rows = [
        (slot, answered, n // per_page + 1)
        for n, (slot, answered) in enumerate(
            zip(context["slots"], context["answered"], strict=True)
        )
    ]
    return render(
        request,
        "quizzes/attempt_summary.html",
        {
            **context,
            "quiz": _quiz_of(attempt),
            "rows": rows,
            "unanswered": sum(not answered for _slot, answered, _page in rows),
        },
    )


@login_required
@require_POST
def submit(request, pk):
    attempt = _attempt(request, pk)
    result = services.submit(request.user, attempt.pk, request.POST)
    if result.late:
        messages.warning(
            request,
            _("Time was up: your answers saved before the deadline were graded."),
        )
    elif not result.already:
        messages.success(request, _("Your attempt has been submitted and graded."))
    if result.completed:
        messages.success(request, _("You passed: the quiz counts as done in its module."))
    return redirect("quiz_review", pk=attempt.pk)


@login_required
def review(request, pk):
    attempt = services.finish_if_expired(_attempt(request, pk))
    if attempt.is_open:
        return redirect("quiz_attempt", pk=attempt.pk)
    quiz = _quiz_of(attempt)
    options = FULL_REVIEW if attempt.practice or quiz is None else quiz.review_options()
    context = selectors.review(attempt, options)
    return render(request, "quizzes/attempt_review.html", {**context, "quiz": quiz})


@login_required
def my_progress(request):
    return render(request, "quizzes/my_progress.html", selectors.progress(request.user))


@login_required
@require_POST
def practice(request):
    try:
        attempt = services.start_practice(request.user)
    except services.QuizActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("quiz_progress")
    return redirect("quiz_attempt", pk=attempt.pk)


@role_required(TRAINER)
def cohort_indicators(request, pk):
    cohort = visible_object_or_404(Cohort.objects.all(), request.user, pk=pk)
    context = selectors.cohort_indicators(
        cohort, request.GET.get("page", 1), criterion=request.GET.get("criterion")
    )
    return render(request, "quizzes/cohort_indicators.html", {**context, "cohort": cohort})
