"""Standards checklists per province and item-by-item acceptance checks."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from stations import metrics, services
from stations.models import AcceptanceItemResult, ItemMetric
from tests import builders
from tests.stations import policy_builders as pb
from tests.workforce import builders as wb
from workforce.models import EmploymentRole

D = datetime.date


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    h.root = builders.superuser()
    h.checklists = {
        "42": pb.checklist(h.province, [
            ("有场地", "办公和服务场所面积达标。", ItemMetric.SITE_AREA, 40),
            ("有人员", "站长和驻站社工配齐。", ItemMetric.STAFF_TOTAL, 3),
            "有功能", "有制度", "有活动"], name="五有", quote="有场地、有人员、有功能、有制度、有活动"),
        "62": pb.checklist(h.other_province, ["有场地", "有设备", "有人员", "有服务功能", "有工作流程", "有规章制度"],
                           name="六有"),
    }
    h.s_a1 = builders.station(h.a1, status="operating", on=D(2022, 1, 1), site_area_m2=Decimal("50"))
    h.s_a2 = builders.station(h.a2, status="operating", on=D(2022, 1, 1), site_area_m2=Decimal("30"))
    return h


def test_no_checklist_is_built_in(hierarchy):
    """Without a policy document setting one, a province has no checklist and nothing is checked."""
    station = builders.station(hierarchy.a1)
    assert services.station_checklist(station, D(2023, 3, 1)) is None
    assert not hasattr(services, "standard_checklists_seed")


def _roster(station, heads=0, residents=0):
    for n in range(heads):
        wb.person(station=station, role=EmploymentRole.STATION_HEAD, name=f"站长{n}", start_on=D(2022, 1, 1))
    for n in range(residents):
        wb.person(station=station, role=EmploymentRole.RESIDENT, name=f"社工{n}", start_on=D(2022, 1, 1))


def test_area_and_staff_are_checked_from_data_and_a_tick_cannot_stand_in_for_it(h):
    _roster(h.s_a1, heads=1, residents=2)
    ticks = {item.pk: True for item in h.checklists["42"].items.all()}
    passed = services.station_check_standard(actor=h.root, station=h.s_a1, checklist=h.checklists["42"],
                                             checked_on=D(2023, 3, 1), ticks=ticks)
    failed = services.station_check_standard(actor=h.root, station=h.s_a2, checklist=h.checklists["42"],
                                             checked_on=D(2023, 3, 1), ticks=ticks)
    assert passed.passed is True and failed.passed is False  # 30 m² < 40 m², whatever the tick says
    site = AcceptanceItemResult.objects.get(acceptance=failed, item__title="有场地")
    assert (site.met, site.source, site.measured) == (False, "data", Decimal("30"))
    staff = AcceptanceItemResult.objects.get(acceptance=passed, item__title="有人员")
    assert (staff.met, staff.source, staff.measured) == (True, "data", Decimal(3))
    # No roster entered at a2: the staff item is not met, ticked or not.
    staff = AcceptanceItemResult.objects.get(acceptance=failed, item__title="有人员")
    assert (staff.met, staff.source, staff.measured) == (False, "data", None)


def test_no_recorded_area_fails_the_area_item(h):
    bare = builders.station(h.a3, status="operating", on=D(2022, 1, 1))
    _roster(bare, heads=1, residents=2)
    checks = {c.item.title: c for c in services.checklist_preview(station=bare, checklist=h.checklists["42"],
                                                                  on_date=D(2023, 3, 1))}
    assert (checks["有场地"].met, checks["有场地"].from_data, checks["有场地"].missing) == (False, True, "站点未登记场地面积")
    acceptance = services.station_check_standard(actor=h.root, station=bare, checklist=h.checklists["42"],
                                                 checked_on=D(2023, 3, 1),
                                                 ticks={item.pk: True for item in h.checklists["42"].items.all()})
    assert not acceptance.passed
    assert acceptance.item_results.get(item__title="有场地").met is False


def test_three_social_workers_and_no_head_fail_where_the_checklist_needs_a_head(h):
    heads = pb.checklist(h.province, [("有人员", "配备站长。", ItemMetric.STATION_HEADS, 1)], name="站长",
                         doc=pb.document(h.province, title="湖北省社工站人员标准", effective_from=D(2023, 1, 1)))
    _roster(h.s_a1, residents=3)
    [check] = services.checklist_preview(station=h.s_a1, checklist=heads, on_date=D(2023, 3, 1))
    assert (check.measured, check.met) == (0, False)
    _roster(h.s_a2, heads=1, residents=3)
    [check] = services.checklist_preview(station=h.s_a2, checklist=heads, on_date=D(2023, 3, 1))
    assert (check.measured, check.met) == (1, True)


def test_a_head_count_of_any_role_does_not_meet_the_documents_staffing_by_role(client, h):
    """"有人员" read as at least 3 staff: 3 social workers reach the count, but the province's
    document asks for a station head, so the item is not met and the page says what is missing."""
    pb.rule(pb.document_for(h.province), "staffing.min_station_heads", 1, clause="第六条", quote="每站配备站长1名")
    _roster(h.s_a1, residents=3)
    ticks = {item.pk: True for item in h.checklists["42"].items.all()}
    acceptance = services.station_check_standard(actor=h.root, station=h.s_a1, checklist=h.checklists["42"],
                                                 checked_on=D(2023, 3, 1), ticks=ticks)
    staff = acceptance.item_results.get(item__title="有人员")
    assert (staff.met, staff.source, staff.measured) == (False, "data", Decimal(3)) and not acceptance.passed
    client.force_login(builders.county_user(h))
    page = client.get(f"/stations/{h.s_a1.pk}/acceptance/", {"checked_on": "2023-03-01"}).content.decode()
    assert "按岗位核对人员名册：站长缺 1 名" in page
    assert "依据：《湖北省社工站建设文件》第六条「每站配备站长1名」" in page
    _roster(h.s_a1, heads=1)
    again = services.station_check_standard(actor=h.root, station=h.s_a1, checklist=h.checklists["42"],
                                            checked_on=D(2023, 3, 2), ticks=ticks)
    assert again.item_results.get(item__title="有人员").met is True and again.passed


def test_the_page_says_why_an_item_without_data_is_not_met(client, h):
    client.force_login(builders.county_user(h))
    page = client.get(f"/stations/{h.s_a2.pk}/acceptance/", {"checked_on": "2023-03-01"}).content.decode()
    assert "未达到（数据缺失）" in page
    assert "站点尚未登记人员名册，无法按“工作人员总数”核验（最低 3.00）；此项须有系统数据，不能人工勾选。" in page
    checks = services.checklist_preview(station=h.s_a2, checklist=h.checklists["42"], on_date=D(2023, 3, 1))
    staff = next(c for c in checks if c.item.title == "有人员")
    assert f'name="item_{staff.item.pk}"' not in page  # no tick box for it


def test_staff_minimum_uses_the_workforce_figure_when_registered(h, monkeypatch):
    monkeypatch.setitem(metrics._REGISTRY, "staff_total",
                        metrics.StationMetric("staff_total", "工作人员", lambda station, on_date: 2))
    ticks = {item.pk: True for item in h.checklists["42"].items.all()}
    acceptance = services.station_check_standard(actor=h.root, station=h.s_a1, checklist=h.checklists["42"],
                                                 checked_on=D(2023, 3, 1), ticks=ticks)
    staff = acceptance.item_results.get(item__title="有人员")
    assert (staff.met, staff.source, staff.measured) == (False, "data", Decimal(2)) and not acceptance.passed


def test_unticked_manual_item_fails_the_check(h):
    acceptance = services.station_check_standard(actor=h.root, station=h.s_a1, checklist=h.checklists["42"],
                                                 checked_on=D(2023, 3, 1), ticks={})
    assert not acceptance.passed and acceptance.item_results.filter(met=False).count() == 4


def test_another_provinces_checklist_is_refused(h):
    with pytest.raises(ValidationError):
        services.station_check_standard(actor=h.root, station=h.s_a1, checklist=h.checklists["62"],
                                        checked_on=D(2023, 3, 1), ticks={})


def test_acceptance_screen_records_and_feeds_the_meets_standard_filter(client, h):
    _roster(h.s_a1, heads=1, residents=2)
    client.force_login(builders.county_user(h))
    page = client.get(f"/stations/{h.s_a1.pk}/acceptance/").content.decode()
    assert "按系统数据" in page and "50" in page
    assert "依据：《湖北省社工站建设文件》「有场地、有人员、有功能、有制度、有活动」" in page
    data = {"checked_on": "2023-03-01", "notes": "现场核查", "checklist": h.checklists["42"].pk}
    for item in h.checklists["42"].items.filter(metric=""):
        data[f"item_{item.pk}"] = "on"
    response = client.post(f"/stations/{h.s_a1.pk}/acceptance/", data)
    assert response.status_code == 302
    assert h.s_a1.acceptances.get().passed is True
    listed = client.get("/stations/?meets_standard=yes").content.decode()
    assert re.findall(r'<tr><td><a href="/stations/(\d+)/">', listed) == [str(h.s_a1.pk)]
    detail = client.get(f"/stations/{h.s_a1.pk}/").content.decode()
    assert "五有" in detail and "系统数据" in detail
    assert "依据：《湖北省社工站建设文件》「有场地、有人员、有功能、有制度、有活动」" in detail


@pytest.fixture
def newer(h):
    """A Hubei document effective 2024-01-01 with a standard of its own (site area at least 60)."""
    document = pb.document(h.province, title="湖北省社工站建设标准（修订）", number="鄂民发〔2023〕9号",
                           effective_from=D(2024, 1, 1))
    return pb.checklist(h.province, [("有场地", "", ItemMetric.SITE_AREA, 60), "有人员"], doc=document,
                        name="新五有", clause="第三条")


def test_the_check_uses_the_checklist_in_force_on_the_check_date(h, newer):
    assert services.station_checklist(h.s_a1, D(2023, 12, 31)) == h.checklists["42"]
    assert services.station_checklist(h.s_a1, D(2024, 1, 1)) == newer
    ticks = {item.pk: True for item in newer.items.all()}
    later = services.station_check_standard(actor=h.root, station=h.s_a1, checklist=newer, checked_on=D(2024, 3, 1),
                                            ticks=ticks)
    assert not later.passed  # 50 m² < 60 m² under the newer standard
    with pytest.raises(ValidationError, match="不是 2023-03-01 适用的建设标准"):
        services.station_check_standard(actor=h.root, station=h.s_a1, checklist=newer, checked_on=D(2023, 3, 1),
                                        ticks=ticks)
    with pytest.raises(ValidationError, match="不是 2024-03-01 适用的建设标准"):
        services.station_check_standard(actor=h.root, station=h.s_a1, checklist=h.checklists["42"],
                                        checked_on=D(2024, 3, 1), ticks={})


def test_the_acceptance_page_shows_the_standard_of_the_date_and_refuses_ticks_of_another(client, h, newer):
    client.force_login(builders.county_user(h))
    url = f"/stations/{h.s_a1.pk}/acceptance/"
    old_page = client.get(url, {"checked_on": "2023-03-01"}).content.decode()
    assert "2023年3月1日 适用的建设标准：湖北省“五有”" in old_page and "有活动" in old_page
    new_page = client.get(url, {"checked_on": "2024-03-01"}).content.decode()
    assert "2024年3月1日 适用的建设标准：湖北省“新五有”" in new_page
    assert "依据：《湖北省社工站建设标准（修订）》（鄂民发〔2023〕9号）第三条" in new_page and "有活动" not in new_page
    # Ticked on the 2023 page, then the date changed to 2024 before sending: nothing is recorded.
    data = {"checked_on": "2024-03-01", "checklist": h.checklists["42"].pk,
            **{f"item_{item.pk}": "on" for item in h.checklists["42"].items.all()}}
    response = client.post(url, data)
    assert response.status_code == 200 and not h.s_a1.acceptances.exists()
    assert "2024-03-01 适用的建设标准是“新五有”" in response.content.decode()


def test_without_a_standard_in_force_the_page_says_so(client, h):
    client.force_login(builders.county_user(h))
    page = client.get(f"/stations/{h.s_a1.pk}/acceptance/", {"checked_on": "2019-06-01"}).content.decode()
    assert "2019年6月1日 本省没有施行中的建设标准（本地政策未规定）" in page
