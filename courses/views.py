"""Courses views: they translate HTTP to calls of courses.services and courses.selectors.
Every view declares who may use it (cms.permissions); records are fetched through
`visible_to`, so a learner reaches only their own and a trainer only their cohorts."""

from __future__ import annotations

import csv
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms.imports import ImportProblems
from cms.permissions import role_required, visible_object_or_404
from cms.roles import TRAINER
from cms.sanitize import neutralise_formula
from courses import gradebook, selectors, services
from courses.forms import (
    AddLearnersForm,
    AssignmentForm,
    CohortForm,
    EnrolForm,
    MatrixFilterForm,
)
from courses.models import Certificate, Cohort, CoursePage, Invitation, LessonPage

TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,48}$")


def token_or_blank(value: str) -> str:
    """Codes and tokens are URL-safe base64: anything else (a NUL byte, a long string) can
    match nothing, so it is answered "not found" without reaching the database."""
    return value if TOKEN.match(value) else ""


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def live_page_or_404(model, pk):
    return get_object_or_404(model.objects.live().public(), pk=pk)


# --- learners --------------------------------------------------------------------------------


@login_required
def my_learning(request):
    return render(
        request,
        "courses/my_learning.html",
        {"learning": selectors.my_learning(request.user), "courses_page": selectors.course_index()},
    )


@login_required
@require_POST
def enrol(request, page_id):
    course = live_page_or_404(CoursePage, page_id)
    form = EnrolForm(request.POST)
    form.is_valid()
    try:
        services.enrol(request.user, course, key=form.cleaned_data.get("key"))
    except services.CourseActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You are enrolled. Start with the first lesson below."))
    return redirect(course.url)


@login_required
@require_POST
def complete_lesson(request, page_id):
    lesson = live_page_or_404(LessonPage, page_id)
    try:
        result = services.complete_lesson(request.user, lesson)
    except services.CourseActionRefused as exc:
        if wants_json(request):
            return JsonResponse({"error": str(exc)}, status=409)
        messages.error(request, str(exc))
        return redirect(lesson.url)
    if wants_json(request):
        return JsonResponse({"completed": True, "course_finished": result.certificate_issued})
    if result.certificate_issued:
        messages.success(
            request, _("Congratulations: you finished the course. Your certificate is ready.")
        )
        return redirect("my_learning")
    following = (
        selectors.lesson_neighbours(lesson)["next_lesson"] if request.POST.get("next") else None
    )
    messages.success(request, _("Lesson marked as done."))
    return redirect(following.url if following else lesson.url)


@login_required
@require_POST
def save_answers(request, page_id):
    lesson = live_page_or_404(LessonPage, page_id)
    submitted = {
        key.removeprefix("answer-"): value
        for key, value in request.POST.items()
        if key.startswith("answer-")
    }
    try:
        services.save_answers(request.user, lesson, submitted)
    except services.CourseActionRefused as exc:
        if wants_json(request):
            return JsonResponse({"error": str(exc)}, status=409)
        messages.error(request, str(exc))
        return redirect(lesson.url + "#exercise")
    if wants_json(request):
        return JsonResponse({"saved": True, "at": timezone.localtime().strftime("%H:%M")})
    messages.success(request, _("Your answers are saved."))
    return redirect(lesson.url + "#exercise")


def verify_certificate(request, code):
    """Public: anyone holding a certificate's code (or its QR code) can check it."""
    certificate = Certificate.objects.filter(code=token_or_blank(code)).first()
    status = 200 if certificate else 404
    return render(
        request,
        "courses/certificate_verify.html",
        {"certificate": certificate, "code": code},
        status=status,
    )


@login_required
def certificate_pdf(request, code):
    from courses.certificates import certificate_pdf as render_pdf

    certificate = visible_object_or_404(
        Certificate.objects.all(), request.user, code=token_or_blank(code)
    )
    url = request.build_absolute_uri(reverse("certificate_verify", args=[certificate.code]))
    response = HttpResponse(render_pdf(certificate, url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


# --- joining a cohort ------------------------------------------------------------------------


def _join(request, join, secret):
    """Join a cohort by invitation or link: welcome to My learning, or back with the reason."""
    try:
        cohort = join(secret, request.user)
    except services.CourseActionRefused as exc:
        messages.error(request, str(exc))
        return redirect(request.path)
    messages.success(request, _("Welcome to %(cohort)s.") % {"cohort": cohort.name})
    return redirect("my_learning")


def invitation(request, token):
    """The invitation page: anyone with the link sees what it is; accepting needs an account
    with the invited address."""
    token = token_or_blank(token)
    found = (
        Invitation.objects.select_related("cohort", "cohort__trainer").filter(token=token).first()
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        return _join(request, services.accept_invitation, token)
    return render(
        request, "courses/invitation.html", {"invitation": found}, status=200 if found else 404
    )


@login_required
def join_cohort(request, code):
    code = token_or_blank(code)
    cohort = (
        Cohort.objects.filter(invite_code=code, invite_link_enabled=True)
        .select_related("trainer")
        .first()
    )
    if request.method == "POST":
        return _join(request, services.join_with_link, code)
    return render(
        request, "courses/join_cohort.html", {"cohort": cohort}, status=200 if cohort else 404
    )


# --- trainers --------------------------------------------------------------------------------


@role_required(TRAINER)
def cohort_list(request):
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.create_cohort(
                request.user, form.cleaned_data["name"], form.cleaned_data["description"]
            )
        except services.CourseActionRefused as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, _("Cohort created. Now add learners and assign work."))
            return redirect("cohort_detail", cohort.pk)
    return render(
        request,
        "courses/cohort_list.html",
        {"cohorts": selectors.trainer_cohorts(request.user), "form": form},
    )


def _cohort(request, pk) -> Cohort:
    return visible_object_or_404(Cohort.objects.select_related("trainer"), request.user, pk=pk)


@role_required(TRAINER)
def cohort_detail(request, pk):
    cohort = _cohort(request, pk)
    filters = MatrixFilterForm(request.GET or None)
    params = filters.cleaned_data if filters.is_valid() else {}
    matrix = selectors.cohort_matrix(
        cohort,
        sort=params.get("sort") or "name",
        status=params.get("status") or "",
        query=params.get("q") or "",
        page=request.GET.get("page", 1),
    )
    return _cohort_page(request, cohort, matrix, filters)


def _cohort_page(request, cohort, matrix, filters, status=200, **forms):
    """The cohort page: the matrix and the forms (with their errors after a refused post)."""
    context = {
        "cohort": cohort,
        "matrix": matrix,
        "filters": filters,
        "add_form": AddLearnersForm(),
        "assign_form": AssignmentForm(),
        "invite_url": request.build_absolute_uri(reverse("cohort_join", args=[cohort.invite_code])),
        **forms,
    }
    return render(request, "courses/cohort_detail.html", context, status=status)


def _redisplay(request, cohort, **forms):
    matrix = selectors.cohort_matrix(cohort)
    return _cohort_page(request, cohort, matrix, MatrixFilterForm(), status=400, **forms)


@role_required(TRAINER)
@require_POST
def cohort_add_learners(request, pk):
    cohort = _cohort(request, pk)
    form = AddLearnersForm(request.POST)
    if form.is_valid():
        try:
            result = services.add_learners_by_email(
                cohort,
                form.cleaned_data["emails"],
                lambda item: request.build_absolute_uri(
                    reverse("cohort_invitation", args=[item.token])
                ),
            )
        except ImportProblems as exc:
            for problem in exc.problems:
                form.add_error("emails", str(problem))
        else:
            messages.success(
                request,
                _("%(added)s added, %(invited)s invited, %(already)s already in the cohort.")
                % {
                    "added": len(result.added),
                    "invited": len(result.invited),
                    "already": len(result.already),
                },
            )
            return redirect("cohort_detail", cohort.pk)
    return _redisplay(request, cohort, add_form=form)


@role_required(TRAINER)
@require_POST
def cohort_assign(request, pk):
    cohort = _cohort(request, pk)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        page = form.cleaned_data["page"].specific
        course = page if isinstance(page, CoursePage) else services.course_of(page)
        module = None if isinstance(page, CoursePage) else page
        try:
            services.assign(
                cohort, course, module, form.cleaned_data["due_on"], form.cleaned_data["starts_on"]
            )
        except services.CourseActionRefused as exc:
            form.add_error("target", str(exc))
        else:
            messages.success(request, _("Assigned: %(title)s.") % {"title": page.title})
            return redirect("cohort_detail", cohort.pk)
    return _redisplay(request, cohort, assign_form=form)


@role_required(TRAINER)
@require_POST
def cohort_remove_member(request, pk, user_id):
    cohort = _cohort(request, pk)
    member = get_object_or_404(cohort.members.select_related("user"), user_id=user_id)
    services.remove_member(cohort, member.user)
    messages.success(
        request, _("%(name)s left the cohort; their own records are kept.") % {"name": member.user}
    )
    return redirect("cohort_detail", cohort.pk)


@role_required(TRAINER)
def cohort_learner(request, pk, user_id):
    cohort = _cohort(request, pk)
    member = get_object_or_404(cohort.members.select_related("user"), user_id=user_id)
    return render(
        request,
        "courses/cohort_learner.html",
        {"cohort": cohort, "learner": member.user, **selectors.learner_detail(cohort, member.user)},
    )


def column_title(column) -> str:
    return column.page.title if column.page else str(column.key)


@role_required(TRAINER)
def cohort_export(request, pk):
    """The matrix as CSV, laid out like Moodle's gradebook export: identity columns, one
    column per module ("Module: <title> (Percentage)"), the graded items other apps add
    (`courses.gradebook`: "Quiz: <title> (Percentage)", "-" where there is no grade yet), the
    course total, the export time."""
    cohort = _cohort(request, pk)
    matrix = selectors.cohort_matrix(cohort, per_page=None)
    graded = gradebook.grade_columns(
        [column.key for column in matrix.columns], [row.user.pk for row in matrix.rows]
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{cohort.pk}-grades.csv"'
    response.write("\ufeff")  # spreadsheets read the file as UTF-8
    writer = csv.writer(response)
    stamp = str(int(timezone.now().timestamp()))
    writer.writerow(
        [
            "First name",
            "Last name",
            "ID number",
            "Institution",
            "Department",
            "Email address",
            *[
                f"Module: {neutralise_formula(column_title(column))} (Percentage)"
                for column in matrix.columns
            ],
            *[neutralise_formula(column.title) for column in graded],
            "Course total (Percentage)",
            "Last downloaded from this course",
        ]
    )
    for row in matrix.rows:
        user = row.user
        writer.writerow(
            [
                neutralise_formula(user.first_name),
                neutralise_formula(user.last_name),
                "",
                neutralise_formula(user.organisation),
                "",
                user.email,
                *[f"{cell.percent:.2f} %" for cell in row.cells],
                *[
                    "-" if column.grades.get(user.pk) is None else f"{column.grades[user.pk]:.2f} %"
                    for column in graded
                ],
                f"{row.percent:.2f} %",
                stamp,
            ]
        )
    return response
