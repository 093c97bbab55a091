"""The shipped toolkits in other languages.

toolkit/content/translations/<language>/<toolkit>/ mirrors toolkit/content/<toolkit>/ file
for file, with `language: <code>` in each file's front matter; guides use their language's
section headings (GUIDE_HEADINGS in toolkit/importer.py). A file that is not there leaves
its page untranslated: the page is then shown in the original language, marked as such.

Each translated file becomes the Wagtail translation of its original page (the same
`translation_key`), made through cms.locales.translation_for, so learners' records and links
are shared by every language version. Files are validated by the same reader as the
originals, all before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from wagtail.models import Locale

from cms.imports import Outcomes, Problems, display_path
from cms.locales import translation_for
from cms.page_import import upsert_page
from toolkit.importer import CONTENT_DIR, TRANSLATIONS_DIR, ToolkitPlan, read_toolkit
from toolkit.models import (
    DimensionPage,
    IndicatorGuidePage,
    SustainableDevelopmentGoal,
    ToolkitPage,
    ToolkitSectionPage,
)
from toolkit.services import page_values


@dataclass
class TranslationPlan:
    language: str
    toolkit: ToolkitPlan

    @property
    def size(self) -> int:
        plan = self.toolkit
        return 1 + len(plan.sections) + len(plan.dimensions) + plan.guide_count


def read_translations(content_dir: Path = CONTENT_DIR, problems: Problems | None = None):
    """Every language folder's toolkits, validated; problems are added to `problems`."""
    problems = problems if problems is not None else Problems()
    base = content_dir / TRANSLATIONS_DIR
    if not base.is_dir():
        return []
    languages = {code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES}
    plans = []
    for language_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        language = language_dir.name
        if language not in languages or language == settings.LANGUAGE_CODE:
            problems.add(
                f"'{language}' is not one of the site's other content languages "
                f"({', '.join(sorted(languages - {settings.LANGUAGE_CODE}))})",
                file=display_path(language_dir),
            )
            continue
        for folder in sorted(p for p in language_dir.iterdir() if p.is_dir()):
            original = content_dir / folder.name
            if not original.is_dir():
                problems.add(
                    f"translates '{folder.name}', which is not a shipped toolkit",
                    file=display_path(folder),
                )
                continue
            plan = read_toolkit(folder, problems)
            if plan is None:
                continue
            for item in _items(plan):
                declared = item.source.meta.get("language")
                if declared != language:
                    problems.add(
                        f"'language' must be '{language}' (the folder's), not {declared!r}",
                        file=item.source.label,
                    )
            plans.append(TranslationPlan(language, plan))
    return plans


def _items(plan: ToolkitPlan):
    yield plan
    yield from plan.sections
    for dimension in plan.dimensions:
        yield dimension
        yield from dimension.guides


def _translate(source, locale, item, fields, outcomes: Outcomes, force: bool, m2m=None):
    """Make or update the translation of `source` into `locale` from a translated file."""
    if source is None:
        return None
    translation = translation_for(source, locale)
    return upsert_page(
        translation.get_parent(),
        translation,
        type(translation),
        {**page_values(item), **fields},
        item.source.digest,
        outcomes,
        force,
        m2m=m2m,
    )


def apply_translation_plan(plan: TranslationPlan, outcomes: Outcomes, force=False, progress=None):
    """Translate the pages a plan covers. Originals must exist (import them first); a
    translated file whose original page is missing is reported, not invented."""
    locale, _ = Locale.objects.get_or_create(language_code=plan.language)
    default = Locale.get_default()
    toolkit = plan.toolkit
    sdgs = {sdg.number: sdg for sdg in SustainableDevelopmentGoal.objects.all()}

    def step():
        if progress is not None:
            progress.update(1)

    def missing(item):
        outcomes.add("without an original page (import the originals first)")

    source_toolkit = ToolkitPage.objects.filter(framework=toolkit.framework, locale=default).first()
    if source_toolkit is None:
        missing(toolkit)
        return
    _translate(source_toolkit, locale, toolkit, toolkit.fields, outcomes, force)
    step()
    for section in toolkit.sections:
        source = ToolkitSectionPage.objects.child_of(source_toolkit).filter(slug=section.slug)
        if _translate(source.first(), locale, section, section.fields, outcomes, force) is None:
            missing(section)
        step()
    for dimension in toolkit.dimensions:
        source_dimension = DimensionPage.objects.filter(
            criterion=dimension.criterion, locale=default
        ).first()
        translated = _translate(
            source_dimension, locale, dimension, dimension.fields, outcomes, force
        )
        if translated is None:
            missing(dimension)
        step()
        for guide in dimension.guides:
            source = IndicatorGuidePage.objects.filter(
                indicator=guide.fields["indicator"], locale=default
            ).first()
            translated = _translate(
                source,
                locale,
                guide,
                guide.fields,
                outcomes,
                force,
                m2m={"sdgs": [sdgs[number] for number in guide.sdgs]},
            )
            if translated is None:
                missing(guide)
            step()
