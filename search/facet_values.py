"""Turning raw facet counts into what the page shows; shared by both backends so they order,
label and keep chosen values the same way."""

from __future__ import annotations

from search.types import FacetValue, SearchRequest

FACET_VALUES_SHOWN = 50


def facet_values(
    indexer, request: SearchRequest, counts: dict[str, dict[str, int]]
) -> dict[str, list[FacetValue]]:
    """Counts by facet and value -> ordered, labelled FacetValues. A chosen value is always
    listed, at zero if nothing matches it any more, so the reader can untick it."""
    wanted = {
        facet.name: {*counts.get(facet.name, {}), *request.filters.get(facet.name, ())}
        for facet in indexer.facets
    }
    labels = indexer.facet_labels(wanted)
    facets = {}
    for facet in indexer.facets:
        selected = set(request.filters.get(facet.name, ()))
        values = dict(counts.get(facet.name, {}))
        for value in selected:
            values.setdefault(value, 0)
        facet_labels = labels.get(facet.name, {})
        items = [
            FacetValue(
                value=value,
                label=facet_labels.get(value, value),
                count=count,
                selected=value in selected,
            )
            for value, count in values.items()
        ]
        if facet.order_by_count:
            items.sort(key=lambda item: (-item.count, item.label))
        else:
            items.sort(key=lambda item: int(item.value) if facet.numeric else item.value)
        shown = items[:FACET_VALUES_SHOWN]
        shown += [item for item in items[FACET_VALUES_SHOWN:] if item.selected]
        facets[facet.name] = shown
    return facets
