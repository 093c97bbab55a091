"""Read-only admin screens for the taxonomy. Rows come from toolkit/data/frameworks.yaml
(`load_frameworks`), so editors and moderators get view permission only; a change made here
would be overwritten by the next load."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from toolkit.models import Criterion, Framework, Indicator, LevelBand, SustainableDevelopmentGoal


class FrameworkViewSet(SnippetViewSet):
    model = Framework
    icon = "folder-open-inverse"
    list_display = ["short_name", "name", "level", BooleanColumn("is_reference_only")]
    inspect_view_enabled = True
    search_fields = ["name", "short_name", "key"]
    ordering = ["order"]


class CriterionViewSet(SnippetViewSet):
    model = Criterion
    icon = "list-ul"
    list_display = ["code", "name", "framework", "order", BooleanColumn("is_scored")]
    list_filter = ["framework"]
    inspect_view_enabled = True
    search_fields = ["name", "code"]


class IndicatorViewSet(SnippetViewSet):
    model = Indicator
    icon = "tick-inverse"
    list_display = ["code", "name", "criterion", "confidence"]
    list_filter = ["framework", "criterion", "confidence"]
    list_per_page = 50
    inspect_view_enabled = True
    search_fields = ["name", "code", "description", "key"]

    def get_queryset(self, request):
        return Indicator.objects.with_taxonomy()


class LevelBandViewSet(SnippetViewSet):
    model = LevelBand
    icon = "order"
    list_display = ["name", "framework", "range_label", "confidence"]
    list_filter = ["framework"]
    inspect_view_enabled = True


class SustainableDevelopmentGoalViewSet(SnippetViewSet):
    model = SustainableDevelopmentGoal
    icon = "globe"
    list_display = ["number", "name"]
    inspect_view_enabled = True


class TaxonomyViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Taxonomy")
    menu_icon = "tag"
    menu_order = 250
    items = (
        FrameworkViewSet,
        CriterionViewSet,
        IndicatorViewSet,
        LevelBandViewSet,
        SustainableDevelopmentGoalViewSet,
    )
