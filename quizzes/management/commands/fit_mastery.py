from django.core.management.base import BaseCommand

from quizzes.fitting import MIN_LEARNERS, MIN_RESPONSES


class Command(BaseCommand):
    help = (
        "Refit the BKT parameters (prior, learn, slip, guess) of every indicator with at least "
        f"{MIN_RESPONSES} responses from {MIN_LEARNERS} learners, from the response log. "
        "Queues a background task (run by manage.py db_worker) unless --now is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="fit in this process and print the summary"
        )
        parser.add_argument(
            "--indicator",
            type=int,
            action="append",
            dest="indicators",
            help="only this indicator (its id); may be repeated",
        )

    def handle(self, *args, **options):
        if options["now"]:
            from quizzes.fitting import fit_parameters

            for line in fit_parameters(options["indicators"]).summary():
                self.stdout.write(line)
            return
        from quizzes.tasks import fit_mastery_parameters

        result = fit_mastery_parameters.enqueue(options["indicators"])
        self.stdout.write(f"Fitting of mastery parameters queued (task {result.id}).")
