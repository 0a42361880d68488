"""Excel workbooks of monthly reports: the list of stations that have not filed, and the roll-up
workbook. Its tables (service totals, filing completeness by month) are also sheets of the
reporting-chain workbook (config/chain_workbook.py). The data come from the same scoped selectors
as the screens."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.xlsx import XlsxBook, xlsx_response
from stations import selectors
from stations.models import MonthlyReport, RegionLevel, ReportStatus
from stations.selectors import REPORT_SUM_FIELDS, ROLLUP_FIELDS, ROLLUP_KEYS


def missing_stations_xlsx(completeness) -> HttpResponse:
    """The stations that have not filed, as the one-click Excel list of the completeness page."""
    period = completeness.period
    rows = [[m.parent_name, m.township, m.township_code, m.name, m.deadline,
             _("草稿未报送") if m.status == ReportStatus.DRAFT else _("未填报")] for m in completeness.missing]
    title = _("%(region)s%(y)s年%(m)s月未报送月报的社工站") % {
        "region": completeness.region.name, "y": period.year, "m": period.month}
    return xlsx_response(
        filename=f"{title}.xlsx", title=title,
        headers=[_("所属区划"), _("乡镇（街道）"), _("区划代码"), _("社工站"), _("报送截止日"), _("情况")], rows=rows,
        meta=[(_("区划"), f"{completeness.region.name}（{completeness.region.code}）"),
              (_("应报"), completeness.total.expected), (_("未报"), completeness.total.missing)])


def rollup_title(rollup, kind: str) -> str:
    if rollup.region.level == RegionLevel.COUNTY and kind == "quarter":
        return _("%(region)s%(label)s社工站工作季度报告") % {"region": rollup.region.name, "label": rollup.label}
    if rollup.region.level == RegionLevel.CITY and kind == "half":
        return _("%(region)s%(label)s社工站工作半年报告") % {"region": rollup.region.name, "label": rollup.label}
    return _("%(region)s%(label)s社工站服务汇总") % {"region": rollup.region.name, "label": rollup.label}


def rollup_table(rollup) -> tuple[list, list]:
    """Headers and rows of the roll-up by service domain and target group, with the total line."""
    headers = [_("服务领域"), _("服务对象"), *[str(label) for _key, label in ROLLUP_FIELDS]]
    rows = [[c.domain_label, c.group_label, *[c.sums[n] for n in ROLLUP_KEYS]] for c in rollup.cells]
    return headers, [*rows, [_("合计"), "", *[rollup.line_totals[n] for n in ROLLUP_KEYS]]]


def rollup_children_table(rollup) -> tuple[list, list]:
    """Headers and rows of the roll-up by child region, with the region's total line."""
    total_labels = [str(MonthlyReport._meta.get_field(n).verbose_name) for n in REPORT_SUM_FIELDS]
    headers = [_("区划代码"), _("区划"), _("报告份数"), *[str(label) for _key, label in ROLLUP_FIELDS],
               *total_labels]
    rows = [[c.code, c.name, c.totals["reports"], *[c.sums[n] for n in ROLLUP_KEYS],
             *[c.totals[n] for n in REPORT_SUM_FIELDS]] for c in rollup.children]
    return headers, [*rows, [rollup.region.code, _("合计"), rollup.totals["reports"],
                             *[rollup.line_totals[n] for n in ROLLUP_KEYS],
                             *[rollup.totals[n] for n in REPORT_SUM_FIELDS]]]


def completeness_by_month(rollup, *, user) -> list[tuple[datetime.date, object]]:
    """Filing completeness of each month of the roll-up's period, up to the current month:
    (month, the region's CompletenessRow)."""
    return selectors.report_completeness_months(user=user, region=rollup.region, first=rollup.first,
                                                last=rollup.last)


def completeness_table(months) -> tuple[list, list]:
    headers = [_("月份"), _("应报"), _("按时报送"), _("逾期报送"), _("未报送"), _("被退回"), _("已审核通过")]
    rows = [[f"{period.year}年{period.month}月", c.expected, c.on_time, c.late, c.missing, c.returned, c.approved]
            for period, c in months]
    return headers, rows


def rollup_workbook(rollup, *, kind: str, user) -> XlsxBook:
    """The roll-up as shown on screen, plus filing completeness per month."""
    meta = [(_("区划"), f"{rollup.region.name}（{rollup.region.code}）"), (_("期间"), rollup.label),
            (_("口径"), _("仅含县级审核通过的月度报告"))]
    book = XlsxBook()
    headers, rows = rollup_table(rollup)
    book.add_sheet(title=rollup_title(rollup, kind), meta=meta, headers=headers, rows=rows)
    headers, rows = rollup_children_table(rollup)
    book.add_sheet(title=_("分地区汇总"), meta=meta, headers=headers, rows=rows)
    headers, rows = completeness_table(completeness_by_month(rollup, user=user))
    book.add_sheet(title=_("月报报送情况"), meta=meta, headers=headers, rows=rows)
    return book
