from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BestPracticesConfig(AppConfig):
    name = "best_practices"
    verbose_name = _("Compendium of best practices")
