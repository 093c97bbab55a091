"""Demo content and accounts for `make run` (development only)."""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.locales import translation_for
from cms.models import HomePage, User
from cms.roles import EDITOR, LEARNER, MODERATOR, TRAINER


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    first_name: str
    role: str | None
    superuser: bool = False


# Known passwords on purpose: they are printed by `make run` and used by the browser tests.
# The command refuses to run where settings.DEMO_ACCOUNTS_ALLOWED is false (production).
DEMO_ACCOUNTS = (
    DemoAccount("learner@example.org", "learner-demo-pass", "Amina", LEARNER),
    DemoAccount("trainer@example.org", "trainer-demo-pass", "Tomás", TRAINER),
    DemoAccount("editor@example.org", "editor-demo-pass", "Élodie", EDITOR),
    DemoAccount("moderator@example.org", "moderator-demo-pass", "Kwame", MODERATOR),
    DemoAccount("admin@example.org", "admin-demo-pass", "Admin", None, superuser=True),
)

# The home page's own text. Other languages: cms/content/home.<language>.yaml, same keys.
HOME_TEXTS = {
    "title": "Digital government, learned together",
    "intro": (
        "<p>The UN DESA Local and National E-Government Toolkits in one place: practical "
        "guides for every indicator of the Local and National Online Service Indices, a "
        "compendium of cases from cities and countries, and courses that track your progress "
        "per indicator.</p>"
    ),
    "entry_points": {
        "learn": {
            "heading": "Learn at your own pace",
            "text": (
                "Create a free account, follow the guides indicator by indicator and see your "
                "progress per dimension. Works on a phone and on slow connections."
            ),
            "links": {
                "create_account": "Create an account",
                "sign_in_progress": "See my progress",
            },
        },
        "explore": {
            "heading": "Explore the toolkits and cases",
            "text": (
                "What each LOSI and OSI indicator means, why it matters, how it is assessed "
                "and the concrete steps to meet it, with cases from cities and countries."
            ),
            "links": {
                "local_toolkit": "Local E-Government Toolkit (LOSI)",
                "national_toolkit": "National E-Government Toolkit (OSI)",
                "compendium": "Compendium of best practices",
                "search": "Search guides and cases",
            },
        },
        "teach": {
            "heading": "Teach a cohort",
            "text": (
                "Trainers group learners in cohorts, assign modules with due dates and follow "
                "progress by module and by indicator."
            ),
            "links": {
                "training_section": "Using the toolkit in a training session",
                "sign_in_trainer": "My cohorts (trainers)",
            },
        },
    },
}
HOME_TITLE = HOME_TEXTS["title"]
HOME_INTRO = HOME_TEXTS["intro"]
CONTENT_DIR = Path(__file__).resolve().parent / "content"


def home_texts(language: str) -> dict | None:
    """The home page's text in a language: English here, others from their YAML file."""
    if language == settings.LANGUAGE_CODE:
        return HOME_TEXTS
    path = CONTENT_DIR / f"home.{language}.yaml"
    if not path.exists():
        return None
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def ensure_demo_accounts() -> list[tuple[DemoAccount, bool]]:
    """Create missing accounts and reset known passwords; returns (account, created)."""
    results = []
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=account.email,
            defaults={"first_name": account.first_name, "organisation": "Demo"},
        )
        user.set_password(account.password)
        user.is_superuser = account.superuser
        user.is_staff = account.superuser or account.role in (EDITOR, MODERATOR)
        user.save()
        if account.role:
            user.groups.add(Group.objects.get(name=account.role))
        results.append((account, created))
    return results


def home_entry_points(pages: dict[str, Page], texts: dict | None = None) -> list[dict]:
    """The three doors. Links point at pages when they exist (toolkits, compendium) and at
    named site routes otherwise, which render in the reader's language (cms.entry_points)."""
    doors = (texts or HOME_TEXTS)["entry_points"]

    def link(door, label_key, key=None, route=""):
        page = pages.get(key) if key else None
        return {
            "label": doors[door]["links"][label_key],
            "page": page.pk if page else None,
            "route": "" if page else route,
            "url": "",
        }

    explore_links = [
        link("explore", name, name) for name in ("local_toolkit", "national_toolkit", "compendium")
    ]
    teach_link = (
        link("teach", "training_section", "training_section")
        if pages.get("training_section")
        else None
    )
    return [
        {
            "type": "entry_point",
            "value": {
                "audience": "learn",
                "heading": doors["learn"]["heading"],
                "text": doors["learn"]["text"],
                "links": [
                    link("learn", "create_account", route="register"),
                    link("learn", "sign_in_progress", route="my_learning"),
                ],
            },
        },
        {
            "type": "entry_point",
            "value": {
                "audience": "explore",
                "heading": doors["explore"]["heading"],
                "text": doors["explore"]["text"],
                "links": [item for item in explore_links if item["page"]]
                or [link("explore", "search", route="search")],
            },
        },
        {
            "type": "entry_point",
            "value": {
                "audience": "teach",
                "heading": doors["teach"]["heading"],
                "text": doors["teach"]["text"],
                "links": [
                    *([teach_link] if teach_link else []),
                    link("teach", "sign_in_trainer", route="cohorts"),
                ],
            },
        },
    ]


@transaction.atomic
def ensure_home_page(pages: dict[str, Page] | None = None) -> tuple[HomePage, bool]:
    """Make a HomePage the default site's root. The entry points are refreshed only while
    no person has edited the page (all its revisions made by commands)."""
    pages = pages or {}
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    created = home is None
    if created:
        root = Page.get_first_root_node()
        home = HomePage(title=HOME_TITLE, slug="home-platform", intro=HOME_INTRO)
        root.add_child(instance=home)
        site = Site.objects.filter(is_default_site=True).first()
        old_root = site.root_page if site else None
        if site is None:
            site = Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True
            )
        else:
            site.root_page = home
            site.site_name = "E-Government Toolkit Platform"
            site.save()
        if old_root is not None and old_root.pk != home.pk and old_root.depth == 2:
            old_root.delete()  # Wagtail's placeholder "Welcome" page
        home.refresh_from_db()
    edited_by_person = home.revisions.exclude(user=None).exists()
    if not edited_by_person:
        wanted = home_entry_points(pages)
        if created or _without_ids(home.entry_points.get_prep_value()) != _prep(home, wanted):
            home.entry_points = wanted
            home.save_revision().publish()
    return home, created


def ensure_translations(pages_by_locale) -> list[str]:
    """The home page (and the compendium's title and introduction, which the same file
    carries) in every content language that has a cms/content/home.<language>.yaml.
    `pages_by_locale(locale_id)` gives the doors' pages in that language. Pages a person has
    edited are left alone. Returns the languages done."""
    done = []
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        return done
    for locale in Locale.objects.exclude(pk=home.locale_id):
        texts = home_texts(locale.language_code)
        if texts is None:
            continue
        translated = translation_for(home, locale)
        doors = home_entry_points(pages_by_locale(locale.pk), texts)
        unchanged = (
            translated.title == texts["title"]
            and translated.intro == texts["intro"]
            and _without_ids(translated.entry_points.get_prep_value()) == _prep(translated, doors)
        )
        if not unchanged and not translated.revisions.exclude(user=None).exists():
            translated = translated.get_latest_revision_as_object()
            translated.title = texts["title"]
            translated.draft_title = texts["title"]
            translated.intro = texts["intro"]
            translated.entry_points = doors
            translated.save_revision().publish()
        compendium = pages_by_locale(home.locale_id).get("compendium")
        if compendium is not None and texts.get("compendium"):
            page = translation_for(compendium, locale)
            wanted = texts["compendium"]
            unchanged = page.title == wanted["title"] and page.intro == wanted["intro"]
            if not unchanged and not page.revisions.exclude(user=None).exists():
                page = page.get_latest_revision_as_object()
                page.title = page.draft_title = texts["compendium"]["title"]
                page.intro = texts["compendium"]["intro"]
                page.save_revision().publish()
        done.append(locale.language_code)
    return done


def _prep(home, raw):
    field = home._meta.get_field("entry_points")
    return _without_ids(field.stream_block.get_prep_value(field.stream_block.to_python(raw)))


def _without_ids(value):
    """Block ids are random per save; compare content only."""
    if isinstance(value, dict):
        return {key: _without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value
