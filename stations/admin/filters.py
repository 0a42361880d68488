"""Admin list filters shared by the stations app's admin pages."""

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scope import scope_of
from stations.models import Region, RegionLevel, StationStatus
from stations.selectors.stations import latest_acceptance_passed


def region_filter(code_path: str, title=None):
    """A list filter by city or county (only those the user may see), matching rows whose
    placing region code starts with the chosen region's prefix."""

    class RegionFilter(admin.SimpleListFilter):
        parameter_name = "region_prefix"

        def lookups(self, request, model_admin):
            scope = scope_of(request.user)
            levels = [RegionLevel.PROVINCE, RegionLevel.CITY] if scope.everything else [
                RegionLevel.CITY, RegionLevel.COUNTY]
            regions = Region.objects.visible_to(request.user).filter(level__in=levels).order_by("code")
            return [(r.prefix, f"{'　' if r.level == RegionLevel.COUNTY else ''}{r.name}") for r in regions[:500]]

        def queryset(self, request, queryset):
            value = self.value()
            if value and value.isdigit():
                return queryset.filter(**{f"{code_path}__startswith": value})
            return queryset

    RegionFilter.title = title or _("所在区划")
    return RegionFilter


class StationStatusTodayFilter(admin.SimpleListFilter):
    title = _("当前状态")
    parameter_name = "status_today"

    def lookups(self, request, model_admin):
        return StationStatus.choices

    def queryset(self, request, queryset):
        if self.value() in StationStatus.values:
            return queryset.with_status_at(timezone.localdate()).filter(status_at=self.value())
        return queryset


class MeetsStandardFilter(admin.SimpleListFilter):
    title = _("验收达标")
    parameter_name = "meets_standard"

    def lookups(self, request, model_admin):
        return [("yes", _("是")), ("no", _("否"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        queryset = queryset.annotate(meets_standard=latest_acceptance_passed())
        if self.value() == "yes":
            return queryset.filter(meets_standard=True)
        return queryset.filter(Q(meets_standard=False) | Q(meets_standard__isnull=True))
