"""Writes that change the taxonomy or the toolkit tree."""

from __future__ import annotations

import json
from dataclasses import asdict

from django.db import transaction

from cms.imports import (
    CREATED,
    DELETED,
    KEPT,
    UNCHANGED,
    UPDATED,
    ImportProblems,
    Outcomes,
    Problems,
    references_to,
)
from toolkit.models import Criterion, Framework, Indicator, LevelBand, SustainableDevelopmentGoal
from toolkit.taxonomy import Taxonomy


def _normalise(value):
    """JSON round trip, so a dict read from YAML (dates, Decimals) compares equal to the
    value the database gives back."""
    return json.loads(json.dumps(value, default=str))


def _upsert(model, lookup: dict, values: dict, outcomes: Outcomes, kind: str):
    """Create or update one row, saving only when a value differs: a second load of the
    same file writes nothing."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        outcomes.add(CREATED, kind)
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        outcomes.add(UPDATED, kind)
    else:
        outcomes.add(UNCHANGED, kind)
    return instance


def taxonomy_size(taxonomy: Taxonomy) -> int:
    """Steps of a load, for the progress bar: the SDGs, then one per framework."""
    return 1 + len(taxonomy.frameworks)


@transaction.atomic
def load_taxonomy(
    taxonomy: Taxonomy,
    prune: bool = False,
    outcomes: Outcomes | None = None,
    progress=None,
    source_name: str = "",
) -> Outcomes:
    """Load parsed, validated records. Rows missing from the file are reported and only
    deleted with `prune`; rows that guides, cases or anything else still point at are never
    deleted: ImportProblems names them and the transaction writes nothing."""
    outcomes = outcomes if outcomes is not None else Outcomes()
    problems = Problems(file=source_name)

    def step():
        if progress is not None:
            progress.update(1)

    for sdg in taxonomy.sdgs:
        _upsert(
            SustainableDevelopmentGoal, {"number": sdg.number}, {"name": sdg.name}, outcomes, "SDGs"
        )
    step()

    for record in taxonomy.frameworks:
        framework = _upsert(
            Framework,
            {"key": record.key},
            {
                "name": record.name,
                "short_name": record.short_name,
                "level": record.level,
                "used_in": record.used_in,
                "description": record.description,
                "is_reference_only": record.is_reference_only,
                "details": _normalise(record.details),
                "order": record.order,
            },
            outcomes,
            "frameworks",
        )
        criteria = {}
        for criterion in record.criteria:
            values = asdict(criterion)
            values.pop("code")
            values["source"] = _normalise(values["source"])
            criteria[criterion.code] = _upsert(
                Criterion,
                {"framework": framework, "code": criterion.code},
                values,
                outcomes,
                "criteria",
            )
        keys = set()
        for indicator in record.indicators:
            values = asdict(indicator)
            values.pop("key")
            values["criterion"] = criteria[values.pop("criterion_code")]
            values["source"] = _normalise(values["source"])
            values["notes"] = _normalise(values["notes"])
            _upsert(
                Indicator,
                {"framework": framework, "key": indicator.key},
                values,
                outcomes,
                "indicators",
            )
            keys.add(indicator.key)
        for band in record.level_bands:
            values = asdict(band)
            values.pop("name")
            values["source"] = _normalise(values["source"])
            _upsert(
                LevelBand,
                {"framework": framework, "name": band.name},
                values,
                outcomes,
                "level bands",
            )

        stale = Indicator.objects.filter(framework=framework).exclude(key__in=keys)
        stale_bands = LevelBand.objects.filter(framework=framework).exclude(
            name__in=[band.name for band in record.level_bands]
        )
        stale_criteria = Criterion.objects.filter(framework=framework).exclude(code__in=criteria)
        # Indicators first: a stale criterion is only free once its indicators are gone.
        for kind, queryset in (
            ("indicators", stale),
            ("level bands", stale_bands),
            ("criteria", stale_criteria),
        ):
            count = queryset.count()
            if not count:
                continue
            if not prune:
                outcomes.add(KEPT, kind, count)
                continue
            in_use = references_to(queryset)
            for row, users in in_use.items():
                problems.add(
                    f"{row._meta.verbose_name} '{row}' is no longer in the file but is still "
                    f"used by {'; '.join(users)}. Move or delete those first, or load "
                    "without --prune to keep it",
                    element=f"frameworks.{record.key}",
                )
            if in_use:
                continue
            queryset.delete()
            outcomes.add(DELETED, kind, count)
        step()
    if problems:
        raise ImportProblems(problems)
    return outcomes


def page_values(item) -> dict:
    """The fields every page made from a content file gets (originals and translations)."""
    return {
        "title": item.title,
        "slug": item.slug,
        "summary": item.summary,
        "search_description": item.summary[:255],
        "source_path": item.source.label,
    }


def apply_toolkit_plan(plan, home_page, outcomes: Outcomes, force: bool = False, progress=None):
    """Build or update one toolkit's page tree from a validated plan (see toolkit.importer)."""
    from cms.page_import import upsert_page
    from toolkit.models import (
        DimensionPage,
        IndicatorGuidePage,
        SustainableDevelopmentGoal,
        ToolkitPage,
        ToolkitSectionPage,
    )

    sdgs = {sdg.number: sdg for sdg in SustainableDevelopmentGoal.objects.all()}
    locale = home_page.locale  # originals live in the home page's (default) language
    common = page_values

    def step():
        if progress is not None:
            progress.update(1)

    toolkit = upsert_page(
        home_page,
        ToolkitPage.objects.filter(framework=plan.framework, locale=locale).first(),
        ToolkitPage,
        {**common(plan), **plan.fields, "framework": plan.framework, "show_in_menus": True},
        plan.source.digest,
        outcomes,
        force,
    )
    step()
    for section in plan.sections:
        existing = ToolkitSectionPage.objects.child_of(toolkit).filter(slug=section.slug).first()
        upsert_page(
            toolkit,
            existing,
            ToolkitSectionPage,
            {**common(section), **section.fields},
            section.source.digest,
            outcomes,
            force,
        )
        step()
    for dimension in plan.dimensions:
        dimension_page = upsert_page(
            toolkit,
            DimensionPage.objects.filter(criterion=dimension.criterion, locale=locale).first(),
            DimensionPage,
            {**common(dimension), **dimension.fields, "criterion": dimension.criterion},
            dimension.source.digest,
            outcomes,
            force,
        )
        step()
        for guide in dimension.guides:
            upsert_page(
                dimension_page,
                IndicatorGuidePage.objects.filter(
                    indicator=guide.fields["indicator"], locale=locale
                ).first(),
                IndicatorGuidePage,
                {**common(guide), **guide.fields},
                guide.source.digest,
                outcomes,
                force,
                m2m={"sdgs": [sdgs[number] for number in guide.sdgs]},
            )
            step()
    return toolkit
