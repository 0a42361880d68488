"""The registering form's lists as JSON, for ``static/js/township_picker.js``: the townships of a
county, the villages of a township (loading the county's villages the first time they are asked
for), or the townships whose name contains what the user typed. Only the user's own regions."""

from django.http import JsonResponse
from django.views import View

from stations.models import RegionLevel
from stations.selectors.region_choices import SEARCH_LIMIT, region_choices
from stations.services.villages import township_villages_ensure
from stations.views.stations import StationManagerRequiredMixin

LEVELS = {"county": RegionLevel.COUNTY, "township": RegionLevel.TOWNSHIP, "village": RegionLevel.VILLAGE}


class RegionSearchView(StationManagerRequiredMixin, View):
    """``?level=township&parent=<county code>``, ``?level=village&parent=<township code>`` or
    ``?level=township&q=<part of a name>``: ``{"results": [{code, name, label, county, county_name,
    taken}, …]}``. Asking for nothing gives nothing."""

    def get(self, request):
        level = LEVELS.get(request.GET.get("level", "township"))
        parent, query = request.GET.get("parent", "").strip(), request.GET.get("q", "").strip()[:20]
        if level is None or not (parent or query):
            return JsonResponse({"results": []})
        if level == RegionLevel.VILLAGE and parent:
            township_villages_ensure(actor=request.user, township_code=parent)
        choices = region_choices(user=request.user, level=level, parent=parent, query=query,
                                 limit=None if parent and not query else SEARCH_LIMIT)
        return JsonResponse({"results": [choice.as_json() for choice in choices]})


region_search_view = RegionSearchView.as_view()
