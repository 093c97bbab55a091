from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quizzes.demo import ensure_demo_attempts


class Command(BaseCommand):
    help = (
        "Development only: the demo cohort's learners take the quizzes of the modules they "
        "have read (run by load_demo_content after load_demo_cohort)."
    )

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_ACCOUNTS_ALLOWED", False):
            raise CommandError("Demo records are disabled in these settings (production).")
        made = ensure_demo_attempts()
        self.stdout.write(f"Demo quiz attempts: {made} made.")
