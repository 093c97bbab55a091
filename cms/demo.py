"""Demo content and accounts for `make run` (development only)."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Page, Site

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

HOME_TITLE = "Digital government, learned together"
HOME_INTRO = (
    "<p>The UN DESA Local and National E-Government Toolkits in one place: practical guides for "
    "every indicator of the Local and National Online Service Indices, a compendium of cases from "
    "cities and countries, and courses that track your progress per indicator.</p>"
)


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


def home_entry_points(pages: dict[str, Page]) -> list[dict]:
    """The three doors. Links point at pages when they exist (toolkits, compendium) and at
    unprefixed paths otherwise; LocaleMiddleware adds the reader's language."""

    def link(label, key=None, url=""):
        page = pages.get(key) if key else None
        return {"label": label, "page": page.pk if page else None, "url": "" if page else url}

    explore_links = [
        link("Local E-Government Toolkit (LOSI)", "local_toolkit"),
        link("National E-Government Toolkit (OSI)", "national_toolkit"),
        link("Compendium of best practices", "compendium"),
    ]
    return [
        {
            "type": "entry_point",
            "value": {
                "audience": "learn",
                "heading": "Learn at your own pace",
                "text": (
                    "Create a free account, follow the guides indicator by indicator and see "
                    "your progress per dimension. Works on a phone and on slow connections."
                ),
                "links": [
                    link("Create an account", url="/accounts/register/"),
                    link("Sign in to see my progress", url="/accounts/sign-in/"),
                ],
            },
        },
        {
            "type": "entry_point",
            "value": {
                "audience": "explore",
                "heading": "Explore the toolkits and cases",
                "text": (
                    "What each LOSI and OSI indicator means, why it matters, how it is assessed "
                    "and the concrete steps to meet it, with cases from cities and countries."
                ),
                "links": [item for item in explore_links if item["page"]]
                or [link("Search guides and cases", url="/search/")],
            },
        },
        {
            "type": "entry_point",
            "value": {
                "audience": "teach",
                "heading": "Teach a cohort",
                "text": (
                    "Trainers group learners in cohorts, assign modules with due dates and "
                    "follow progress by module and by indicator."
                ),
                "links": [
                    link("Using the toolkit in a training session", "training_section")
                    if pages.get("training_section")
                    else link("Sign in as a trainer", url="/accounts/sign-in/"),
                ],
            },
        },
    ]


@transaction.atomic
def ensure_home_page(pages: dict[str, Page] | None = None) -> tuple[HomePage, bool]:
    """Make a HomePage the default site's root. The entry points are refreshed only while
    no person has edited the page (all its revisions made by commands)."""
    pages = pages or {}
    home = HomePage.objects.first()
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
