"""Registering in Chromium: a provincial official finds a township by typing part of its name, and
places a village social-work room in a village whose county's villages load on demand; the page's
script runs under the content-security policy."""

import pytest
from playwright.sync_api import Page, expect

from stations.models import Region, RegionLevel, Role, Station
from tests import builders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_room_is_placed_in_a_village_found_through_its_township(page: Page, live_server):
    h = builders.build_hierarchy()
    builders.station(h.a1)
    builders.user("hubei", Role.PROVINCE, h.province)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and not msg.location.get(
        "url", "").endswith("/favicon.ico") else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("hubei")
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()

    page.goto(f"{live_server.url}/stations/new/")
    expect(page.get_by_label("村（社区）")).to_be_hidden()  # a township station needs no village
    page.get_by_label("县（市、区）").select_option(label="江岸区")
    township = page.get_by_label("乡镇（街道）", exact=True)
    expect(township.locator("option")).to_have_text(["——请选择——", "大智街道（已有社工站）", "一元街道", "谌家矶镇"])

    page.get_by_label("类型").select_option(label="村（社区）社工室")
    search = page.get_by_label("按名称查找乡镇（街道）")
    search.fill("鸣凤")
    expect(page.locator("#township-search-list option")).to_have_count(1)
    search.fill("鸣凤镇（远安县）")
    expect(page.get_by_label("县（市、区）")).to_have_value(h.county_c.code)
    expect(township).to_have_value(h.c1.code)
    village = page.get_by_label("村（社区）")
    expect(village.locator("option")).to_have_count(15)  # 鸣凤镇's 14, loaded now, and the blank
    village.select_option(label="凤山社区居民委员会")
    page.get_by_label("站点名称").fill("凤山社区社工室")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("heading", name="凤山社区社工室")).to_be_visible()
    room = Station.objects.get(name="凤山社区社工室")
    assert room.region.name == "凤山社区居民委员会" and room.region.parent == h.c1
    assert Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith="420102").count() == 0
    assert errors == []
