"""Standards checklists per province and item-by-item acceptance checks."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from stations import metrics, services
from stations.models import AcceptanceItemResult, StandardChecklist
from tests import builders

D = datetime.date


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    h.root = builders.superuser()
    h.checklists = {c.province.code[:2]: c for c in services.standard_checklists_seed(actor=h.root)}
    h.s_a1 = builders.station(h.a1, status="operating", on=D(2022, 1, 1), site_area_m2=Decimal("50"))
    h.s_a2 = builders.station(h.a2, status="operating", on=D(2022, 1, 1), site_area_m2=Decimal("30"))
    return h


def test_documented_checklists_are_seeded_for_existing_provinces(h):
    assert [i.title for i in h.checklists["42"].items.all()] == ["有场地", "有人员", "有功能", "有制度", "有活动"]
    assert h.checklists["62"].name == "六有" and h.checklists["62"].items.count() == 6
    # Idempotent; the third one goes to whichever province it is assigned.
    call_command("seed_standards", "--assign", "liuyou_wuyao=62", stdout=__import__("io").StringIO())
    assert StandardChecklist.objects.filter(province=h.province).count() == 1
    third = StandardChecklist.objects.get(province=h.other_province, name="六有、五要")
    assert third.items.count() == 11 and third.items.filter(title="财务管理要规范").exists()


def test_area_is_checked_from_data_and_staff_ticked_by_hand_when_no_data(h):
    ticks = {item.pk: True for item in h.checklists["42"].items.all()}
    passed = services.station_check_standard(actor=h.root, station=h.s_a1, checklist=h.checklists["42"],
                                             checked_on=D(2023, 3, 1), ticks=ticks)
    failed = services.station_check_standard(actor=h.root, station=h.s_a2, checklist=h.checklists["42"],
                                             checked_on=D(2023, 3, 1), ticks=ticks)
    assert passed.passed is True and failed.passed is False  # 30 m² < 40 m², whatever the tick says
    site = AcceptanceItemResult.objects.get(acceptance=failed, item__title="有场地")
    assert (site.met, site.source, site.measured) == (False, "data", Decimal("30"))
    staff = AcceptanceItemResult.objects.get(acceptance=passed, item__title="有人员")
    assert (staff.met, staff.source, staff.measured) == (True, "manual", None)


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
    client.force_login(builders.county_user(h))
    page = client.get(f"/stations/{h.s_a1.pk}/acceptance/").content.decode()
    assert "按系统数据" in page and "50" in page
    data = {"checked_on": "2023-03-01", "notes": "现场核查"}
    for item in h.checklists["42"].items.filter(metric=""):
        data[f"item_{item.pk}"] = "on"
    data[f"item_{h.checklists['42'].items.get(title='有人员').pk}"] = "on"
    response = client.post(f"/stations/{h.s_a1.pk}/acceptance/", data)
    assert response.status_code == 302
    assert h.s_a1.acceptances.get().passed is True
    listed = client.get("/stations/?meets_standard=yes").context["stations"]
    assert [s.pk for s in listed] == [h.s_a1.pk]
    detail = client.get(f"/stations/{h.s_a1.pk}/").content.decode()
    assert "五有" in detail and "系统数据" in detail
