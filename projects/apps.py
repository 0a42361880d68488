from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("购买服务项目")

    def ready(self):
        from projects.selectors.stations import register_station_metrics

        register_station_metrics()
