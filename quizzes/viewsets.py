"""The question bank in the admin: questions with inline choices and a preview as the
learner sees it, and the category tree."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from quizzes.forms import QuestionForm
from quizzes.models import Question, QuestionCategory


class NeedsIndicatorsColumn(Column):
    def get_value(self, instance):
        return _("Needs indicators") if not instance.indicator_count else instance.indicator_count


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = [
        "name",
        "qtype",
        "category",
        NeedsIndicatorsColumn("indicator_count", label=_("Indicators")),
        "updated_at",
    ]
    list_filter = ["qtype", "difficulty", "category"]
    list_per_page = 50
    search_fields = ["name", "stem"]
    edit_handler = ObjectList(Question.panels, base_form_class=QuestionForm)

    def get_queryset(self, request):
        from django.db.models import Count

        return Question.objects.select_related("category").annotate(
            indicator_count=Count("indicators", distinct=True)
        )


class CategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["path", "info"]
    search_fields = ["name"]


class QuestionBankViewSetGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, CategoryViewSet)
    menu_icon = "help"
    menu_label = _("Question bank")
    menu_name = "question-bank"
