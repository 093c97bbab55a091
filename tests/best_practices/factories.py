from best_practices.models import CaseStudyPage, CompendiumPage
from tests.toolkit.factories import publish

CASE_BODY = [
    {"type": "context", "value": "<p>Why the city acted.</p>"},
    {"type": "what_was_done", "value": "<p>What it built.</p>"},
    {"type": "results", "value": "<p>What changed.</p>"},
    {"type": "lessons_learned", "value": "<p>What others can reuse.</p>"},
]


def make_compendium(home, **kwargs):
    defaults = {"title": "Compendium of best practices", "slug": "compendium"}
    return publish(home, CompendiumPage(**{**defaults, **kwargs}))


def make_case(compendium, indicators, sdgs=(), themes=(), live=True, **kwargs):
    defaults = {
        "title": "A case",
        "summary": "A short summary.",
        "body": CASE_BODY,
        "country": "SN",
        "city": "Dakar",
        "government_level": "local",
        "year_started": 2021,
        "status": "ongoing",
        "language": "en",
    }
    page = CaseStudyPage(**{**defaults, **kwargs})
    page.indicators = list(indicators)
    page.sdgs = list(sdgs)
    if themes:
        page.themes.add(*themes)
    if live:
        return publish(compendium, page)
    page.live = False
    compendium.add_child(instance=page)
    page.save_revision()
    return page
