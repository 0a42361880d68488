"""Importing stations from Excel: natural key township code + kind, preview, all or nothing."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from stations.models import Station, StationStatusChange
from tests import builders

URL = "/stations/import/"
HEADER = ["区划代码", "类型", "站点名称", "地址", "场地面积（平方米）", "合署场所", "挂牌日期", "联系人", "联系电话",
          "状态", "状态日期"]


def xlsx(rows):
    book = Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("社工站.xlsx", buffer.getvalue())


GOOD = [
    ["420102002", "乡镇（街道）社工站", "大智街道社工站", "大智路1号", 60, "党群服务中心", "2022-03-01", "王", "", "运营",
     "2022-03-01"],
    ["420102003000", "", "一元街道社工站", "", "45.5", "", datetime.date(2023, 5, 1), "", "", "试点", ""],
]


@pytest.fixture
def county_client(client, hierarchy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(builders.county_user(hierarchy))
    return client


def preview_then_confirm(client, upload):
    preview = client.post(URL, {"file": upload})
    token = preview.context["token"]
    return preview, (client.post(URL, {"token": token}) if token else None)


def test_import_creates_stations_with_status_and_reimport_creates_nothing(county_client, hierarchy):
    preview, confirmed = preview_then_confirm(county_client, xlsx(GOOD))
    assert "新增 <strong>2</strong>" in preview.content.decode()
    assert confirmed.status_code == 302
    dazhi = Station.objects.get(region=hierarchy.a1)
    assert dazhi.status_on(datetime.date(2022, 3, 1)) == "operating" and dazhi.site_area_m2 == 60
    yiyuan = Station.objects.get(region=hierarchy.a2)
    assert yiyuan.status_on(datetime.date(2023, 5, 1)) == "pilot" and str(yiyuan.site_area_m2) == "45.50"
    assert dazhi.history.first().history_user.username == "county_a"
    counts = (Station.objects.count(), StationStatusChange.objects.count())

    again, confirmed = preview_then_confirm(county_client, xlsx(GOOD))
    assert "未变 <strong>2</strong>" in again.content.decode()
    assert (Station.objects.count(), StationStatusChange.objects.count()) == counts


def test_a_changed_row_updates_by_natural_key(county_client, hierarchy):
    preview_then_confirm(county_client, xlsx(GOOD))
    changed = [list(GOOD[0]), GOOD[1]]
    changed[0][4] = 80
    preview, _confirmed = preview_then_confirm(county_client, xlsx(changed))
    assert "更新 <strong>1</strong>" in preview.content.decode()
    assert Station.objects.get(region=hierarchy.a1).site_area_m2 == 80 and Station.objects.count() == 2


@pytest.mark.parametrize(("bad_row", "message"), [
    (["420102999", "", "无此街道社工站", "", 10, "", "", "", "", "运营", ""], "找不到区划“420102999000”"),
    (["420103001", "", "外县社工站", "", 10, "", "", "", "", "运营", ""], "不在您的管辖范围内"),
    (["420102101", "", "谌家矶镇社工站", "", -5, "", "", "", "", "运营", ""], "场地面积（平方米）"),
    (["420102101", "", "谌家矶镇社工站", "", 10, "", "", "", "", "营业中", ""], "“营业中”不在可选范围内"),
])
def test_one_bad_row_writes_nothing_and_names_the_row_and_problem(county_client, hierarchy, bad_row, message):
    preview = county_client.post(URL, {"file": xlsx([*GOOD, bad_row])})
    page = preview.content.decode()
    assert preview.context["token"] is None
    assert "第 4 行" in page and message in page
    assert Station.objects.count() == 0


def test_negative_area_message_is_chinese(county_client, hierarchy):
    bad = ["420102101", "", "谌家矶镇社工站", "", -5, "", "", "", "", "运营", ""]
    page = county_client.post(URL, {"file": xlsx([bad])}).content.decode()
    assert "确保该值大于或等于" in page


def test_city_official_cannot_import(client, hierarchy):
    from stations.models import Role
    client.force_login(builders.user("wuhan", Role.CITY, hierarchy.city))
    assert client.get(URL).status_code == 403
