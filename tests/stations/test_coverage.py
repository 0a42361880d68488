"""Coverage, targets and gaps as of a date, at several levels (stations.selectors.coverage)."""

import datetime
from decimal import Decimal

import pytest

from stations import services
from stations.models import RegionLevel, TargetMetric
from stations.selectors.coverage import coverage_dashboard, coverage_rows
from tests import builders
from tests.stations import policy_builders
from tests.stations.coverage_builders import D, build_coverage_story, target


@pytest.fixture
def story(hierarchy):
    return build_coverage_story(hierarchy)


def rows_by_code(rows):
    return {row.code: row for row in rows}


def test_before_any_station_existed_nothing_is_covered_and_the_first_target_applies(story):
    summary, _children = coverage_rows(region=story.province, on_date=D(2020, 12, 31))
    assert (summary.townships, summary.covered, summary.coverage_pct) == (7, 0, Decimal("0.0"))
    assert summary.target.value == Decimal(30) and summary.target.due_on == D(2021, 12, 31)
    assert summary.gap_stations == 3  # ceil(30% × 7) = 3


def test_pilot_counts_from_its_effective_day(story):
    assert coverage_rows(region=story.county_a, on_date=D(2021, 5, 31))[0].covered == 0
    assert coverage_rows(region=story.county_a, on_date=D(2021, 6, 1))[0].covered == 1


def test_end_of_2021(story):
    summary, _ = coverage_rows(region=story.province, on_date=D(2021, 12, 31))
    assert (summary.covered, summary.coverage_pct, summary.gap_stations) == (1, Decimal("14.3"), 2)


def test_end_of_2022_at_every_level(story):
    summary, cities = coverage_rows(region=story.province, on_date=D(2022, 12, 31))
    assert (summary.townships, summary.covered, summary.coverage_pct) == (7, 3, Decimal("42.9"))
    assert summary.target.value == 50 and summary.gap_stations == 1  # ceil(3.5) = 4, 3 covered
    wuhan = rows_by_code(cities)[story.city.code]
    assert (wuhan.townships, wuhan.covered, wuhan.gap_stations) == (6, 3, 0)
    assert wuhan.target.inherited and wuhan.target.region_code == story.province.code

    _, counties = coverage_rows(region=story.city, on_date=D(2022, 12, 31))
    by_code = rows_by_code(counties)
    county_a, county_b = by_code[story.county_a.code], by_code[story.county_b.code]
    # County A has its own 60% target: ceil(1.8) = 2 stations, it has 2.
    assert (county_a.covered, county_a.coverage_pct, county_a.target.value, county_a.target.inherited) == (
        2, Decimal("66.7"), 60, False)
    assert county_a.gap_stations == 0
    # County B falls back to the province's 50%: needs 2, has 1.
    assert (county_b.covered, county_b.target.value, county_b.gap_stations) == (1, 50, 1)
    # The county holding the city back comes first.
    assert [row.code for row in counties] == [story.county_b.code, story.county_a.code]


def test_suspended_and_closed_stations_stop_counting(story):
    summary, _ = coverage_rows(region=story.province, on_date=D(2023, 6, 30))
    # a1 operating, a2 suspended, b1 closed, c1 pilot.
    assert (summary.covered, summary.coverage_pct) == (2, Decimal("28.6"))
    assert summary.target.value == 70 and summary.gap_stations == 3  # ceil(4.9) = 5
    _, counties = coverage_rows(region=story.city, on_date=D(2023, 6, 30))
    county_a = rows_by_code(counties)[story.county_a.code]
    # County A's own target is past; the province's later 70% now applies.
    assert (county_a.covered, county_a.target.value, county_a.target.inherited, county_a.gap_stations) == (
        1, 70, True, 2)


def test_coverage_at_a_past_date_does_not_change_when_stations_change_later(story):
    before = coverage_rows(region=story.province, on_date=D(2022, 12, 31))[0].covered
    services.station_change_status(actor=builders.superuser(), station=story.s_a1, status="closed",
                                   effective_on=D(2024, 3, 1), reason="测试")
    assert coverage_rows(region=story.province, on_date=D(2022, 12, 31))[0].covered == before == 3
    assert coverage_rows(region=story.province, on_date=D(2024, 3, 1))[0].covered == 1  # only c1


def test_region_with_no_target_has_no_gap(story):
    summary, _ = coverage_rows(region=story.other_province, on_date=D(2022, 12, 31))
    assert (summary.townships, summary.covered, summary.coverage_pct) == (1, 1, Decimal("100.0"))
    assert summary.target is None and summary.gap_stations is None


def test_after_the_last_due_date_the_last_target_still_stands_as_overdue(story):
    summary, _ = coverage_rows(region=story.province, on_date=D(2025, 6, 30))
    assert summary.target.value == 100 and summary.target.overdue
    assert summary.gap_stations == 7 - summary.covered


def test_a_township_without_townships_has_no_percentage(hierarchy):
    empty_county = builders.region("420104", "硚口区", RegionLevel.COUNTY, hierarchy.city)
    summary, children = coverage_rows(region=empty_county, on_date=D(2022, 1, 1))
    assert summary.townships == 0 and summary.coverage_pct is None and children == []


def test_other_township_units_count_only_when_the_province_says_so(story):
    summary, _ = coverage_rows(region=story.county_b, on_date=D(2022, 12, 31))
    assert (summary.townships, summary.covered) == (3, 1)
    services.coverage_setting_set(actor=builders.superuser(), province=story.province, include_other_township=True)
    summary, townships = coverage_rows(region=story.county_b, on_date=D(2022, 12, 31))
    assert (summary.townships, summary.covered) == (4, 2)
    assert story.b_zone.code in rows_by_code(townships)


def test_county_dashboard_lists_uncovered_townships_by_name(story):
    dashboard = coverage_dashboard(region=story.county_a, on_date=D(2023, 6, 30))
    assert [row.name for row in dashboard.uncovered_townships] == ["一元街道", "谌家矶镇"]
    assert dashboard.summary.covered == 1


def test_chart_has_year_ends_and_the_date_with_the_target_line(story):
    dashboard = coverage_dashboard(region=story.province, on_date=D(2023, 6, 30))
    points = [(p.on_date, p.covered, p.coverage_pct, p.target_pct) for p in dashboard.chart]
    assert points == [
        (D(2020, 12, 31), 0, Decimal("0.0"), Decimal(30)),
        (D(2021, 12, 31), 1, Decimal("14.3"), Decimal(30)),
        (D(2022, 12, 31), 3, Decimal("42.9"), Decimal(50)),
        (D(2023, 6, 30), 2, Decimal("28.6"), Decimal(70)),
    ]


def _add_counties(h, count):
    for index in range(count):
        county = builders.region(f"4201{20 + index}", f"测试{index}区", RegionLevel.COUNTY, h.city)
        for t in range(3):
            township = builders.region(f"4201{20 + index}00{t + 1}", f"测试{index}-{t}街道",
                                       RegionLevel.TOWNSHIP, county)
            if t == 0:
                builders.station(township, status="operating", on=D(2022, 1, 1))
        target(county, 80, D(2023, 12, 31))


@pytest.mark.parametrize("level", ["province", "city", "county_a"])
def test_dashboard_query_count_does_not_grow_with_regions(story, level, django_assert_num_queries):
    region = getattr(story, level)
    on_date = D(2023, 6, 30)
    with django_assert_num_queries(7):  # the 达标 count rides in the coverage query; + the standards in force
        small = coverage_dashboard(region=region, on_date=on_date)
    _add_counties(story, 6)
    for index in range(3):
        builders.region(f"420102{200 + index}", f"新增{index}乡", RegionLevel.TOWNSHIP, story.county_a)
    with django_assert_num_queries(7):
        large = coverage_dashboard(region=region, on_date=on_date)
    assert large.summary.townships > small.summary.townships


def test_today_is_the_default_date_elsewhere_but_the_selector_takes_any_date(story):
    # Far future: stations that still cover then are counted, the 100% target is overdue.
    summary, _ = coverage_rows(region=story.province, on_date=datetime.date(2030, 1, 1))
    assert summary.covered == 2  # a1 and c1 never changed again


def test_count_target_per_county_gives_each_countys_shortfall_and_the_citys_sum(story):
    services.target_set(actor=builders.superuser(), region=story.province,
                        metric=TargetMetric.STATIONS_PER_COUNTY_MIN, due_on=D(2021, 12, 31), value=2, unit="count",
                        document=policy_builders.document_for(story.province))
    summary, counties = coverage_rows(region=story.city, on_date=D(2021, 12, 31))
    by_code = rows_by_code(counties)
    assert by_code[story.county_a.code].count_gap == 1  # a1 only
    assert by_code[story.county_b.code].count_gap == 2  # none
    assert summary.count_gap == 3 and summary.count_target.value == 2
    county_summary, _ = coverage_rows(region=story.county_a, on_date=D(2022, 12, 31))
    assert county_summary.count_gap == 0  # a1 and a2
