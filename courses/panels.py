"""An admin panel on course, module and lesson pages saying how many learners have records on
them, and what an edit does to those records (they are kept by translation key)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class LearnerRecordsPanel(Panel):
    # courses.selectors.records_summary, wired in by courses.apps (models never import it).
    summary_reader = None

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Learners' records"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/learner_records_panel.html"

        def is_shown(self):
            return self.instance is not None and self.instance.pk is not None

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            reader = type(self.panel).summary_reader
            context["records"] = reader(self.instance) if reader else None
            return context
