from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from cms import entry_points
        from courses import signals
        from courses.related import PROVIDER
        from toolkit import related

        signals.connect()
        related.register(PROVIDER)  # guides list the lessons that teach their indicator
        entry_points.register_route("my_learning", _("My learning"), "my_learning")
        entry_points.register_route("cohorts", _("My cohorts"), "cohort_list")
