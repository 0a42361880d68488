"""The report list's cost does not grow with its rows: a page of many reports takes as many queries
as a page of two, and each row still shows its link, deadline, lateness, figures and return reason."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stations.models import ServiceDomain, TargetGroup
from tests import builders
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401

URL = reverse("stations:report-list")


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    h.station_a1 = builders.station(h.a1)
    h.head = rb.head(h.station_a1, "head_a1")
    h.county = builders.county_user(h)
    return h


@pytest.fixture(autouse=True)
def december():
    with time_machine.travel(rb.at(2026, 12, 20), tick=False):
        yield


def _file_months(h, months):
    for month in months:
        rb.report(h.station_a1, h.head, datetime.date(2026, month, 1), submit_at=rb.at(2026, month + 1, 3),
                  lines=[rb.line(person_times=month, home_visits=1)])


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_reports_listed(client, h):
    client.force_login(h.county)
    _file_months(h, (1, 2))
    two = _queries(client)
    _file_months(h, range(3, 11))
    assert _queries(client) == two


def test_each_row_shows_its_link_deadline_lateness_figures_and_return_reason(client, h):
    late = rb.report(h.station_a1, h.head, datetime.date(2026, 10, 1), submit_at=rb.at(2026, 11, 8),
                     lines=[rb.line(person_times=12, cases_active_start=3, cases_opened=2, cases_closed=1)])
    returned = rb.report(h.station_a1, h.head, datetime.date(2026, 9, 1), submit_at=rb.at(2026, 10, 3),
                         return_by=h.county)
    client.force_login(h.county)
    page = client.get(URL).content.decode()
    row = page[page.index(f'<a href="{reverse("stations:report-detail", args=[late.pk])}">2026年10月</a>'):]
    row = row[:row.index("</tr>")]
    assert "2026年11月5日" in row and '<span class="overdue">逾期 3 天</span>' in row
    assert '<td class="num">12</td>' in row and '<td class="num">4</td>' in row  # cases open at the month's end
    assert '<span class="status status-submitted">' in row
    row = page[page.index(f'<a href="{reverse("stations:report-detail", args=[returned.pk])}">2026年9月</a>'):]
    row = row[:row.index("</tr>")]
    assert "<td>数据需核实</td>" in row and "overdue" not in row and '<td class="num">0</td>' in row


def test_a_report_of_several_lines_is_counted_once_and_all_its_lines_are_totalled(client, h):
    rb.report(h.station_a1, h.head, datetime.date(2026, 10, 1), lines=[
        rb.line(person_times=10), rb.line(domain=ServiceDomain.CHILD_WELFARE, group=TargetGroup.CHILDREN_IN_DIFFICULTY,
                                          person_times=5)])
    client.force_login(h.county)
    page = client.get(URL).content.decode()
    assert 'data-count="1"' in page and "合计（全部 1 份）" in page
    assert 'data-total="person_times">15<' in page and '<td class="num">15</td>' in page


def test_the_rows_figures_are_grouped_like_the_totals_when_thousands_are_grouped(client, h, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    rb.report(h.station_a1, h.head, datetime.date(2026, 10, 1), lines=[rb.line(person_times=1234)])
    client.force_login(h.county)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # English groups thousands with a comma
    page = client.get(URL).content.decode()
    assert '<td class="num">1,234</td>' in page and 'data-total="person_times">1,234<' in page
