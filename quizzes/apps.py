from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from cms import entry_points
        from courses import gradebook, signals
        from courses.models import ModulePage, Requirement
        from quizzes import selectors
        from quizzes.models import QuizPage

        # A module lists its quizzes beside its lessons, and a quiz counts in the module's
        # completion rule: the courses app names no quiz code, the quizzes app registers here.
        if "quizzes.QuizPage" not in ModulePage.subpage_types:
            ModulePage.subpage_types = [*ModulePage.subpage_types, "quizzes.QuizPage"]
        Requirement.item_page_types[("quizzes", "quizpage")] = Requirement.Kind.QUIZ
        signals.connect((QuizPage,))
        QuizPage.context_reader = selectors.quiz_state
        gradebook.register(selectors.gradebook_columns)
        entry_points.register_route("my_progress", _("My progress"), "quiz_progress")
