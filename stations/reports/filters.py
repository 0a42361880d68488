"""The report list's filters (django-filter): county, station, status, month range and keyword.
Every choice comes from what the user may see; a county or station outside it is an invalid
choice, and an invalid filter lists nothing rather than being ignored."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stations.filters import visible_counties
from stations.models import ReportStatus, Station


class MonthField(forms.CharField):
    """A month typed as 2026-10 (what ``<input type="month">`` sends), as its first day."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value):
        text = (super().to_python(value) or "").strip().replace("/", "-")
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            return datetime.date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("“%(value)s”不是有效月份，请按 2026-10 的格式填写。") % {"value": value}) from None


class MonthFilter(django_filters.Filter):
    field_class = MonthField


def visible_stations(request):
    if request is None:
        return Station.objects.none()
    return Station.objects.visible_to(request.user).select_related("region").order_by("region__code", "name")


class ReportFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("month_from"), cleaned.get("month_to")
        if first and last and first > last:
            raise forms.ValidationError(_("起始月份不能晚于截止月份。"))
        return cleaned


class ReportFilter(django_filters.FilterSet):
    county = django_filters.ModelChoiceFilter(label=gettext_lazy("县（市、区）"), queryset=visible_counties,
                                              method="filter_county", empty_label=gettext_lazy("全部"))
    station = django_filters.ModelChoiceFilter(label=gettext_lazy("社工站"), queryset=visible_stations,
                                               empty_label=gettext_lazy("全部"))
    status = django_filters.ChoiceFilter(label=gettext_lazy("状态"), choices=ReportStatus.choices,
                                         empty_label=gettext_lazy("全部"))
    month_from = MonthFilter(label=gettext_lazy("起始月份"), field_name="period", lookup_expr="gte")
    month_to = MonthFilter(label=gettext_lazy("截止月份"), field_name="period", lookup_expr="lte")
    month = MonthFilter(label=gettext_lazy("月份"), field_name="period")  # one month, as older links name it
    q = django_filters.CharFilter(label=gettext_lazy("关键词"), method="filter_keyword")

    class Meta:
        form = ReportFilterForm
        fields: list[str] = []

    def filter_queryset(self, queryset):
        # A station left selected from the county chosen before is dropped, not matched against
        # the new county (which would list nothing).
        county, station = self.form.cleaned_data.get("county"), self.form.cleaned_data.get("station")
        if county and station and not station.region.code.startswith(county.prefix):
            self.form.cleaned_data["station"] = None
        return super().filter_queryset(queryset)

    def filter_county(self, queryset, name, value):
        return queryset.filter(station__region__code__startswith=value.prefix) if value else queryset

    def filter_keyword(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(station__name__icontains=value) | Q(station__region__name__icontains=value))
