from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("购买服务项目")
    province_admin = True  # provincial officials keep its records in the admin (stations.roles)

    def ready(self):
        from projects import rules

        rules.register()

        from projects import policy_sync

        policy_sync.connect()

        from projects.selectors.stations import register_station_metrics

        register_station_metrics()
        from core import figures
        figures.watch_app(self, lambda model: (figures.REGISTRY,))  # cached figures follow every write
