"""django-filter filter sets for the station registry."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stations.models import Region, RegionKind, RegionLevel, StationKind, StationStatus

TOWNSHIP_KINDS = [(k.value, k.label) for k in (RegionKind.XIANG, RegionKind.ZHEN, RegionKind.JIEDAO,
                                               RegionKind.OTHER_TOWNSHIP)]


def visible_counties(request):
    if request is None:
        return Region.objects.none()
    return Region.objects.visible_to(request.user).filter(level=RegionLevel.COUNTY).order_by("code")


class StationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_search")
    status = django_filters.ChoiceFilter(label=_("当前状态"), choices=StationStatus.choices, field_name="status_at",
                                       empty_label=_("全部"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=StationKind.choices, empty_label=_("全部"))
    county = django_filters.ModelChoiceFilter(label=_("县（市、区）"), queryset=visible_counties,
                                              method="filter_county", empty_label=_("全部"))
    township_kind = django_filters.ChoiceFilter(label=_("乡镇类型"), choices=TOWNSHIP_KINDS, field_name="region__kind",
                                                empty_label=_("全部"))
    meets_standard = django_filters.ChoiceFilter(label=_("验收达标"), choices=[("yes", _("是")), ("no", _("否"))],
                                                 method="filter_meets_standard", empty_label=_("全部"))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(region__name__icontains=value)
                               | Q(address__icontains=value) | Q(region__code__startswith=value))

    def filter_county(self, queryset, name, value):
        return queryset.filter(region__code__startswith=value.prefix) if value else queryset

    def filter_meets_standard(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(meets_standard=True)
        if value == "no":
            return queryset.filter(Q(meets_standard=False) | Q(meets_standard__isnull=True))
        return queryset
