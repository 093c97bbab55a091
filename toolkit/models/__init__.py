"""The toolkit's models: the reference taxonomy (taxonomy.py) and the guide page types
(pages.py). Pages point at the taxonomy; the taxonomy knows nothing of pages."""

from toolkit.models.pages import (
    DimensionPage,
    IndicatorGuidePage,
    ToolkitPage,
    ToolkitSectionPage,
)
from toolkit.models.taxonomy import (
    Confidence,
    Criterion,
    Framework,
    GovernmentLevel,
    Indicator,
    IndicatorQuerySet,
    LevelBand,
    SourcedMixin,
    SustainableDevelopmentGoal,
)

__all__ = [
    "Confidence",
    "Criterion",
    "DimensionPage",
    "Framework",
    "GovernmentLevel",
    "Indicator",
    "IndicatorGuidePage",
    "IndicatorQuerySet",
    "LevelBand",
    "SourcedMixin",
    "SustainableDevelopmentGoal",
    "ToolkitPage",
    "ToolkitSectionPage",
]
