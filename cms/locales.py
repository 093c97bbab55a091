"""Content languages. Each language is a page tree of its own (Wagtail's localisation);
wagtail-localize keeps the other trees in step with the default one: a page not translated
yet exists there as an alias of the original, so every URL works in every language and the
page says which language its content is in."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info
from wagtail.models import Locale, Page


def ensure_locales() -> list[Locale]:
    """A Locale per content language, each synchronised from the default one."""
    from wagtail_localize.models import LocaleSynchronization

    default = Locale.get_default()
    locales = [default]
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        if code == default.language_code:
            continue
        locale, _ = Locale.objects.get_or_create(language_code=code)
        LocaleSynchronization.objects.get_or_create(locale=locale, defaults={"sync_from": default})
        locales.append(locale)
    return locales


@transaction.atomic
def synchronise_trees() -> int:
    """Create aliases for pages that exist in a source language but not yet in the languages
    synchronised from it (pages made by importers do not pass through the admin hook that
    does this). Returns how many pages were added."""
    from wagtail_localize.models import LocaleSynchronization
    from wagtail_localize.synctree import PageIndex, synchronize_tree

    before = Page.objects.count()
    index = PageIndex.from_database().sort_by_tree_position()
    for sync in LocaleSynchronization.objects.select_related("locale", "sync_from"):
        synchronize_tree(sync.sync_from, sync.locale, page_index=index)
    return Page.objects.count() - before


def translation_for(source: Page, locale: Locale) -> Page:
    """The page's translation into `locale`, made an ordinary page (not an alias) so it can
    hold its own content; created as a copy (with its parents) when missing."""
    from wagtail.actions.convert_alias import ConvertAliasPageAction

    existing = source.get_translation_or_none(locale)
    if existing is None:
        return source.copy_for_translation(locale, copy_parents=True).specific
    if existing.alias_of_id:
        ConvertAliasPageAction(existing, log_action=False).execute(skip_permission_checks=True)
        existing = Page.objects.get(pk=existing.pk)
    return existing.specific


_language_by_locale: dict[int, str] = {}


def language_of_locale(locale_id: int) -> str:
    """Locales never change code once pages use them: cached for the process."""
    if locale_id not in _language_by_locale:
        _language_by_locale.update(Locale.objects.values_list("pk", "language_code"))
    return _language_by_locale.get(locale_id, settings.LANGUAGE_CODE)


def locale_id_for(language_code: str) -> int | None:
    """The Locale id of a language code (cached for the process, like language_of_locale)."""
    for locale_id, code in _language_by_locale.items():
        if code == language_code:
            return locale_id
    _language_by_locale.update(Locale.objects.values_list("pk", "language_code"))
    for locale_id, code in _language_by_locale.items():
        if code == language_code:
            return locale_id
    return None


def localized_root(site) -> Page:
    """The site's home page in the active language (one query; the home page itself when it
    has no translation)."""
    root = site.root_page
    locale_id = locale_id_for(get_language() or settings.LANGUAGE_CODE)
    if locale_id is None or locale_id == root.locale_id:
        return root
    return (
        Page.objects.filter(translation_key=root.translation_key, locale_id=locale_id)
        .only("id", "path", "depth", "locale_id", "translation_key")
        .first()
        or root
    )


def content_language(page) -> str:
    """The language a page's content is written in: an alias shows its original's."""
    if not isinstance(page, Page):
        return get_language()
    if page.alias_of_id:
        locale_id = Page.objects.filter(pk=page.alias_of_id).values_list("locale_id", flat=True)
        return language_of_locale(locale_id.first())
    return language_of_locale(page.locale_id)


@dataclass
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool
    translated: bool  # False: the page exists there but still shows another language


def language_links(request, page=None) -> list[LanguageLink]:
    """One link per interface language: to the page's version in that language (one query
    for all of them), or to the same address in that language for non-page views."""
    current = get_language()
    versions = {}
    if isinstance(page, Page):
        for version in (
            Page.objects.filter(translation_key=page.translation_key)
            .live()
            .only("id", "url_path", "path", "depth", "locale_id", "alias_of_id", "translation_key")
        ):
            versions[language_of_locale(version.locale_id)] = version
    links = []
    for code, _name in settings.LANGUAGES:
        version = versions.get(code)
        if version is not None:
            url = version.get_url(request)
            translated = not version.alias_of_id
        else:
            url = translate_url(request.get_full_path(), code)
            translated = not isinstance(page, Page)
        native = get_language_info(code)["name_local"]
        links.append(LanguageLink(code, native, url, code == current, translated))
    return links
