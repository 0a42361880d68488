"""Demo monthly reports for 远安县 and 兴山县: the last six months in the states county staff
meet every month (approved, awaiting review, returned, late, missing), with believable figures.

Rows carry past submission and review times, so they are written directly (with history
rows) rather than through the services, which stamp the current time. Every time is in the
past of the day the demo is built: a month is submitted only after it has ended, and a
submission or review planned for a day still to come happens between the month's opening and
now instead, or not yet (the report stays a draft, or awaits review)."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.dates import month_end, month_start, next_month
from stations.models import (
    MonthlyReport,
    MonthlyReportLine,
    ReportStatus,
    ServiceDomain,
    Station,
    StationKind,
    TargetGroup,
    deadline_for,
)

COUNTIES = {"420525": "yuanan_xian", "420526": "xingshan_xian"}
HEAD_TOWNSHIP = "420525101000"

LINES = [
    (ServiceDomain.SOCIAL_ASSISTANCE, TargetGroup.DIBAO, 20, 60),
    (ServiceDomain.SOCIAL_ASSISTANCE, TargetGroup.TEKUN, 6, 18),
    (ServiceDomain.ELDERLY_CARE, TargetGroup.ELDERLY_IN_DIFFICULTY, 30, 90),
    (ServiceDomain.CHILD_WELFARE, TargetGroup.CHILDREN_IN_DIFFICULTY, 15, 50),
    (ServiceDomain.COMMUNITY_GOVERNANCE, TargetGroup.GENERAL, 40, 150),
    (ServiceDomain.SOCIAL_AFFAIRS, TargetGroup.SEVERELY_DISABLED, 5, 20),
]
HIGHLIGHTS = [
    "开展“情暖重阳”敬老活动，为困难老人上门理发、测血压。",
    "联合村委会开展留守儿童暑期课堂，共 8 节。",
    "对低保对象开展入户走访复核，更新需求档案。",
    "链接爱心企业捐赠米面油，发放至特困家庭。",
    "组织志愿者开展防汛安全宣传和独居老人巡访。",
    "举办社区议事会，推动解决老旧小区照明问题。",
]
PROBLEMS = ["社工人手紧张，入户频次难以保证。", "部分村距离远，交通不便。", "志愿者队伍稳定性不足。", ""]
IN_KIND = ["米面油 40 份", "冬衣 30 件、棉被 12 床", "学习用品 50 套", "", ""]
# The least time between a month's opening (or a submission) and now for it to be submitted (or reviewed).
LEAST_ROOM = datetime.timedelta(hours=2)


def _draw(*parts) -> float:
    text = ":".join(str(p) for p in parts)
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 0x100000000


def _between(low: int, high: int, *parts) -> int:
    return low + int(_draw(*parts) * (high - low + 1))


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 15)))


def _plan(index: int, station: Station, age: int) -> tuple[str | None, int]:
    """(status or None for no report, days after the deadline it was first submitted).
    ``age`` 1 is last month (deadline just passed), 0 the current month."""
    if age == 0:
        return (ReportStatus.DRAFT, 0) if index % 3 == 0 else (None, 0)
    if station.region.code == HEAD_TOWNSHIP and age == 1:
        return ReportStatus.RETURNED, -2
    if age == 1:
        return [ReportStatus.APPROVED, ReportStatus.SUBMITTED, None, ReportStatus.APPROVED, ReportStatus.SUBMITTED,
                ReportStatus.RETURNED, None, ReportStatus.DRAFT][index % 8], (3 if index % 8 == 4 else -1)
    if age == 2 and index % 5 == 2:
        return ReportStatus.APPROVED, 4  # filed late, approved anyway
    return ReportStatus.APPROVED, -_between(0, 4, station.pk, age)


def seed_reports(*, stdout, context) -> None:
    now = timezone.now()
    today = timezone.localdate()
    periods = [month_start(today)]
    for _i in range(6):
        periods.insert(0, month_start(periods[0] - datetime.timedelta(days=1)))
    stations = list(
        Station.objects.filter(Q(region__code__startswith="420525") | Q(region__code__startswith="420526"),
                               kind=StationKind.TOWNSHIP_STATION)
        .select_related("region").order_by("region__code")
    )
    head = context.get("mingfeng_zhan")
    reports, line_specs = [], []
    for index, station in enumerate(stations):
        reviewer = context.get(COUNTIES[station.region.code[:6]])
        for age, period in enumerate(reversed(periods)):
            if station.opened_on and month_end(period) < station.opened_on:
                continue
            if station.status_on(month_end(period)) not in ("pilot", "operating"):
                continue
            status, offset = _plan(index, station, age)
            if status is None:
                continue
            report = _report(station, period, status, offset, reviewer,
                             head if station.region.code == HEAD_TOWNSHIP else None, now)
            reports.append(report)
            line_specs.append(report)
    bulk_create_with_history(reports, MonthlyReport, default_user=context.get("admin"),
                             default_change_reason="演示数据")
    saved = {(r.station_id, r.period): r for r in MonthlyReport.objects.filter(
        station__in=stations, period__gte=periods[0])}
    lines = []
    for report in line_specs:
        lines.extend(_lines(saved[(report.station_id, report.period)]))
    bulk_create_with_history(lines, MonthlyReportLine, default_user=context.get("admin"),
                             default_change_reason="演示数据")
    stdout.write(f"月度报告：{len(reports)} 份（远安县、兴山县近 6 个月）")


def _before_now(planned: datetime.datetime, earliest: datetime.datetime, now: datetime.datetime,
                draw: float) -> datetime.datetime | None:
    """The planned time if it has passed; else a time between ``earliest`` and now, or None when
    there has been too little time since ``earliest``."""
    if planned <= now:
        return planned
    room = now - earliest
    if room < LEAST_ROOM:
        return None
    return earliest + room * (0.3 + 0.4 * draw)


def _times(key, period, status, offset, now):
    """(status, submitted at, reviewed at) as far as they have happened by now."""
    submitted = reviewed = None
    if status != ReportStatus.DRAFT:
        planned = _at(deadline_for(period) + datetime.timedelta(days=offset), 9 + _between(0, 8, *key, "s"))
        submitted = _before_now(planned, _at(next_month(period), 8), now, _draw(*key, "when"))
        if submitted is None:
            status = ReportStatus.DRAFT
    if status in (ReportStatus.APPROVED, ReportStatus.RETURNED):
        reviewed = _before_now(submitted + datetime.timedelta(days=2), submitted, now, _draw(*key, "review"))
        if reviewed is None:
            status = ReportStatus.SUBMITTED
    return status, submitted, reviewed


def _report(station, period, status, offset, reviewer, head, now) -> MonthlyReport:
    key = (station.pk, period)
    status, submitted, reviewed = _times(key, period, status, offset, now)
    volunteers = _between(5, 30, *key, "v")
    charity = Decimal(_between(0, 6, *key, "c") * 500 + _between(0, 99, *key, "f")) + \
        Decimal(_between(0, 99, *key, "fen")) / 100 if _draw(*key, "y") > .4 else Decimal("0")
    report = MonthlyReport(
        station=station, period=period, status=status, version=3 if status != ReportStatus.DRAFT else 1,
        volunteers=volunteers, volunteer_hours=Decimal(volunteers * _between(2, 4, *key, "h")),
        organisations_incubated=1 if _draw(*key, "o") > .85 else 0,
        charity_yuan=charity.quantize(Decimal("0.01")), charity_in_kind=IN_KIND[_between(0, 4, *key, "k")],
        needs_records=_between(5, 25, *key, "n"), resource_entries=_between(2, 10, *key, "r"),
        training_hours=Decimal(_between(4, 16, *key, "t")),
        highlights=HIGHLIGHTS[(period.month + station.pk) % len(HIGHLIGHTS)],
        problems=PROBLEMS[_between(0, 3, *key, "p")],
        next_plan="继续做好困难群众入户走访，筹备下月主题社区活动。",
        created_by=head,
    )
    if submitted is not None:
        report.first_submitted_at = report.submitted_at = submitted
        report.submitted_by = head
    if reviewed is not None:
        report.reviewed_at = reviewed
        report.reviewed_by = reviewer
    if status == ReportStatus.RETURNED:
        report.return_reason = "困难老人入户走访户次与走访台账不一致，请核实后重新报送。"
    return report


def _lines(report: MonthlyReport) -> list[MonthlyReportLine]:
    lines = []
    for domain, group, low, high in LINES:
        key = (report.station_id, report.period, domain, group)
        if _draw(*key, "skip") > .85:
            continue
        active = _between(0, 4, *key, "a")
        opened = _between(0, 2, *key, "o")
        lines.append(MonthlyReportLine(
            report=report, domain=domain, target_group=group, person_times=_between(low, high, *key, "p"),
            home_visits=_between(low // 3, high // 3, *key, "h"), cases_active_start=active, cases_opened=opened,
            cases_closed=min(active + opened, _between(0, 2, *key, "c")), group_sessions=_between(0, 3, *key, "g"),
            community_activities=_between(0, 2, *key, "ca") + (1 if domain == ServiceDomain.COMMUNITY_GOVERNANCE
                                                                 else 0),
        ))
    return lines
