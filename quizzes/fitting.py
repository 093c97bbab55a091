"""BKT parameters per indicator, fitted on the response log (`Evidence`) with pyBKT's EM.

Which indicators: those with at least MIN_RESPONSES responses from at least MIN_LEARNERS
learners. Simulated logs (prior .3, learn .1, slip .1, guess .2; 12 populations each) put
the median error of the fitted learn, slip and guess near 0.03 with 20 learners x 10
responses but near 0.015 with 50 x 10, and the prior, which only each learner's first
responses inform, still 0.07 off (up to 0.24) at 50 learners: below that the defaults are
as good a guess as the fit. Beyond MAX_RESPONSES, a random sample of whole learners is
fitted: pyBKT's pure-Python EM costs about 25 microseconds per response and iteration, and
NUM_FITS runs take 50 to 500 iterations in all (the noisier the answers, the more), so
50,000 responses take one to ten minutes; errors shrink as 1 / sqrt(learners), from at most
0.05 with 200 learners to about 0.01 with 5,000, so more data would buy nothing.

A response counts as right when it earned at least half the marks: BKT's EM needs a binary
observation, and the majority of the marks is the reading a teacher would give a partly
right answer (the per-response update, `quizzes.mastery.posterior`, keeps the mixture).

Why not `pyBKT.models.Model`: pyBKT 1.4.3, the latest release, cannot run on this stack.
Importing `pyBKT.models` probes every scikit-learn metric and only expects TypeError, but
scikit-learn 1.9's private `_log_loss` raises AttributeError; and `EM_fit.EM_fit` stores a
(1, 1) array into a float slot, which NumPy (deprecated since 1.25) now refuses. So `_em`
below is pyBKT's own EM loop over its E-step and M-step, with the likelihood read by
`.item()`, and `estimate` its best-of-NUM_FITS random starts, as `Model.fit` does with
`forgets=False` (our model has no forgetting) and `parallel=False` (pyBKT would otherwise
fork a process pool on every EM iteration, inside a Django worker).

A fit outside BOUNDS is refused and the indicator keeps what it had (the defaults, or an
earlier fit): see `degenerate`. A stored fit also re-estimates every learner's mastery of the
indicator from their whole log (`remeasure`), so the new parameters apply to what each
learner already answered, not only to their next answer.
"""

from __future__ import annotations

import random
import time
from array import array
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from quizzes.mastery import Parameters, update
from quizzes.models import Evidence, IndicatorParameters, Mastery
from toolkit.models import Indicator

MIN_RESPONSES = 500
MIN_LEARNERS = 50
MAX_RESPONSES = 50_000
RIGHT_FROM = 0.5  # fraction of the marks from which a response counts as right
NUM_FITS = 5  # random starts: BKT's likelihood has several optima (Beck and Chang, 2007)
SEED = 0  # the same log always gives the same parameters
TOLERANCE = 0.005  # pyBKT's: change in total log-likelihood at which EM stops
MAX_ITERATIONS = 100
CHUNK = 10_000  # rows read from the database at a time
REMEASURE_BATCH = 500  # learners re-estimated per transaction

# Plausible ranges, inclusive. Baker, Corbett and Aleven (2008) call a model degenerate when
# slip or guess exceeds 0.5 (knowing makes a right answer less likely than not); slip above
# 0.3 (pyBKT's own starting range) says the questions or their tagging fail those who know,
# which the defaults handle better. A prior or learn near 1 would let mastery climb whatever
# the answers; slip or guess of 0 would let one answer settle P(known) for good.
BOUNDS = {
    "prior": (0.01, 0.99),
    "learn": (0.0, 0.5),
    "slip": (0.001, 0.3),
    "guess": (0.001, 0.5),
}


@dataclass(frozen=True)
class Log:
    """One indicator's responses, learner after learner in the order given: `right` holds
    0/1 per response, `lengths` how many consecutive responses belong to each learner."""

    right: np.ndarray
    lengths: np.ndarray

    @property
    def responses(self) -> int:
        return len(self.right)

    @property
    def learners(self) -> int:
        return len(self.lengths)


@dataclass(frozen=True)
class Fitted:
    indicator_id: int
    label: str
    parameters: Parameters
    responses: int
    learners: int
    seconds: float
    remeasured: int = 0  # learners whose mastery was re-estimated with the fit


@dataclass(frozen=True)
class Skipped:
    indicator_id: int
    label: str
    reason: str


@dataclass
class Report:
    fitted: list[Fitted] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def as_dict(self) -> dict:
        """JSON for the task's stored result."""
        return {
            "fitted": [
                {
                    "indicator": item.indicator_id,
                    "label": item.label,
                    "prior": item.parameters.prior,
                    "learn": item.parameters.learn,
                    "slip": item.parameters.slip,
                    "guess": item.parameters.guess,
                    "responses": item.responses,
                    "learners": item.learners,
                    "seconds": item.seconds,
                    "remeasured": item.remeasured,
                }
                for item in self.fitted
            ],
            "skipped": [
                {"indicator": item.indicator_id, "label": item.label, "reason": item.reason}
                for item in self.skipped
            ],
        }

    def summary(self) -> list[str]:
        lines = [f"{len(self.fitted)} indicator(s) fitted, {len(self.skipped)} skipped."]
        for item in self.fitted:
            p = item.parameters
            lines.append(
                f"fitted  {item.label}: prior {p.prior:.3f} learn {p.learn:.3f} "
                f"slip {p.slip:.3f} guess {p.guess:.3f} ({item.responses} responses, "
                f"{item.learners} learners, {item.seconds:.1f} s); mastery re-estimated "
                f"for {item.remeasured} learner(s)"
            )
        lines.extend(f"skipped {item.label}: {item.reason}" for item in self.skipped)
        return lines


def fit_parameters(indicator_ids: list[int] | None = None) -> Report:
    """Fit every indicator with enough responses (or only `indicator_ids`) and store the
    plausible fits; the others are reported with the reason and left as they were."""
    rows = Evidence.objects.values("indicator_id")
    if indicator_ids is not None:
        rows = rows.filter(indicator_id__in=indicator_ids)
    rows = rows.annotate(responses=Count("pk"), learners=Count("user_id", distinct=True))
    sizes = {row["indicator_id"]: (row["responses"], row["learners"]) for row in rows}
    wanted = sorted(set(indicator_ids if indicator_ids is not None else sizes))
    keys = dict(Indicator.objects.filter(pk__in=wanted).values_list("pk", "key"))

    report = Report()
    for indicator_id in wanted:
        label = f"#{indicator_id} {keys.get(indicator_id, '(unknown indicator)')}"
        started = time.perf_counter()
        outcome = fit_indicator(indicator_id, *sizes.get(indicator_id, (0, 0)))
        if isinstance(outcome, str):
            report.skipped.append(Skipped(indicator_id, label, outcome))
            continue
        values, log = outcome
        IndicatorParameters.objects.update_or_create(
            indicator_id=indicator_id,
            defaults={
                **values,
                "responses": log.responses,
                "learners": log.learners,
                "fitted_at": timezone.now(),
            },
        )
        parameters = Parameters(**values)
        remeasured = remeasure(indicator_id, parameters)
        seconds = round(time.perf_counter() - started, 2)
        report.fitted.append(
            Fitted(
                indicator_id,
                label,
                parameters,
                log.responses,
                log.learners,
                seconds,
                remeasured,
            )
        )
    return report


def remeasure(indicator_id: int, params: Parameters) -> int:
    """Re-estimate every learner's mastery of the indicator by replaying their whole log with
    `params` (the same update as `services.record_evidence`, from the prior); returns how many
    learners. A batch of learners at a time, each in a transaction that first locks their
    mastery rows of this indicator, as a submission does: an answer graded meanwhile waits,
    then updates the re-estimate, so none is lost."""
    users = list(
        Mastery.objects.filter(indicator_id=indicator_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    for start in range(0, len(users), REMEASURE_BATCH):
        batch = users[start : start + REMEASURE_BATCH]
        with transaction.atomic():
            rows = list(
                Mastery.objects.select_for_update()
                .filter(indicator_id=indicator_id, user_id__in=batch)
                .order_by("pk")
            )
            known = {row.user_id: params.prior for row in rows}
            log = (
                Evidence.objects.filter(indicator_id=indicator_id, user_id__in=batch)
                .order_by("user_id", "created_at", "pk")
                .values_list("user_id", "fraction")
            )
            for user_id, fraction in log.iterator(chunk_size=CHUNK):
                if user_id in known:
                    known[user_id] = update(known[user_id], fraction, params)
            for row in rows:
                row.known = known[row.user_id]
            Mastery.objects.bulk_update(rows, ["known"], batch_size=REMEASURE_BATCH)
    return len(users)


def fit_indicator(
    indicator_id: int, responses: int, learners: int
) -> tuple[dict[str, float], Log] | str:
    """The plausible fit with the log it rests on, or why there is none."""
    reason = too_little(responses, learners)
    if reason:
        return reason
    log = read_log(indicator_id, responses)
    reason = uniform(log)
    if reason:
        return reason
    values = estimate(log)
    return degenerate(values) or (values, log)


def too_little(responses: int, learners: int) -> str | None:
    if responses < MIN_RESPONSES:
        return f"{responses} responses, fewer than the {MIN_RESPONSES} needed"
    if learners < MIN_LEARNERS:
        return f"{learners} learners, fewer than the {MIN_LEARNERS} needed"
    return None


def read_log(indicator_id: int, responses: int) -> Log:
    """The indicator's responses, streamed in chunks, learner by learner in time order; past
    MAX_RESPONSES a seeded random sample of whole learners (a learner's sequence is the
    unit BKT fits). Memory: one byte per response kept, eight per learner."""
    keep = min(1.0, MAX_RESPONSES / max(responses, 1))
    draw = random.Random(f"{SEED}:{indicator_id}")
    rows = (
        Evidence.objects.filter(indicator_id=indicator_id)
        .order_by("user_id", "created_at", "pk")
        .values_list("user_id", "fraction")
    )
    right, lengths = array("b"), array("q")
    current, taking = None, False
    for user_id, fraction in rows.iterator(chunk_size=CHUNK):
        if user_id != current:
            current = user_id
            taking = keep >= 1.0 or draw.random() < keep
            if taking:
                lengths.append(0)
        if taking:
            right.append(fraction >= RIGHT_FROM)
            lengths[-1] += 1
    return Log(np.frombuffer(right, dtype=np.int8), np.frombuffer(lengths, dtype=np.int64))


def uniform(log: Log) -> str | None:
    """All right (or all wrong) tells knowing from guessing (or slipping) apart not at all;
    EM would drive the prior to 1 (or 0) and slip or guess to 0."""
    total = int(log.right.sum())
    if total == log.responses:
        return "every response is right: nothing tells knowing from guessing"
    if total == 0:
        return "every response is wrong: nothing tells not knowing from slipping"
    return None


def estimate(log: Log, fits: int = NUM_FITS, seed: int = SEED) -> dict[str, float]:
    """prior, learn, slip and guess of the best of `fits` EM runs from pyBKT's random starts."""
    from pyBKT.generate import random_model_uni

    lengths = log.lengths.astype(np.int64)
    data = {
        # pyBKT's codes: 0 no response, 1 wrong, 2 right; starts count from 1.
        "data": (log.right.astype(np.int32) + 1).reshape(1, -1),
        "starts": 1 + np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64),
        "lengths": lengths,
        "resources": np.ones(log.responses, dtype=np.int64),
    }
    rand = np.random.RandomState(seed)
    best, best_likelihood = None, -np.inf
    for _ in range(fits):
        model, likelihood = _em(random_model_uni.random_model_uni(1, 1, rand=rand), data)
        if likelihood > best_likelihood:
            best, best_likelihood = model, likelihood
    if best is None:  # every run's likelihood was NaN
        return dict.fromkeys(BOUNDS, float("nan"))
    return {
        "prior": float(best["prior"]),
        "learn": float(best["learns"][0]),
        "slip": float(best["slips"][0]),
        "guess": float(best["guesses"][0]),
    }


def _em(model: dict, data: dict) -> tuple[dict, float]:
    """pyBKT's `EM_fit.EM_fit`, line for line, but for reading the likelihood with .item()."""
    from pyBKT.fit import EM_fit, M_step

    previous = None
    likelihood = -np.inf
    for iteration in range(MAX_ITERATIONS):
        result = EM_fit.run(
            data,
            model,
            np.zeros((1, 2, 2)),
            np.zeros((1, 2, 2)),
            np.zeros((2, 1)),
            1,
            parallel=False,
        )
        trans, emission = result["all_trans_softcounts"], result["all_emission_softcounts"]
        trans[0], emission[0] = trans[0].transpose(), emission[0].transpose()
        likelihood = float(np.asarray(result["total_loglike"]).item())
        if iteration > 1 and abs(likelihood - previous) <= TOLERANCE:
            break
        previous = likelihood
        model = M_step.run(model, trans, emission, result["all_initial_softcounts"])
    return model, likelihood


def degenerate(values: dict[str, float]) -> str | None:
    """Why a fit must not replace the defaults, or None when it is plausible."""
    if values["slip"] + values["guess"] >= 1:
        total = values["slip"] + values["guess"]
        return f"slip + guess = {total:.3f} >= 1: a right answer would be no evidence"
    for name, (low, high) in BOUNDS.items():
        value = values[name]
        if not low <= value <= high:  # also catches NaN
            return f"fitted {name} {value:.3f} is outside [{low}, {high}]"
    return None
