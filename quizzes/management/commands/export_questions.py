import sys

from django.core.management.base import BaseCommand, CommandError

from quizzes import gift, moodle_xml
from quizzes.models import Question
from quizzes.services import export_entries

FORMATS = {"gift": gift.write, "moodle-xml": moodle_xml.write}


class Command(BaseCommand):
    help = (
        "Export the question bank (or one category and those below it) as Moodle XML or GIFT, "
        "with the indicator tags as Moodle tags. Types GIFT cannot hold (ordering, cloze) are "
        "listed; Moodle XML holds them all."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write ('-' for standard output).")
        parser.add_argument("--format", choices=sorted(FORMATS), default="moodle-xml")
        parser.add_argument("--category", default="", help="A category path (top/Local).")

    def handle(self, *args, **options):
        questions = Question.objects.select_related("category").prefetch_related("choices")
        if options["category"]:
            path = options["category"].strip("/")
            wanted = [q for q in questions if (q.category.path + "/").startswith(path + "/")]
            if not wanted:
                raise CommandError(f"no question in category {path!r}")
            questions = wanted
        text, skipped = FORMATS[options["format"]](export_entries(questions))
        if options["file"] == "-":
            sys.stdout.write(text)
        else:
            with open(options["file"], "w", encoding="utf-8") as handle:
                handle.write(text)
        count = len(questions) - len(skipped)
        self.stderr.write(f"Exported {count} question(s) as {options['format']}.")
        for name in skipped:
            self.stderr.write(f"Not in GIFT (use Moodle XML): {name}")
