from django.core.management.base import BaseCommand

from courses.tasks import send_assignment_reminders


class Command(BaseCommand):
    help = (
        "Queue today's assignment reminders (due soon, overdue) as a background task. Run it "
        "once a day from cron; the worker (manage.py db_worker) sends the e-mails."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, **options):
        result = send_assignment_reminders.enqueue(options["date"])
        self.stdout.write(f"Reminders queued (task {result.id}).")
