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
        from stations.metrics import register_station_metric
        from workforce.selectors import staffing

        register_station_metric("resident_social_workers", _("驻站社工人数"), staffing.resident_social_workers_metric)
        register_station_metric("station_heads", _("站长人数"), staffing.station_heads_metric)
        register_station_metric("staff_total", _("在岗人员总数"), staffing.staff_total_metric)

        # Stored placements follow a station to its new township, told by the stations services.
        from stations.services.summaries import on_stations_moved
        from workforce.placement import follow_station_moves

        on_stations_moved(follow_station_moves)
