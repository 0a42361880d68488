"""Importing stations from Excel: natural key township code + kind, preview, all or nothing."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook
from tablib import Dataset

from core.importing import run_import
from stations.models import Region, RegionLevel, Station, StationStatusChange
from stations.resources import StationResource
from tests import builders

URL = "/stations/import/"
HEADER = ["区划代码", "类型", "站点名称", "地址", "场地面积（平方米）", "合署场所", "挂牌日期", "联系人", "联系电话",
          "状态", "状态日期"]


def xlsx(rows, header=HEADER):
    book = Workbook()
    for row in [header, *rows]:
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

    # The same file again: without their 站点编号 the rows are new stations, refused as duplicates.
    again, confirmed = preview_then_confirm(county_client, xlsx(GOOD))
    assert confirmed is None
    assert (f"大智街道已有乡镇（街道）社工站“大智街道社工站”（站点编号 {dazhi.pk}）"
            in again.content.decode())
    # Named by their 站点编号, they are the existing stations, unchanged.
    again, confirmed = preview_then_confirm(county_client, with_codes(GOOD, [dazhi.pk, yiyuan.pk]))
    assert "未变 <strong>2</strong>" in again.content.decode()
    assert (Station.objects.count(), StationStatusChange.objects.count()) == counts


def with_codes(rows, codes):
    return xlsx([[code, *row] for code, row in zip(codes, rows, strict=True)], header=["站点编号", *HEADER])


def test_a_changed_row_updates_the_station_named_by_its_code_showing_old_and_new(county_client, hierarchy):
    preview_then_confirm(county_client, xlsx(GOOD))
    codes = [Station.objects.get(region=hierarchy.a1).pk, Station.objects.get(region=hierarchy.a2).pk]
    changed = [list(GOOD[0]), GOOD[1]]
    changed[0][4] = 80
    changed[0][6] = "2022-04-01"
    preview, _confirmed = preview_then_confirm(county_client, with_codes(changed, codes))
    page = preview.content.decode()
    assert "更新 <strong>1</strong>" in page
    assert "场地面积（平方米）：60.00 → 80" in page and "挂牌日期：2022年3月1日 → 2022年4月1日" in page
    assert Station.objects.get(region=hierarchy.a1).site_area_m2 == 80 and Station.objects.count() == 2


def test_a_code_of_another_county_or_division_is_refused(county_client, hierarchy):
    other = builders.station(hierarchy.b1)
    mine = builders.station(hierarchy.a1)
    page = county_client.post(URL, {"file": with_codes(GOOD, [other.pk, mine.pk])}).content.decode()
    assert f"站点编号：找不到站点编号“{other.pk}”，或不在您的管辖范围内。" in page
    assert f"站点编号 {mine.pk} 是大智街道的乡镇（街道）社工站" in page
    assert Station.objects.count() == 2 and not Station.objects.filter(region=hierarchy.a2).exists()


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


# Large files: the station import checks every row in memory and writes in bulk.

def many_townships(hierarchy, count):
    """``count`` extra townships across counties A, B and C (up to 700 in each)."""
    counties = [hierarchy.county_a, hierarchy.county_b, hierarchy.county_c]
    regions = [Region(code=f"{counties[n // 700].code[:6]}{300 + n % 700}000", name=f"第{n}镇",
                      level=RegionLevel.TOWNSHIP, parent=counties[n // 700]) for n in range(count)]
    return Region.objects.bulk_create(regions)


def station_rows(townships):
    return Dataset(*[[t.code, "", f"{t.name}社工站", "", "", "", "", "", "", "", ""] for t in townships],
                   headers=HEADER)


def test_an_import_records_history_and_status_changes_naming_the_importing_user(county_client, hierarchy):
    existing = builders.station(hierarchy.a1, name="旧名称")  # operating since 2022-01-01, by root
    rows = [list(GOOD[0]), GOOD[1]]
    rows[0][9:] = ["暂停", "2024-06-01"]
    preview, _confirmed = preview_then_confirm(county_client, with_codes(rows, [existing.pk, ""]))
    assert "状态：运营 → 暂停" in preview.content.decode()

    existing.refresh_from_db()
    assert existing.name == "大智街道社工站" and existing.status_on(datetime.date(2024, 6, 1)) == "suspended"
    new = Station.objects.get(region=hierarchy.a2)
    for station, history_type in ((existing, "~"), (new, "+")):
        record = station.history.first()
        assert (record.history_type, record.history_user.username, record.history_change_reason) == (
            history_type, "county_a", "Excel导入")
        assert record.name == station.name and record.created_at == station.created_at
    for station, status in ((existing, "suspended"), (new, "pilot")):
        change = station.status_changes.order_by("-effective_on").first()
        assert (change.status, change.changed_by.username, change.reason) == (status, "county_a", "Excel导入")
        assert change.history.get().history_user.username == "county_a"


def test_a_two_thousand_row_file_is_written_in_a_few_queries(hierarchy):
    rows = station_rows(many_townships(hierarchy, 2000))
    with CaptureQueriesContext(connection) as queries:
        report = run_import(StationResource(user=builders.superuser()), rows, user=builders.superuser(), dry_run=False)
    assert not report.has_errors and report.totals == {"新增": 2000}
    assert len(queries) < 200  # batched inserts (SQLite takes ~100 rows an INSERT), not a query per row
    assert Station.objects.count() == Station.history.count() == StationStatusChange.objects.count() == 2000
    # Unordered: the model's ordering joins station and region, which on a test database whose
    # statistics say these tables are empty PostgreSQL plans as nested loops over 2,000³ rows.
    assert set(StationStatusChange.objects.order_by().values_list("status", "reason")) == {("planned", "Excel导入")}


@pytest.mark.parametrize(("bad_value", "message"), [
    ({4: "八十"}, "场地面积（平方米）：“八十”不是有效的数字。"),
    ({0: "420102099"}, "找不到区划“420102099000”，或不在您的管辖范围内。"),
])
def test_one_bad_row_in_the_middle_of_a_large_file_writes_nothing(hierarchy, bad_value, message):
    rows = station_rows(many_townships(hierarchy, 2000))
    bad = list(rows[999])
    for column, value in bad_value.items():
        bad[column] = value
    rows[999] = bad
    user = builders.superuser()
    report = run_import(StationResource(user=user), rows, user=user, dry_run=False)
    assert [row.excel_row for row in report.error_rows] == [1001]
    assert message in " ".join(report.error_rows[0].errors)
    assert Station.objects.count() == StationStatusChange.objects.count() == Station.history.count() == 0


def test_a_failure_while_writing_rolls_back_the_stations_already_written(hierarchy, monkeypatch):
    from stations.services import stations as station_services
    written = station_services.bulk_create_with_history

    def failing(objs, model, **kwargs):
        if model is StationStatusChange:
            raise IntegrityError("status_change_one_per_day")
        return written(objs, model, **kwargs)

    monkeypatch.setattr(station_services, "bulk_create_with_history", failing)
    user = builders.superuser()
    report = run_import(StationResource(user=user), station_rows(many_townships(hierarchy, 1500)), user=user,
                        dry_run=False)
    assert report.has_errors and "status_change_one_per_day" in " ".join(report.file_errors)
    assert Station.objects.count() == Station.history.count() == 0


def test_a_township_of_another_county_is_refused_by_row(county_client, hierarchy):
    rows = [GOOD[0], ["420103001", "", "民族街街道社工站", "", "", "", "", "", "", "", ""], GOOD[1]]
    page = county_client.post(URL, {"file": xlsx(rows)}).content.decode()
    assert "第 3 行" in page and "找不到区划“420103001000”，或不在您的管辖范围内。" in page
    assert "第 2 行" not in page and "第 4 行" not in page
    assert not Station.objects.exists()


def test_a_station_repeated_in_the_file_names_both_rows(county_client, hierarchy):
    repeated = ["420102002000", "乡镇（街道）社工站", "大智社工站", "", "", "", "", "", "", "", ""]
    page = county_client.post(URL, {"file": xlsx([*GOOD, repeated])}).content.decode()
    assert "第 2 行与第 4 行的区划代码、类型重复" in page
    assert not Station.objects.exists()


def test_a_second_status_change_on_the_same_day_is_refused(county_client, hierarchy):
    station = builders.station(hierarchy.a1, on=datetime.date(2022, 3, 1), status="pilot")
    page = county_client.post(URL, {"file": with_codes(GOOD[:1], [station.pk])}).content.decode()  # 运营 from 2022-03-01
    assert "第 2 行" in page and "状态日期：该站点在 2022-03-01 已有一次状态变更。" in page
    assert "effective_on" not in page
    assert StationStatusChange.objects.count() == 1


def test_the_station_import_takes_fifty_thousand_rows_and_other_imports_keep_their_cap(county_client):
    assert "50000 行" in county_client.get(URL).content.decode()
    assert "20000 行" in county_client.get(reverse("stations:region-population-import")).content.decode()


def test_the_confirmation_checks_the_rows_its_preview_read_without_reading_the_file_again(
        county_client, hierarchy, monkeypatch):
    from core.importing import files, views
    preview = county_client.post(URL, {"file": xlsx(GOOD)})
    assert "新增 <strong>2</strong>" in preview.content.decode()

    def no_second_read(*args, **kwargs):
        raise AssertionError("the workbook is read again")

    monkeypatch.setattr(views, "read_workbook", no_second_read)
    monkeypatch.setattr(files, "read_workbook", no_second_read)
    assert county_client.post(URL, {"token": preview.context["token"]}).status_code == 302
    yiyuan = Station.objects.get(region=hierarchy.a2)  # the cells as read: a date, a decimal given as text
    assert yiyuan.opened_on == datetime.date(2023, 5, 1) and str(yiyuan.site_area_m2) == "45.50"
    assert Station.objects.get(region=hierarchy.a1).status_on(datetime.date(2022, 3, 1)) == "operating"


def test_a_station_registered_between_preview_and_confirmation_is_still_refused(county_client, hierarchy):
    preview = county_client.post(URL, {"file": xlsx(GOOD)})
    assert preview.context["token"]
    meanwhile = builders.station(hierarchy.a1, name="别人登记的站点")  # by someone else, after the preview
    refused = county_client.post(URL, {"token": preview.context["token"]})
    assert refused.status_code == 200
    assert (f"大智街道已有乡镇（街道）社工站“别人登记的站点”（站点编号 {meanwhile.pk}）"
            in refused.content.decode())
    assert list(Station.objects.all()) == [meanwhile]  # nothing written, not even the other row


def test_an_upload_kept_without_its_rows_is_read_again_at_confirmation(county_client, hierarchy, tmp_path):
    preview = county_client.post(URL, {"file": xlsx(GOOD)})
    (tmp_path / "imports" / f"{preview.context['token']}.json").unlink()  # kept by an earlier version, say
    assert county_client.post(URL, {"token": preview.context["token"]}).status_code == 302
    assert Station.objects.count() == 2 and not list((tmp_path / "imports").iterdir())


def test_kept_rows_read_back_as_read():
    from core.importing.files import SheetData, sheet_dumps, sheet_loads
    cells = ["文字", 7, 7.0, 45.5, 1e-7, True, "", datetime.datetime(2023, 5, 1), datetime.datetime(2023, 5, 1, 8, 30),
             datetime.date(2024, 2, 29), datetime.time(9, 15), datetime.timedelta(hours=36), "{\"$\": \"date\"}"]
    dataset = SheetData(headers=[f"列{i}" for i in range(len(cells))], row_numbers=[3, 7], sheet_index=1,
                        header_row=2, column_numbers=list(range(2, len(cells) + 2)))
    dataset.append(cells)
    dataset.append(list(reversed(cells)))
    kept = sheet_loads(sheet_dumps(dataset))
    assert [list(row) for row in kept] == [list(row) for row in dataset]
    assert [[type(cell) for cell in row] for row in kept] == [[type(cell) for cell in row] for row in dataset]
    assert (kept.headers, kept.row_numbers, kept.sheet_index, kept.header_row, kept.column_numbers) == (
        dataset.headers, [3, 7], 1, 2, dataset.column_numbers)
    with pytest.raises(ValueError):
        sheet_loads(b'{"version": 0}')


def test_coverage_periods_follow_an_imported_status_change_and_stay_as_they_are_without_one(county_client, hierarchy):
    from stations.models import CoveragePeriod
    existing = builders.station(hierarchy.a1, name="旧名称")  # operating since 2022-01-01

    def periods():
        return list(CoveragePeriod.objects.filter(station=existing).values_list("starts_on", "ends_on"))

    assert periods() == [(datetime.date(2022, 1, 1), None)]
    rows = [list(GOOD[0])]
    rows[0][9:] = ["运营", ""]  # the status it has: only its other fields change
    _preview, confirmed = preview_then_confirm(county_client, with_codes(rows, [existing.pk]))
    assert confirmed.status_code == 302
    existing.refresh_from_db()
    assert existing.name == "大智街道社工站" and periods() == [(datetime.date(2022, 1, 1), None)]
    rows[0][9:] = ["暂停", "2024-06-01"]
    _preview, confirmed = preview_then_confirm(county_client, with_codes(rows, [existing.pk]))
    assert confirmed.status_code == 302
    assert periods() == [(datetime.date(2022, 1, 1), datetime.date(2024, 6, 1))]
