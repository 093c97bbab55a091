"""Mastery from graded responses (a worked example by hand), the roll-up on "My progress",
practice on the weakest indicators, and the cohort × indicator heatmap, each in a constant
number of queries."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.services import add_member, assign, create_cohort
from quizzes import mastery, selectors, services
from quizzes.demo import as_post, right_response, wrong_response
from quizzes.models import Attempt, Evidence, IndicatorParameters, Mastery
from tests.cms.factories import LearnerFactory, TrainerFactory
from tests.quizzes.factories import make_question
from toolkit.models import Indicator

pytestmark = pytest.mark.django_db


def take(user, quiz, pick):
    attempt = services.start_attempt(user, quiz)
    for question in attempt.questions.select_related("version"):
        data = question.version.data
        services.save_responses(user, attempt.pk, as_post(question.slot, data, pick(data)))
    services.submit(user, attempt.pk)
    return attempt


def test_mastery_follows_the_worked_example(quiz_tree, learner):
    """Defaults prior .2, learn .15, slip .1, guess .2. A right answer:
    P(K|right) = .2 × .9 / (.2 × .9 + .8 × .2) = .18 / .34 = .529412; then learning:
    .529412 + .470588 × .15 = .6 exactly. A wrong answer from .2:
    P(K|wrong) = .2 × .1 / (.02 + .8 × .8) = .030303; + .969697 × .15 = .175758."""
    take(learner, quiz_tree["quiz"], right_response)
    rows = list(Mastery.objects.filter(user=learner))
    assert len(rows) == 3  # three questions, each on its own indicator
    for row in rows:
        assert row.known == pytest.approx(0.6, abs=1e-9)
        assert row.responses == 1
    assert Evidence.objects.filter(user=learner).count() == 3
    second = services.start_attempt(learner, quiz_tree["quiz"])
    question = second.questions.select_related("version").first()
    indicator = question.version.data["indicators"][0]
    before = Mastery.objects.filter(user=learner, indicator_id=indicator).first()
    start = before.known if before else 0.2
    services.save_responses(
        learner,
        second.pk,
        as_post(question.slot, question.version.data, wrong_response(question.version.data)),
    )
    services.submit(learner, second.pk)
    after = Mastery.objects.get(user=learner, indicator_id=indicator)
    expected = mastery.update(start, 0.0)
    assert after.known == pytest.approx(expected, abs=1e-9)
    if start == 0.2:
        assert after.known == pytest.approx(0.175758, abs=1e-6)


def test_fitted_parameters_replace_the_defaults(quiz_tree, learner):
    indicator = Indicator.objects.get(
        pk=quiz_tree["bank"][0].indicators.values_list("pk", flat=True)[0]
    )
    IndicatorParameters.objects.create(
        indicator=indicator, prior=0.5, learn=0.0, slip=0.1, guess=0.1, responses=600, learners=60
    )
    take(learner, quiz_tree["quiz"], right_response)
    row = Mastery.objects.filter(user=learner, indicator=indicator).first()
    if row is not None:  # the draw took a question on this indicator
        assert row.known == pytest.approx(0.5 * 0.9 / (0.5 * 0.9 + 0.5 * 0.1))


def test_my_progress_rolls_up_and_links_the_weakest(quiz_tree, learner, client):
    lesson = quiz_tree["lesson"]
    lesson.indicators = [q.indicators.first() for q in quiz_tree["bank"]]
    lesson.save_revision().publish()
    take(learner, quiz_tree["quiz"], wrong_response)
    client.force_login(learner)
    html = client.get(reverse("quiz_progress")).content.decode()
    criterion = quiz_tree["module"].criterion
    assert criterion.name in html
    assert "3 assessed so far" in html
    assert 'class="mastery-chart"' in html and "<svg" in html  # the chart, without JS
    assert "The same as a table" in html
    assert "Your weakest indicators" in html
    assert quiz_tree["lesson"].title in html  # the lesson that teaches the weakest
    context = selectors.progress(learner)
    weakest = context["weakest"]
    assert len(weakest) == 3
    assert all(w.row.level == mastery.EMERGING for w in weakest)


def test_my_progress_runs_a_fixed_number_of_queries(quiz_tree, learner):
    take(learner, quiz_tree["quiz"], wrong_response)
    with CaptureQueriesContext(connection) as few:
        selectors.progress(learner)
    for _n in range(3):
        take(learner, quiz_tree["quiz"], right_response)
    make_question(name="Another", indicators=list(Indicator.objects.filter(code="#236")))
    with CaptureQueriesContext(connection) as many:
        selectors.progress(learner)
    assert len(many) == len(few)


def test_practice_draws_the_weakest_and_least_certain_indicators(quiz_tree, learner):
    bank = quiz_tree["bank"]
    indicators = [q.indicators.first() for q in bank]
    # Mastered one indicator, failed another, never saw the rest.
    Mastery.objects.create(user=learner, indicator=indicators[0], known=0.99, responses=8)
    Mastery.objects.create(user=learner, indicator=indicators[1], known=0.05, responses=2)
    # Unseen indicators are the most uncertain (prior .2, no evidence): they come first, then
    # the failed one; the mastered one waits.
    targets = selectors.practice_targets(learner, 3)
    assert set(targets[:2]) == {indicators[2].pk, indicators[3].pk}
    assert targets[2] == indicators[1].pk
    attempt = services.start_practice(learner, size=3)
    assert attempt.practice and attempt.quiz_key is None
    drawn = {
        pk
        for question in attempt.questions.select_related("version")
        for pk in question.version.data["indicators"]
    }
    assert indicators[1].pk in drawn and indicators[0].pk not in drawn


def test_practice_is_ungraded_but_updates_mastery(quiz_tree, learner, client):
    client.force_login(learner)
    response = client.post(reverse("quiz_practice"))
    attempt = Attempt.objects.get(user=learner, practice=True)
    assert response["Location"] == reverse("quiz_attempt", args=[attempt.pk])
    services.submit(learner, attempt.pk)
    assert Evidence.objects.filter(user=learner, practice=True).exists()
    review = client.get(reverse("quiz_review", args=[attempt.pk])).content.decode()
    assert "Review: practice" in review and "The right answer:" in review


def test_practice_with_nothing_to_practise_says_so(taxonomy, client):
    learner = LearnerFactory()
    client.force_login(learner)
    response = client.post(reverse("quiz_practice"), follow=True)
    assert "nothing to practise yet" in response.content.decode()


def test_the_cohort_heatmap_for_its_trainer_only(quiz_tree, learner, client):
    trainer = TrainerFactory()
    cohort = create_cohort(trainer, "Lakeside")
    add_member(cohort, learner)
    others = [LearnerFactory() for _n in range(2)]
    for other in others:
        add_member(cohort, other)
    assign(cohort, quiz_tree["course"], None, date.today() + timedelta(days=7))
    take(learner, quiz_tree["quiz"], right_response)
    client.force_login(trainer)
    url = reverse("cohort_indicators", args=[cohort.pk])
    client.get(url)  # the site's own lookups (root page, menus) are cached after this
    with CaptureQueriesContext(connection) as first:
        html = client.get(url).content.decode()
    assert "Mastery by indicator" in html and "heatmap" in html
    assert "60<span" in html  # the learner's cell: 60%
    assert "The cohort&#x27;s weakest indicators" in html or "weakest indicators" in html
    for other in others:
        take(other, quiz_tree["quiz"], wrong_response)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) == len(first)
    client.force_login(TrainerFactory())
    assert client.get(url).status_code == 404
    client.force_login(learner)
    assert client.get(url).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_two_tabs_submitting_at_once_give_one_graded_attempt(quiz_tree, learner):
    """Real concurrent requests on PostgreSQL: both submits run in their own connection; the
    row lock makes the second wait and find the attempt finished."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers)")
    attempt = services.start_attempt(learner, quiz_tree["quiz"])
    posts = []
    for question in attempt.questions.select_related("version"):
        post = as_post(question.slot, question.version.data, right_response(question.version.data))
        posts.append(post)
    merged = posts[0].copy()
    for post in posts[1:]:
        for key, values in post.lists():
            for value in values:
                merged.appendlist(key, value)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def tab():
        try:
            barrier.wait()
            results.append(services.submit(learner, attempt.pk, merged))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tab) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(result.already for result in results) == [False, True]
    attempt.refresh_from_db()
    assert attempt.percent == 100.0
    assert Evidence.objects.filter(user=learner).count() == 3  # graded once


def test_the_trainer_sees_the_quiz_among_a_learners_items(quiz_tree, learner, client):
    trainer = TrainerFactory()
    cohort = create_cohort(trainer, "Lakeside")
    add_member(cohort, learner)
    assign(cohort, quiz_tree["course"], None, date.today() + timedelta(days=7))
    take(learner, quiz_tree["quiz"], right_response)
    client.force_login(trainer)
    html = client.get(reverse("cohort_learner", args=[cohort.pk, learner.pk])).content.decode()
    assert quiz_tree["quiz"].title in html and '<span class="badge">Quiz</span>' in html
    matrix = client.get(reverse("cohort_detail", args=[cohort.pk])).content.decode()
    assert reverse("cohort_indicators", args=[cohort.pk]) in matrix


@pytest.mark.django_db(transaction=True)
def test_learners_starting_at_once_share_the_new_question_versions(quiz_tree, learner):
    """Real concurrent starts on PostgreSQL when no version of the questions exists yet:
    every start succeeds and each question has one version."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts need PostgreSQL (SQLite serialises writers)")
    from courses.services import enrol
    from quizzes.models import QuestionVersion

    learners = [learner] + [LearnerFactory() for _n in range(5)]
    for other in learners[1:]:
        enrol(other, quiz_tree["course"])
    assert not QuestionVersion.objects.exists()
    barrier = threading.Barrier(len(learners))
    errors = []

    def start(user):
        try:
            barrier.wait()
            services.start_attempt(user, quiz_tree["quiz"])
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start, args=(user,)) for user in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Attempt.objects.count() == len(learners)
    assert QuestionVersion.objects.filter(number=1).count() == QuestionVersion.objects.count()
