"""Template helpers for pages in several languages (see cms/locales.py)."""

from django import template

from cms import locales

register = template.Library()


@register.simple_tag
def page_language(page):
    """The language of the page's content (for `lang` on the content element)."""
    return locales.content_language(page)


@register.simple_tag(takes_context=True)
def language_links(context, page=None):
    request = context.get("request")
    if request is None:
        return []
    return locales.language_links(request, page)
