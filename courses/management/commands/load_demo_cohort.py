from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.demo import COHORT_NAME, TRAINER_EMAIL, ensure_demo_cohort


class Command(BaseCommand):
    help = (
        "Development only: the demo trainer's cohort, with demo learners at every stage of the "
        "Local course (run by load_demo_content after the courses and demo accounts)."
    )

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_ACCOUNTS_ALLOWED", False):
            raise CommandError("Demo records are disabled in these settings (production).")
        cohort = ensure_demo_cohort()
        if cohort is None:
            self.stdout.write(f"No demo cohort: import the courses and create {TRAINER_EMAIL}.")
            return
        self.stdout.write(
            f"Demo cohort '{COHORT_NAME}': {cohort.members.count()} learners "
            f"(trainer {TRAINER_EMAIL}; demo learners learner01..08@example.org, "
            "password learner-demo-pass)."
        )
