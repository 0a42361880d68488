"""The reporting chain: a county's quarterly report to the city and a city's semi-annual report
to the province, as one workbook. Every figure comes from the apps' own scoped selectors and
querysets (``visible_to(user)``) for the region and the period; nothing is typed in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Evaluation, Grade
from assessments.selectors import GRADE_ORDER, finalised_results
from core.dates import month_end
from core.xlsx import XlsxBook
from projects.models import Contract, FilingStatus, FundingSource, Payment, PaymentInstallment
from stations import selectors as station_selectors
from stations.models import COVERING_STATUSES, Region, RegionLevel, Station, StationKind, StationStatus
from stations.reports.selectors.rollups import Rollup
from stations.reports.workbooks import completeness_by_month, completeness_table, rollup_table, rollup_title
from stations.selectors.coverage import CoverageRow, coverage_rows
from workforce.models import Certificate, CertificateLevel, Employment
from workforce.selectors import qualification_deadlines, station_staffing, workforce_dashboard
from workforce.selectors.staffing import with_staff_counts

# The report each level sends up: a county's quarterly report, a city's semi-annual report.
CHAIN_KINDS = {RegionLevel.COUNTY: "quarter", RegionLevel.CITY: "half"}
ZERO = Decimal("0.00")


@dataclass
class StationRow:
    county: str
    township: str
    name: str
    kind: str
    status: str
    heads: int
    residents: int
    social_workers: int
    staff_total: int
    contracts: str
    covering: bool  # a township station in service (pilot or operating): counts towards coverage


@dataclass
class ContractRow:
    contract: Contract
    funding: dict[str, Decimal]
    due_in_period: Decimal
    paid_in_period: Decimal
    overdue: int
    in_force: bool  # its service period overlaps the report's period


@dataclass
class StaffRow:
    county: str
    staffing: object  # workforce StaffingRow
    by_level: dict[int, int]


@dataclass
class ChainReport:
    region: Region
    kind: str
    label: str
    title: str
    first: datetime.date
    period_end: datetime.date
    as_of: datetime.date  # the period's end, or today while the period runs
    stations: list[StationRow]
    coverage: CoverageRow
    coverage_children: list[CoverageRow]
    contracts: list[ContractRow]
    staffing: list[StaffRow]
    people: int
    certified: int
    deadlines_soon: int
    deadlines_overdue: int
    rollup: Rollup
    completeness: list
    evaluations: list[Evaluation]
    grades: dict[str, int] = field(default_factory=dict)

    @property
    def operating_stations(self) -> int:
        return sum(1 for row in self.stations if row.covering)

    @property
    def contracts_in_force(self) -> list[ContractRow]:
        return [row for row in self.contracts if row.in_force]

    @property
    def contract_amount(self) -> Decimal:
        return sum((row.contract.amount for row in self.contracts_in_force), ZERO)

    @property
    def paid_in_period(self) -> Decimal:
        return sum((row.paid_in_period for row in self.contracts), ZERO)

    @property
    def overdue_installments(self) -> int:
        return sum(row.overdue for row in self.contracts)

    def completeness_sum(self, name: str) -> int:
        return sum(getattr(row, name) for _month, row in self.completeness)

    @property
    def summary(self) -> list[tuple[str, object]]:
        """The key figures of the other sheets, in the order of the sheets."""
        cov = self.coverage
        target = cov.target
        return [
            (_("在运营社工站（含试点，个）"), self.operating_stations),
            (_("已覆盖乡镇（街道）（个）"), cov.covered),
            (_("乡镇（街道）总数（个）"), cov.townships),
            (_("乡镇（街道）社工站覆盖率（%）"), cov.coverage_pct),
            (_("适用覆盖率目标（%）"), target.value if target else "—"),
            (_("目标期限"), target.due_on if target else "—"),
            (_("距目标尚缺社工站（个）"), cov.gap_stations if target else "—"),
            (_("期内执行的购买服务合同（份）"), len(self.contracts_in_force)),
            (_("期内执行的合同金额（元）"), self.contract_amount),
            (_("期内支付金额（元）"), self.paid_in_period),
            (_("期末逾期未付的付款分期（期）"), self.overdue_installments),
            (_("在岗人员（人）"), self.people),
            (_("持证社会工作者（人）"), self.certified),
            (_("应报月报（份）"), self.completeness_sum("expected")),
            (_("已报送月报（份）"), self.completeness_sum("on_time") + self.completeness_sum("late")),
            (_("审核通过月报（份）"), self.completeness_sum("approved")),
            (_("服务人次"), self.rollup.line_totals["person_times"]),
            (_("期内确认的评估（次）"), len(self.evaluations)),
            *[(_("评估等级：%(grade)s") % {"grade": label}, n) for label, n in self.grades.items()],
        ]


def chain_report(*, user, region: Region, kind: str, year: int, number: int) -> ChainReport:
    """Everything the region's report for the period shows. The caller has checked that the
    user may see the region."""
    first, last, label = station_selectors.period_range(kind, year, number)
    period_end = month_end(last)
    as_of = min(period_end, timezone.localdate())
    rollup = station_selectors.report_rollup(user=user, region=region, first=first, last=last, label=label)
    summary, children = coverage_rows(region=region, on_date=as_of)
    dashboard = workforce_dashboard(region=region, on_date=as_of)
    deadlines = qualification_deadlines(user=user, on_date=as_of, region=region)
    evaluations = list(finalised_results(user=user, region=region).filter(
        finalised_on__gte=first, finalised_on__lte=period_end).select_related(
        "template", "contract", "station", "county").order_by("county__code", "finalised_on", "pk"))
    return ChainReport(
        region=region, kind=kind, label=label, title=rollup_title(rollup, kind), first=first,
        period_end=period_end, as_of=as_of,
        stations=_stations(user, region, as_of), coverage=summary, coverage_children=children,
        contracts=_contracts(user, region, first, period_end, as_of), staffing=_staffing(user, region, as_of),
        people=dashboard.people, certified=dashboard.certified,
        deadlines_soon=sum(1 for row in deadlines if not row.overdue),
        deadlines_overdue=sum(1 for row in deadlines if row.overdue),
        rollup=rollup, completeness=completeness_by_month(rollup, user=user), evaluations=evaluations,
        grades={str(Grade(g).label): sum(1 for e in evaluations if e.grade == g) for g in GRADE_ORDER},
    )


def _county_names(region: Region) -> dict[str, str]:
    counties = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=region.prefix)
    return {code[:6]: name for code, name in counties.values_list("code", "name")}


def _stations(user, region: Region, as_of: datetime.date) -> list[StationRow]:
    """The region's stations that existed on the date, with their status then, staff counts and
    the contracts covering them."""
    stations = (Station.objects.visible_to(user).in_region(region).with_status_at(as_of)
                .exclude(status_at=None).select_related("region"))
    stations = list(with_staff_counts(stations, as_of).order_by("region__code", "kind"))
    numbers: dict[int, list[str]] = {}
    covering = (Contract.objects.visible_to(user).active_on(as_of).filter(stations__in=[s.pk for s in stations])
                .values_list("stations", "number").order_by("number"))
    for station_id, number in covering:
        numbers.setdefault(station_id, []).append(number)
    counties = _county_names(region)
    return [StationRow(counties.get(s.region.code[:6], ""), s.region.name, s.name, s.get_kind_display(),
                       StationStatus(s.status_at).label, s.heads, s.residents, s.social_workers, s.staff_total,
                       "、".join(numbers.get(s.pk, [])),
                       s.kind == StationKind.TOWNSHIP_STATION and s.status_at in COVERING_STATUSES)
            for s in stations]


def _sums(queryset, key: str, value: str = "amount") -> dict:
    return dict(queryset.order_by().values(key).annotate(total=Sum(value)).values_list(key, "total"))


def _contracts(user, region: Region, first, period_end, as_of) -> list[ContractRow]:
    """The region's contracts in force during the period, or with an installment due, a payment
    made in it, or an installment overdue at its end."""
    prefix = region.prefix
    installments = PaymentInstallment.objects.visible_to(user).filter(contract__purchaser__code__startswith=prefix)
    due = installments.filter(due_on__gte=first, due_on__lte=period_end)
    overdue = installments.overdue(as_of)
    payments = Payment.objects.visible_to(user).filter(installment__contract__purchaser__code__startswith=prefix,
                                                       paid_on__gte=first, paid_on__lte=period_end)
    in_force = Q(starts_on__lte=period_end, ends_on__gte=first)
    contracts = (Contract.objects.visible_to(user).filter(purchaser__code__startswith=prefix).filter(
        in_force | Q(pk__in=due.values("contract")) | Q(pk__in=payments.values("installment__contract"))
        | Q(pk__in=overdue.values("contract")))
        .select_related("purchaser", "contractor").with_filing_status(as_of)
        .prefetch_related("funding_lines").order_by("purchaser__code", "starts_on", "number"))
    due_sums = _sums(due, "contract")
    paid_sums = _sums(payments, "installment__contract")
    overdue_counts = dict(overdue.order_by().values("contract").annotate(n=Count("pk")).values_list("contract", "n"))
    return [ContractRow(c, {line.source: line.amount for line in c.funding_lines.all()},
                        due_sums.get(c.pk) or ZERO, paid_sums.get(c.pk) or ZERO, overdue_counts.get(c.pk, 0),
                        c.starts_on <= period_end and c.ends_on >= first)
            for c in contracts]


def _staffing(user, region: Region, as_of) -> list[StaffRow]:
    """Stations in service on the date with their staff against the standard, and the people on
    their roster certified at each level (by their highest certificate then)."""
    rows = station_staffing(user=user, on_date=as_of, region=region)
    top_level = (Certificate.objects.filter(person=OuterRef("person_id"), obtained_on__lte=as_of)
                 .order_by("-level").values("level")[:1])
    levels: dict[int, dict[int, int]] = {}
    counted = (Employment.objects.visible_to(user).active_on(as_of).filter(station__in=[r.station.pk for r in rows])
               .annotate(top=Subquery(top_level)).exclude(top=None).order_by()
               .values("station_id", "top").annotate(n=Count("person", distinct=True)))
    for row in counted:
        levels.setdefault(row["station_id"], {})[row["top"]] = row["n"]
    counties = _county_names(region)
    return [StaffRow(counties.get(r.station.region.code[:6], ""), r, levels.get(r.station.pk, {})) for r in rows]


# The workbook ---------------------------------------------------------------------------------

def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def _target_cells(row: CoverageRow) -> list:
    if row.target is None:
        return ["—", "—", "—"]
    return [row.target.value, row.target.due_on, row.gap_stations]


def chain_workbook(report: ChainReport) -> XlsxBook:
    region = report.region
    meta = [(_("区划"), f"{region.name}（{region.code}）"),
            (_("期间"), f"{report.label}（{report.first:%Y-%m-%d} 至 {report.period_end:%Y-%m-%d}）"),
            (_("时点数据截至"), report.as_of)]
    if region.parent_id:
        meta.append((_("报送"), region.parent.name))
    book = XlsxBook()

    def sheet(name, headers, rows, extra=()):
        book.add_sheet(title=name, meta=[(_("报告"), report.title), *meta, *extra], headers=headers, rows=rows)

    sheet(_("概况"), [_("项目"), _("数值")], report.summary)

    sheet(_("社工站"), [_("县（市、区）"), _("所在区划"), _("站点名称"), _("类型"), _("期末状态"), _("站长"),
                     _("驻站社工"), _("社工（驻站及项目）"), _("在岗人员合计"), _("覆盖合同编号")],
          [[r.county, r.township, r.name, r.kind, r.status, r.heads, r.residents, r.social_workers, r.staff_total,
            r.contracts] for r in report.stations])

    cov = report.coverage
    cov_meta = [(_("覆盖率（%）"), cov.coverage_pct), (_("适用目标（%）"), cov.target.value if cov.target else "—"),
                (_("距目标尚缺社工站（个）"), cov.gap_stations if cov.target else "—")]
    if region.level == RegionLevel.COUNTY:
        sheet(_("覆盖率"), [_("区划代码"), _("乡镇（街道）"), _("已建成运营社工站")],
              [*[[r.code, r.name, _yes_no(r.covered > 0)] for r in sorted(report.coverage_children,
                                                                          key=lambda r: r.code)],
               [cov.code, _("合计"), f"{cov.covered} / {cov.townships}"]], cov_meta)
    else:
        sheet(_("覆盖率"), [_("区划代码"), _("区划"), _("乡镇（街道）数"), _("已覆盖"), _("覆盖率（%）"),
                          _("适用目标（%）"), _("目标期限"), _("距目标尚缺社工站"), _("每县至少建站数"),
                          _("尚差站数")],
              [[r.code, r.name, r.townships, r.covered, r.coverage_pct, *_target_cells(r),
                r.count_target.value if r.count_target else "—", "—" if r.count_gap is None else r.count_gap]
               for r in [*sorted(report.coverage_children, key=lambda r: r.code), cov]], cov_meta)

    sources = FundingSource.choices
    sheet(_("合同与资金"),
          [_("购买方"), _("合同编号"), _("项目名称"), _("承接机构"), _("服务开始"), _("服务结束"), _("期内执行"),
           _("合同金额（元）"), *[str(label) for _value, label in sources], _("期内应付（元）"),
           _("期内已付（元）"), _("期末逾期分期"), _("备案情况")],
          [*[[r.contract.purchaser.name, r.contract.number, r.contract.title, r.contract.contractor.name,
              r.contract.starts_on, r.contract.ends_on, _yes_no(r.in_force), r.contract.amount,
              *[r.funding.get(value, "") for value, _label in sources], r.due_in_period, r.paid_in_period, r.overdue,
              FilingStatus(r.contract.filing_state).label] for r in report.contracts],
           [_("合计"), "", "", "", "", "", "", sum((r.contract.amount for r in report.contracts), ZERO),
            *[sum((r.funding.get(value, ZERO) for r in report.contracts), ZERO) for value, _label in sources],
            sum((r.due_in_period for r in report.contracts), ZERO), report.paid_in_period,
            report.overdue_installments, ""]])

    levels = CertificateLevel.choices
    sheet(_("人员"), [_("县（市、区）"), _("乡镇（街道）"), _("站点名称"), _("站长"), _("驻站社工"),
                    _("社工（驻站及项目）"), _("在岗人员合计"), *[str(label) for _v, label in levels],
                    _("对照配备标准")],
          [[r.county, r.staffing.station.region.name, r.staffing.station.name, r.staffing.heads,
            r.staffing.residents, r.staffing.social_workers, r.staffing.staff_total,
            *[r.by_level.get(value, 0) for value, _label in levels], "；".join(r.staffing.gaps) or _("达标")]
           for r in report.staffing],
          [(_("在岗人员（人）"), report.people), (_("持证社会工作者（人）"), report.certified),
           (_("90日内到期未取得职业资格（人）"), report.deadlines_soon),
           (_("已超期未取得职业资格（人）"), report.deadlines_overdue)])

    headers, rows = rollup_table(report.rollup)
    sheet(_("服务数据"), headers, rows, [(_("口径"), _("仅含县级审核通过的月度报告"))])
    headers, rows = completeness_table(report.completeness)
    sheet(_("月报报送"), headers, rows)

    sheet(_("评估"), [_("县（市、区）"), _("评估对象"), _("评估类型"), _("评估期起"), _("评估期止"), _("总分"),
                    _("等级"), _("确认日期")],
          [[e.county.name, e.subject_name, e.template.get_kind_display(), e.period_start, e.period_end, e.total,
            e.get_grade_display(), e.finalised_on] for e in report.evaluations],
          [(_("等级分布"), "；".join(f"{label} {n}" for label, n in report.grades.items()))])
    return book
