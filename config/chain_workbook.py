"""The reporting-chain report as one workbook: a summary sheet, then one sheet per topic."""

from __future__ import annotations

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from config.chain_report import ZERO, ChainReport
from core.xlsx import XlsxBook, money_column
from stations.light_cells import paint_lights
from stations.reports.workbooks import completeness_table, rollup_table
from stations.selectors.coverage import CoverageRow, target_bases
from stations.selectors.lights import light_legend_text
from stations.selectors.policies import NOT_SET


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def _target_cells(row: CoverageRow) -> list:
    """Target, due date, stations short and the light, as on the coverage dashboard."""
    if row.target is None:
        return ["—", "—", "—", row.light.label]
    return [row.target.value, row.target.due_on, row.gap_stations, row.light.label]


def chain_workbook(report: ChainReport) -> XlsxBook:
    region = report.region
    meta = [(_("区划"), f"{region.name}（{region.code}）"),
            (_("期间"), _("%(label)s（%(first)s 至 %(last)s）") % {
                "label": report.label, "first": date_format(report.first), "last": date_format(report.period_end)}),
            (_("时点数据截至"), report.as_of)]
    if region.parent_id:
        meta.append((_("报送"), region.parent.name))
    book = XlsxBook()

    def sheet(name, headers, rows, extra=()):
        return book.add_sheet(title=name, meta=[(_("报告"), report.title), *meta, *extra], headers=headers, rows=rows)

    paint_lights(sheet(_("概况"), [_("项目"), _("数值")], report.summary), 2)
    sheet(_("社工站"), [_("县（市、区）"), _("所在区划"), _("站点名称"), _("类型"), _("期末状态"), _("站长"),
                     _("驻站社工"), _("社工（驻站及项目）"), _("在岗人员合计"), _("覆盖合同编号")],
          [[r.county, r.township, r.name, r.kind, r.status, r.heads, r.residents, r.social_workers, r.staff_total,
            r.contracts] for r in report.stations])
    _coverage_sheet(sheet, report)
    _contracts_sheet(sheet, report)
    _staff_sheet(sheet, report)
    headers, rows = rollup_table(report.rollup)
    sheet(_("服务数据"), headers, rows, [(_("口径"), _("仅含县级审核通过的月度报告"))])
    headers, rows = completeness_table(report.completeness)
    sheet(_("月报报送"), headers, rows)
    sheet(_("评估"), [_("县（市、区）"), _("评估对象"), _("评估类型"), _("评估期起"), _("评估期止"), _("总分"),
                    _("等级"), _("确认日期")],
          [[e.county, e.subject, e.kind, e.period_start, e.period_end, e.total, e.grade, e.finalised_on]
           for e in report.evaluations],
          [(_("等级分布"), "；".join(f"{label} {n}" for label, n in report.grades.items()))])
    return book


def _coverage_sheet(sheet, report: ChainReport) -> None:
    """A county's townships one by one; a city's counties with their figures and targets."""
    cov = report.coverage
    cov_meta = [(_("覆盖率（%）"), cov.coverage_pct), (_("适用目标（%）"), cov.target.value if cov.target else "—"),
                (_("距目标尚缺社工站（个）"), cov.gap_stations if cov.target else "—"),
                (_("覆盖率对照目标的状态"), cov.light.label),
                (_("依据"), cov.target.citation if cov.target else "—"), (_("状态说明"), light_legend_text()),
                (_("达标率（%）"), cov.standard_pct_shown),
                (_("建设标准（达标率依据）"), f"“{cov.standard.name}”{cov.standard.citation}" if cov.standard else str(NOT_SET))]
    children = sorted(report.coverage_children, key=lambda r: r.code)
    if report.is_county_report:
        paint_lights(sheet(_("覆盖率"), [_("区划代码"), _("乡镇（街道）"), _("已建成运营社工站"), _("由验收达标社工站覆盖")],
                           [*[[r.code, r.name, _yes_no(r.covered > 0), _standard_covers(r)] for r in children],
                            [cov.code, _("合计"), f"{cov.covered} / {cov.townships}",
                             f"{cov.standard_covered} / {cov.townships}" if cov.standard_set else str(NOT_SET)]],
                           cov_meta), 2)
        return
    paint_lights(sheet(_("覆盖率"), [_("区划代码"), _("区划"), _("乡镇（街道）数"), _("已覆盖"), _("覆盖率（%）"),
                                  _("适用目标（%）"), _("目标期限"), _("距目标尚缺社工站"), _("状态"),
                                  _("每县至少建站数"), _("尚差站数"), _("达标站覆盖"), _("达标率（%）"), _("依据")],
                       [[r.code, r.name, r.townships, r.covered, r.coverage_pct, *_target_cells(r),
                         r.count_target.value if r.count_target else "—", "—" if r.count_gap is None else r.count_gap,
                         r.standard_covered if r.standard_set else "—", r.standard_pct_shown,
                         "；".join(target_bases([r.target, r.count_target])) or "—"]
                        for r in [*children, cov]], cov_meta), 2, 9)


def _standard_covers(row: CoverageRow) -> str:
    """Whether a township's station had passed the standard (本地政策未规定 where none was in force)."""
    return _yes_no(row.standard_covered > 0) if row.standard_set else str(NOT_SET)


def _contracts_sheet(sheet, report: ChainReport) -> None:
    sources = report.funding_sources
    contracts = report.contracts
    sheet(_("合同与资金"),
          [_("购买方"), _("合同编号"), _("项目名称"), _("承接机构"), _("服务开始"), _("服务结束"), _("期内执行"),
           _("合同金额（元）"), *[money_column(label) for _value, label in sources], _("期内应付（元）"),
           _("期内已付（元）"), _("期末逾期分期"), _("备案情况"), _("依据")],
          [*[[r.purchaser, r.number, r.title, r.contractor, r.starts_on, r.ends_on, _yes_no(r.in_force), r.amount,
              *[r.funding.get(value, "") for value, _label in sources], r.due_in_period, r.paid_in_period, r.overdue,
              r.filing, r.payment_basis] for r in contracts],
           [_("合计"), "", "", "", "", "", "", sum((r.amount for r in contracts), ZERO),
            *[sum((r.funding.get(value, ZERO) for r in contracts), ZERO) for value, _label in sources],
            sum((r.due_in_period for r in contracts), ZERO), report.paid_in_period,
            report.overdue_installments, "", ""]])


def _staffing_verdict(staffing) -> str:
    """What the station lacks, "meets the standard", or that no document sets a standard."""
    if not staffing.standard_set:
        return str(NOT_SET)
    return "；".join(gap.text for gap in staffing.gaps) or _("达标")


def _staff_sheet(sheet, report: ChainReport) -> None:
    levels = report.certificate_levels
    sheet(_("人员"), [_("县（市、区）"), _("乡镇（街道）"), _("站点名称"), _("站长"), _("驻站社工"),
                    _("社工（驻站及项目）"), _("在岗人员合计"), *[str(label) for _v, label in levels],
                    _("对照配备标准"), _("依据")],
          [[r.county, r.staffing.station.region.name, r.staffing.station.name, r.staffing.heads,
            r.staffing.residents, r.staffing.social_workers, r.staffing.staff_total,
            *[r.by_level.get(value, 0) for value, _label in levels], _staffing_verdict(r.staffing),
            r.staffing.citation]
           for r in report.staffing],
          [(_("在岗人员（人）"), report.people), (_("持证社会工作者（人）"), report.certified),
           (_("%(days)s日内到期未取得职业资格（人）") % {"days": settings.QUALIFICATION_WARNING_DAYS},
            report.deadlines_soon),
           (_("已超期未取得职业资格（人）"), report.deadlines_overdue)])
