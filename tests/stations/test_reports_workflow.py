import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from stations import services
from stations.models import MonthlyReport, MonthlyReportLine, ReportStatus, Role, ServiceDomain, TargetGroup
from tests import builders
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401

OCT = datetime.date(2026, 10, 1)


@pytest.fixture
def setup(hierarchy):
    h = hierarchy
    h.station_a1 = builders.station(h.a1)
    h.station_b1 = builders.station(h.b1)
    h.head = rb.head(h.station_a1, "head_a1")
    h.other_head = rb.head(h.station_b1, "head_b1")
    h.county = builders.county_user(h)
    h.county_b = builders.county_user(h, "county_b", h.county_b)
    h.city = builders.user("city", Role.CITY, h.city)
    return h


def _draft(h, **data):
    return rb.report(h.station_a1, h.head, OCT, lines=[rb.line(person_times=10)], **data)


def _submitted(h):
    return rb.report(h.station_a1, h.head, OCT, lines=[rb.line(person_times=10)], submit_at=rb.at(2026, 11, 3))


def test_full_cycle_draft_submit_return_resubmit_approve(setup):
    h = setup
    report = _draft(h, volunteers=4, charity_yuan=Decimal("1200.50"))
    assert report.status == ReportStatus.DRAFT
    report = services.report_submit(actor=h.head, report=report, expected_version=report.version)
    first = report.first_submitted_at
    report = services.report_return(actor=h.county, report=report, reason="入户走访数与台账不符")
    assert report.status == ReportStatus.RETURNED and report.return_reason == "入户走访数与台账不符"
    report = services.report_save(actor=h.head, report=report, expected_version=report.version,
                                  data={"volunteers": 5}, lines=[rb.line(person_times=12, home_visits=3)])
    report = services.report_submit(actor=h.head, report=report, expected_version=report.version)
    assert report.first_submitted_at == first  # timeliness is judged on the first submission
    report = services.report_approve(actor=h.county, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert report.reviewed_by == h.county
    assert report.charity_yuan == Decimal("1200.50")
    assert [(x.person_times, x.home_visits) for x in report.lines.all()] == [(12, 3)]


def test_station_head_cannot_approve_or_return(setup):
    h = setup
    report = _submitted(h)
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=h.head, report=report)
    with pytest.raises(PermissionDenied):
        services.report_return(actor=h.head, report=report, reason="x")
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_county_user_of_another_county_cannot_review(setup):
    h = setup
    report = _submitted(h)
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=h.county_b, report=report)
    with pytest.raises(PermissionDenied):
        services.report_return(actor=h.county_b, report=report, reason="x")


def test_city_staff_do_not_review_county_reports(setup):
    h = setup
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=h.city, report=_submitted(h))


def test_another_station_head_cannot_edit_or_submit(setup):
    h = setup
    report = _draft(h)
    with pytest.raises(PermissionDenied):
        services.report_save(actor=h.other_head, report=report, expected_version=report.version,
                             data={"volunteers": 1})
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=h.other_head, report=report)
    with pytest.raises(PermissionDenied):
        services.report_create(actor=h.other_head, station=h.station_a1, period=datetime.date(2026, 9, 1))


def test_county_staff_cannot_edit_the_figures(setup):
    h = setup
    report = _draft(h)
    with pytest.raises(PermissionDenied):
        services.report_save(actor=h.county, report=report, expected_version=report.version, data={"volunteers": 1})


def test_approved_report_is_read_only(setup):
    h = setup
    report = services.report_approve(actor=h.county, report=_submitted(h))
    with pytest.raises(ValidationError, match="已审核通过的报告不能修改"):
        services.report_save(actor=h.head, report=report, expected_version=report.version, data={"volunteers": 9})
    with pytest.raises(ValidationError):
        services.report_submit(actor=h.head, report=report)
    with pytest.raises(ValidationError):
        services.report_return(actor=h.county, report=report, reason="x")
    assert MonthlyReport.objects.get(pk=report.pk).volunteers == 0


def test_only_submitted_reports_are_reviewed(setup):
    h = setup
    report = _draft(h)
    with pytest.raises(ValidationError, match="只能审核通过已报送的报告"):
        services.report_approve(actor=h.county, report=report)


def test_return_and_reopen_need_a_reason(setup):
    h = setup
    report = _submitted(h)
    with pytest.raises(ValidationError, match="退回时必须填写退回原因"):
        services.report_return(actor=h.county, report=report, reason="  ")
    report = services.report_approve(actor=h.county, report=report)
    with pytest.raises(ValidationError, match="必须填写原因"):
        services.report_reopen(actor=h.county, report=report, reason="")


def test_reopen_keeps_before_and_after_values_and_reason_in_the_history(setup):
    h = setup
    report = services.report_approve(actor=h.county, report=_submitted(h))
    report = services.report_reopen(actor=h.county, report=report, reason="服务人次重复统计，需更正")
    assert report.status == ReportStatus.RETURNED
    report = services.report_save(actor=h.head, report=report, expected_version=report.version, data={},
                                  lines=[rb.line(person_times=7)])
    latest_reopen = report.history.filter(history_change_reason__startswith="重新打开").get()
    assert latest_reopen.history_user == h.county
    assert "服务人次重复统计" in latest_reopen.history_change_reason
    line_history = MonthlyReportLine.history.filter(report_id=report.pk).order_by("history_date", "history_id")
    before, after = list(line_history)[-2:]
    delta = after.diff_against(before)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("person_times", 10, 7)]
    assert after.history_user == h.head


def test_second_save_of_a_stale_version_is_refused_and_nothing_is_lost(setup):
    h = setup
    report = _draft(h)
    opened_by_both = report.version
    services.report_save(actor=h.head, report=report, expected_version=opened_by_both, data={"volunteers": 3})
    with pytest.raises(services.ReportConflict, match="该报告已被他人修改"):
        services.report_save(actor=h.head, report=report, expected_version=opened_by_both, data={"volunteers": 8},
                             lines=[])
    report.refresh_from_db()
    assert report.volunteers == 3
    assert report.lines.count() == 1  # the stale save's empty line list did not delete anything


def test_cases_closed_cannot_exceed_cases_open_plus_opened(setup):
    h = setup
    report = _draft(h)
    with pytest.raises(ValidationError) as info:
        services.report_save(actor=h.head, report=report, expected_version=report.version, data={},
                             lines=[rb.line(cases_active_start=2, cases_opened=1, cases_closed=4)])
    assert "本月结案个案（4）不能多于月初在案个案与本月新开个案之和（3）" in info.value.messages[0]


def test_database_refuses_negative_counts_and_impossible_case_numbers(setup):
    h = setup
    report = _draft(h)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReportLine.objects.filter(report=report).update(cases_closed=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.filter(pk=report.pk).update(charity_yuan=Decimal("-1"))


def test_same_domain_and_group_twice_is_refused(setup):
    h = setup
    report = _draft(h)
    with pytest.raises(ValidationError, match="填写了两次"):
        services.report_save(actor=h.head, report=report, expected_version=report.version, data={},
                             lines=[rb.line(person_times=1), rb.line(person_times=2)])


def test_no_report_for_a_future_month_and_one_per_month(setup):
    h = setup
    with time_machine.travel(rb.at(2026, 10, 20), tick=False):
        with pytest.raises(ValidationError, match="未来月份"):
            services.report_create(actor=h.head, station=h.station_a1, period=datetime.date(2026, 11, 1))
        services.report_create(actor=h.head, station=h.station_a1, period=OCT)
        with pytest.raises(ValidationError, match="已存在"):
            services.report_create(actor=h.head, station=h.station_a1, period=datetime.date(2026, 10, 15))


def test_every_transition_is_audited_with_the_actor(setup):
    h = setup
    report = services.report_approve(actor=h.county, report=_submitted(h))
    reasons = list(report.history.order_by("history_date", "history_id").values_list(
        "history_change_reason", "history_user__username", "status"))
    assert reasons[0] == ("新建草稿", "head_a1", "draft")
    assert ("报送", "head_a1", "submitted") in reasons
    assert reasons[-1] == ("审核通过", "county_a", "approved")
    assert {ServiceDomain.ELDERLY_CARE} == {x.domain for x in report.lines.all()}
    assert {TargetGroup.ELDERLY_IN_DIFFICULTY} == {x.target_group for x in report.lines.all()}


def test_new_draft_carries_last_months_open_cases(setup):
    h = setup
    rb.report(h.station_a1, h.head, datetime.date(2026, 9, 1), submit_at=rb.at(2026, 10, 3),
              lines=[rb.line(cases_active_start=3, cases_opened=2, cases_closed=1),
                     rb.line(ServiceDomain.CHILD_WELFARE, TargetGroup.ORPHANS, cases_opened=1, cases_closed=1)])
    with time_machine.travel(rb.at(2026, 11, 1), tick=False):
        october = services.report_create(actor=h.head, station=h.station_a1, period=OCT)
    assert [(x.domain, x.cases_active_start) for x in october.lines.all()] == [(ServiceDomain.ELDERLY_CARE, 4)]
