"""What other apps show on a guide about its indicator (compendium cases now, course lessons
next). The toolkit is the lower layer and names none of them: each app registers a provider
from its AppConfig.ready(), and the guide page renders whatever providers return.

A provider must answer in a fixed number of queries (at most two), whatever the number of
items, so a guide page's query count does not depend on its indicator's related content."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RelatedContent:
    """One block of the guide's "Related" section."""

    key: str
    template: str  # renders the block; gets `related` (this object), `indicator`, `page`
    items: list = field(default_factory=list)
    total: int = 0
    more_url: str = ""  # a page listing all of them, when more exist than are shown


@dataclass(frozen=True)
class RelatedProvider:
    key: str
    fetch: Callable  # (indicator, locale_id) -> RelatedContent
    order: int = 100


_providers: dict[str, RelatedProvider] = {}


def register(provider: RelatedProvider) -> None:
    """Idempotent: registering a key again replaces the provider (tests, reloads)."""
    _providers[provider.key] = provider


def providers() -> list[RelatedProvider]:
    return sorted(_providers.values(), key=lambda provider: (provider.order, provider.key))


def related_for(indicator, locale_id) -> list[RelatedContent]:
    return [provider.fetch(indicator, locale_id) for provider in providers()]
