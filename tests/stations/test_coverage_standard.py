"""The 达标率 beside the coverage: a township counts on date D when a station covering it on D had
passed its latest acceptance check on or before D against the province's standard; where the
province had no standard in force on D, the page, the CSV and the exports say 本地政策未规定."""

import csv
import datetime
import io
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from stations import services
from stations.models import Region, RegionLevel, Role
from stations.selectors.coverage import DASHBOARD_LEVELS, NATIONAL_CODE, coverage_rows
from stations.selectors.coverage_national import national_dashboard
from tests import builders
from tests.stations import policy_builders as pb
from tests.stations.coverage_builders import build_coverage_story

D = datetime.date
OLD_COLUMNS = ["region_code", "name", "level", "townships", "covered", "coverage_pct", "target_pct", "target_due",
               "gap_stations"]
WUYOU = ["有场地", "有人员", "有功能", "有制度", "有活动"]


def check(h, station, on, *, passed):
    """An acceptance check against Hubei's 五有: every item ticked (passed) or none (failed)."""
    ticks = {item.pk: True for item in h.wuyou.items.all()} if passed else {}
    acceptance = services.station_check_standard(actor=h.root, station=station, checklist=h.wuyou, checked_on=on,
                                                 ticks=ticks)
    assert acceptance.passed is passed
    return acceptance


@pytest.fixture
def story(hierarchy):
    """The coverage story (Hubei: a1, a2, b1 covering at the end of 2022; a1 and c1 in mid- and late
    2023), Hubei's 五有 in force since 2020 (Gansu sets none), and these checks:
    a1 passed 2022-06-01 and failed its re-check 2023-03-01; a2 failed 2022-06-01; c1 passed 2023-09-01."""
    h = build_coverage_story(hierarchy)
    h.root = builders.superuser()
    h.wuyou = pb.checklist(h.province, WUYOU, name="五有", quote="有场地、有人员、有功能、有制度、有活动")
    check(h, h.s_a1, D(2022, 6, 1), passed=True)
    check(h, h.s_a2, D(2022, 6, 1), passed=False)
    check(h, h.s_a1, D(2023, 3, 1), passed=False)
    check(h, h.s_c1, D(2023, 9, 1), passed=True)
    return h


def report(region, at) -> list[dict]:
    out = io.StringIO()
    call_command("coverage_report", "--region", region, "--at", at, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split(",") == [*OLD_COLUMNS, "standard_covered", "standard_pct"]  # the old ones in place
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def figures(rows) -> dict:
    return {row["name"]: (row["covered"], row["standard_covered"], row["standard_pct"]) for row in rows}


def test_a_passed_station_counts_a_failed_one_does_not(story):
    rows = report("42", "2022-12-31")
    # a1 (passed), a2 (failed) and b1 (never checked) cover; only a1 had passed.
    assert figures(rows) == {"湖北省": ("3", "1", "14.3"), "武汉市": ("3", "1", "16.7"), "宜昌市": ("0", "0", "0.0")}
    assert rows[0]["coverage_pct"] == "42.9" and rows[0]["gap_stations"] == "1"  # the coverage as before
    county = figures(report("420102", "2022-12-31"))
    assert county == {"江岸区": ("2", "1", "33.3"), "大智街道": ("1", "1", "100.0"), "一元街道": ("1", "0", "0.0"),
                      "谌家矶镇": ("0", "0", "0.0")}


def test_the_latest_check_by_the_date_decides_and_a_later_one_plays_no_part(story):
    # Mid-2023: a1 failed its re-check in March; c1 covers but is checked only in September.
    assert figures(report("42", "2023-06-30"))["湖北省"] == ("2", "0", "0.0")
    assert figures(report("420525", "2023-06-30"))["鸣凤镇"] == ("1", "0", "0.0")
    # End of 2023: c1's September pass counts.
    assert figures(report("42", "2023-12-31"))["湖北省"] == ("2", "1", "14.3")  # of its 7 townships
    # A check recorded now for an earlier day counts from that day only: 2022 stays as it was.
    before = report("42", "2022-12-31")
    check(story, story.s_b1, D(2023, 6, 1), passed=True)  # b1 closed at the start of 2023
    assert report("42", "2022-12-31") == before


def test_no_standard_in_force_is_not_set_rather_than_zero(story):
    gansu = report("62", "2022-12-31")  # Gansu's documents set no checklist
    assert {row["name"]: (row["covered"], row["standard_covered"], row["standard_pct"]) for row in gansu} == {
        "甘肃省": ("1", "", "本地政策未规定"), "兰州市": ("1", "", "本地政策未规定")}
    # Hubei before its document took effect (2020-01-01).
    assert figures(report("42", "2019-12-31"))["湖北省"] == ("0", "", "本地政策未规定")


def test_the_nation_counts_the_provinces_with_a_standard(story):
    dashboard = national_dashboard(on_date=D(2022, 12, 31))
    rows = {row.name: row for row in dashboard.children}
    assert (rows["湖北省"].standard_covered, rows["湖北省"].standard_pct) == (1, Decimal("14.3"))
    assert not rows["甘肃省"].standard_set and rows["甘肃省"].standard_pct_shown == "本地政策未规定"
    summary = dashboard.summary
    assert (summary.covered, summary.standard_covered, summary.standard_townships) == (4, 1, 7)


def all_rows(on_date):
    """Every dashboard's rows on the date: the nation, each province, city and county."""
    yield from [national_dashboard(on_date=on_date).summary, *national_dashboard(on_date=on_date).children]
    for region in Region.objects.filter(level__in=DASHBOARD_LEVELS):
        summary, children = coverage_rows(region=region, on_date=on_date)
        yield from [summary, *children]


def assert_standard_within_covered(dates):
    seen = 0
    for on_date in dates:
        for row in all_rows(on_date):
            if row.standard_set:
                assert 0 <= row.standard_covered <= row.covered, (row.code, on_date)
                seen += row.standard_covered
    return seen


def test_standard_covered_never_exceeds_covered_on_the_built_dataset(story):
    # Every station passed at some point, some twice, one station checked while closed.
    check(story, story.s_a2, D(2022, 9, 1), passed=True)
    check(story, story.s_b1, D(2022, 7, 1), passed=True)
    check(story, story.s_a3, D(2022, 7, 1), passed=True)  # planned: never covers, so never counts
    dates = [D(2021, 12, 31), D(2022, 6, 30), D(2022, 12, 31), D(2023, 6, 30), D(2023, 12, 31), D(2026, 1, 1)]
    assert assert_standard_within_covered(dates) > 0
    assert figures(report("42", "2022-12-31"))["湖北省"] == ("3", "3", "42.9")  # a1, a2, b1; not a3


@pytest.mark.django_db
def test_standard_covered_never_exceeds_covered_on_the_hubei_demo_data():
    from types import SimpleNamespace

    call_command("seed_demo", stdout=SimpleNamespace(write=lambda text: None))
    dates = [D(2021, 12, 31), D(2022, 12, 31), D(2023, 6, 30), D(2023, 12, 31), D(2025, 12, 31)]
    assert assert_standard_within_covered(dates) > 0  # the demo's checks count somewhere
    for at in ("2022-12-31", "2025-12-31"):
        for row in report("42", at):
            assert int(row["standard_covered"]) <= int(row["covered"]), (row["name"], at)


def test_the_standard_count_adds_no_query_per_township(story, django_assert_num_queries):
    # The counted kinds, the regions, the counts (达标 included), the standards in force, the targets.
    with django_assert_num_queries(5):
        coverage_rows(region=story.province, on_date=D(2022, 12, 31))
    for index in range(5):
        township = builders.region(f"42010220{index}", f"新增{index}街道", RegionLevel.TOWNSHIP, story.county_a)
        station = builders.station(township, status="operating", on=D(2022, 1, 1))
        check(story, station, D(2022, 3, 1), passed=index % 2 == 0)
    with django_assert_num_queries(5):
        summary, _children = coverage_rows(region=story.province, on_date=D(2022, 12, 31))
    assert (summary.covered, summary.standard_covered) == (8, 4)


def test_dashboard_shows_both_figures_for_the_region_and_its_children(client, story):
    client.force_login(builders.user("hubei", Role.PROVINCE, story.province))
    page = client.get(story.province.get_absolute_url() + "?at=2022-12-31").content.decode()
    assert 'id="standard-pct">14.3%<' in page and 'id="standard-count">1 / 7<' in page
    assert "建设标准“五有”，依据：《湖北省社工站建设文件》「有场地、有人员、有功能、有制度、有活动」" in page
    wuhan = page.split(f'data-code="{story.city.code}"')[1].split("</tr>")[0]
    assert 'class="num standard-covered">1<' in wuhan and "16.7%" in wuhan
    assert 'id="coverage-pct">42.9%<' in page  # the coverage itself as before
    early = client.get(story.province.get_absolute_url() + "?at=2019-12-31").content.decode()
    assert "本地政策未规定" in early.split('id="standard-pct">')[1].split("</div>")[0]


def test_national_dashboard_marks_the_province_without_a_standard(client, story):
    client.force_login(story.root)
    page = client.get(f"/stations/coverage/{NATIONAL_CODE}/?at=2022-12-31").content.decode()
    gansu = page.split(f'data-code="{story.other_province.code}"')[1].split("</tr>")[0]
    assert "本地政策未规定" in gansu and 'id="standard-count">1 / 7<' in page


def sheet_table(sheet, first=("区划", "代码")):
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(values) if tuple(row[:2]) == first)
    return values[start], values[start + 1:], values[:start]


def test_export_has_the_two_figures_before_the_basis(client, story):
    client.force_login(builders.county_user(story))
    response = client.get(story.county_a.get_absolute_url() + "export/?at=2022-12-31")
    book = load_workbook(BytesIO(response.content))
    headers, body, meta = sheet_table(book["覆盖率汇总"])
    assert headers[-3:] == ["达标站覆盖", "达标率（%）", "依据"] and headers[2:4] == ["应覆盖", "已覆盖"]
    assert body[0][2:5] == [3, 2, 66.7] and body[0][-3:-1] == [1, 33.3]
    assert ["建设标准（达标率依据）", "“五有”依据：《湖北省社工站建设文件》「有场地、有人员、有功能、有制度、有活动」"] in [
        row[:2] for row in meta]
    headers, body, _meta = sheet_table(book["下级区划"])
    by_name = {row[0]: row[headers.index("达标站覆盖"):headers.index("依据")] for row in body}
    assert by_name == {"大智街道": [1, 100], "一元街道": [0, 0], "谌家矶镇": [0, 0]}


def test_export_of_a_province_without_a_standard_says_so(client, story):
    client.force_login(builders.user("gansu", Role.PROVINCE, story.other_province))
    response = client.get(story.other_province.get_absolute_url() + "export/?at=2022-12-31")
    headers, body, _meta = sheet_table(load_workbook(BytesIO(response.content))["覆盖率汇总"])
    assert body[0][headers.index("达标站覆盖")] is None and body[0][headers.index("达标率（%）")] == "本地政策未规定"


def test_a_county_user_sees_neither_another_countys_dashboard_nor_its_figures(client, story):
    check(story, story.s_b1, D(2022, 7, 1), passed=True)
    client.force_login(builders.county_user(story))
    for suffix in ("", "export/"):
        assert client.get(story.county_b.get_absolute_url() + suffix + "?at=2022-12-31").status_code == 404
    response = client.get(story.county_a.get_absolute_url() + "export/?at=2022-12-31")
    book = load_workbook(BytesIO(response.content))
    text = " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    assert "民族街街道" not in text and "江汉区" not in text
