"""Background work of the quizzes app (Django Tasks): refitting the BKT parameters of each
indicator from the response log. `manage.py fit_mastery` (cron, e.g. nightly) only enqueues
it; a worker (`manage.py db_worker`) runs it, since a fit takes seconds to minutes."""

from __future__ import annotations

from django_tasks import task


@task()
def fit_mastery_parameters(indicator_ids: list[int] | None = None) -> dict:
    """Fit every indicator with enough responses (or only `indicator_ids`); the stored result
    lists what was fitted and what was skipped, with why."""
    from quizzes.fitting import fit_parameters

    return fit_parameters(indicator_ids).as_dict()
