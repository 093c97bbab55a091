"""How well Bayesian Knowledge Tracing (quizzes.mastery) recovers whether a learner knows.

    python -m bench.mastery [--learners 5000] [--responses 10] [--train-learners 500]
                            [--seed 0]

Simulates --learners learner-indicator pairs in several "worlds" (true prior, learn, slip,
guess): a learner knows the indicator at first with P(prior), answers rightly with
1 - slip if knowing and guess if not, and after each response may learn it with P(learn).
After each of the first --responses responses, `quizzes.mastery.update` gives P(known at
the next opportunity), which is scored against the hidden state at that moment (after the
chance to learn) as an AUC: the chance that a learner who knows ranks above one who does
not. Each world is traced with the default parameters, with parameters fitted by pyBKT
(quizzes.fitting.estimate) on a separate simulated population of --train-learners, and with
the true parameters (the best any estimator could do on such answers). The target is an AUC
of at least 0.85 after 5 responses. AUC only ranks learners, and ranks barely depend on the
parameters; so, after the last response, it also reports the Brier score and how many of
the learners called mastered truly know. Needs no database. Writes
bench/results/mastery.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from dataclasses import asdict
from importlib.metadata import version

import numpy as np

from bench.common import RESULTS_DIR, print_table, setup_django
from quizzes.mastery import DEFAULT, Parameters

TARGET_AUC = 0.85
TARGET_AFTER = 5  # responses

# Defaults first (the model is right); then the population of tests/quizzes/test_fitting.py
# (another prior and learn); then answers noisier than the defaults assume, and much noisier
# (at the limit quizzes.fitting accepts for slip); then cleaner answers than assumed.
WORLDS = {
    "defaults": DEFAULT,
    "other prior and learn": Parameters(prior=0.30, learn=0.10, slip=0.10, guess=0.20),
    "noisier answers": Parameters(prior=0.20, learn=0.15, slip=0.20, guess=0.30),
    "much noisier answers": Parameters(prior=0.20, learn=0.15, slip=0.30, guess=0.40),
    "cleaner answers": Parameters(prior=0.20, learn=0.15, slip=0.05, guess=0.05),
}


def simulate(world, learners: int, responses: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """`right[n, t]`: learner n's response at opportunity t (1 right, 0 wrong);
    `known[n, t]`: whether n knows the indicator after it (and after the chance to learn)."""
    knowing = rng.random(learners) < world.prior
    right = np.empty((learners, responses), dtype=np.int8)
    known = np.empty((learners, responses), dtype=bool)
    for t in range(responses):
        right[:, t] = rng.random(learners) < np.where(knowing, 1 - world.slip, world.guess)
        knowing = knowing | (rng.random(learners) < world.learn)
        known[:, t] = knowing
    return right, known


def trace_all(right: np.ndarray, params) -> np.ndarray:
    """P(known) after each response, through the production code (one update at a time, as
    each graded response arrives)."""
    from quizzes.mastery import update

    estimates = np.empty(right.shape)
    for n, row in enumerate(right.tolist()):
        known = params.prior
        for t, response in enumerate(row):
            known = update(known, response, params)
            estimates[n, t] = known
    return estimates


def auc_by_responses(estimates: np.ndarray, known: np.ndarray) -> list[float | None]:
    from sklearn.metrics import roc_auc_score

    return [
        round(float(roc_auc_score(known[:, t], estimates[:, t])), 4)
        if 0 < known[:, t].sum() < len(known)
        else None  # everyone (or no one) knows: nothing to rank
        for t in range(known.shape[1])
    ]


def calibration(estimates: np.ndarray, known: np.ndarray) -> dict:
    """Where the parameters matter beyond ranking, after the last response: the Brier score
    (mean squared error of P(known)), and of the learners called mastered (P(known) >= 0.95,
    quizzes.mastery's threshold) how many there are and how many of them truly know."""
    from quizzes.mastery import MASTERED, THRESHOLDS

    last, knows = estimates[:, -1], known[:, -1]
    bound = next(value for value, name in THRESHOLDS if name == MASTERED)
    mastered = last >= bound
    return {
        "brier": round(float(np.mean((last - knows) ** 2)), 4),
        "called_mastered": round(float(mastered.mean()), 4),
        "of_whom_know": round(float(knows[mastered].mean()), 4) if mastered.any() else None,
    }


def fit(world, learners: int, responses: int, rng) -> tuple[object, dict]:
    """pyBKT's fit on a separate population of the same world, as the background task fits
    the response log; a refused fit falls back to the defaults, as in production."""
    from quizzes import fitting

    right, _known = simulate(world, learners, responses, rng)
    log = fitting.Log(right.ravel(), np.full(learners, responses, dtype=np.int64))
    started = time.perf_counter()
    values = fitting.estimate(log)
    seconds = round(time.perf_counter() - started, 2)
    refused = fitting.degenerate(values)
    params = DEFAULT if refused else Parameters(**values)
    return params, {
        **{name: round(value, 4) for name, value in values.items()},
        "refused": refused,
        "seconds": seconds,
        "responses": log.responses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--responses", type=int, default=10)
    parser.add_argument("--train-learners", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    setup_django()  # quizzes.fitting imports the models; no database is opened

    rng = np.random.default_rng(args.seed)
    rows, calibrated, results, fits = [], [], {}, {}
    for name, world in WORLDS.items():
        fitted, fits[name] = fit(world, args.train_learners, args.responses, rng)
        right, known = simulate(world, args.learners, args.responses, rng)
        results[name] = {}
        for label, params in (("defaults", DEFAULT), ("fitted", fitted), ("true", world)):
            estimates = trace_all(right, params)
            aucs = auc_by_responses(estimates, known)
            scores = calibration(estimates, known)
            after = aucs[TARGET_AFTER - 1] if len(aucs) >= TARGET_AFTER else None
            verdict = "PASS" if after is not None and after >= TARGET_AUC else "FAIL"
            results[name][label] = {"auc": aucs, "verdict": verdict, **scores}
            cells = [f"{auc:.3f}" if auc is not None else "-" for auc in aucs]
            rows.append([name, label, *cells, verdict])
            calibrated.append([name, label, *scores.values()])

    print(
        f"AUC of P(known) against the hidden state, after 1..{args.responses} responses "
        f"({args.learners} learner-indicator pairs per world; target >= {TARGET_AUC} "
        f"after {TARGET_AFTER}):\n"
    )
    print_table(
        ["world", "parameters", *(str(t + 1) for t in range(args.responses)), "target"], rows
    )
    print(f"\nCalibration after {args.responses} responses:\n")
    print_table(
        ["world", "parameters", "Brier", "called mastered", "of whom know"],
        [
            [world, label, f"{brier:.4f}", f"{share:.1%}", "-" if know is None else f"{know:.1%}"]
            for world, label, brier, share, know in calibrated
        ],
    )
    print(f"\npyBKT fits ({args.train_learners} learners x {args.responses} responses each):\n")
    print_table(
        ["world", "true prior/learn/slip/guess", "fitted", "seconds", "note"],
        [
            [
                name,
                "/".join(f"{value:.2f}" for value in asdict(world).values()),
                "/".join(f"{fits[name][p]:.3f}" for p in asdict(world)),
                fits[name]["seconds"],
                f"refused, defaults used: {fits[name]['refused']}" if fits[name]["refused"] else "",
            ]
            for name, world in WORLDS.items()
        ],
    )
    headline = results["defaults"]["defaults"]["verdict"]
    print(
        f"\n{headline}: default parameters on answers they describe, AUC "
        f"{results['defaults']['defaults']['auc'][TARGET_AFTER - 1]} after {TARGET_AFTER} "
        f"responses (target {TARGET_AUC})."
    )
    report = {
        "benchmark": "mastery",
        "environment": {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "numpy": np.__version__,
            "pyBKT": version("pyBKT"),
        },
        "learners": args.learners,
        "responses": args.responses,
        "train_learners": args.train_learners,
        "seed": args.seed,
        "target": {"auc": TARGET_AUC, "after_responses": TARGET_AFTER, "verdict": headline},
        "default_parameters": asdict(DEFAULT),
        "worlds": {name: asdict(world) for name, world in WORLDS.items()},
        "fits": fits,
        "results": results,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / "mastery.json"
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
