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
        watch_figures(self)


def watch_figures(app_config):
    """Cached figures (core.figures) follow every write to what they are computed from. Saving a
    draft again, or writing a line of one, changes no figure: a draft is only ever shown as started."""
    from django.db.models.signals import post_init

    from core import figures
    from stations.models import MonthlyReport, MonthlyReportLine, ReportDeadline, User
    from stations.reports.choices import ReportStatus

    def loaded(sender, instance, **kwargs):
        instance._status_loaded = instance.__dict__.get("status")

    def draft_kept(report, event) -> bool:
        kept = event == "saved" and report.status == report._status_loaded == ReportStatus.DRAFT
        report._status_loaded = report.status
        return kept

    def draft_line(line, event) -> bool:
        report = line._state.fields_cache.get("report")
        return report is not None and report.status == report._status_loaded == ReportStatus.DRAFT

    post_init.connect(loaded, sender=MonthlyReport, weak=False, dispatch_uid="stations.report_status_loaded")
    figures.watch(MonthlyReport, figures.REPORTS, unless=draft_kept)
    figures.watch(MonthlyReportLine, figures.REPORTS, unless=draft_line)
    reports = {MonthlyReport, MonthlyReportLine}
    figures.watch_app(app_config, lambda model: () if model in reports or model is User else (
        (figures.REPORTS,) if model is ReportDeadline else (figures.REGISTRY,)))


def seed_holiday_calendar(sender, **kwargs):
    """The official calendar of the years the chinesecalendar package knows, entered by ``migrate``."""
    from stations.services.calendar import holiday_calendar_seed

    holiday_calendar_seed()
