"""The 本地政策 page: the rules, targets and building standard in force for the user's region on a
date, each with its document; ``?format=xlsx`` exports what the page shows."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from config.local_policies import local_policies
from config.local_policy_workbook import local_policies_workbook
from core.export_jobs import export_job
from core.scope import scope_of
from stations.forms.coverage import CoverageDateForm
from stations.models import Region, RegionLevel
from stations.roles import OFFICIAL_ROLES, Role

POLICY_ROLES = OFFICIAL_ROLES | {Role.STATION_HEAD}
POLICY_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


def policy_region(user, code: str) -> Region | None:
    """The region asked for (``?region=``, a code or prefix) if the user may see it, else their own;
    404 for a region they may not see (the same as for one that does not exist)."""
    if not code:
        return user.home_region
    region = Region.objects.visible_to(user).by_code_or_prefix(code).filter(level__in=POLICY_LEVELS).first()
    if region is None:
        raise Http404
    return region


class LocalPoliciesView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        scope = scope_of(user)
        if scope.nothing or not (user.is_superuser or user.role in POLICY_ROLES):
            raise PermissionDenied
        region = policy_region(user, request.GET.get("region", "").strip())
        form = CoverageDateForm(request.GET or None)
        if region is None:  # a superuser without a region of their own: choose one
            return render(request, "local_policies.html", {"form": form, "policies": None,
                                                           "can_choose": True})
        policies = local_policies(user=user, region=region, on_date=form.on_date())
        if request.GET.get("format") == "xlsx":
            return local_policies_workbook(policies).response(
                _("%(region)s本地政策-%(date)s.xlsx") % {"region": region.name, "date": policies.on_date.isoformat()})
        query = request.GET.copy()
        query["format"] = "xlsx"
        return render(request, "local_policies.html", {
            "form": form, "policies": policies, "export_query": query.urlencode(),
            "can_choose": user.role != Role.STATION_HEAD,
        })


local_policies_view = export_job(gettext_lazy("本地政策"))(LocalPoliciesView.as_view())

# Included by config/urls.py at /policies/.
urlpatterns = [path("", local_policies_view, name="local-policies")]
