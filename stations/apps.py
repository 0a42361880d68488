from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("社工站")
    province_admin = True  # provincial officials keep its records in the admin (stations.roles)

    def ready(self):
        from django.db.models.signals import post_migrate

        from core.dates import register_calendar
        from stations.reports import rules as report_rules
        from stations.selectors.calendar import official_calendar

        register_calendar(official_calendar)
        report_rules.register()
        post_migrate.connect(seed_holiday_calendar, sender=self, dispatch_uid="stations.seed_holiday_calendar")


def seed_holiday_calendar(sender, **kwargs):
    """The official calendar of the years the chinesecalendar package knows, entered by ``migrate``."""
    from stations.services.calendar import holiday_calendar_seed

    holiday_calendar_seed()
