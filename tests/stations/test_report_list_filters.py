"""The report list: county, station, status, month range and keyword filters, totals of the listed
reports' figures, pagination that keeps the filters, and the Excel export of the same list, scoped
so that a county never sees or counts another county's reports."""

import datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from stations.models import Role, ServiceDomain, TargetGroup
from stations.reports.views.lists import ReportListView
from tests import builders
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401

URL = reverse("stations:report-list")
EXPORT = reverse("stations:report-export")
SEP, OCT, NOV = datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    h.s_a1, h.s_a2, h.s_b1 = builders.station(h.a1), builders.station(h.a2), builders.station(h.b1)
    heads = {s: rb.head(s) for s in (h.s_a1, h.s_a2, h.s_b1)}
    h.county = builders.county_user(h)
    h.county_b_user = builders.county_user(h, "county_b", h.county_b)
    h.city_user = builders.user("city", Role.CITY, h.city)
    # 大智街道: Sep approved (10 person-times), Oct submitted (20); 一元街道: Oct draft (5);
    # 民族街街道 (county B): Oct submitted (1000 person-times, 7 cases open at the month's end).
    rb.report(h.s_a1, heads[h.s_a1], SEP, lines=[rb.line(person_times=10, cases_active_start=2, cases_opened=1)],
              submit_at=rb.at(2026, 10, 3), approve_by=h.county)
    rb.report(h.s_a1, heads[h.s_a1], OCT, lines=[rb.line(person_times=20, home_visits=4, cases_active_start=3,
                                                        cases_closed=1)], submit_at=rb.at(2026, 11, 3))
    rb.report(h.s_a2, heads[h.s_a2], OCT, lines=[rb.line(person_times=5, home_visits=1)])
    rb.report(h.s_b1, heads[h.s_b1], OCT, lines=[rb.line(person_times=1000, home_visits=300, cases_opened=7)],
              submit_at=rb.at(2026, 11, 4))
    return h


@pytest.fixture(autouse=True)
def december():
    with time_machine.travel(rb.at(2026, 12, 2), tick=False):
        yield


def _rows(response) -> list[str]:
    return [r["station_name"] + " " + r["month_label"] for r in response.context["reports"]]


def _total(response, name):
    return response.context["totals"][name] if response.context["totals"] else None


def test_the_county_lists_and_totals_only_its_own_reports(client, h):
    client.force_login(h.county)
    response = client.get(URL)
    assert sorted(_rows(response)) == ["一元街道社工站 2026年10月", "大智街道社工站 2026年10月", "大智街道社工站 2026年9月"]
    assert _total(response, "person_times") == 35 and _total(response, "home_visits") == 5
    page = response.content.decode()
    assert "民族街街道" not in page and "1035" not in page
    assert 'data-total="person_times">35<' in page
    assert 'name="county"' not in page  # a county user has no county to choose


def test_another_countys_county_station_or_name_finds_nothing(client, h):
    client.force_login(h.county)
    for query in ({"county": h.county_b.pk}, {"station": h.s_b1.pk}, {"q": "民族街"}):
        response = client.get(URL, query)
        assert _rows(response) == [], query
        assert response.context["totals"] is None
        assert "民族街街道社工站" not in response.content.decode()


def test_the_city_filters_by_county_station_status_months_and_keyword(client, h):
    client.force_login(h.city_user)
    everything = client.get(URL)
    assert len(_rows(everything)) == 4 and _total(everything, "person_times") == 1035
    assert 'name="county"' in everything.content.decode()
    by_county = client.get(URL, {"county": h.county_b.pk})
    assert _rows(by_county) == ["民族街街道社工站 2026年10月"] and _total(by_county, "cases_active_end") == 7
    station_page = client.get(URL, {"county": h.county_a.pk}).content.decode()
    station_select = station_page[station_page.index('<select name="station">'):]
    station_select = station_select[:station_select.index("</select>")]
    assert f'<option value="{h.s_a2.pk}">一元街道社工站</option>' in station_select
    assert "民族街街道社工站" not in station_select  # only the chosen county's stations to pick from
    assert sorted(_rows(client.get(URL, {"station": h.s_a1.pk}))) == ["大智街道社工站 2026年10月",
                                                                     "大智街道社工站 2026年9月"]
    assert sorted(_rows(client.get(URL, {"status": "submitted"}))) == ["大智街道社工站 2026年10月",
                                                                      "民族街街道社工站 2026年10月"]
    assert _rows(client.get(URL, {"month_to": "2026-09"})) == ["大智街道社工站 2026年9月"]
    october = client.get(URL, {"month_from": "2026-10", "month_to": "2026-10", "county": h.county_a.pk})
    assert sorted(_rows(october)) == ["一元街道社工站 2026年10月", "大智街道社工站 2026年10月"]
    assert _total(october, "person_times") == 25
    assert _rows(client.get(URL, {"q": "一元"})) == ["一元街道社工站 2026年10月"]


def test_a_station_left_from_another_county_is_dropped_when_the_county_changes(client, h):
    client.force_login(h.city_user)
    response = client.get(URL, {"county": h.county_b.pk, "station": h.s_a1.pk})
    assert _rows(response) == ["民族街街道社工站 2026年10月"]


def test_a_month_range_backwards_or_unreadable_lists_nothing_and_says_why(client, h):
    client.force_login(h.county)
    backwards = client.get(URL, {"month_from": "2026-10", "month_to": "2026-09"})
    assert _rows(backwards) == [] and "起始月份不能晚于截止月份。" in backwards.content.decode()
    unreadable = client.get(URL, {"month_from": "十月"})
    assert _rows(unreadable) == [] and "不是有效月份" in unreadable.content.decode()


def test_pagination_keeps_the_filters_and_the_totals_cover_every_page(client, h, monkeypatch):
    monkeypatch.setattr(ReportListView, "paginate_by", 1)
    client.force_login(h.city_user)
    first = client.get(URL, {"month_from": "2026-10"})
    assert "month_from=2026-10&amp;page=2" in first.content.decode()
    second = client.get(URL, {"month_from": "2026-10", "page": 2})
    assert len(_rows(first)) == 1 and len(_rows(second)) == 1 and _rows(first) != _rows(second)
    assert _total(first, "person_times") == _total(second, "person_times") == 1025


def test_the_export_holds_what_the_list_shows_with_its_totals(client, h):
    client.force_login(h.county)
    listing = client.get(URL, {"month_from": "2026-10"}).content.decode()
    assert f'href="{EXPORT}?month_from=2026-10"' in listing
    response = client.get(EXPORT, {"month_from": "2026-10"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in values if row[0] == "月份")
    body = values[values.index(header) + 1:]
    stations = [row[1] for row in body[:-1]]
    assert sorted(stations) == ["一元街道社工站", "大智街道社工站"]
    total = body[-1]
    assert total[0].startswith("合计") and total[header.index("服务人次")] == 25
    assert any(row[0] == "筛选条件" and "起始月份：2026年10月" in row[1] for row in values)
    flat = " ".join(str(cell) for row in values for cell in row if cell is not None)
    assert "民族街街道" not in flat and "1000" not in flat


def test_the_export_of_another_countys_station_is_empty(client, h):
    client.force_login(h.county)
    sheet = load_workbook(BytesIO(client.get(EXPORT, {"station": h.s_b1.pk}).content)).active
    flat = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)
    assert "民族街街道" not in flat and "合计" not in flat


def test_the_report_page_totals_the_cases_open_at_the_months_end(client, h):
    head = rb.head(h.s_a2, "head_a2_nov")
    report = rb.report(h.s_a2, head, NOV, lines=[
        rb.line(cases_active_start=3, cases_closed=1),  # 2 still open
        rb.line(ServiceDomain.CHILD_WELFARE, TargetGroup.CHILDREN_IN_DIFFICULTY, cases_opened=4)])  # 4 still open
    client.force_login(h.county)
    page = client.get(report.get_absolute_url()).content.decode()
    footer = page[page.index("<tfoot>"):page.index("</tfoot>")]
    assert footer.count('<td class="num">') == 8  # no blank cell left
    assert footer.removesuffix("</tr>").endswith('<td class="num">6</td>')
