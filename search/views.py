"""Site-wide search (every published page of the active language, through Wagtail's own
index) and title suggestions for the compendium's search box. Views translate HTTP to calls
of search.services; every parameter is validated first (search.types), so hostile input is
answered like any other.

How a result is described is up to its page type, by duck typing (search imports no page
model): a page may define

    def search_result_context(self) -> list[str]:
        '''What the result is and where it sits, e.g.
        ["Local E-Government Toolkit", "Participation and engagement", "#275"]'''

    search_result_language: str  # the language its text is written in, when not the page's

Pages without the method show their type and their parent's title."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

from search import services
from search.types import MAX_PAGE, clean_text, positive_int, words_of

RESULTS_PER_PAGE = 10


def _pages(terms: str, operator: str):
    pages = Page.objects.live().public().filter(locale=Locale.get_active()).specific()
    return pages.search(terms, operator=operator)


def _describe(pages: list) -> list[dict]:
    """Each result with its context line; pages without `search_result_context` get their
    type and their parent's title, read for the whole page of results in one query."""
    parent_paths = {page.path[: -Page.steplen] for page in pages if page.depth > 1}
    parents = dict(Page.objects.filter(path__in=parent_paths).values_list("path", "title"))
    active = translation.get_language() or ""
    described = []
    for page in pages:
        method = getattr(page, "search_result_context", None)
        if callable(method):
            context = [str(part) for part in method() if part]
        else:
            context = [str(page._meta.verbose_name).capitalize()]
            parent = parents.get(page.path[: -Page.steplen])
            if parent and page.depth > 2:  # the home page is no context
                context.append(parent)
        language = getattr(page, "search_result_language", "") or ""
        described.append(
            {
                "page": page,
                "context": context,
                "lang": language if language and not active.startswith(language) else "",
            }
        )
    return described


@require_GET
def search(request):
    """Site-wide search over published pages (guides, cases and, later, lessons). When no
    page has every word, pages with any of them are shown, with a spelling suggestion, as
    the compendium does."""
    query = clean_text(request.GET.get("q", ""))
    words = words_of(query)
    any_word, suggestion = False, ""
    results = Page.objects.none()
    if words:
        terms = " ".join(words)  # words only: nothing a reader types is query syntax
        results = _pages(terms, "and")
        if not results.count():
            suggestion = services.spelling(query)
            if len(set(words)) > 1:
                results = _pages(terms, "or")
                any_word = bool(results.count())
    paginator = Paginator(results, RESULTS_PER_PAGE)
    number = min(positive_int(request.GET.get("page"), MAX_PAGE) or 1, paginator.num_pages)
    page = paginator.page(number)
    return render(
        request,
        "search/search.html",
        {
            "query": query,
            "results": page,
            "described": _describe(list(page.object_list)),
            "any_word": any_word,
            "suggestion": suggestion,
        },
    )


@require_GET
def suggest(request):
    """Titles for the compendium's search-as-you-type (the search box works without it)."""
    return JsonResponse({"suggestions": services.suggest_titles(request.GET.get("q", ""))})
