import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from stations import selectors, services
from stations.models import ReportDeadline, Role, ServiceDomain, StationStatus, TargetGroup
from tests import builders
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401

OCT = datetime.date(2026, 10, 1)


@pytest.fixture
def month(hierarchy):
    """October 2026 in city 4201 (deadline 5 Nov): a1 on time and approved, a2 late and returned,
    a3 a draft only, b1 nothing, b2 on time at 23:30 on the 5th (Shanghai) awaiting review,
    b3 planned (not expected)."""
    h = hierarchy
    h.county = builders.county_user(h)
    h.county_b_user = builders.county_user(h, "county_b", h.county_b)
    h.city_user = builders.user("city", Role.CITY, h.city)
    h.stations = {name: builders.station(getattr(h, name)) for name in ("a1", "a2", "a3", "b1", "b2")}
    h.stations["b3"] = builders.station(h.b3, status=StationStatus.PLANNED)
    heads = {name: rb.head(station, f"head_{name}") for name, station in h.stations.items()}
    h.heads = heads
    lines = [rb.line(person_times=10)]
    rb.report(h.stations["a1"], heads["a1"], OCT, lines=lines, submit_at=rb.at(2026, 11, 3), approve_by=h.county)
    rb.report(h.stations["a2"], heads["a2"], OCT, lines=lines, submit_at=rb.at(2026, 11, 8), return_by=h.county)
    rb.report(h.stations["a3"], heads["a3"], OCT, lines=lines)
    rb.report(h.stations["b2"], heads["b2"], OCT, lines=lines, submit_at=rb.at(2026, 11, 5, hour=23))
    return h


def _counts(row):
    return (row.expected, row.on_time, row.late, row.missing, row.returned, row.approved)


def test_completeness_counts_on_time_late_missing_returned(month):
    h = month
    c = selectors.report_completeness(user=h.city_user, region=h.city, period=OCT)
    assert _counts(c.total) == (5, 2, 1, 2, 1, 1)
    rows = {row.name: _counts(row) for row in c.rows}
    assert rows == {"江岸区": (3, 1, 1, 1, 1, 1), "江汉区": (2, 1, 0, 1, 0, 0)}
    assert [(m.township, m.status) for m in c.missing] == [("谌家矶镇", "draft"), ("民族街街道", "")]
    assert {m.deadline for m in c.missing} == {datetime.date(2026, 11, 5)}


def test_shanghai_date_decides_timeliness(month):
    h = month
    # 00:30 on the 6th in Shanghai is still the 5th in UTC: it is late.
    late_region = builders.region("420102004", "新村街道", "township", h.county_a)
    s = builders.station(late_region)
    rb.report(s, rb.head(s, "head_new"), OCT, lines=[], submit_at=rb.at(2026, 11, 6, hour=0).replace(minute=30))
    c = selectors.report_completeness(user=h.county, region=h.county_a, period=OCT)
    assert _counts(c.total) == (4, 1, 2, 1, 1, 1)


def test_deadline_override_nearest_ancestor_wins(month):
    h = month
    ReportDeadline.objects.create(region=h.city, day=10)
    c = selectors.report_completeness(user=h.county, region=h.county_a, period=OCT)
    assert (c.total.on_time, c.total.late) == (2, 0)  # a2 on the 8th is on time with the city's 10th
    ReportDeadline.objects.create(region=h.county_a, day=6)
    c = selectors.report_completeness(user=h.county, region=h.county_a, period=OCT)
    assert (c.total.on_time, c.total.late) == (1, 1)  # the county's own 6th applies, not the city's


def test_county_sees_only_its_own_stations(month):
    h = month
    c = selectors.report_completeness(user=h.county_b_user, region=h.city, period=OCT)
    assert _counts(c.total) == (2, 1, 0, 1, 0, 0)
    assert [row.name for row in c.rows] == ["江汉区"]


def test_station_not_yet_operating_or_closed_is_not_expected(month):
    h = month
    services.station_change_status(actor=builders.superuser(), station=h.stations["b1"],
                                   status=StationStatus.CLOSED, effective_on=datetime.date(2026, 10, 20))
    c = selectors.report_completeness(user=h.city_user, region=h.city, period=OCT)
    assert _counts(c.total) == (4, 2, 1, 1, 1, 1)


def test_management_command_prints_exact_csv(month):
    out = io.StringIO()
    call_command("report_completeness", "--region", "4201", "--month", "2026-10", stdout=out)
    assert out.getvalue().splitlines() == [
        "region_code,name,level,expected,on_time,late,missing,returned,approved",
        "420100000000,武汉市,city,5,2,1,2,1,1",
        "420102000000,江岸区,county,3,1,1,1,1,1",
        "420103000000,江汉区,county,2,1,0,1,0,0",
    ]
    out = io.StringIO()
    call_command("report_completeness", "--region", "420102000000", "--month", "2026-10", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1] == "420102000000,江岸区,county,3,1,1,1,1,1"
    assert lines[2:] == ["420102002000,大智街道,township,1,1,0,0,0,1", "420102003000,一元街道,township,1,0,1,0,1,0",
                         "420102101000,谌家矶镇,township,1,0,0,1,0,0"]


def test_management_command_refuses_bad_input(month):
    with pytest.raises(CommandError, match="找不到区划"):
        call_command("report_completeness", "--region", "420", "--month", "2026-10", stdout=io.StringIO())
    with pytest.raises(CommandError, match="格式不对"):
        call_command("report_completeness", "--region", "42", "--month", "2026-13", stdout=io.StringIO())


def _grow(h, count):
    """Add ``count`` more townships in county A with stations and approved reports for
    September and October."""
    county = h.county
    for index in range(count):
        township = builders.region(f"4201022{index:02d}", f"测试{index}镇", "township", h.county_a)
        station = builders.station(township)
        head = rb.head(station, f"grow_{index}")
        for period, moment in ((datetime.date(2026, 9, 1), rb.at(2026, 10, 2)), (OCT, rb.at(2026, 11, 2))):
            rb.report(station, head, period, submit_at=moment, approve_by=county,
                      lines=[rb.line(person_times=3), rb.line(ServiceDomain.CHILD_WELFARE, TargetGroup.ORPHANS,
                                                              home_visits=2)])


def test_completeness_and_rollup_queries_do_not_grow(month, django_assert_num_queries):
    h = month
    user = h.city_user
    user.region  # noqa: B018 - the user's scope is loaded once per request anyway

    def measure():
        with django_assert_num_queries(4):
            selectors.report_completeness(user=user, region=h.city, period=OCT)
        with django_assert_num_queries(5):
            selectors.report_rollup(user=user, region=h.city, first=datetime.date(2026, 7, 1), last=OCT)

    measure()
    _grow(h, 6)
    measure()


def test_rollup_totals_equal_the_sum_of_approved_reports(month):
    h = month
    _grow(h, 3)
    sept = datetime.date(2026, 9, 1)
    rollup = selectors.report_rollup(user=h.county, region=h.county_a, first=datetime.date(2026, 7, 1), last=OCT)
    # a1's October report (10 person-times) and 3 stations × 2 months × (3 person-times, 2 home visits);
    # a2 (returned) and a3 (draft) do not count.
    assert rollup.line_totals["person_times"] == 10 + 3 * 2 * 3
    assert rollup.line_totals["home_visits"] == 3 * 2 * 2
    assert rollup.totals["reports"] == 1 + 6
    cells = {(c.domain, c.target_group): c.sums["person_times"] for c in rollup.cells}
    assert cells == {(ServiceDomain.ELDERLY_CARE, TargetGroup.ELDERLY_IN_DIFFICULTY): 28,
                     (ServiceDomain.CHILD_WELFARE, TargetGroup.ORPHANS): 0}
    by_township = {c.name: c.sums["person_times"] for c in rollup.children}
    assert by_township["大智街道"] == 10 and by_township["一元街道"] == 0 and by_township["测试0镇"] == 6
    only_sept = selectors.report_rollup(user=h.county, region=h.county_a, first=sept, last=sept)
    assert only_sept.line_totals["person_times"] == 9
    other = selectors.report_rollup(user=h.county_b_user, region=h.city, first=datetime.date(2026, 7, 1), last=OCT)
    assert other.line_totals["person_times"] == 0  # county B sees none of county A's reports
    with time_machine.travel(rb.at(2026, 11, 20)):
        assert selectors.period_range("quarter", 2026, 4)[:2] == (OCT, datetime.date(2026, 12, 1))
        assert selectors.period_range("half", 2026, 2)[2] == "2026年下半年"


@pytest.mark.parametrize(("kind", "number", "expected"), [
    ("month", 11, (datetime.date(2026, 11, 1), datetime.date(2026, 11, 1), "2026年11月")),
    ("quarter", 2, (datetime.date(2026, 4, 1), datetime.date(2026, 6, 1), "2026年第二季度")),
    ("quarter", 9, (datetime.date(2026, 10, 1), datetime.date(2026, 12, 1), "2026年第四季度")),
    ("half", 1, (datetime.date(2026, 1, 1), datetime.date(2026, 6, 1), "2026年上半年")),
    ("year", 1, (datetime.date(2026, 1, 1), datetime.date(2026, 12, 1), "2026年")),
])
def test_period_ranges(kind, number, expected):
    assert selectors.period_range(kind, 2026, number) == expected


def test_rollup_case_stock_is_opening_of_first_month_and_closing_of_last(month):
    h = month
    township = builders.region("420102005", "新区街道", "township", h.county_a)
    station = builders.station(township)
    head = rb.head(station, "stock_head")
    rb.report(station, head, datetime.date(2026, 9, 1), submit_at=rb.at(2026, 10, 2), approve_by=h.county,
              lines=[rb.line(cases_active_start=3, cases_opened=2, cases_closed=1)])
    rb.report(station, head, OCT, submit_at=rb.at(2026, 11, 2), approve_by=h.county,
              lines=[rb.line(cases_active_start=4, cases_opened=1, cases_closed=2)])
    rollup = selectors.report_rollup(user=h.county, region=township, first=datetime.date(2026, 9, 1), last=OCT)
    totals = rollup.line_totals
    assert (totals["cases_active_start"], totals["cases_opened"], totals["cases_closed"],
            totals["cases_active_end"]) == (3, 3, 3, 3)
