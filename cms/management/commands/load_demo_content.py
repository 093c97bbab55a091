from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from cms import entry_points
from cms.demo import ensure_demo_accounts, ensure_home_page, ensure_translations
from cms.locales import ensure_locales, synchronise_trees

# Shipped content, imported in this order (cases first: guides may choose them; courses
# last: lessons show excerpts of guides; each imports its translations too); the compendium
# index is rebuilt last, once every page and language version exists.
CONTENT_COMMANDS = (
    "import_cases",
    "import_toolkit",
    "import_courses",
    "import_questions",
    "import_quizzes",
)
# Demo records that need the demo accounts (a trainer's cohort with learners at every stage).
RECORD_COMMANDS = ("load_demo_cohort", "load_demo_attempts")
INDEX_COMMAND = "rebuild_search_index"


class Command(BaseCommand):
    help = (
        "Development set-up in one idempotent step: the home page, the shipped toolkits and "
        "cases, and one demo account per role (refused with production settings)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip",
            action="append",
            default=[],
            metavar="COMMAND",
            help="Leave out one content or record command (e.g. import_courses), for quicker "
            "set-ups that do not need it (browser tests).",
        )

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_ACCOUNTS_ALLOWED", False):
            raise CommandError("Demo content is disabled in these settings (production).")
        home, created = ensure_home_page()
        self.stdout.write(f"Home page: {'created' if created else 'kept'} ({home.title})")
        ensure_locales()
        available = set(get_commands()) - set(options["skip"])
        for command in CONTENT_COMMANDS:
            if command in available:
                call_command(command, verbosity=options["verbosity"], stdout=self.stdout)
        ensure_home_page(entry_points.pages(home.locale_id))
        languages = ensure_translations(entry_points.pages)
        added = synchronise_trees()
        self.stdout.write(
            f"Home page translated into: {', '.join(languages) or 'none'}; "
            f"{added} untranslated page(s) shown in other languages as their original."
        )
        if INDEX_COMMAND in available:
            call_command(INDEX_COMMAND, verbosity=options["verbosity"], stdout=self.stdout)
        self.stdout.write("Demo accounts (development only):")
        for account, was_created in ensure_demo_accounts():
            role = "superuser" if account.superuser else account.role
            state = "created" if was_created else "kept"
            self.stdout.write(f"  {role:<10} {account.email:<24} {account.password}  ({state})")
        for command in RECORD_COMMANDS:
            if command in available:
                call_command(command, verbosity=options["verbosity"], stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
