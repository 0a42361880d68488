"""The composition root's pages: the home page that shows each user their scope."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from stations.models import Region, Role, Station
from stations.scope import scope_of
from stations.selectors import reports_due


@login_required
def home_view(request):
    user = request.user
    scope = scope_of(user)
    region = user.home_region
    context = {
        "scope": scope,
        "home_region": region,
        "ancestors": region.ancestors() if region else [],
        "station_count": Station.objects.visible_to(user).count(),
        "child_regions": (
            Region.objects.visible_to(user).filter(parent=region).order_by("code")[:60] if region else []
        ),
        "role_label": Role(user.role).label if user.role else "",
        "reports_due": reports_due(user=user) if user.role == Role.STATION_HEAD else None,
    }
    return render(request, "home.html", context)
