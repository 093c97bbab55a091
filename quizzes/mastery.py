"""Mastery of an indicator: Bayesian Knowledge Tracing (Corbett and Anderson, 1995).

Each learner either knows an indicator or not; P(known) starts at `prior`. A graded response
to a question tagged with the indicator is evidence: someone who knows it still answers
wrongly with probability `slip`, someone who does not answers rightly with probability
`guess`. After the evidence, the chance of having learnt it meanwhile is `learn`:

    P(K | right) = P(K)(1 - slip) / (P(K)(1 - slip) + (1 - P(K)) guess)
    P(K | wrong) = P(K) slip / (P(K) slip + (1 - P(K))(1 - guess))
    P(K next)    = P(K | evidence) + (1 - P(K | evidence)) learn

A partly right answer (fraction f of the marks) counts as the mixture f * right + (1 - f) *
wrong. The defaults below are the usual starting values in the BKT literature; once an
indicator has enough responses, parameters fitted on the response log replace them
(`quizzes.tasks`, with pyBKT, in the background).

Levels, by P(known) once at least one response is on record:
    emerging < 0.40 <= developing < 0.70 <= proficient < 0.95 <= mastered
(0.95 is the customary BKT mastery threshold.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

NOT_ASSESSED, EMERGING, DEVELOPING, PROFICIENT, MASTERED = (
    "not_assessed",
    "emerging",
    "developing",
    "proficient",
    "mastered",
)
THRESHOLDS = ((0.95, MASTERED), (0.70, PROFICIENT), (0.40, DEVELOPING), (0.0, EMERGING))
LEVEL_LABELS = {
    NOT_ASSESSED: _("Not yet assessed"),
    EMERGING: _("Emerging"),
    DEVELOPING: _("Developing"),
    PROFICIENT: _("Proficient"),
    MASTERED: _("Mastered"),
}
# What "My progress" explains: each level and the P(known) range it covers.
LEVELS_DOCUMENTED = [
    (LEVEL_LABELS[NOT_ASSESSED], _("no answer on record yet")),
    (LEVEL_LABELS[EMERGING], _("below 40%")),
    (LEVEL_LABELS[DEVELOPING], _("40% to 69%")),
    (LEVEL_LABELS[PROFICIENT], _("70% to 94%")),
    (LEVEL_LABELS[MASTERED], _("95% or more")),
]


@dataclass(frozen=True)
class Parameters:
    prior: float = 0.20
    learn: float = 0.15
    slip: float = 0.10
    guess: float = 0.20

    def __post_init__(self):
        for name in ("prior", "learn", "slip", "guess"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a probability, not {value}")
        if self.slip + self.guess >= 1.0:
            raise ValueError("slip + guess must stay below 1, or a right answer is no evidence")


DEFAULT = Parameters()


def posterior(known: float, fraction: float, params: Parameters = DEFAULT) -> float:
    """P(known) after a response worth `fraction` of the marks (before learning)."""
    right = known * (1 - params.slip)
    right /= right + (1 - known) * params.guess
    wrong = known * params.slip
    wrong /= wrong + (1 - known) * (1 - params.guess)
    fraction = min(1.0, max(0.0, fraction))
    return fraction * right + (1 - fraction) * wrong


def update(known: float, fraction: float, params: Parameters = DEFAULT) -> float:
    """P(known) for the next opportunity: the evidence, then the chance to learn."""
    after = posterior(known, fraction, params)
    return after + (1 - after) * params.learn


def trace(fractions, params: Parameters = DEFAULT) -> float:
    """P(known) after a sequence of responses, starting from the prior."""
    known = params.prior
    for fraction in fractions:
        known = update(known, fraction, params)
    return known


def level(known: float | None, responses: int) -> str:
    if not responses or known is None:
        return NOT_ASSESSED
    return next(name for bound, name in THRESHOLDS if known >= bound)


def uncertainty(known: float, responses: int) -> float:
    """How unsure the estimate is (0 to 1): the Bernoulli spread, shrinking with evidence.
    Practice draws first where mastery is low and this is high."""
    return 4 * known * (1 - known) / (1 + responses) ** 0.5
