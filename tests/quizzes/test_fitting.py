"""Fitting BKT parameters from the response log recovers the parameters that generated it,
and refuses to write what the log cannot support."""

from __future__ import annotations

import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from quizzes import fitting
from quizzes.mastery import Parameters, trace
from quizzes.models import Evidence, IndicatorParameters, Mastery
from quizzes.tasks import fit_mastery_parameters
from tests.cms.factories import UserFactory
from toolkit.models import Indicator

TRUTH = Parameters(prior=0.3, learn=0.1, slip=0.1, guess=0.2)
# Over 16 simulated populations of 300 learners x 10 responses, the largest errors were
# prior 0.034, learn 0.013, slip 0.011, guess 0.040; these allow about twice as much. (The
# defaults, prior 0.2 and learn 0.15, fall outside, as would slip and guess swapped.)
TOLERANCE = {"prior": 0.07, "learn": 0.03, "slip": 0.03, "guess": 0.06}


@pytest.fixture
def indicators(taxonomy):
    return list(Indicator.objects.filter(framework__key="losi_2024").order_by("pk")[:2])


def simulate(indicator, learners, responses, truth=TRUTH, seed=1, users=None):
    """A population answering `responses` questions each: every learner knows the indicator
    with P(prior), answers rightly with 1 - slip if known and guess if not, then may learn.
    Right answers earn 1, 0.75 or 0.5 of the marks, wrong ones 0 or 0.25; rows are stored in
    shuffled order, so only created_at says which came first."""
    rng = random.Random(seed)
    users = users or UserFactory.create_batch(learners)
    start = timezone.now() - timedelta(days=30)
    rows = []
    for user in users:
        known = rng.random() < truth.prior
        for step in range(responses):
            right = rng.random() < (1 - truth.slip if known else truth.guess)
            fraction = rng.choice((1.0, 0.75, 0.5) if right else (0.0, 0.25))
            rows.append(
                Evidence(
                    user=user,
                    indicator=indicator,
                    fraction=fraction,
                    created_at=start + timedelta(minutes=step),
                )
            )
            known = known or rng.random() < truth.learn
    rng.shuffle(rows)
    Evidence.objects.bulk_create(rows, batch_size=2000)
    return users


def test_the_fit_recovers_the_parameters_that_generated_the_log(indicators):
    indicator = indicators[0]
    users = simulate(indicator, learners=300, responses=10)
    # Their mastery as the defaults left it (a stand-in value: the fit replaces it).
    Mastery.objects.bulk_create(
        Mastery(user=user, indicator=indicator, known=0.5, responses=10) for user in users
    )

    result = fit_mastery_parameters.enqueue([indicator.pk])  # the test backend runs it now

    stored = IndicatorParameters.objects.get(indicator=indicator)
    assert (stored.responses, stored.learners) == (3000, 300)
    for name, tolerance in TOLERANCE.items():
        assert getattr(stored, name) == pytest.approx(getattr(TRUTH, name), abs=tolerance), name
    [fitted] = result.return_value["fitted"]
    assert fitted["indicator"] == indicator.pk
    assert fitted["slip"] == pytest.approx(stored.slip)
    assert result.return_value["skipped"] == []
    # Every learner's mastery is re-estimated from their whole log with the fitted values.
    assert fitted["remeasured"] == 300
    fitted_params = stored.as_parameters()
    for user in users[:20]:
        log = Evidence.objects.filter(user=user, indicator=indicator).order_by("created_at")
        expected = trace(log.values_list("fraction", flat=True), fitted_params)
        got = Mastery.objects.get(user=user, indicator=indicator).known
        assert got == pytest.approx(expected), user


def test_a_refit_re_estimates_mastery_from_the_log_worked_by_hand(indicators):
    """prior .5, learn .1, slip .1, guess .2; the log: right, then wrong.
    Right:  P(K|right) = .5 x .9 / (.45 + .5 x .2) = .818182; + learning: .836364
    Wrong:  P(K|wrong) = .836364 x .1 / (.0836364 + .163636 x .8) = .389831; + learning: .450847
    Rows are stored wrong first: only their time says which came first."""
    indicator, other = indicators
    learner, bystander = UserFactory.create_batch(2)
    now = timezone.now()
    Evidence.objects.create(user=learner, indicator=indicator, fraction=0.0, created_at=now)
    Evidence.objects.create(
        user=learner, indicator=indicator, fraction=1.0, created_at=now - timedelta(days=1)
    )
    Mastery.objects.create(user=learner, indicator=indicator, known=0.3, responses=2)
    Mastery.objects.create(user=learner, indicator=other, known=0.3, responses=1)
    Mastery.objects.create(user=bystander, indicator=other, known=0.7, responses=1)

    count = fitting.remeasure(indicator.pk, Parameters(prior=0.5, learn=0.1, slip=0.1, guess=0.2))

    assert count == 1
    mastery = Mastery.objects.get(user=learner, indicator=indicator)
    assert mastery.known == pytest.approx(0.450847, abs=1e-6)
    assert mastery.responses == 2
    others = Mastery.objects.filter(indicator=other).order_by("user_id")
    assert [row.known for row in others] == [0.3, 0.7]  # other indicators are left alone


@pytest.mark.parametrize(
    "learners, responses, reason",
    [
        (10, 5, "50 responses, fewer than the 500 needed"),
        (20, 30, "20 learners, fewer than the 50 needed"),
    ],
)
def test_an_indicator_with_too_little_evidence_is_skipped(indicators, learners, responses, reason):
    simulate(indicators[0], learners=learners, responses=responses)

    report = fitting.fit_parameters()

    assert report.fitted == []
    assert [(item.indicator_id, item.reason) for item in report.skipped] == [
        (indicators[0].pk, reason)
    ]
    assert not IndicatorParameters.objects.exists()


def test_an_all_right_log_leaves_the_earlier_parameters_alone(indicators):
    indicator = indicators[0]
    earlier = IndicatorParameters.objects.create(
        indicator=indicator,
        prior=0.25,
        learn=0.12,
        slip=0.08,
        guess=0.22,
        responses=900,
        learners=90,
    )
    simulate(indicator, learners=60, responses=10, truth=Parameters(prior=1, slip=0, guess=0))

    report = fitting.fit_parameters()

    assert [item.reason for item in report.skipped] == [
        "every response is right: nothing tells knowing from guessing"
    ]
    stored = IndicatorParameters.objects.get(indicator=indicator)
    assert (stored.prior, stored.slip, stored.fitted_at) == (0.25, 0.08, earlier.fitted_at)


@pytest.mark.parametrize(
    "values, reason",
    [
        (
            {"prior": 0.3, "learn": 0.1, "slip": 0.45, "guess": 0.6},
            "slip + guess = 1.050 >= 1: a right answer would be no evidence",
        ),
        (
            {"prior": 0.3, "learn": 0.1, "slip": 0.4, "guess": 0.2},
            "fitted slip 0.400 is outside [0.001, 0.3]",
        ),
        (
            {"prior": 1.0, "learn": 0.1, "slip": 0.1, "guess": 0.2},
            "fitted prior 1.000 is outside [0.01, 0.99]",
        ),
        (
            {"prior": 0.3, "learn": 0.7, "slip": 0.1, "guess": 0.2},
            "fitted learn 0.700 is outside [0.0, 0.5]",
        ),
        (
            {"prior": 0.3, "learn": 0.1, "slip": 0.0, "guess": 0.2},
            "fitted slip 0.000 is outside [0.001, 0.3]",
        ),
        (
            {"prior": float("nan"), "learn": 0.1, "slip": 0.1, "guess": 0.2},
            "fitted prior nan is outside [0.01, 0.99]",
        ),
        ({"prior": 0.3, "learn": 0.1, "slip": 0.1, "guess": 0.2}, None),
    ],
)
def test_implausible_fits_are_refused_with_the_reason(values, reason):
    assert fitting.degenerate(values) == reason


def test_an_implausible_fit_is_reported_and_not_stored(indicators, monkeypatch):
    simulate(indicators[0], learners=60, responses=10)
    implausible = {"prior": 0.3, "learn": 0.1, "slip": 0.45, "guess": 0.6}
    monkeypatch.setattr(fitting, "estimate", lambda log: implausible)

    report = fitting.fit_parameters()

    assert [item.reason for item in report.skipped] == [fitting.degenerate(implausible)]
    assert not IndicatorParameters.objects.exists()


def test_a_large_log_is_read_as_a_sample_of_whole_learners(indicators, monkeypatch):
    simulate(indicators[0], learners=60, responses=10)
    monkeypatch.setattr(fitting, "MAX_RESPONSES", 200)

    log = fitting.read_log(indicators[0].pk, responses=600)

    assert 0 < log.learners < 60
    assert set(log.lengths.tolist()) == {10}
    assert log.responses == 10 * log.learners


def test_the_command_with_now_fits_in_process_and_prints_the_summary(indicators):
    fitted, skipped = indicators
    users = simulate(fitted, learners=60, responses=10)
    simulate(skipped, learners=10, responses=3, users=users[:10])

    out = StringIO()
    call_command("fit_mastery", "--now", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "1 indicator(s) fitted, 1 skipped."
    assert lines[1].startswith(f"fitted  #{fitted.pk} {fitted.key}: prior ")
    assert "(600 responses, 60 learners," in lines[1]
    reason = "30 responses, fewer than the 500 needed"
    assert lines[2] == f"skipped #{skipped.pk} {skipped.key}: {reason}"
    assert IndicatorParameters.objects.filter(indicator=fitted).exists()


def test_the_command_queues_the_task_for_the_worker(indicators, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    simulate(indicators[0], learners=60, responses=10)

    out = StringIO()
    call_command("fit_mastery", stdout=out)

    task = DBTaskResult.objects.get(task_path="quizzes.tasks.fit_mastery_parameters")
    assert task.status == "READY"
    assert f"(task {task.id})" in out.getvalue()
    assert not IndicatorParameters.objects.exists()  # nothing fitted until the worker runs
