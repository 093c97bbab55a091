from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from cms import entry_points
        from courses import selectors, signals
        from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
        from courses.panels import LearnerRecordsPanel
        from courses.related import PROVIDER
        from toolkit import related

        signals.connect()
        # The pages' reader context and the admin panel's counts are reads (selectors), a
        # layer above the models: wired here so that the models never import them.
        CourseIndexPage.context_reader = selectors.course_index_context
        CoursePage.context_reader = selectors.course_outline
        ModulePage.context_reader = selectors.module_outline
        LessonPage.context_reader = selectors.lesson_state
        LearnerRecordsPanel.summary_reader = staticmethod(selectors.records_summary)
        related.register(PROVIDER)  # guides list the lessons that teach their indicator
        entry_points.register_route("my_learning", _("My learning"), "my_learning")
        entry_points.register_route("cohorts", _("My cohorts"), "cohort_list")
