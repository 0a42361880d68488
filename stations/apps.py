from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("社工站")
    province_admin = True  # provincial officials keep its records in the admin (stations.roles)

    def ready(self):
        from core.dates import register_calendar
        from stations.selectors.calendar import official_calendar

        register_calendar(official_calendar)
