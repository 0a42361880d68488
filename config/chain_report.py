"""The reporting chain: a county's quarterly report to the city and a city's semi-annual report
to the province. Every figure comes from the apps' own scoped selectors (``visible_to(user)``)
for the region and the period; nothing is typed in and nothing is queried here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.selectors import EvaluationPeriodRow, evaluation_period_summary
from core.dates import month_end
from core.money import Money
from projects.selectors.periods import ContractPeriodRow, contract_numbers_by_station, contract_period_summary
from stations import selectors as station_selectors
from stations.reports.selectors.rollups import Rollup
from stations.reports.workbooks import rollup_title
from stations.selectors.coverage import CoverageRow, coverage_rows
from stations.selectors.stations import county_names
from workforce.selectors import workforce_dashboard
from workforce.selectors.alerts import qualification_deadline_summary
from workforce.selectors.staffing import StaffingRow, staffing_by_certificate, station_staff_rows

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
class StaffRow:
    county: str
    staffing: StaffingRow
    by_level: dict[int, int]


@dataclass
class ChainReport:
    region: object  # the county or city (stations' Region)
    kind: str
    label: str
    title: str
    first: datetime.date
    period_end: datetime.date
    as_of: datetime.date  # the period's end, or today while the period runs
    stations: list[StationRow]
    coverage: CoverageRow
    coverage_children: list[CoverageRow]
    contracts: list[ContractPeriodRow]
    funding_sources: list[tuple[str, str]]
    staffing: list[StaffRow]
    certificate_levels: list[tuple[int, str]]
    people: int
    certified: int
    deadlines_soon: int
    deadlines_overdue: int
    rollup: Rollup
    completeness: list
    evaluations: list[EvaluationPeriodRow]
    grades: dict[str, int] = field(default_factory=dict)

    @property
    def is_county_report(self) -> bool:
        """A county's quarterly report (a city sends a semi-annual one): its coverage is by township."""
        return self.kind == "quarter"

    @property
    def operating_stations(self) -> int:
        return sum(1 for row in self.stations if row.covering)

    @property
    def contracts_in_force(self) -> list[ContractPeriodRow]:
        return [row for row in self.contracts if row.in_force]

    @property
    def contract_amount(self) -> Decimal:
        return sum((row.amount for row in self.contracts_in_force), ZERO)

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
            (_("由验收达标社工站覆盖的乡镇（街道）（个）"), cov.standard_covered if cov.standard_set else "—"),
            (_("达标率（%）"), cov.standard_pct_shown),
            (_("适用覆盖率目标（%）"), target.value if target else "—"),
            (_("目标期限"), target.due_on if target else "—"),
            (_("距目标尚缺社工站（个）"), cov.gap_stations if target else "—"),
            (_("覆盖率对照目标的状态"), cov.light.label),
            (_("覆盖率目标依据"), target.citation if target else "—"),
            (_("期内执行的购买服务合同（份）"), len(self.contracts_in_force)),
            (_("期内执行的合同金额（元）"), Money(self.contract_amount)),
            (_("期内支付金额（元）"), Money(self.paid_in_period)),
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


def chain_report(*, user, region, kind: str, year: int, number: int) -> ChainReport:
    """Everything the region's report for the period shows. The caller has checked that the
    user may see the region."""
    first, last, label = station_selectors.period_range(kind, year, number)
    period_end = month_end(last)
    as_of = min(period_end, timezone.localdate())
    rollup = station_selectors.report_rollup(user=user, region=region, first=first, last=last, label=label)
    summary, children = coverage_rows(region=region, on_date=as_of)
    dashboard = workforce_dashboard(region=region, on_date=as_of)
    deadlines = qualification_deadline_summary(user=user, on_date=as_of, region=region)
    contracts = contract_period_summary(user=user, region=region, first=first, period_end=period_end, as_of=as_of)
    staffing = staffing_by_certificate(user=user, region=region, on_date=as_of)
    evaluations = evaluation_period_summary(user=user, region=region, first=first, last=period_end)
    counties = county_names(region=region)
    return ChainReport(
        region=region, kind=kind, label=label, title=rollup_title(rollup, kind), first=first,
        period_end=period_end, as_of=as_of,
        stations=_stations(user, region, as_of, counties), coverage=summary, coverage_children=children,
        contracts=contracts.rows, funding_sources=contracts.sources,
        staffing=[StaffRow(counties.get(row.station.region.code[:6], ""), row, by_level)
                  for row, by_level in staffing.rows],
        certificate_levels=staffing.levels, people=dashboard.people, certified=dashboard.certified,
        deadlines_soon=deadlines.soon, deadlines_overdue=deadlines.overdue,
        rollup=rollup, completeness=station_selectors.report_completeness_months(
            user=user, region=region, first=rollup.first, last=rollup.last),
        evaluations=evaluations.rows, grades=evaluations.grades,
    )


def _stations(user, region, as_of: datetime.date, counties: dict[str, str]) -> list[StationRow]:
    """The region's stations that existed on the date, with their status then, staff counts and
    the contracts covering them."""
    stations = station_staff_rows(user=user, region=region, on_date=as_of)
    numbers = contract_numbers_by_station(user=user, station_ids=[s.station_id for s in stations], on_date=as_of)
    return [StationRow(counties.get(s.region_code[:6], ""), s.township, s.name, s.kind, s.status, s.heads,
                       s.residents, s.social_workers, s.staff_total, "、".join(numbers.get(s.station_id, [])),
                       s.covering)
            for s in stations]
