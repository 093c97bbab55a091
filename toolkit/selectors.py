"""Read queries for toolkit pages. Each page's context is built from a fixed number of
queries, whatever the number of guides, cases or lessons (tests assert it)."""

from __future__ import annotations

import re

from django.apps import apps
from django.db.models import Count, Q
from wagtail.models import Page

from toolkit import related
from toolkit.models.taxonomy import Indicator

CODE_INPUT = re.compile(r"^#?\s*(\d{3}[a-z]?)$", re.IGNORECASE)


def _guide_model():
    return apps.get_model("toolkit", "IndicatorGuidePage")


def breadcrumbs(page: Page) -> list[Page]:
    """Ancestors below the tree root, home page first (one query)."""
    return list(
        page.get_ancestors().filter(depth__gt=1).only("id", "title", "url_path", "path", "depth")
    )


def live_guides(toolkit_page):
    return live_guides_for_framework(
        toolkit_page.framework_id, toolkit_page.locale_id
    ).select_related("indicator", "indicator__criterion")


def guide_for_jump(toolkit_page, text: str):
    """The guide a reader typed in the jump box: an indicator code ('#281', '281', '269A')
    or an indicator's or guide's exact name."""
    guides = live_guides(toolkit_page)
    match = CODE_INPUT.match(text.strip())
    if not match:
        name = text.strip()
        return guides.filter(Q(indicator__name__iexact=name) | Q(title__iexact=name)).first()
    code = f"#{match[1].lower()}"
    # The primary code first, then any bundled question code (OSI sector codes).
    return (
        guides.filter(indicator__code=code).first()
        or guides.filter(indicator__question_codes__icontains=f'"{code}"').first()
    )


def toolkit_landing(toolkit_page, params) -> dict:
    """Dimensions as cards with guide counts, the introductory sections, and the toolkit-wide
    filter (by dimension and by words in the indicator's code or name)."""
    dimension_model = apps.get_model("toolkit", "DimensionPage")
    section_model = apps.get_model("toolkit", "ToolkitSectionPage")
    dimensions = list(
        dimension_model.objects.child_of(toolkit_page)
        .live()
        .public()
        .select_related("criterion")
        .order_by("criterion__order")
    )
    counts = dict(
        _guide_model()
        .objects.live()
        .public()
        .filter(indicator__framework_id=toolkit_page.framework_id, locale_id=toolkit_page.locale_id)
        .order_by()
        .values_list("indicator__criterion_id")
        .annotate(total=Count("id"))
        .values_list("indicator__criterion_id", "total")
    )
    for dimension in dimensions:
        dimension.guide_count = counts.get(dimension.criterion_id, 0)
    sections = list(section_model.objects.child_of(toolkit_page).live().public())

    selected = (params.get("dimension") or "").strip().upper()
    words = (params.get("q") or "").strip()[:100]
    results = None
    if selected or words:
        results = live_guides(toolkit_page)
        if selected:
            results = results.filter(indicator__criterion__code=selected)
        if words:
            code = CODE_INPUT.match(words)
            text_filter = Q(indicator__name__icontains=words) | Q(title__icontains=words)
            if code:
                text_filter |= Q(indicator__code=f"#{code[1].lower()}")
            results = results.filter(text_filter)
        results = list(results)
    jump_options = list(
        Indicator.objects.filter(
            framework_id=toolkit_page.framework_id,
            guides__live=True,
            guides__locale_id=toolkit_page.locale_id,
        )
        .exclude(code="")
        .order_by("criterion__order", "order")
        .values_list("code", "name")
        .distinct()
    )
    return {
        "breadcrumbs": breadcrumbs(toolkit_page),
        "dimensions": dimensions,
        "sections": sections,
        "selected_dimension": selected,
        "filter_words": words,
        "filter_results": results,
        "jump_options": jump_options,
    }


def guides_of_dimension(dimension_page) -> list:
    return list(
        _guide_model()
        .objects.child_of(dimension_page)
        .live()
        .public()
        .select_related("indicator")
        .order_by("indicator__order")
    )


def guide_context(guide) -> dict:
    """Everything a guide page shows besides its own fields, in a constant number of
    queries: taxonomy, SDGs, breadcrumb, previous/next indicator in the same language, and
    what other apps relate to the indicator (toolkit.related)."""
    indicator = Indicator.objects.with_taxonomy().get(pk=guide.indicator_id)
    sequence = list(
        live_guides_for_framework(indicator.framework_id, guide.locale_id).values_list(
            "pk", flat=True
        )
    )
    previous_page = next_page = None
    if guide.pk in sequence:
        position = sequence.index(guide.pk)
        neighbour_ids = [
            sequence[i] for i in (position - 1, position + 1) if 0 <= i < len(sequence)
        ]
        neighbours = {
            page.pk: page
            for page in _guide_model()
            .objects.filter(pk__in=neighbour_ids)
            .select_related("indicator")
            .only("id", "title", "url_path", "path", "depth", "indicator__code", "indicator__name")
        }
        if position > 0:
            previous_page = neighbours.get(sequence[position - 1])
        if position + 1 < len(sequence):
            next_page = neighbours.get(sequence[position + 1])
    return {
        "indicator": indicator,
        "criterion": indicator.criterion,
        "framework": indicator.framework,
        "sdgs": list(guide.sdgs.all()),
        "breadcrumbs": breadcrumbs(guide),
        "previous_guide": previous_page,
        "next_guide": next_page,
        "related": related.related_for(indicator, guide.locale_id),
    }


def live_guides_for_framework(framework_id, locale_id=None):
    """Guides of a framework in reading order; in one language when `locale_id` is given
    (each language version of the toolkit is a tree of its own)."""
    guides = (
        _guide_model()
        .objects.live()
        .public()
        .filter(indicator__framework_id=framework_id)
        .order_by("indicator__criterion__order", "indicator__order")
    )
    return guides.filter(locale_id=locale_id) if locale_id is not None else guides
