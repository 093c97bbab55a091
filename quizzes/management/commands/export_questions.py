import sys

from django.core.management.base import BaseCommand, CommandError

from quizzes import transfer


class Command(BaseCommand):
    help = (
        "Export the question bank (or one category and those below it) as Moodle XML or GIFT, "
        "with the indicator tags as Moodle tags. Types GIFT cannot hold (ordering, cloze) are "
        "listed; Moodle XML holds them all."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write ('-' for standard output).")
        parser.add_argument(
            "--format", choices=sorted(transfer.EXPORT_FORMATS), default="moodle-xml"
        )
        parser.add_argument("--category", default="", help="A category path (top/Local).")

    def handle(self, *args, **options):
        path = options["category"].strip("/")
        questions = transfer.questions_in(path)
        if path and not questions:
            raise CommandError(f"no question in category {path!r}")
        text, skipped = transfer.export(questions, options["format"])
        if options["file"] == "-":
            sys.stdout.write(text)
        else:
            with open(options["file"], "w", encoding="utf-8") as handle:
                handle.write(text)
        count = len(questions) - len(skipped)
        self.stderr.write(f"Exported {count} question(s) as {options['format']}.")
        for name in skipped:
            self.stderr.write(f"Not in GIFT (use Moodle XML): {name}")
        self.warn_images_left_out(questions, options["format"])

    def warn_images_left_out(self, questions, format_name):
        left_out = transfer.images_left_out(questions, format_name)
        if left_out:
            reason = (
                "GIFT cannot carry files; export as Moodle XML to keep them"
                if format_name == "gift"
                else "no longer in the image library"
            )
            self.stderr.write(
                self.style.WARNING(
                    f"{left_out} image(s) left out ({reason}): each is written as its alt "
                    "text in square brackets."
                )
            )
