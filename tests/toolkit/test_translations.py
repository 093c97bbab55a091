"""Content in several languages: the shipped toolkits' French files become Wagtail
translations of the English pages (same translation_key), untranslated pages are shown in
their original language with `lang` set, and the language switcher goes to the translation."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Locale

from cms.locales import ensure_locales, synchronise_trees
from toolkit.importer import CONTENT_DIR
from toolkit.models import DimensionPage, IndicatorGuidePage, ToolkitPage

pytestmark = pytest.mark.django_db

PE = "participation-and-engagement"
KEEP = [
    "local/_toolkit.md",
    f"local/{PE}/_dimension.md",
    f"local/{PE}/pe-219.md",
    f"local/{PE}/pe-275.md",
    "translations/fr/local/_toolkit.md",
    f"translations/fr/local/{PE}/_dimension.md",
    f"translations/fr/local/{PE}/pe-275.md",
]


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """A small copy of the shipped content: the PE dimension, two guides, one in French."""
    for relative in KEEP:
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CONTENT_DIR / relative, target)
    return tmp_path


def import_toolkit(content_dir, **options):
    call_command(
        "import_toolkit",
        "--content-dir",
        str(content_dir),
        stdout=StringIO(),
        stderr=StringIO(),
        verbosity=0,
        **options,
    )


@pytest.fixture
def translated(taxonomy, home_page, content_dir):
    ensure_locales()
    import_toolkit(content_dir)
    synchronise_trees()
    french = Locale.objects.get(language_code="fr")
    return {
        "en": IndicatorGuidePage.objects.get(indicator__key="pe-275", locale=Locale.get_default()),
        "fr": IndicatorGuidePage.objects.get(indicator__key="pe-275", locale=french),
        "untranslated": IndicatorGuidePage.objects.get(indicator__key="pe-219", locale=french),
    }


def test_french_files_become_translations_of_the_english_pages(translated):
    english, french = translated["en"], translated["fr"]
    assert french.translation_key == english.translation_key
    assert french.title == "Budget participatif"
    assert french.alias_of_id is None and french.live
    assert french.indicator_id == english.indicator_id
    assert "Définition" not in str(french.body)  # headings are structure, not text
    assert french.body[0].block_type == "definition"
    dimension = DimensionPage.objects.get(locale__language_code="fr")
    assert dimension.title == "Participation et engagement"
    assert ToolkitPage.objects.get(locale__language_code="fr").title.startswith("Boîte à outils")


def test_the_french_guide_is_served_in_french(client, translated):
    html = client.get(translated["fr"].url).content.decode()
    assert translated["fr"].url.startswith("/fr/")
    assert '<html lang="fr"' in html
    assert "<h1" in html and "Budget participatif" in html
    assert '<main id="main" tabindex="-1">' in html  # content in the page's language
    assert "not translated" not in html and "pas encore traduite" not in html


def test_an_untranslated_page_is_shown_in_english_with_lang_en(client, translated):
    alias = translated["untranslated"]
    assert alias.alias_of_id is not None  # kept in step with the English page
    html = client.get(alias.url).content.decode()
    assert alias.url.startswith("/fr/")
    assert '<html lang="fr"' in html
    assert '<main id="main" tabindex="-1" lang="en">' in html
    assert 'role="note"' in html  # says the page is not translated yet, in French
    assert "pas encore traduite" in html
    # The content keeps its own language throughout, block headings included.
    assert '<h2 id="definition">Definition</h2>' in html
    assert "Budget information" in html or alias.title in html


def test_the_language_switcher_goes_to_the_translation(client, translated):
    html = client.get(translated["en"].url).content.decode()
    assert f'href="{translated["fr"].url}" lang="fr"' in html
    html = client.get(translated["untranslated"].alias_of.url).content.decode()
    assert "(not translated yet)" in html


def test_reimporting_changes_nothing_and_keeps_one_page_per_language(translated, content_dir):
    import_toolkit(content_dir)
    assert IndicatorGuidePage.objects.filter(indicator__key="pe-275").count() == 2
    translated["fr"].refresh_from_db()
    assert translated["fr"].alias_of_id is None


def test_a_translated_file_with_the_wrong_language_is_refused_with_its_place(
    taxonomy, home_page, content_dir
):
    path = content_dir / f"translations/fr/local/{PE}/pe-275.md"
    path.write_text(path.read_text().replace("language: fr", "language: es"))
    with pytest.raises(CommandError) as error:
        import_toolkit(content_dir)
    assert "pe-275.md" in str(error.value)
    assert "'language' must be 'fr'" in str(error.value)
    assert not IndicatorGuidePage.objects.exists()  # all or nothing


def test_every_shipped_french_file_is_valid(taxonomy):
    """The real translations folder reads without a problem (structure, headings, limits)."""
    from cms.imports import Problems
    from toolkit.translations import read_translations

    problems = Problems()
    plans = read_translations(CONTENT_DIR, problems)
    assert not list(problems), [str(problem) for problem in problems]
    local = next(plan for plan in plans if plan.toolkit.framework.key == "losi_2024")
    assert local.toolkit.guide_count == 15
    assert len(local.toolkit.dimensions) == 6
    assert len(local.toolkit.sections) == 5
