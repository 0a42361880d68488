from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = _("社工人才")
    province_admin = True  # provincial officials keep its records in the admin (stations.roles)

    def ready(self):
        from workforce import packs, rules

        rules.register()
        packs.register()

        # stations cannot import workforce; it reads staff counts through its metric registry.
        # A roster figure is also checked by role against the documents' staffing rules.
        from stations.metrics import register_staffing_check, register_station_metric
        from workforce.selectors import staffing

        no_roster = _("站点尚未登记人员名册")
        for key, label, compute in (
                ("resident_social_workers", _("驻站社工人数"), staffing.resident_social_workers_metric),
                ("station_heads", _("站长人数"), staffing.station_heads_metric),
                ("staff_total", _("在岗人员总数"), staffing.staff_total_metric)):
            register_station_metric(key, label, compute, missing=no_roster, staffing=True)
        register_staffing_check(staffing.staffing_shortfalls_check)

        # Stored placements follow a station to its new township, told by the stations services.
        from stations.services.summaries import on_stations_moved
        from workforce.placement import follow_station_moves

        on_stations_moved(follow_station_moves)
        # Cached figures follow every write (core.figures); an ID number shown is only logged.
        from core import figures
        from workforce.models import IdNumberDisclosure
        figures.watch_app(self, lambda model: () if model is IdNumberDisclosure else (figures.REGISTRY,))
