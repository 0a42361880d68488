"""A station's status history only moves forward, under one rule for the status page, the admin,
the Excel import and the service: a new record is dated after the latest one and is a step the
lifecycle allows (a reopening needs a reason), or it is refused with a message naming the latest
record. A refused change leaves the status and the coverage figures as they were."""

import datetime
import re
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from stations import services
from stations.models import Role, Station, StationStatusChange
from stations.roles import ensure_role_groups
from tests import builders
from tests.admin_forms import form_data

D = datetime.date
LATEST = "该站点最近一条状态记录是 2025-11-01 的“筹建”"
IMPORT_HEADER = ["站点编号", "区划代码", "类型", "站点名称", "地址", "场地面积（平方米）", "合署场所", "挂牌日期", "联系人", "联系电话",
                 "状态", "状态日期"]


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    h.staff = builders.user("county_a", Role.COUNTY, h.county_a, last_name="李", first_name="科员")
    # Registered on 2025-11-01 as planned: the scenario where a back-dated "operating" slipped in.
    h.station = builders.station(h.a1, actor=h.staff, status="planned", on=D(2025, 11, 1))
    return h


def covered(client, h, at) -> str:
    """The county dashboard's "covered / townships" figure on a date, as the county sees it."""
    page = client.get(f"{h.county_a.get_absolute_url()}?at={at}").content.decode()
    return re.search(r'<div class="value">(\d+ / \d+)</div><div class="label">已覆盖', page).group(1)


def status_shown(client, station) -> str:
    page = client.get(station.get_absolute_url()).content.decode()
    return page.split("当前状态</dt><dd>")[1].split("</dd>")[0]


def records(station):
    return list(StationStatusChange.objects.filter(station=station).values_list("effective_on", "status"))


def test_the_status_page_refuses_a_back_dated_change_and_the_past_coverage_stays(client, h):
    client.force_login(h.staff)
    assert covered(client, h, "2025-10-15") == "0 / 3"
    response = client.post(f"/stations/{h.station.pk}/status/", {"status": "operating", "effective_on": "2025-10-01",
                                                                 "reason": "补登运营"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "状态已变更" not in page
    assert f"状态变更只能按时间先后登记。{LATEST}，新的生效日期须晚于 2025-11-01" in page
    assert "筹建" in status_shown(client, h.station)
    assert covered(client, h, "2025-10-15") == "0 / 3"
    assert records(h.station) == [(D(2025, 11, 1), "planned")]
    # Dated after the latest record, the same change is taken.
    response = client.post(f"/stations/{h.station.pk}/status/", {"status": "operating", "effective_on": "2025-12-01",
                                                                 "reason": "挂牌运营"})
    assert response.status_code == 302
    assert "运营" in status_shown(client, h.station)
    assert (covered(client, h, "2025-11-15"), covered(client, h, "2025-12-15")) == ("0 / 3", "1 / 3")


def test_the_status_page_names_the_latest_record_and_the_statuses_that_may_follow(client, h):
    client.force_login(h.staff)
    page = client.get(f"/stations/{h.station.pk}/status/").content.decode()
    assert "最近一条状态记录：2025年11月1日 筹建。新的生效日期须晚于 2025年11月1日，可变更为：试点、运营、关闭。" in page


def test_the_service_refuses_a_back_dated_change_and_a_second_one_on_the_latest_date(h):
    with pytest.raises(ValidationError) as refused:
        services.station_change_status(actor=h.staff, station=h.station, status="operating",
                                       effective_on=D(2025, 10, 1), reason="补登")
    assert LATEST in refused.value.message_dict["effective_on"][0]
    with pytest.raises(ValidationError) as refused:
        services.station_change_status(actor=h.staff, station=h.station, status="operating",
                                       effective_on=D(2025, 11, 1), reason="补登")
    assert refused.value.message_dict["effective_on"][0].startswith(f"该站点在 2025-11-01 已有一次状态变更。{LATEST}")
    assert Station.objects.covering_at(D(2025, 11, 15)).count() == 0
    assert records(h.station) == [(D(2025, 11, 1), "planned")]


@pytest.mark.parametrize(("history", "status", "refusal"), [
    ([], "suspended", "“筹建”之后只能变更为试点、运营、关闭，不能变更为“暂停”。"),
    ([("operating", D(2025, 11, 10))], "planned", "“运营”之后只能变更为暂停、关闭，不能变更为“筹建”。"),
    ([("operating", D(2025, 11, 10))], "operating", "“运营”之后只能变更为暂停、关闭，不能变更为“运营”。"),
    ([("closed", D(2025, 11, 10))], "suspended", "“关闭”之后只能变更为运营，不能变更为“暂停”。"),
])
def test_a_step_the_lifecycle_does_not_allow_is_refused_naming_the_latest_record(client, h, history, status, refusal):
    for earlier, on in history:
        services.station_change_status(actor=h.staff, station=h.station, status=earlier, effective_on=on, reason="x")
    latest_status, latest_on = ("筹建", "2025-11-01") if not history else (
        {"operating": "运营", "closed": "关闭"}[history[-1][0]], history[-1][1].isoformat())
    before = records(h.station)
    client.force_login(h.staff)
    response = client.post(f"/stations/{h.station.pk}/status/", {"status": status, "effective_on": "2025-11-20",
                                                                 "reason": "变更"})
    assert response.status_code == 200
    assert f"该站点最近一条状态记录是 {latest_on} 的“{latest_status}”。{refusal}" in response.content.decode()
    assert records(h.station) == before


def test_a_reopening_needs_a_reason(client, h):
    services.station_change_status(actor=h.staff, station=h.station, status="closed", effective_on=D(2025, 11, 10),
                                   reason="撤并")
    with pytest.raises(ValidationError) as refused:
        services.station_change_status(actor=h.staff, station=h.station, status="operating",
                                       effective_on=D(2025, 11, 20))
    assert "关闭的站点重新开放（变更为“运营”）须填写原因。" in refused.value.message_dict["reason"][0]
    assert Station.objects.covering_at(D(2025, 11, 25)).count() == 0
    services.station_change_status(actor=h.staff, station=h.station, status="operating", effective_on=D(2025, 11, 20),
                                   reason="乡镇恢复设站")
    client.force_login(h.staff)
    assert covered(client, h, "2025-11-25") == "1 / 3"


@pytest.fixture
def official(h):
    official = builders.user("hubei", Role.PROVINCE, h.province, is_staff=True)
    official.groups.add(ensure_role_groups()[Role.PROVINCE])
    return official


@pytest.mark.parametrize(("on", "message"), [
    ("2025-10-01", f"状态变更只能按时间先后登记。{LATEST}"),
    ("2025-11-01", f"该站点在 2025-11-01 已有一次状态变更。{LATEST}"),
])
def test_the_admin_answers_a_back_dated_or_same_day_change_with_a_form_error(client, h, official, on, message):
    client.force_login(official)
    url = f"/admin/stations/station/{h.station.pk}/change/"
    data = form_data(client.get(url))
    data.update(name="改过名的站", new_status="operating", status_effective_on=on, status_reason="补登")
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in errors["status_effective_on"][0]
    assert Station.objects.get(pk=h.station.pk).name == h.station.name
    assert records(h.station) == [(D(2025, 11, 1), "planned")]


def test_the_admin_refuses_a_step_the_lifecycle_does_not_allow(client, h, official):
    client.force_login(official)
    url = f"/admin/stations/station/{h.station.pk}/change/"
    data = form_data(client.get(url))
    data.update(new_status="suspended", status_effective_on="2025-11-20", status_reason="暂停")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "“筹建”之后只能变更为试点、运营、关闭，不能变更为“暂停”。" in response.context["adminform"].form.errors[
        "new_status"][0]
    assert records(h.station) == [(D(2025, 11, 1), "planned")]


def xlsx(*rows):
    book = Workbook()
    for row in [IMPORT_HEADER, *rows]:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("社工站.xlsx", buffer.getvalue())


def import_row(h, status, on):
    return [h.station.pk, h.a1.code, "乡镇（街道）社工站", h.station.name, "", "", "", "", "", "", status, on]


@pytest.mark.parametrize(("status", "on", "message"), [
    ("运营", "2025-10-01", f"状态日期：状态变更只能按时间先后登记。{LATEST}"),
    ("暂停", "2025-11-20", f"状态：{LATEST}。“筹建”之后只能变更为试点、运营、关闭，不能变更为“暂停”。"),
])
def test_the_import_refuses_a_back_dated_change_or_a_disallowed_step_by_row(client, h, settings, tmp_path, status, on,
                                                                             message):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(h.staff)
    response = client.post("/stations/import/", {"file": xlsx(import_row(h, status, on))})
    page = response.content.decode()
    assert "第 2 行" in page and message in page
    assert response.context["token"] is None  # nothing to confirm
    assert records(h.station) == [(D(2025, 11, 1), "planned")]


def test_the_import_refuses_a_reopening_which_needs_a_reason(client, h, settings, tmp_path):
    services.station_change_status(actor=h.staff, station=h.station, status="closed", effective_on=D(2025, 11, 10),
                                   reason="撤并")
    settings.MEDIA_ROOT = tmp_path
    client.force_login(h.staff)
    page = client.post("/stations/import/", {"file": xlsx(import_row(h, "运营", "2025-11-20"))}).content.decode()
    assert "关闭的站点重新开放（变更为“运营”）须填写原因。导入文件不能填写原因，请在站点页面上变更状态。" in page
    assert Station.objects.covering_at(D(2025, 11, 25)).count() == 0
