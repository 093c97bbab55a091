from contextlib import contextmanager

from django.db import transaction


@contextmanager
def atomic_or_dry_run(dry_run: bool):
    """One transaction for a whole import; a dry run does all the work, then rolls back."""
    with transaction.atomic():
        yield
        if dry_run:
            transaction.set_rollback(True)
