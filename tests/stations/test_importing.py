"""The shared import-with-preview flow, on the population import."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.xlsx import xlsx_response
from stations.models import Region, Role
from tests import builders

URL = reverse("stations:region-population-import")


def xlsx(rows, sheets=None):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for extra in sheets or []:
        book.create_sheet().append(extra)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("人口.xlsx", buffer.getvalue())


@pytest.fixture
def county_client(client, hierarchy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(builders.county_user(hierarchy))
    return client


def preview_then_confirm(client, upload):
    preview = client.post(URL, {"file": upload})
    token = preview.context["token"]
    return preview, (client.post(URL, {"token": token}) if token else None)


def test_import_updates_population_after_preview_and_reimport_changes_nothing(county_client, hierarchy):
    rows = [["区划代码", "名称", "常住人口"], ["420102002000", "大智街道", 52000], ["420102003000", "一元街道", "31000"]]
    regions_before = Region.objects.count()
    preview = county_client.post(URL, {"file": xlsx(rows)})
    assert "更新 <strong>2</strong>" in preview.content.decode()
    assert Region.objects.get(code="420102002000").population is None  # nothing written by the preview
    confirmed = county_client.post(URL, {"token": preview.context["token"]})
    assert confirmed.status_code == 302
    assert Region.objects.get(code="420102002000").population == 52000
    assert Region.objects.get(code="420102003000").population == 31000

    again, _ = preview_then_confirm(county_client, xlsx(rows))
    assert "未变 <strong>2</strong>" in again.content.decode()
    assert Region.objects.count() == regions_before


def test_one_bad_row_writes_nothing_and_names_row_and_problem(county_client, hierarchy):
    rows = [["区划代码", "名称", "常住人口"], ["420102002000", "大智街道", 52000], ["420102999000", "无此街道", 100],
            ["420102003000", "一元街道", "很多"]]
    preview = county_client.post(URL, {"file": xlsx(rows)})
    page = preview.content.decode()
    assert preview.context["token"] is None
    assert "未导入任何数据" in page
    assert "第 3 行" in page and "找不到区划代码“420102999000”" in page
    assert "第 4 行" in page and "常住人口：“很多”不是整数。" in page
    assert Region.objects.get(code="420102002000").population is None


def test_another_countys_division_cannot_be_updated_or_confirmed(county_client, hierarchy):
    rows = [["区划代码", "名称", "常住人口"], ["420103001000", "民族街街道", 1]]
    preview = county_client.post(URL, {"file": xlsx(rows)})
    assert "找不到区划代码“420103001000”，或不在您的管辖范围内" in preview.content.decode()
    assert county_client.post(URL, {"token": "forged"}).status_code == 302
    assert Region.objects.get(code="420103001000").population is None


def test_wrong_columns_and_non_excel_files_are_refused_in_chinese(county_client, hierarchy):
    wrong = county_client.post(URL, {"file": xlsx([["代码", "人口"], ["420102002000", 5]])})
    assert "缺少列：区划代码、常住人口" in wrong.content.decode()
    fake = county_client.post(URL, {"file": SimpleUploadedFile("a.xlsx", b"not a workbook")})
    assert "文件内容是纯文本（CSV），扩展名却是 .xlsx" in fake.content.decode()
    other = county_client.post(URL, {"file": SimpleUploadedFile("a.txt", b"a,b")})
    assert "请上传 Excel（.xlsx）或 CSV（.csv）格式的文件。" in other.content.decode()


def test_template_download_has_the_columns(county_client):
    response = county_client.get(URL, {"template": 1})
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["区划代码", "名称", "常住人口"]


def test_station_heads_and_unscoped_users_may_not_import(client, hierarchy):
    station = builders.station(hierarchy.a1)
    client.force_login(builders.user("head", Role.STATION_HEAD, hierarchy.a1, station=station))
    assert client.get(URL).status_code == 403
    client.force_login(builders.user("nobody"))
    assert client.get(URL).status_code == 403


def test_export_keeps_formula_like_text_literal_and_numbers_numeric():
    response = xlsx_response(filename="名单.xlsx", title="社工站名单", headers=["名称", "面积"],
                             rows=[["=HYPERLINK(\"http://x\")", 40], ["-1+2", 12.5]], meta=[("区划", "江岸区")])
    assert "filename*=utf-8''" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "社工站名单"
    assert values[1][:2] == ["区划", "江岸区"]
    body = values[-2:]
    assert body == [["=HYPERLINK(\"http://x\")", 40], ["-1+2", 12.5]]
    assert sheet.cell(row=len(values) - 1, column=1).data_type == "s"


def test_natural_key_lookups_through_foreign_keys_stay_in_scope(hierarchy):
    from import_export import fields
    from import_export.instance_loaders import ModelInstanceLoader

    from core.importing import ScopedForeignKeyWidget, ScopedModelResource
    from stations.models import Station

    class KeyedResource(ScopedModelResource):
        township = fields.Field(attribute="region", column_name="乡镇代码",
                                widget=ScopedForeignKeyWidget(Region, "code", label="乡镇"))

        class Meta(ScopedModelResource.Meta):
            model = Station
            import_id_fields = ("township", "kind")
            fields = ("township", "kind", "name")

    station = builders.station(hierarchy.a1)
    row = {"乡镇代码": hierarchy.a1.code, "kind": "station", "name": "x"}
    own = KeyedResource(user=builders.county_user(hierarchy))
    assert own.get_instance(ModelInstanceLoader(own), row) == station
    other = KeyedResource(user=builders.county_user(hierarchy, "county_b", hierarchy.county_b))
    with pytest.raises(ValueError, match="不在您的管辖范围内"):
        other.get_instance(ModelInstanceLoader(other), row)


def test_unconfirmed_uploads_do_not_linger(county_client, hierarchy, tmp_path):
    """A file previewed but never confirmed is deleted when the user uploads again, and any left
    behind by someone else is deleted once a day old: such files may hold personal data."""
    import os
    import time

    rows = [["区划代码", "名称", "常住人口"], ["420102002000", "大智街道", 52000]]
    pending = tmp_path / "imports"
    first = county_client.post(URL, {"file": xlsx(rows)}).context["token"]
    assert sorted(p.name for p in pending.iterdir()) == [f"{first}.json", f"{first}.xlsx"]
    forgotten = pending / "0123abcd.xlsx"
    forgotten.write_bytes(b"left by another user")
    day_old = time.time() - 25 * 3600
    os.utime(forgotten, (day_old, day_old))
    second = county_client.post(URL, {"file": xlsx(rows)}).context["token"]
    assert sorted(p.name for p in pending.iterdir()) == [f"{second}.json", f"{second}.xlsx"]
    assert county_client.post(URL, {"token": first}).status_code == 302  # the replaced preview is gone
    assert Region.objects.get(code="420102002000").population is None
