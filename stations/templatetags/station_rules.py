"""The product's rules for templates that decide which links to show: the same functions that the
views refusing those pages ask (``stations/permissions.py``, ``stations/reports/permissions.py``)."""

from django import template

from stations import permissions
from stations.reports import permissions as report_permissions

register = template.Library()


@register.filter
def is_station_head(user) -> bool:
    return permissions.is_station_head(user)


@register.filter
def may_view_regional_figures(user) -> bool:
    return permissions.can_view_regional_figures(user)


@register.filter
def may_import_reports(user) -> bool:
    return report_permissions.can_import_report(user)
