"""Indicator tags as Moodle carries them: `LOSI-2024:#236` (the framework's short name with
hyphens, a colon, the indicator's code). Where a code is not unique in its framework (OSI
question codes shared by two criteria) the indicator's key stands in: `OSI-2024:cp-014`."""

from __future__ import annotations

from collections import Counter

from toolkit.models import Framework, Indicator


def prefix(framework: Framework) -> str:
    return framework.short_name.replace(" ", "-")


class TagBook:
    """Both directions, read once (two queries) for a whole import or export."""

    def __init__(self):
        indicators = list(Indicator.objects.select_related("framework"))
        counts = Counter((i.framework_id, i.code) for i in indicators if i.code)
        self.by_tag: dict[str, Indicator] = {}
        self.tag_of: dict[int, str] = {}
        for indicator in indicators:
            head = prefix(indicator.framework)
            self.by_tag[f"{head}:{indicator.key}".casefold()] = indicator
            self.by_tag[indicator.key.casefold()] = indicator
            unique_code = indicator.code and counts[(indicator.framework_id, indicator.code)] == 1
            if unique_code:
                self.by_tag[f"{head}:{indicator.code}".casefold()] = indicator
            self.tag_of[indicator.pk] = f"{head}:{indicator.code if unique_code else indicator.key}"

    def indicator(self, tag: str) -> Indicator | None:
        return self.by_tag.get(tag.strip().casefold())

    def tag(self, indicator_id: int) -> str:
        return self.tag_of[indicator_id]
