"""Writes that change the taxonomy or the toolkit tree."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict

from django.db import transaction

from toolkit.models import Criterion, Framework, Indicator, LevelBand, SustainableDevelopmentGoal
from toolkit.taxonomy import Taxonomy


def _normalise(value):
    """JSON round trip, so a dict read from YAML (dates, Decimals) compares equal to the
    value the database gives back."""
    return json.loads(json.dumps(value, default=str))


def _upsert(model, lookup: dict, values: dict, counter: Counter, label: str):
    """Create or update one row, saving only when a value differs: a second load of the
    same file writes nothing."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        counter[f"{label} created"] += 1
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        counter[f"{label} updated"] += 1
    else:
        counter[f"{label} unchanged"] += 1
    return instance


@transaction.atomic
def load_taxonomy(taxonomy: Taxonomy, prune: bool = False) -> Counter:
    """Load parsed, validated records. Rows missing from the file are reported and only
    deleted with `prune` (guides and cases may still point at them)."""
    counter: Counter = Counter()
    for sdg in taxonomy.sdgs:
        _upsert(
            SustainableDevelopmentGoal, {"number": sdg.number}, {"name": sdg.name}, counter, "SDGs"
        )

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
            counter,
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
                counter,
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
                counter,
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
                counter,
                "level bands",
            )

        stale = Indicator.objects.filter(framework=framework).exclude(key__in=keys)
        stale_bands = LevelBand.objects.filter(framework=framework).exclude(
            name__in=[band.name for band in record.level_bands]
        )
        stale_criteria = Criterion.objects.filter(framework=framework).exclude(code__in=criteria)
        for label, queryset in (
            ("indicators", stale),
            ("level bands", stale_bands),
            ("criteria", stale_criteria),
        ):
            count = queryset.count()
            if not count:
                continue
            if prune:
                queryset.delete()
                counter[f"{label} deleted"] += count
            else:
                counter[f"{label} not in file (kept; use --prune)"] += count
    return counter


def apply_toolkit_plan(plan, home_page, counter: Counter, force: bool = False, progress=None):
    """Build or update one toolkit's page tree from a validated plan (see toolkit.importer)."""
    from cms.page_import import upsert_page
    from toolkit.models import SustainableDevelopmentGoal
    from toolkit.pages import DimensionPage, IndicatorGuidePage, ToolkitPage, ToolkitSectionPage

    sdgs = {sdg.number: sdg for sdg in SustainableDevelopmentGoal.objects.all()}

    def common(item):
        return {
            "title": item.title,
            "slug": item.slug,
            "summary": item.summary,
            "search_description": item.summary[:255],
            "source_path": item.source.label,
        }

    def step():
        if progress is not None:
            progress.update(1)

    toolkit = upsert_page(
        home_page,
        ToolkitPage.objects.filter(framework=plan.framework).first(),
        ToolkitPage,
        {**common(plan), **plan.fields, "framework": plan.framework, "show_in_menus": True},
        plan.source.digest,
        counter,
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
            counter,
            force,
        )
        step()
    for dimension in plan.dimensions:
        dimension_page = upsert_page(
            toolkit,
            DimensionPage.objects.filter(criterion=dimension.criterion).first(),
            DimensionPage,
            {**common(dimension), **dimension.fields, "criterion": dimension.criterion},
            dimension.source.digest,
            counter,
            force,
        )
        step()
        for guide in dimension.guides:
            upsert_page(
                dimension_page,
                IndicatorGuidePage.objects.filter(indicator=guide.fields["indicator"]).first(),
                IndicatorGuidePage,
                {**common(guide), **guide.fields},
                guide.source.digest,
                counter,
                force,
                m2m={"sdgs": [sdgs[number] for number in guide.sdgs]},
            )
            step()
    return toolkit
