from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = _("社工人才")

    def ready(self):
        # stations cannot import workforce; it reads staff counts through its metric registry.
        from stations.metrics import register_station_metric
        from workforce.selectors import staffing

        register_station_metric("resident_social_workers", _("驻站社工人数"), staffing.resident_social_workers_metric)
        register_station_metric("station_heads", _("站长人数"), staffing.station_heads_metric)
        register_station_metric("staff_total", _("在岗人员总数"), staffing.staff_total_metric)

        # Stored placements follow every write of what places a person (see workforce.placement).
        from django.db.models.signals import post_delete, post_save, pre_save

        from stations.models import Station
        from stations.signals import stations_saved_in_bulk
        from workforce import placement
        from workforce.models import Employment, Person

        post_save.connect(placement.person_saved, sender=Person, dispatch_uid="placement_person_saved")
        pre_save.connect(placement.employment_saving, sender=Employment, dispatch_uid="placement_employment_saving")
        post_save.connect(placement.employment_saved, sender=Employment, dispatch_uid="placement_employment_saved")
        post_delete.connect(placement.employment_deleted, sender=Employment,
                            dispatch_uid="placement_employment_deleted")
        post_save.connect(placement.station_saved, sender=Station, dispatch_uid="placement_station_saved")
        stations_saved_in_bulk.connect(placement.stations_saved_in_bulk, dispatch_uid="placement_stations_bulk")
