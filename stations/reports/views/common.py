"""What the report screens share: the month and region a page is about, and who may read the officials' pages."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone

from core.access import RuleRequiredMixin
from core.dates import previous_month
from stations.models import Region, RegionLevel
from stations.permissions import can_view_regional_figures


def parse_month(value: str | None, default: datetime.date) -> datetime.date:
    try:
        year, month = (int(part) for part in (value or "").split("-")[:2])
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return default


def last_month() -> datetime.date:
    return previous_month(timezone.localdate())


def chosen_region(request) -> Region:
    """The region named in ``?region=`` (code or prefix) if the user may see it, else their own."""
    user = request.user
    visible = Region.objects.visible_to(user)
    code = request.GET.get("region", "").strip()
    if code:
        region = visible.by_code_or_prefix(code).first()
    elif user.is_superuser and not user.region_id:
        region = visible.filter(level=RegionLevel.PROVINCE).order_by("code").first()
    else:
        region = visible.filter(pk=getattr(user.home_region, "pk", None)).first()
    if region is None:
        raise Http404
    return region


class OfficialsOnlyMixin(RuleRequiredMixin):
    """Completeness and roll-ups are for civil-affairs staff (province, city, county)."""

    rule = can_view_regional_figures
