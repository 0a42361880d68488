"""Reminders of the monthly report deadline: a station head is reminded three working days before
the deadline their county states and on the day, on China's official calendar, once per day, and
no longer once the report is submitted; nobody is reminded of a deadline no one has stated."""

import datetime

import pytest
from django.urls import reverse

from config.models import Notification
from core.audit import save_audited
from stations.models import Role
from tests import builders
from tests.config import reminder_builders as rm
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401

D = datetime.date
MARCH, APRIL = D(2026, 3, 1), D(2026, 4, 1)
REPORT = Notification.Kind.REPORT_DEADLINE
COMPLETENESS = Notification.Kind.REPORT_COMPLETENESS


@pytest.fixture
def h(hierarchy):
    """County A states the 8th of the next month as its deadline; county B states none."""
    h = hierarchy
    h.station_a1 = builders.station(h.a1)
    h.head_a = rb.head(h.station_a1, "head_a1")
    h.station_b1 = builders.station(h.b1)
    h.head_b = rb.head(h.station_b1, "head_b1")
    h.county_a_user = builders.county_user(h)
    h.county_b_user = builders.county_user(h, name="county_b", county=h.county_b)
    rm.filing_deadline(h.county_a, 8)
    return h


def _key(h, period):
    return f"report:{h.station_a1.pk}:{period:%Y-%m}"


def test_three_working_days_before_and_on_the_day_across_the_holidays(h):
    """March's report is due on 8 April (Qingming, 4–6 April, is off), April's on Friday 8 May
    (1–5 May off): three working days before them are 2 April and 30 April."""
    runs = {day: rm.run_on(day) for day in rm.days(D(2026, 4, 1), D(2026, 5, 31))}

    assert rm.reminded(h.head_a) == [
        (D(2026, 4, 2), _key(h, MARCH)), (D(2026, 4, 8), _key(h, MARCH)),
        (D(2026, 4, 30), _key(h, APRIL)), (D(2026, 5, 8), _key(h, APRIL)),
    ]
    titles = dict(Notification.objects.filter(user=h.head_a).values_list("day", "title"))
    assert titles[D(2026, 4, 30)] == "2026年4月月报2026年5月8日截止报送"
    assert titles[D(2026, 5, 8)] == "2026年4月月报今天截止报送"
    assert not runs[D(2026, 5, 10)].working_day  # a Sunday: the job does nothing
    assert runs[D(2026, 5, 9)].working_day  # a Saturday worked in exchange for the May holiday
    # The county is told on the same days which of its stations have not filed.
    assert [day for day, _key in rm.reminded(h.county_a_user, COMPLETENESS)] == [
        D(2026, 4, 2), D(2026, 4, 8), D(2026, 4, 30), D(2026, 5, 8)]
    # County B states no deadline: no reminder of one, for its station head or its officials.
    assert rm.reminded(h.head_b) == []
    assert rm.reminded(h.county_b_user) == []


def test_the_reminder_names_the_month_the_state_and_the_page_to_act_on(h):
    rm.run_on(D(2026, 4, 30))
    notice = Notification.objects.get(user=h.head_a)
    assert notice.due_date == D(2026, 5, 8)
    assert "2026年4月的月度报告须在2026年5月8日（含）前报送" in notice.body and "尚未填报" in notice.body
    assert notice.url == reverse("stations:report-list")  # where the head starts the month's report
    missing = Notification.objects.get(user=h.county_a_user)
    assert missing.title == "1个站点2026年4月月报尚未报送，2026年5月8日截止"
    assert h.station_a1.name in missing.body and h.station_b1.name not in missing.body


def test_none_once_the_report_is_submitted(h):
    rm.run_on(D(2026, 4, 30))
    rb.report(h.station_a1, h.head_a, APRIL, submit_at=rb.at(2026, 5, 6))
    rm.run_on(D(2026, 5, 8))
    assert rm.reminded(h.head_a) == [(D(2026, 4, 30), _key(h, APRIL))]
    assert [day for day, _key in rm.reminded(h.county_a_user)] == [D(2026, 4, 30)]


def test_a_returned_report_is_still_reminded_of_with_a_link_to_edit_it(h):
    county = h.county_a_user
    report = rb.report(h.station_a1, h.head_a, APRIL, submit_at=rb.at(2026, 5, 6), return_by=county)
    rm.run_on(D(2026, 5, 8))
    notice = Notification.objects.get(user=h.head_a)
    assert "已退回" in notice.body and notice.url == reverse("stations:report-edit", args=[report.pk])


def test_a_second_run_the_same_day_adds_nothing(h):
    first = rm.run_on(D(2026, 4, 30))
    again = rm.run_on(D(2026, 4, 30), hour=15)
    assert first.created == 2 and again.created == 0  # the head's and the county's
    assert Notification.objects.count() == 2


def test_a_deadline_set_for_the_province_reaches_its_stations_but_no_other_provinces(h):
    rm.filing_deadline(h.province, 8)
    gansu_station = builders.station(h.g1)
    gansu_head = rb.head(gansu_station, "head_g1")
    rm.run_on(D(2026, 4, 30))
    assert rm.reminded(h.head_b) == [(D(2026, 4, 30), f"report:{h.station_b1.pk}:2026-04")]
    assert rm.reminded(gansu_head) == []


def test_evaluators_and_users_without_a_role_get_nothing(h):
    other = builders.user("nobody", "", None)
    evaluator_like = builders.user("inactive_county", Role.COUNTY, h.county_a, is_active=False)
    rm.run_on(D(2026, 4, 30))
    assert rm.reminded(other) == [] and rm.reminded(evaluator_like) == []


def test_a_deadline_on_a_day_off_is_reminded_of_on_the_last_working_day_before_it(h):
    """The 10th of May 2026 is a Sunday; Saturday the 9th is worked in exchange for the May holiday."""
    deadline = h.county_a.report_deadline
    deadline.day = 10
    save_audited(deadline, actor=builders.superuser())
    for day in rm.days(D(2026, 4, 30), D(2026, 5, 12)):
        rm.run_on(day)
    assert rm.reminded(h.head_a) == [(D(2026, 5, 6), _key(h, APRIL)), (D(2026, 5, 9), _key(h, APRIL))]
    assert Notification.objects.get(user=h.head_a, day=D(2026, 5, 9)).title == "2026年4月月报2026年5月10日截止报送"
