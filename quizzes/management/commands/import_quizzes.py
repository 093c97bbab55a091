from django.core.management.base import BaseCommand

from cms.imports import CREATED, UNCHANGED, Outcomes
from quizzes.services import ensure_module_quizzes


class Command(BaseCommand):
    help = (
        "Give every module of the courses its quiz (five questions drawn from the module's "
        "criterion, pass mark 60%). Idempotent: a module that has a quiz keeps it."
    )

    def handle(self, *args, **options):
        outcomes = Outcomes("quizzes")
        ensure_module_quizzes(outcomes)
        self.stdout.write("Module quizzes:")
        for line in outcomes.lines(always=(CREATED, UNCHANGED)):
            self.stdout.write(line)
