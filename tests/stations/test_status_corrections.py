"""Correcting or voiding a station's status record: an explicit action of county staff (and the
officials above them, within their region), with a reason; the only way a past coverage figure
changes. The record's original values stay in its history, the station's page shows who corrected
what, when and why, and the coverage dashboard for a past date lists the corrections made since."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from stations.models import CoveragePeriod, Role, StationStatusChange, StationStatusCorrection
from tests import builders
from tests.stations.coverage_builders import change

D = datetime.date


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    h.staff_a = builders.user("county_a", Role.COUNTY, h.county_a, last_name="李", first_name="科员")
    h.staff_b = builders.user("county_b", Role.COUNTY, h.county_b, last_name="王", first_name="科员")
    h.s_a1 = builders.station(h.a1, actor=h.staff_a, status="operating", on=D(2025, 3, 1))
    h.s_b1 = builders.station(h.b1, actor=h.staff_b, status="operating", on=D(2025, 3, 1))
    return h


def record(station, on):
    return StationStatusChange.objects.get(station=station, effective_on=on)


def correct_url(change):
    return f"/stations/status-changes/{change.pk}/correct/"


def void_url(change):
    return f"/stations/status-changes/{change.pk}/void/"


def dashboard(client, region, at=None):
    return client.get(region.get_absolute_url() + (f"?at={at}" if at else "")).content.decode()


def covered(page) -> str:
    return re.search(r'<div class="value">(\d+ / \d+)</div><div class="label">已覆盖', page).group(1)


def corrections_listed(page) -> str:
    """The dashboard's list of corrections since its date ("" when it shows none)."""
    return page.split('id="status-corrections"')[1].split("</section>")[0] if 'id="status-corrections"' in page else ""


def test_correcting_a_date_changes_the_past_figure_and_the_dashboard_for_that_date_lists_it(client, h):
    client.force_login(h.staff_a)
    assert covered(dashboard(client, h.county_a, "2025-04-30")) == "1 / 3"
    wrong = record(h.s_a1, D(2025, 3, 1))
    assert correct_url(wrong) in client.get(h.s_a1.get_absolute_url()).content.decode()
    form = client.get(correct_url(wrong)).content.decode()
    assert 'value="2025-03-01"' in form and '<option value="operating" selected>运营</option>' in form
    response = client.post(correct_url(wrong), {"status": "operating", "effective_on": "2025-06-01",
                                                "reason": "挂牌运营实为6月1日，见验收纪要"})
    assert response.status_code == 302 and response.url == f"{h.s_a1.get_absolute_url()}#status-history"

    page = dashboard(client, h.county_a, "2025-04-30")
    assert covered(page) == "0 / 3"
    listed = corrections_listed(page)
    assert "大智街道社工站" in listed and "2025年3月1日 运营" in listed and "2025年6月1日 运营" in listed
    assert "李科员" in listed and "挂牌运营实为6月1日，见验收纪要" in listed
    assert date_format(timezone.localdate()) in listed
    page = dashboard(client, h.county_a, "2025-06-30")
    assert covered(page) == "1 / 3"
    assert "2025年6月1日 运营" in corrections_listed(page)  # its old date is on or before the 30th
    assert corrections_listed(dashboard(client, h.county_a)) == ""  # today's figure: nothing corrected since
    # The province sees the same figure and the same correction.
    client.force_login(builders.user("hubei", Role.PROVINCE, h.province))
    page = dashboard(client, h.province, "2025-04-30")
    assert "挂牌运营实为6月1日" in corrections_listed(page) and "1 / 7" in page  # county B's station only

    station_page = client.get(h.s_a1.get_absolute_url()).content.decode()
    section = station_page.split('id="status-corrections"')[1].split("</section>")[0]
    assert "李科员" in section and "挂牌运营实为6月1日，见验收纪要" in section and "2025年3月1日 运营" in section
    # The record's first values stay in its history, the correction names its author and reason.
    history = list(record(h.s_a1, D(2025, 6, 1)).history.order_by("history_id"))
    assert [entry.effective_on for entry in history] == [D(2025, 3, 1), D(2025, 6, 1)]
    assert history[-1].history_user == h.staff_a
    assert history[-1].history_change_reason == "更正：挂牌运营实为6月1日，见验收纪要"
    assert list(CoveragePeriod.objects.filter(station=h.s_a1).values_list("starts_on", "ends_on")) == [
        (D(2025, 6, 1), None)]


def test_voiding_a_wrong_record_keeps_it_flagged_and_audited_and_the_past_figure_follows(client, h):
    change(h.s_a1, "suspended", D(2025, 9, 1), reason="误录为暂停")
    client.force_login(h.staff_a)
    assert covered(dashboard(client, h.county_a, "2025-10-15")) == "0 / 3"
    wrong = record(h.s_a1, D(2025, 9, 1))
    response = client.post(void_url(wrong), {"reason": "该站从未暂停，系误录"})
    assert response.status_code == 302

    response = client.get(f"{h.county_a.get_absolute_url()}?at=2025-10-15")
    page = response.content.decode()
    assert covered(page) == "1 / 3"
    assert [(point.on_date, point.covered) for point in response.context["dashboard"].chart][-2:] == [
        (D(2024, 12, 31), 0), (D(2025, 10, 15), 1)]  # the chart's line too
    assert "2025年9月1日 暂停" in corrections_listed(page) and "作废（不再计入）" in corrections_listed(page)
    assert "该站从未暂停，系误录" in corrections_listed(page)
    station_page = client.get(h.s_a1.get_absolute_url()).content.decode()
    assert "运营" in station_page.split("当前状态</dt><dd>")[1].split("</dd>")[0]
    history_table = station_page.split('id="status-history"')[1].split("</section>")[0]
    assert "<del>暂停</del> <strong>（已作废）</strong>" in history_table
    assert f"李科员 于 {date_format(timezone.localdate())}" in history_table and "作废：该站从未暂停，系误录" in history_table

    wrong.refresh_from_db()
    assert (wrong.voided, wrong.voided_by, wrong.voided_reason) == (True, h.staff_a, "该站从未暂停，系误录")
    last = wrong.history.order_by("history_id").last()
    assert (last.voided, last.history_user, last.status) == (True, h.staff_a, "suspended")
    assert StationStatusChange.objects.filter(station=h.s_a1).count() == 2  # kept, not deleted
    assert list(CoveragePeriod.objects.filter(station=h.s_a1).values_list("starts_on", "ends_on")) == [
        (D(2025, 3, 1), None)]
    # The voided record's date is free again, and the history goes on from the latest record that counts.
    response = client.post(f"/stations/{h.s_a1.pk}/status/", {"status": "suspended", "effective_on": "2025-09-01",
                                                              "reason": "社工离职"})
    assert response.status_code == 302


def test_a_correction_that_would_break_the_history_is_refused(client, h):
    change(h.s_a1, "suspended", D(2025, 9, 1))
    h.s_a2 = builders.station(h.a2, actor=h.staff_a, status="planned", on=D(2025, 3, 1))
    change(h.s_a2, "pilot", D(2025, 4, 1))
    change(h.s_a2, "suspended", D(2025, 5, 1))
    h.s_a3 = builders.station(h.a3, actor=h.staff_a, status="planned", on=D(2025, 3, 1))
    client.force_login(h.staff_a)
    before = list(StationStatusChange.objects.order_by("pk").values_list("status", "effective_on", "voided"))

    page = client.post(correct_url(record(h.s_a1, D(2025, 9, 1))), {
        "status": "planned", "effective_on": "2025-09-01", "reason": "改成筹建"}).content.decode()
    assert ("更正后，2025-03-01 的“运营”之后是 2025-09-01 的“筹建”，不符合站点状态的流转规则："
            "“运营”之后只能变更为暂停、关闭，不能变更为“筹建”。") in page
    page = client.post(correct_url(record(h.s_a1, D(2025, 9, 1))), {
        "status": "suspended", "effective_on": "2025-03-01", "reason": "日期有误"}).content.decode()
    assert "该站点在 2025-03-01 已有另一条状态记录（“运营”），同一天只能有一条。" in page
    page = client.post(void_url(record(h.s_a2, D(2025, 4, 1))), {"reason": "试点未开展"}).content.decode()
    assert "更正后，2025-03-01 的“筹建”之后是 2025-05-01 的“暂停”" in page
    page = client.post(void_url(record(h.s_a1, D(2025, 3, 1))), {"reason": ""}).content.decode()
    assert "这个字段是必填项" in page
    page = client.post(void_url(record(h.s_a3, D(2025, 3, 1))), {"reason": "登记有误"}).content.decode()
    assert "这是该站点唯一有效的状态记录，不能作废；如有错误请更正其状态或日期。" in page
    page = client.post(correct_url(record(h.s_a1, D(2025, 3, 1))), {
        "status": "operating", "effective_on": "2025-03-01", "reason": "无改动"}).content.decode()
    assert "状态和生效日期都没有改动，无需更正。" in page
    assert list(StationStatusChange.objects.order_by("pk").values_list("status", "effective_on", "voided")) == before
    assert not StationStatusCorrection.objects.exists()


def test_city_and_province_officials_correct_within_their_region_station_heads_do_not(client, h):
    head = builders.user("head_a1", Role.STATION_HEAD, h.county_a, station=h.s_a1)
    first = record(h.s_a1, D(2025, 3, 1))
    client.force_login(head)
    assert client.get(h.s_a1.get_absolute_url()).status_code == 200
    assert correct_url(first) not in client.get(h.s_a1.get_absolute_url()).content.decode()
    assert client.post(correct_url(first), {"status": "pilot", "effective_on": "2025-03-01",
                                            "reason": "站长改"}).status_code == 403
    assert client.post(void_url(first), {"reason": "站长改"}).status_code == 403
    client.force_login(builders.user("wuhan", Role.CITY, h.city))
    assert correct_url(first) in client.get(h.s_a1.get_absolute_url()).content.decode()
    assert client.post(correct_url(first), {"status": "pilot", "effective_on": "2025-03-01",
                                            "reason": "市局抽查核实为试点"}).status_code == 302
    client.force_login(builders.user("gansu", Role.PROVINCE, h.other_province))
    assert client.post(correct_url(first), {"status": "operating", "effective_on": "2025-03-01",
                                            "reason": "外省"}).status_code == 404
    assert list(StationStatusCorrection.objects.values_list("reason", flat=True)) == ["市局抽查核实为试点"]
    assert record(h.s_a1, D(2025, 3, 1)).status == "pilot"


def test_county_b_neither_sees_nor_makes_county_as_corrections(client, h):
    client.force_login(h.staff_a)
    assert client.post(correct_url(record(h.s_a1, D(2025, 3, 1))), {
        "status": "operating", "effective_on": "2025-06-01", "reason": "江岸区核实的开站日期"}).status_code == 302
    client.force_login(h.staff_b)
    assert client.post(correct_url(record(h.s_b1, D(2025, 3, 1))), {
        "status": "pilot", "effective_on": "2025-03-01", "reason": "江汉区核实为试点"}).status_code == 302

    page = dashboard(client, h.county_b, "2025-04-30")
    assert "江汉区核实为试点" in corrections_listed(page)
    assert "江岸区核实" not in page and "大智街道" not in page
    a_record = record(h.s_a1, D(2025, 6, 1))
    before = (list(StationStatusChange.objects.filter(station=h.s_a1).values_list("status", "effective_on", "voided")),
              StationStatusCorrection.objects.count())
    assert client.get(correct_url(a_record)).status_code == 404
    assert client.post(correct_url(a_record), {"status": "closed", "effective_on": "2025-06-01",
                                               "reason": "越权"}).status_code == 404
    assert client.post(void_url(a_record), {"reason": "越权"}).status_code == 404
    assert (list(StationStatusChange.objects.filter(station=h.s_a1).values_list("status", "effective_on", "voided")),
            StationStatusCorrection.objects.count()) == before
    # County A in turn sees only its own correction; the city above both sees both.
    client.force_login(h.staff_a)
    listed = corrections_listed(dashboard(client, h.county_a, "2025-04-30"))
    assert "江岸区核实的开站日期" in listed and "江汉区" not in listed
    client.force_login(builders.user("wuhan", Role.CITY, h.city))
    listed = corrections_listed(dashboard(client, h.city, "2025-04-30"))
    assert "江岸区核实的开站日期" in listed and "江汉区核实为试点" in listed
