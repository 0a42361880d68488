"""Admin for targets, coverage settings, standards and stations: scoped, searchable, filterable by region."""

import datetime

import pytest

from stations import services
from stations.models import CoverageSetting, Role, Station, Target
from stations.roles import ensure_role_groups
from tests import builders
from tests.stations import policy_builders
from tests.stations.coverage_builders import target

D = datetime.date


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    groups = ensure_role_groups()
    h.official = builders.user("hubei", Role.PROVINCE, h.province, is_staff=True)
    h.official.groups.add(groups[Role.PROVINCE])
    h.gansu = builders.user("gansu", Role.PROVINCE, h.other_province, is_staff=True)
    h.gansu.groups.add(groups[Role.PROVINCE])
    target(h.province, 70, D(2023, 12, 31))
    target(h.other_province, 60, D(2023, 12, 31))
    target(h.county_a, 80, D(2023, 12, 31))
    policy_builders.checklist(h.province, ["有场地", "有人员", "有功能", "有制度", "有活动"], name="五有")
    policy_builders.checklist(h.other_province, ["有场地", "有设备", "有人员", "有服务功能", "有工作流程", "有规章制度"],
                              name="六有")
    h.s_a1 = builders.station(h.a1)
    h.s_g1 = builders.station(h.g1)
    return h


def test_target_changelist_is_scoped_and_filterable_by_region(client, h):
    client.force_login(h.official)
    response = client.get("/admin/stations/target/")
    assert response.status_code == 200
    shown = {t.region.code for t in response.context["cl"].result_list}
    assert shown == {h.province.code, h.county_a.code}
    response = client.get(f"/admin/stations/target/?region_prefix={h.city.prefix}")
    assert [t.region.code for t in response.context["cl"].result_list] == [h.county_a.code]
    gansu_target = Target.objects.get(region=h.other_province)
    assert client.get(f"/admin/stations/target/{gansu_target.pk}/change/").status_code == 302  # not found → index


def test_official_adds_a_target_with_history_and_cannot_target_another_province(client, h):
    client.force_login(h.official)
    county_b_document = policy_builders.document(h.county_b, title="江汉区社工站建设方案")
    data = {"region": h.county_b.pk, "metric": "township_coverage_pct", "due_on": "2025-12-31", "value": "90",
            "unit": "percent", "document": county_b_document.pk, "clause": "第二条", "quote": "全覆盖"}
    assert client.post("/admin/stations/target/add/", data).status_code == 302
    created = Target.objects.get(region=h.county_b)
    assert created.history.first().history_user == h.official
    assert created.history.first().history_change_reason == "《江汉区社工站建设方案》"  # the document is the reason
    assert created.citation == "依据：《江汉区社工站建设方案》第二条「全覆盖」"
    gansu_document = policy_builders.document(h.gansu_county)
    data.update(region=h.gansu_county.pk, due_on="2026-12-31", document=gansu_document.pk)
    response = client.post("/admin/stations/target/add/", data)
    assert response.status_code == 200 and not Target.objects.filter(region=h.gansu_county).exists()
    data.update(region=h.county_b.pk, document=county_b_document.pk, value="120", due_on="2027-12-31")
    assert "百分比目标不能超过100" in client.post("/admin/stations/target/add/", data).content.decode()


def test_coverage_setting_for_own_province_only(client, h):
    client.force_login(h.official)
    assert client.post("/admin/stations/coveragesetting/add/", {"province": h.other_province.pk,
                                                                "include_other_township": "on"}).status_code == 200
    assert client.post("/admin/stations/coveragesetting/add/", {"province": h.province.pk,
                                                                "include_other_township": "on"}).status_code == 302
    assert CoverageSetting.objects.get().province == h.province


def test_checklists_are_scoped_by_province(client, h):
    client.force_login(h.gansu)
    response = client.get("/admin/stations/standardchecklist/")
    assert [str(c.name) for c in response.context["cl"].result_list] == ["六有"]
    response = client.get("/admin/stations/standardchecklist/?q=有活动")
    assert list(response.context["cl"].result_list) == []


def test_station_admin_changes_status_with_date_and_reason(client, h):
    client.force_login(h.official)
    response = client.get("/admin/stations/station/")
    assert [s.pk for s in response.context["cl"].result_list] == [h.s_a1.pk]
    data = {"region": h.a1.pk, "name": h.s_a1.name, "kind": "station", "address": "", "site_area_m2": "",
            "co_location": "", "opened_on": "", "contact_name": "", "contact_phone": "",
            "new_status": "suspended", "status_effective_on": "2024-02-01", "status_reason": "人员空缺",
            "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "1",
            "status_changes-MIN_NUM_FORMS": "0", "status_changes-MAX_NUM_FORMS": "1000"}
    response = client.post(f"/admin/stations/station/{h.s_a1.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Station.objects.get(pk=h.s_a1.pk).status_on(D(2024, 2, 1)) == "suspended"
    assert client.get(f"/admin/stations/station/{h.s_g1.pk}/change/").status_code == 302


def test_station_admin_filters_by_status_today_and_meets_standard(client, h):
    services.station_change_status(actor=builders.superuser(), station=h.s_a1, status="closed",
                                   effective_on=D(2024, 1, 1), reason="撤并")
    builders.station(h.a2)
    client.force_login(h.official)
    closed = client.get("/admin/stations/station/?status_today=closed").context["cl"].result_list
    assert [s.pk for s in closed] == [h.s_a1.pk]
    assert list(client.get("/admin/stations/station/?meets_standard=yes").context["cl"].result_list) == []
    assert len(client.get("/admin/stations/station/?meets_standard=no").context["cl"].result_list) == 2


def test_a_status_change_on_a_date_that_has_one_is_a_form_error_and_nothing_is_written(client, h):
    services.station_change_status(actor=builders.superuser(), station=h.s_a1, status="suspended",
                                   effective_on=D(2024, 2, 1), reason="人员空缺")
    client.force_login(h.official)
    histories = Station.history.count(), h.s_a1.status_changes.count()
    data = {"region": h.a1.pk, "name": "改过名的站", "kind": "station", "address": "", "site_area_m2": "",
            "co_location": "", "opened_on": "", "contact_name": "", "contact_phone": "",
            "new_status": "operating", "status_effective_on": "2024-02-01", "status_reason": "恢复",
            "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "2",
            "status_changes-MIN_NUM_FORMS": "0", "status_changes-MAX_NUM_FORMS": "1000"}
    response = client.post(f"/admin/stations/station/{h.s_a1.pk}/change/", data)
    assert response.status_code == 200
    assert "该站点在 2024-02-01 已有一次状态变更" in response.content.decode()
    assert "status_effective_on" in response.context["adminform"].form.errors
    assert Station.objects.get(pk=h.s_a1.pk).name == h.s_a1.name
    assert (Station.history.count(), h.s_a1.status_changes.count()) == histories
