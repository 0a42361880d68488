import re

import pytest
from playwright.sync_api import Page, expect

from stations.models import Role
from tests import builders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_county_staff_logs_in_and_sees_the_chinese_home_page(page: Page, live_server):
    h = builders.build_hierarchy()
    builders.station(h.a1)
    builders.user("jiangan", Role.COUNTY, h.county_a, last_name="张", first_name="县局")

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("用户名").fill("jiangan")
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.locator(".region-path")).to_contain_text("湖北省 › 武汉市 › 江岸区")
    expect(page.get_by_text("县级民政部门")).to_be_visible()
    expect(page.get_by_role("link", name="社工站", exact=True)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
