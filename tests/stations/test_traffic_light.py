"""One traffic light for a region's coverage against its target: the function's table, and on the
demo data the same light for every region on the dashboard, the trends page, the home page, the
Excel exports and the chain workbooks; a region at or above its target is never overdue."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from stations.models import Region, User
from stations.selectors.coverage import CoverageRow
from stations.selectors.coverage_trends import coverage_trends
from stations.selectors.lights import WITHIN_POINTS, Light, coverage_light
from stations.selectors.targets import ApplicableTarget

D = datetime.date
DUE = D(2023, 12, 31)


def light_of(covered, townships=100, *, target=Decimal(70), overdue=False, unit="percent") -> Light:
    """The light of a county with ``covered`` of ``townships`` covered, as its row computes it."""
    applicable = None if target is None else ApplicableTarget(
        value=Decimal(target), unit=unit, due_on=DUE, region_code="420000000000", region_name="湖北省",
        inherited=True, overdue=overdue)
    return CoverageRow(code="420102000000", name="江岸区", level="county", townships=townships, covered=covered,
                       target=applicable).light


@pytest.mark.parametrize(("covered", "kwargs", "light"), [
    (70, {}, Light.MET),  # exactly at the target
    (100, {}, Light.MET),
    (69, {}, Light.WITHIN),
    (65, {}, Light.WITHIN),  # exactly 5 points below
    (649, {"townships": 1000}, Light.BEHIND),  # 64.9%: 5.1 points below
    (10, {}, Light.BEHIND),
    (70, {"overdue": True}, Light.MET),  # met, after the due date: never overdue
    (80, {"overdue": True}, Light.MET),
    (891, {"townships": 1000, "target": 100, "overdue": True}, Light.OVERDUE),  # 荆州市 89.1% after 2024-12-31
    (891, {"townships": 1000, "target": 100}, Light.BEHIND),  # the same before the due date
    (69, {"overdue": True}, Light.OVERDUE),  # not met after the due date, however close
    (0, {"overdue": True}, Light.OVERDUE),
    (10, {"target": None}, Light.NONE),  # no applicable target
    (0, {"townships": 0}, Light.NONE),  # nothing to cover
    (3, {"target": 2, "unit": "count"}, Light.NONE),  # not a share target
    # 1400 of 2001 shows as 70.0%, yet one more station is needed: close, not met.
    (1400, {"townships": 2001}, Light.WITHIN),
])
def test_the_light_of_a_region(covered, kwargs, light):
    assert light_of(covered, **kwargs) == light


def test_the_threshold_is_five_points_and_a_met_target_is_never_overdue():
    assert WITHIN_POINTS == 5
    target = ApplicableTarget(value=Decimal(70), unit="percent", due_on=DUE, region_code="420000000000",
                              region_name="湖北省", inherited=False, overdue=True)
    assert coverage_light(target, coverage_pct=Decimal("70.0"), gap_stations=0) == Light.MET
    assert coverage_light(target, coverage_pct=Decimal("69.9"), gap_stations=1) == Light.OVERDUE
    assert coverage_light(None, coverage_pct=Decimal("50.0"), gap_stations=None) == Light.NONE
    assert [light.label for light in Light] == ["逾期未达标", "落后", "接近目标", "无目标", "已达标"]


# --- The demo data: every place that shows a region's light shows the same one. ---

TODAY = datetime.datetime(2025, 12, 31, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
# (the date the pages are asked for, the half-year whose chain report is "as of" that date)
DATES = ((D(2023, 6, 30), (2023, 1)), (D(2025, 12, 31), (2025, 2)))
# A table row or a headline figure marked with its region's light.
ROW = re.compile(r'<(tr|div)\b[^>]*\bdata-code="(\d{12})" data-light="(\w+)"[^>]*>(.*?)</\1>', re.S)
LABELS = {str(light.label): light.value for light in Light}


def page_lights(client, url) -> dict[str, tuple[str, str]]:
    """code → (light, the table row's HTML, or "" for a headline) of everything on the page marked
    with a light."""
    response = client.get(url)
    assert response.status_code == 200, url
    return {code: (light, html if tag == "tr" else "")
            for tag, code, light, html in ROW.findall(response.content.decode())}


def sheet_lights(sheet, code_header: str) -> dict[str, str]:
    """code → light of every row of a workbook table (its header row has ``code_header`` and 状态)."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    at = next(i for i, row in enumerate(rows) if code_header in row and "状态" in row)
    code, state = rows[at].index(code_header), rows[at].index("状态")
    return {row[code]: LABELS[row[state]] for row in rows[at + 1:] if row[code]}


def workbook(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return load_workbook(BytesIO(response.content))


def collect(client, on: D, half: tuple[int, int]):
    """source → code → light, on the date, for the province, its cities and their counties; and
    code → the HTML of the table rows that show it."""
    at = f"?at={on.isoformat()}"
    province = Region.objects.get(code="420000000000")
    found = {name: {} for name in ("dashboard", "trends page", "dashboard export", "trends export", "chain")}
    rows = {}  # code → the HTML of its rows, for the overdue mark

    top = page_lights(client, province.get_absolute_url() + at)
    cities = [code for code in top if code != province.code]
    for region_code in [province.code, *cities]:
        region = Region.objects.get(code=region_code)
        page = top if region_code == province.code else page_lights(client, region.get_absolute_url() + at)
        for code, (light, html) in page.items():
            found["dashboard"][code] = light
            if html:
                rows.setdefault(code, []).append(html)
        book = workbook(client, region.get_absolute_url() + "export/" + at)
        for title in ("覆盖率汇总", "下级区划"):
            found["dashboard export"].update(sheet_lights(book[title], "代码"))
    trends = reverse("stations:coverage-trends", args=[province.code]) + at
    for code, (light, html) in page_lights(client, trends).items():
        found["trends page"][code] = light
        if html:
            rows.setdefault(code, []).append(html)
    book = workbook(client, trends + "&format=xlsx")
    found["trends export"] = sheet_lights(book.active, "代码")
    year, number = half
    for city in cities:
        book = workbook(client, f"{reverse('chain-report')}?region={city}&year={year}&n={number}&format=xlsx")
        found["chain"].update(sheet_lights(book["覆盖率"], "区划代码"))
    return found, rows


def assert_one_light_per_region(client, on, half, province_user) -> set[Light]:
    found, rows = collect(client, on, half)
    trends = coverage_trends(user=province_user, region=Region.objects.get(code="420000000000"), on_date=on)
    regions = {row.code: row for row in [trends.summary, *trends.rows]}
    for source, lights in found.items():
        expected = set(regions) - ({trends.summary.code} if source == "chain" else set())
        assert set(lights) >= expected, (source, on, sorted(expected - set(lights)))
    for code, row in regions.items():
        seen = {source: lights[code] for source, lights in found.items() if code in lights}
        assert set(seen.values()) == {row.light.value}, (row.name, on, seen)
        if row.target and row.coverage_pct is not None and row.coverage_pct >= row.target.value:
            assert row.light == Light.MET, (row.name, on)
        for html in rows.get(code, []):
            assert ("已逾期" in html) == (row.light == Light.OVERDUE), (row.name, on)
    return {row.light for row in regions.values()}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason=(
    "the demo (thousands of stations) is seeded inside the test's transaction, where PostgreSQL plans from "
    "statistics taken while the tables were empty; see tests/test_summaries.py"))
def test_on_the_demo_data_every_page_export_and_workbook_shows_the_same_light(client):
    from django.core.management import call_command

    with time_machine.travel(TODAY, tick=False):
        call_command("seed_demo", stdout=SimpleNamespace(write=lambda text: None))
        assert timezone.localdate() == D(2025, 12, 31)
        province_user = User.objects.get(username="hubei_sheng")
        client.force_login(province_user)
        seen = set()
        for on, half in DATES:
            seen |= assert_one_light_per_region(client, on, half, province_user)
        # The demo shows the states a user meets: mid-2023 before the 70% deadline, and at the end of
        # 2025 after the last (100%) deadline, where a region short of 100% is overdue and 100% is met.
        assert seen == set(Light)

        # The home page's coverage card: the light of the user's region today, as on its dashboard.
        for username in ("hubei_sheng", "yichang_shi", "yuanan_xian", "xingshan_xian"):
            user = User.objects.get(username=username)
            client.force_login(user)
            home = page_lights(client, reverse("home"))
            assert list(home) == [user.region.code], username
            dashboard = page_lights(client, user.region.get_absolute_url())
            assert home[user.region.code][0] == dashboard[user.region.code][0], username
