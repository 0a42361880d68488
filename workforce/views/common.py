"""What the workforce screens share: the date and region a page is about, and who may read
the region-wide pages."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone

from core.access import RuleRequiredMixin
from core.scope import scope_of
from stations.models import Region, RegionLevel
from stations.permissions import can_view_regional_figures


def date_param(request, name="on") -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()


def region_param(request) -> Region:
    """The region asked for (by code or prefix) if the user may see it, else their home region."""
    user = request.user
    visible = Region.objects.visible_to(user)
    asked = request.GET.get("region", "").strip()
    region = visible.by_code_or_prefix(asked).first() if asked else None
    if region is None:
        home = user.home_region if not user.is_superuser else None
        region = home if home is not None and visible.filter(pk=home.pk).exists() else None
    if region is None and scope_of(user).everything:
        region = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first()
    if region is None:
        raise Http404
    return region


class OfficialsOnlyMixin(RuleRequiredMixin):
    """Region-wide figures are for province, city and county staff (and superusers)."""

    rule = can_view_regional_figures
