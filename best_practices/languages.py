"""The languages a compendium case can be written in (its `language` field, the search
facet, per-language stemming). Kept apart from the models so the search indexer can read it
without importing the page models."""

from django.utils.translation import gettext_lazy as _

# Languages a case can be written in: the six UN official languages first, then others
# common among the compendium's cities and countries.
CASE_LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("zh", _("Chinese")),
    ("pt", _("Portuguese")),
    ("az", _("Azerbaijani")),
    ("vi", _("Vietnamese")),
    ("id", _("Indonesian")),
    ("ko", _("Korean")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("sw", _("Swahili")),
]
