"""Excel round trips: natural keys, atomic imports naming the bad row, masked exports."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from stations.models import Role
from tests import builders
from tests.workforce import builders as wb
from workforce.models import Certificate, CertificateLevel, Employment, Person, TrainingRecord

PEOPLE_HEADERS = ["姓名", "身份证号码", "性别", "出生日期", "联系电话", "学历", "所学专业", "社会工作专业学历", "本地户籍",
                  "登记县（市、区）代码"]
EMPLOYMENT_HEADERS = ["身份证号码", "站点区划代码", "岗位", "用人机构统一社会信用代码", "到岗日期", "离岗日期"]
CERT_HEADERS = ["证书编号", "身份证号码", "证书等级", "取得日期"]
TRAINING_HEADERS = ["身份证号码", "培训日期", "培训类别", "培训名称", "培训机构", "学时"]


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def xlsx(headers, rows, name="staff.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, url_name, upload_file, confirm=True):
    url = reverse(f"workforce:{url_name}")
    response = client.post(url, {"file": upload_file})
    report, token = response.context["report"], response.context["token"]
    if confirm and token:
        client.post(url, {"token": token})
    return report


def sheet_rows(response):
    sheet = load_workbook(BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def numbers():
    return [wb.id_number("420102", "19900101", "011"), wb.id_number("420102", "19920202", "022")]


def _full_workbook(client, stations, numbers):
    people = upload(client, "person-import", xlsx(PEOPLE_HEADERS, [
        ["张一", numbers[0], "", "", "13900000001", "本科", "社会工作", "是", "是", ""],
        ["李二", numbers[1], "", "", "", "大专", "", "否", "否", ""],
    ]))
    employments = upload(client, "employment-import", xlsx(EMPLOYMENT_HEADERS, [
        [numbers[0], stations.a1.code, "站长", "", "2024-01-01", ""],
        [numbers[1], stations.a1.code, "驻站社工", "", "2024-03-01", ""],
    ]))
    certificates = upload(client, "certificate-import", xlsx(CERT_HEADERS, [
        ["ZS2024001", numbers[0], "社会工作师（中级）", "2024-05-01"],
    ]))
    training = upload(client, "training-import", xlsx(TRAINING_HEADERS, [
        [numbers[1], "2024-04-01", "岗前培训", "新社工岗前培训", "区民政局", 24],
        [numbers[1], "2024-06-01", "继续教育", "个案工作", "", "12.5"],
    ]))
    return people, employments, certificates, training


def test_import_then_reimport_creates_nothing_new(client, stations, county_a_user, numbers):
    client.force_login(county_a_user)
    reports = _full_workbook(client, stations, numbers)
    assert [r.totals for r in reports] == [{"新增": 2}, {"新增": 2}, {"新增": 1}, {"新增": 2}]
    assert (Person.objects.count(), Employment.objects.count(), Certificate.objects.count(),
            TrainingRecord.objects.count()) == (2, 2, 1, 2)
    zhang = Person.objects.get(id_number=numbers[0])
    assert (zhang.registered_region, zhang.birth_date, zhang.gender) == (stations.county_a, datetime.date(1990, 1, 1), "M")
    assert zhang.history.first().history_user == county_a_user
    again = _full_workbook(client, stations, numbers)
    assert [r.totals for r in again] == [{"未变": 2}, {"未变": 2}, {"未变": 1}, {"未变": 2}]
    assert (Person.objects.count(), Employment.objects.count(), Certificate.objects.count(),
            TrainingRecord.objects.count()) == (2, 2, 1, 2)


def test_a_wrong_check_character_writes_nothing_and_names_the_row(client, stations, county_a_user, numbers):
    client.force_login(county_a_user)
    wrong = numbers[1][:17] + ("0" if numbers[1][17] != "0" else "1")
    report = upload(client, "person-import", xlsx(PEOPLE_HEADERS, [
        ["张一", numbers[0], "", "", "", "本科", "", "是", "否", ""],
        ["李二", wrong, "", "", "", "大专", "", "否", "否", ""],
    ]))
    assert report.has_errors
    assert [(row.excel_row, row.errors) for row in report.error_rows] == [
        (3, ["身份证号码：身份证号码校验位不正确，请核对。"])]
    assert Person.objects.count() == 0


def test_an_unknown_or_foreign_station_writes_nothing(client, stations, county_a_user, numbers):
    client.force_login(county_a_user)
    upload(client, "person-import", xlsx(PEOPLE_HEADERS, [["张一", numbers[0], "", "", "", "本科", "", "是", "否", ""]]))
    report = upload(client, "employment-import", xlsx(EMPLOYMENT_HEADERS, [
        [numbers[0], stations.a1.code, "驻站社工", "", "2024-01-01", ""],
        [numbers[0], "420102999000", "驻站社工", "", "2024-01-01", ""],
        [numbers[0], stations.b1.code, "驻站社工", "", "2024-01-01", ""],
    ]))
    assert [row.excel_row for row in report.error_rows] == [3, 4]
    assert "找不到区划代码为“420102999000”" in report.error_rows[0].errors[0]
    assert Employment.objects.count() == 0


def test_negative_hours_write_nothing_and_name_the_row(client, stations, county_a_user, numbers):
    client.force_login(county_a_user)
    upload(client, "person-import", xlsx(PEOPLE_HEADERS, [["张一", numbers[0], "", "", "", "本科", "", "是", "否", ""]]))
    report = upload(client, "training-import", xlsx(TRAINING_HEADERS, [
        [numbers[0], "2024-04-01", "岗前培训", "岗前", "", 24],
        [numbers[0], "2024-05-01", "督导", "督导一", "", -3],
    ]))
    assert [(row.excel_row, row.errors) for row in report.error_rows] == [(3, ["学时：学时不能为负数。"])]
    assert TrainingRecord.objects.count() == 0


def test_another_countys_person_cannot_be_updated_by_import(client, stations, county_a_user):
    other = wb.person(station=stations.station_b1, name="乙县人")
    client.force_login(county_a_user)
    report = upload(client, "person-import", xlsx(PEOPLE_HEADERS, [
        ["改名", other.id_number, "", "", "", "本科", "", "否", "否", ""]]))
    assert report.has_errors
    assert Person.objects.get().name == "乙县人"


def test_exports_are_scoped_and_masked_unless_asked_by_an_allowed_user(client, stations, county_a_user):
    anna = wb.person(station=stations.station_a1, name="安娜")
    wb.certify(anna, CertificateLevel.JUNIOR, datetime.date(2023, 1, 1), number="ZSA")
    bob = wb.person(station=stations.station_b1, name="鲍勃")
    wb.certify(bob, CertificateLevel.JUNIOR, datetime.date(2023, 1, 1), number="ZSB")
    client.force_login(county_a_user)
    rows = sheet_rows(client.get(reverse("workforce:registry-export", args=["people"])))
    assert rows[0][:2] == ["姓名", "身份证号码"]
    assert [row[:2] for row in rows[1:]] == [["安娜", anna.masked_id_number]]
    rows = sheet_rows(client.get(reverse("workforce:registry-export", args=["people"]), {"full_id": "1"}))
    assert rows[1][1] == anna.masked_id_number  # county staff without the permission: still masked
    client.force_login(wb.grant_full_id_numbers(county_a_user))
    rows = sheet_rows(client.get(reverse("workforce:registry-export", args=["people"]), {"full_id": "1"}))
    assert rows[1][1] == anna.id_number
    rows = sheet_rows(client.get(reverse("workforce:registry-export", args=["certificates"])))
    assert [row[0] for row in rows[1:]] == ["ZSA"]
    city = builders.user("city", Role.CITY, stations.city)
    client.force_login(city)
    rows = sheet_rows(client.get(reverse("workforce:registry-export", args=["people"]), {"full_id": "1"}))
    assert {row[1] for row in rows[1:]} == {anna.masked_id_number, bob.masked_id_number}


def test_a_full_export_reimports_unchanged(client, stations, county_a_user):
    anna = wb.person(station=stations.station_a1, name="安娜", education=4, phone="13900000000")
    wb.train(anna, datetime.date(2024, 1, 1), 8)
    client.force_login(wb.grant_full_id_numbers(county_a_user))
    for registry, url_name in (("people", "person-import"), ("employments", "employment-import"),
                               ("training", "training-import")):
        content = client.get(reverse("workforce:registry-export", args=[registry]), {"full_id": "1"}).content
        report = upload(client, url_name, SimpleUploadedFile("x.xlsx", content))
        assert report.totals == {"未变": 1}, (registry, report.error_rows)
