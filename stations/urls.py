from django.urls import path

from stations.views import stations as station_views

app_name = "stations"

urlpatterns = [
    path("", station_views.station_list_view, name="station-list"),
    path("<int:pk>/", station_views.station_detail_view, name="station-detail"),
    path("regions/population/import/", station_views.region_population_import_view, name="region-population-import"),
]
