import datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from stations.models import MonthlyReport, ReportStatus, Role
from tests import builders
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401

OCT = datetime.date(2026, 10, 1)
NOW = rb.at(2026, 11, 4)


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    h.station_a1 = builders.station(h.a1)
    h.station_a2 = builders.station(h.a2)
    h.station_b1 = builders.station(h.b1)
    h.head = rb.head(h.station_a1, "head_a1")
    h.head_b = rb.head(h.station_b1, "head_b1")
    h.county = builders.county_user(h)
    h.county_b_user = builders.county_user(h, "county_b", h.county_b)
    h.city_user = builders.user("city", Role.CITY, h.city)
    return h


@pytest.fixture(autouse=True)
def november():
    with time_machine.travel(NOW, tick=False):
        yield


def _post_data(report, **overrides):
    data = {
        "version": report.version, "volunteers": "3", "volunteer_hours": "12.5", "organisations_incubated": "0",
        "charity_yuan": "800.00", "charity_in_kind": "", "needs_records": "4", "resource_entries": "2",
        "training_hours": "6", "highlights": "重阳节活动", "problems": "", "next_plan": "",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
        "lines-0-domain": "elderly_care", "lines-0-target_group": "elderly", "lines-0-person_times": "40",
        "lines-0-home_visits": "12", "lines-0-cases_active_start": "2", "lines-0-cases_opened": "1",
        "lines-0-cases_closed": "1", "lines-0-group_sessions": "2", "lines-0-community_activities": "1",
    }
    data.update(overrides)
    return data


def test_station_head_creates_fills_and_submits_in_the_browser_flow(client, h):
    client.force_login(h.head)
    home = client.get("/")
    assert "待报送的月度报告" in home.content.decode() and "2026年10月" in home.content.decode()
    response = client.post(reverse("stations:report-create"), {"period": "2026-10"})
    report = MonthlyReport.objects.get(station=h.station_a1, period=OCT)
    assert response.url == reverse("stations:report-edit", args=[report.pk])
    assert client.get(response.url).status_code == 200
    response = client.post(response.url, {**_post_data(report), "submit": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.lines.get().person_times == 40
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "已报送" in detail and "重阳节活动" in detail


def test_validation_messages_name_the_field_in_chinese(client, h):
    report = rb.report(h.station_a1, h.head, OCT)
    client.force_login(h.head)
    url = reverse("stations:report-edit", args=[report.pk])
    page = client.post(url, _post_data(report, **{"lines-0-cases_closed": "9", "volunteers": "-2"})).content.decode()
    assert "本月结案个案（9）不能多于月初在案个案与本月新开个案之和（3）" in page
    assert "“动员志愿者（人）”不能为负数" in page
    assert MonthlyReport.objects.get(pk=report.pk).volunteers == 0


def test_concurrent_edit_is_refused_and_the_users_input_stays_on_the_form(client, h):
    report = rb.report(h.station_a1, h.head, OCT)
    client.force_login(h.head)
    url = reverse("stations:report-edit", args=[report.pk])
    stale = _post_data(report, highlights="第二个人写的亮点")
    assert client.post(url, _post_data(report, highlights="先保存的")).status_code == 302
    page = client.post(url, stale)
    assert page.status_code == 200
    text = page.content.decode()
    assert "该报告已被他人修改" in text
    assert "第二个人写的亮点" in text
    assert MonthlyReport.objects.get(pk=report.pk).highlights == "先保存的"


def test_county_returns_and_approves_from_the_detail_page(client, h):
    report = rb.report(h.station_a1, h.head, OCT, lines=[rb.line(person_times=5)], submit_at=rb.at(2026, 11, 2))
    client.force_login(h.county)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "审核通过" in page and "退回" in page
    client.post(reverse("stations:report-return", args=[report.pk]), {"reason": "", "version": report.version})
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    client.post(reverse("stations:report-return", args=[report.pk]), {"reason": "请补充个案", "version": report.version})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == "请补充个案"


def test_station_head_cannot_approve_through_the_url(client, h):
    report = rb.report(h.station_a1, h.head, OCT, submit_at=rb.at(2026, 11, 2))
    client.force_login(h.head)
    response = client.post(reverse("stations:report-approve", args=[report.pk]))
    assert response.status_code == 403
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_approved_report_cannot_be_edited_in_the_browser(client, h):
    report = rb.report(h.station_a1, h.head, OCT, submit_at=rb.at(2026, 11, 2), approve_by=h.county)
    client.force_login(h.head)
    url = reverse("stations:report-edit", args=[report.pk])
    assert client.get(url).status_code == 302
    client.post(url, _post_data(report))
    assert MonthlyReport.objects.get(pk=report.pk).volunteers == 0


def test_scope_station_heads_and_counties_see_only_their_own(client, h):
    mine = rb.report(h.station_a1, h.head, OCT)
    theirs = rb.report(h.station_b1, h.head_b, OCT)
    client.force_login(h.head)
    listing = client.get(reverse("stations:report-list")).content.decode()
    assert "大智街道" in listing and "民族街街道" not in listing
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(reverse("stations:report-edit", args=[theirs.pk])).status_code == 404
    client.force_login(h.county_b_user)
    assert client.get(mine.get_absolute_url()).status_code == 404
    assert client.post(reverse("stations:report-approve", args=[mine.pk])).status_code == 404
    listing = client.get(reverse("stations:report-list")).content.decode()
    assert "民族街街道" in listing and "大智街道" not in listing
    client.force_login(h.county)
    assert client.get(reverse("stations:report-edit", args=[mine.pk])).status_code == 403


def test_completeness_page_and_missing_excel(client, h):
    rb.report(h.station_a1, h.head, OCT, submit_at=rb.at(2026, 11, 2))
    client.force_login(h.county)
    url = reverse("stations:report-completeness")
    page = client.get(url, {"month": "2026-10"}).content.decode()
    assert "一元街道" in page  # a2 has not filed
    assert 'data-kpi="expected">2<' in page and 'data-kpi="missing">1<' in page
    response = client.get(url, {"month": "2026-10", "format": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert any(row[:4] == ("江岸区", "一元街道", "420102003000", "一元街道社工站") for row in values if row[0])
    assert not any("大智街道" in str(row) for row in values)
    # another county's region is not reachable
    assert client.get(url, {"region": "420103", "month": "2026-10"}).status_code == 404
    client.force_login(h.head)
    assert client.get(url).status_code == 403


def test_rollup_page_and_quarterly_workbook(client, h):
    rb.report(h.station_a1, h.head, OCT, lines=[rb.line(person_times=40, home_visits=7)],
              submit_at=rb.at(2026, 11, 2), approve_by=h.county)
    rb.report(h.station_b1, h.head_b, OCT, lines=[rb.line(person_times=99)],
              submit_at=rb.at(2026, 11, 2), approve_by=h.county_b_user)
    client.force_login(h.county)
    url = reverse("stations:report-rollup")
    page = client.get(url, {"kind": "quarter", "year": "2026", "n": "4"}).content.decode()
    assert "江岸区2026年第四季度社工站工作季度报告" in page
    assert 'data-kpi="person_times">40<' in page
    response = client.get(url, {"kind": "quarter", "year": "2026", "n": "4", "format": "xlsx"})
    book = load_workbook(BytesIO(response.content))
    first = [row for row in book.worksheets[0].iter_rows(values_only=True) if row[0] == "养老服务"]
    assert first[0][2:4] == (40, 7)
    assert "月报报送情况" in book.sheetnames
    client.force_login(h.city_user)
    page = client.get(url, {"kind": "half", "year": "2026", "n": "2"}).content.decode()
    assert "武汉市2026年下半年社工站工作半年报告" in page and 'data-kpi="person_times">139<' in page
    assert "下载半年报告（报省）" in page
    response = client.get(url, {"kind": "half", "year": "2026", "n": "2", "format": "xlsx"})
    assert "%E5%8D%8A%E5%B9%B4%E6%8A%A5%E5%91%8A" in response["Content-Disposition"]  # 半年报告
    book = load_workbook(BytesIO(response.content))
    by_county = {row[1]: row[3] for row in book["分地区汇总"].iter_rows(values_only=True) if row and row[0]}
    assert by_county["江岸区"] == 40 and by_county["江汉区"] == 99 and by_county["合计"] == 139


def test_reopen_from_the_detail_page_sends_it_back_with_the_reason(client, h):
    report = rb.report(h.station_a1, h.head, OCT, submit_at=rb.at(2026, 11, 2), approve_by=h.county)
    client.force_login(h.county)
    assert "重新打开以更正" in client.get(report.get_absolute_url()).content.decode()
    client.post(reverse("stations:report-reopen", args=[report.pk]), {"reason": "志愿者人数填错",
                                                                      "version": report.version})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    client.force_login(h.head)
    page = client.get(reverse("stations:report-edit", args=[report.pk])).content.decode()
    assert "志愿者人数填错" in page


def test_rollup_export_of_another_county_is_not_reachable(client, h):
    client.force_login(h.county)
    url = reverse("stations:report-rollup")
    assert client.get(url, {"region": "420103", "format": "xlsx"}).status_code == 404
    assert client.get(url, {"region": "420103000000"}).status_code == 404


def test_admin_lists_only_reports_in_scope_and_is_read_only(client, h):
    from stations.roles import ensure_role_groups

    mine = rb.report(h.station_a1, h.head, OCT)
    rb.report(h.station_b1, h.head_b, OCT)
    gansu = builders.user("gansu", Role.PROVINCE, h.other_province, is_staff=True)
    hubei = builders.user("hubei", Role.PROVINCE, h.province, is_staff=True)
    groups = ensure_role_groups()
    for official in (gansu, hubei):
        official.groups.add(groups[Role.PROVINCE])
    client.force_login(hubei)
    listing = client.get(reverse("admin:stations_monthlyreport_changelist")).content.decode()
    assert "大智街道社工站" in listing and "民族街街道社工站" in listing
    detail = client.get(reverse("admin:stations_monthlyreport_change", args=[mine.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    client.force_login(gansu)
    listing = client.get(reverse("admin:stations_monthlyreport_changelist")).content.decode()
    assert "大智街道社工站" not in listing
    assert client.get(reverse("admin:stations_monthlyreport_change", args=[mine.pk])).status_code == 302


def test_edit_form_deletes_a_row_and_refuses_the_same_row_twice(client, h):
    report = rb.report(h.station_a1, h.head, OCT, lines=[rb.line(person_times=5)])
    client.force_login(h.head)
    url = reverse("stations:report-edit", args=[report.pk])
    page = client.get(url).content.decode()
    assert 'name="lines-INITIAL_FORMS" value="1"' in page and 'value="5"' in page
    twice = _post_data(report, **{"lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "1", "lines-1-domain": "elderly_care",
                                  "lines-1-target_group": "elderly", "lines-1-person_times": "3"})
    assert "第 1 行和第 2 行都是“养老服务 · 困难老人”，请合并为一行" in client.post(url, twice).content.decode()
    delete = _post_data(report, **{"lines-INITIAL_FORMS": "1", "lines-0-DELETE": "on"})
    assert client.post(url, delete).status_code == 302
    assert report.lines.count() == 0


def test_review_list_flags_late_reports(client, h):
    rb.report(h.station_a1, h.head, OCT, submit_at=rb.at(2026, 11, 8))
    client.force_login(h.county)
    page = client.get(reverse("stations:report-list")).content.decode()
    assert "2026年11月5日" in page and "逾期 3 天" in page
