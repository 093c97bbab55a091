from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from quizzes.admin_views import ExportQuestionsView, ImportQuestionsView, question_permissions
from quizzes.viewsets import QuestionBankViewSetGroup

SUBMENU_HOOK = "register_question_bank_menu_item"


class QuestionBankMenu(QuestionBankViewSetGroup):
    """The "Question bank" menu, open to the import and export items registered below."""

    submenu_hook = SUBMENU_HOOK


register_snippet(QuestionBankMenu)


class PermittedMenuItem(MenuItem):
    """Shown only to those the view lets in (the view checks again)."""

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = actions

    def is_shown(self, request):
        return question_permissions.user_has_any_permission(request.user, self.actions)


@hooks.register("register_admin_urls")
def question_transfer_urls():
    return [
        path(
            "question-bank/import/", ImportQuestionsView.as_view(), name="quizzes_import_questions"
        ),
        path(
            "question-bank/export/", ExportQuestionsView.as_view(), name="quizzes_export_questions"
        ),
    ]


@hooks.register(SUBMENU_HOOK)
def import_menu_item():
    return PermittedMenuItem(
        _("Import questions"),
        reverse("quizzes_import_questions"),
        name="import-questions",
        icon_name="upload",
        order=100,
        actions=["add"],
    )


@hooks.register(SUBMENU_HOOK)
def export_menu_item():
    return PermittedMenuItem(
        _("Export questions"),
        reverse("quizzes_export_questions"),
        name="export-questions",
        icon_name="download",
        order=101,
        actions=["view", "change"],
    )
