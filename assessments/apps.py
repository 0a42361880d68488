from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("评估")
    province_admin = True  # provincial officials keep its records in the admin (stations.roles)

    def ready(self):
        from core import figures
        figures.watch_app(self, lambda model: (figures.REGISTRY,))  # cached figures follow every write
