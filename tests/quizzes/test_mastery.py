"""Bayesian Knowledge Tracing, checked against a worked example computed by hand."""

import pytest

from quizzes import mastery
from quizzes.mastery import Parameters


def test_worked_example_by_hand():
    """prior 0.2, learn 0.15, slip 0.1, guess 0.2.
    Right answer: 0.2*0.9 / (0.2*0.9 + 0.8*0.2) = 0.18 / 0.34 = 0.529412;
    then learning: 0.529412 + 0.470588*0.15 = 0.6.
    Wrong answer next: 0.6*0.1 / (0.6*0.1 + 0.4*0.8) = 0.06 / 0.38 = 0.157895;
    then 0.157895 + 0.842105*0.15 = 0.284211."""
    params = Parameters(prior=0.2, learn=0.15, slip=0.1, guess=0.2)
    assert mastery.posterior(0.2, 1.0, params) == pytest.approx(0.529412, abs=1e-6)
    after_right = mastery.update(0.2, 1.0, params)
    assert after_right == pytest.approx(0.6, abs=1e-9)
    assert mastery.update(after_right, 0.0, params) == pytest.approx(0.284211, abs=1e-6)
    assert mastery.trace([1.0, 0.0], params) == pytest.approx(0.284211, abs=1e-6)


def test_partial_credit_is_a_mixture():
    right = mastery.posterior(0.5, 1.0)
    wrong = mastery.posterior(0.5, 0.0)
    assert mastery.posterior(0.5, 0.25) == pytest.approx(0.25 * right + 0.75 * wrong)


def test_evidence_moves_the_estimate_the_right_way():
    assert mastery.trace([1] * 5) > 0.95 > mastery.trace([0] * 5)


@pytest.mark.parametrize(
    "known, responses, level",
    [
        (0.9, 0, "not_assessed"),
        (0.1, 3, "emerging"),
        (0.4, 3, "developing"),
        (0.7, 3, "proficient"),
        (0.95, 3, "mastered"),
    ],
)
def test_levels(known, responses, level):
    assert mastery.level(known, responses) == level


def test_parameters_are_checked():
    with pytest.raises(ValueError):
        Parameters(slip=0.6, guess=0.5)
    with pytest.raises(ValueError):
        Parameters(prior=1.5)


def test_uncertainty_shrinks_with_evidence():
    assert mastery.uncertainty(0.5, 0) == 1.0
    assert mastery.uncertainty(0.5, 8) < mastery.uncertainty(0.5, 2)
    assert mastery.uncertainty(0.99, 2) < mastery.uncertainty(0.5, 2)
