"""Where the home page's doors may lead, filled by the apps that own the destinations.

`cms` is the lowest layer: it never names a domain app. Apps register the pages a door may
point at (a toolkit, the compendium) and the named site routes (register, sign in, my
learning) in their AppConfig.ready(). Links to routes are resolved with `reverse()` when the
page renders, so they always carry the reader's language prefix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Route:
    key: str
    label: str
    url_name: str
    anonymous_only: bool = False  # e.g. "Create an account": not shown to signed-in readers


_page_finders: dict[str, Callable] = {}
_routes: dict[str, Route] = {}


def register_page(key: str, finder: Callable) -> None:
    """`finder(locale_id)` returns the live page for that door in that language, or None."""
    _page_finders[key] = finder


def register_route(key: str, label, url_name: str, anonymous_only: bool = False) -> None:
    _routes[key] = Route(key, label, url_name, anonymous_only)


def pages(locale_id=None) -> dict:
    found = {}
    for key, finder in _page_finders.items():
        page = finder(locale_id)
        if page is not None:
            found[key] = page
    return found


def route_choices() -> list[tuple[str, str]]:
    """Choices for the entry-point block (a callable, so routes added later appear)."""
    return [(route.key, route.label) for route in _routes.values()]


def route_url(key: str, user=None) -> str:
    """The route's URL in the active language, or "" for an unknown or removed route, or
    one that makes no sense for this reader (signing in when signed in)."""
    route = _routes.get(key)
    if route is None:
        return ""
    if route.anonymous_only and user is not None and user.is_authenticated:
        return ""
    try:
        return reverse(route.url_name)
    except NoReverseMatch:
        return ""


register_route("register", _("Create an account"), "account_register", anonymous_only=True)
register_route("sign_in", _("Sign in"), "account_login", anonymous_only=True)
register_route("search", _("Search the site"), "search")
