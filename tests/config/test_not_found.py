"""The browser's /favicon.ico is the product's icon, and a mistyped address shows the product's
own Chinese page, also in the demo (``DEBUG`` on), while a missing trailing slash still redirects."""

import pytest
from django.urls import reverse

from tests import builders

pytestmark = pytest.mark.django_db


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an icon file


@pytest.mark.parametrize("debug", [True, False], ids=["demo", "production"])
def test_a_mistyped_address_shows_the_products_chinese_page(client, settings, debug):
    settings.DEBUG = debug
    client.force_login(builders.superuser())
    response = client.get("/stations/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "返回工作台" in page
    assert "Page not found" not in page and "URLconf" not in page


def test_a_record_the_user_may_not_see_shows_the_same_page_in_the_demo(client, settings, hierarchy):
    settings.DEBUG = True
    station_b = builders.station(hierarchy.b1)
    client.force_login(builders.county_user(hierarchy))
    response = client.get(station_b.get_absolute_url())
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
    assert "No Station matches" not in response.content.decode()


def test_a_missing_trailing_slash_still_redirects_in_the_demo(client, settings):
    settings.DEBUG = True
    client.force_login(builders.superuser())
    response = client.get(reverse("stations:station-list").rstrip("/"))
    assert response.status_code == 301 and response["Location"] == reverse("stations:station-list")
