"""Builders for toolkit pages on top of the real taxonomy (load it with the `taxonomy`
fixture first). Pages are published through revisions, as the importer does."""

from toolkit.models import (
    Criterion,
    DimensionPage,
    Framework,
    Indicator,
    IndicatorGuidePage,
    ToolkitPage,
)

GUIDE_BODY = [
    {"type": "definition", "value": "<p>What the feature is.</p>"},
    {"type": "why_it_matters", "value": "<p>Why residents need it.</p>"},
    {"type": "how_assessed", "value": "<p>What an assessor looks for.</p>"},
    {"type": "steps", "value": [{"title": "Do the first thing", "body": "<p>Details.</p>"}]},
    {"type": "self_check", "value": ["Is it there?"]},
]


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_toolkit(home, framework_key="losi_2024", **kwargs):
    framework = Framework.objects.get(key=framework_key)
    defaults = {"title": f"{framework.short_name} toolkit", "slug": f"{framework_key}-toolkit"}
    return publish(home, ToolkitPage(framework=framework, **{**defaults, **kwargs}))


def make_dimension(toolkit, code="IF", **kwargs):
    criterion = Criterion.objects.get(framework=toolkit.framework, code=code)
    defaults = {"title": criterion.name, "slug": criterion.slug, "intro": "<p>Intro.</p>"}
    return publish(toolkit, DimensionPage(criterion=criterion, **{**defaults, **kwargs}))


def make_guide(dimension, indicator=None, **kwargs):
    indicator = indicator or (
        Indicator.objects.filter(criterion=dimension.criterion, guides__isnull=True)
        .order_by("order")
        .first()
    )
    defaults = {
        "title": indicator.name,
        "slug": indicator.key,
        "summary": f"Guide to {indicator.name}.",
        "body": GUIDE_BODY,
    }
    return publish(dimension, IndicatorGuidePage(indicator=indicator, **{**defaults, **kwargs}))
