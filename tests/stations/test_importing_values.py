"""Numbers are never silently rounded, a key repeated in one file is refused naming both rows,
and exports never carry live formulas."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.admin import ImportExportMixinBase
from openpyxl import Workbook, load_workbook

from core.importing import DecimalWidget, ImportView, IntegerWidget, ScopedModelResource
from core.xlsx import XlsxBook
from stations.models import Region
from tests import builders
from tests.projects import builders as pb
from tests.stations import report_builders as rb
from tests.workforce import builders as wb
from workforce.models import Person

POPULATION_URL = reverse("stations:region-population-import")
STATION_URL = reverse("stations:station-import")
STATION_HEADER = ["区划代码", "类型", "站点名称", "地址", "场地面积（平方米）", "合署场所", "挂牌日期", "联系人", "联系电话",
                  "状态", "状态日期"]


def xlsx(rows, name="导入.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def row_errors(response):
    return [(row.excel_row, row.errors) for row in response.context["report"].error_rows]


@pytest.fixture
def county_client(client, hierarchy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(builders.county_user(hierarchy))
    return client


# Numbers


@pytest.mark.parametrize(("value", "message"), [
    (1.5, "“1.5”不是整数，不能有小数部分。"),
    ("1.0000001", "“1.0000001”不是整数，不能有小数部分。"),
    ("inf", "“inf”不是整数。"),
    (True, "“True”不是整数。"),
])
def test_integers_reject_fractions_instead_of_rounding(value, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        IntegerWidget().clean(value)


def test_integers_accept_whole_numbers_and_excel_float_noise():
    assert IntegerWidget().clean(0.1 * 30) == 3  # Excel stores 3.0000000000000004
    assert IntegerWidget().clean("31,000") == 31000
    assert IntegerWidget().clean(52000.0) == 52000


def test_money_reads_excel_floats_as_shown_and_refuses_extra_places():
    money = DecimalWidget()
    assert money.clean(0.1 + 0.2) == Decimal("0.3")  # stored by Excel as 0.30000000000000004
    assert money.clean(1234.56 * 3 / 3) == Decimal("1234.56")
    assert money.clean("12.30") == Decimal("12.30")
    for value in (1234.5600000001, "12.345", "0.001"):
        with pytest.raises(ValueError, match="的小数位数过多：最多保留 2 位小数"):
            money.clean(value)


def test_too_many_decimal_places_name_row_and_column(county_client, hierarchy):
    response = county_client.post(STATION_URL, {"file": xlsx([STATION_HEADER, [
        "420102002", "", "大智街道社工站", "", "60.5", "", "", "", "", "", ""], [
        "420102003", "", "一元街道社工站", "", 45.555, "", "", "", "", "", ""]])})
    assert row_errors(response) == [(3, [
        "场地面积（平方米）：“45.555”的小数位数过多：最多保留 2 位小数，请核对（系统不会自动四舍五入）。"])]


def test_places_follow_the_model_field(hierarchy):
    from workforce.resources import TrainingResource

    widget = TrainingResource(user=None).fields["hours"].widget
    assert widget.places == 1
    with pytest.raises(ValueError, match="最多保留 1 位小数"):
        widget.clean("12.25")


@time_machine.travel(rb.at(2026, 11, 20), tick=False)
def test_money_in_a_monthly_report_is_not_rounded(county_client, hierarchy):
    builders.station(hierarchy.a1)
    header = ["乡镇代码", "社工站", "月份", "报送日期", "动员志愿者（人）", "志愿服务时长（小时）", "培育社区社会组织（个）",
              "链接慈善资金（元）", "链接慈善物资（实物）", "新建居民需求档案（份）", "社会资源库新增登记（条）",
              "社工参加培训（小时）", "工作亮点", "存在问题", "下月计划"]
    response = county_client.post(reverse("stations:report-import"), {"file": xlsx([header, [
        "420102002", "", "2026-10", "2026-11-04", 5, 10, 0, 1250.505, "", 3, 2, 6, "", "", ""]])})
    assert row_errors(response) == [(2, [
        "链接慈善资金（元）：“1250.505”的小数位数过多：最多保留 2 位小数，请核对（系统不会自动四舍五入）。"])]


# The same key twice in one file


def test_population_rows_repeating_a_division_are_refused(county_client, hierarchy):
    response = county_client.post(POPULATION_URL, {"file": xlsx([
        ["区划代码", "名称", "常住人口"], ["420102002000", "", 1], ["420102003000", "", 2], [], ["420102002000", "", 3]])})
    assert response.context["token"] is None
    assert row_errors(response) == [(5, ["第 2 行与第 5 行的区划代码重复，同一记录在文件中只能出现一次。"])]
    assert Region.objects.get(code="420102002000").population is None


def test_stations_repeated_under_another_spelling_of_the_code_are_refused(county_client, hierarchy):
    response = county_client.post(STATION_URL, {"file": xlsx([
        STATION_HEADER, ["420102002", "", "大智街道社工站", "", "", "", "", "", "", "", ""],
        ["420102002000", "乡镇（街道）社工站", "大智社工站", "", "", "", "", "", "", "", ""]])})
    assert row_errors(response) == [(3, ["第 2 行与第 3 行的区划代码、类型重复，同一记录在文件中只能出现一次。"])]


def test_people_repeating_an_id_number_are_refused(county_client, hierarchy):
    number = wb.id_number("420102", "19900101", "011")
    header = ["姓名", "身份证号码", "性别", "出生日期", "联系电话", "学历", "所学专业", "社会工作专业学历", "本地户籍",
              "登记县（市、区）代码"]
    response = county_client.post(reverse("workforce:person-import"), {"file": xlsx([
        header, ["张一", number, "", "", "", "本科", "", "是", "是", ""], ["李二", wb.id_number("420102", "19920202", "022"),
                                                                       "", "", "", "本科", "", "是", "是", ""],
        ["张一", number.lower(), "", "", "", "大专", "", "否", "是", ""]])})
    assert row_errors(response) == [(4, ["第 2 行与第 4 行的身份证号码重复，同一记录在文件中只能出现一次。"])]
    assert not Person.objects.exists()


def test_organisations_repeating_a_credit_code_are_refused(county_client, hierarchy):
    code = pb.credit_code()
    header = ["统一社会信用代码", "机构名称", "登记地区划代码", "本地机构", "评估等级", "评级年度", "建有党组织", "联系人",
              "联系电话"]
    response = county_client.post(reverse("projects:organisation-import"), {"file": xlsx([
        header, [code, "阳光社工", "420102", "是", "", "", "否", "", ""],
        [code.lower(), "阳光社工服务中心", "420102", "是", "", "", "否", "", ""]])})
    assert row_errors(response) == [(3, ["第 2 行与第 3 行的统一社会信用代码重复，同一记录在文件中只能出现一次。"])]


def _import_views(cls=ImportView):
    for sub in cls.__subclasses__():
        yield sub
        yield from _import_views(sub)


def test_every_import_uses_the_shared_duplicate_check():
    import config.urls  # noqa: F401  (imports every app's views)

    resources = {view.resource_class for view in _import_views() if hasattr(view, "resource_class")}
    assert len(resources) >= 10
    for resource in resources:
        assert issubclass(resource, ScopedModelResource), resource
        assert resource.get_or_init_instance is ScopedModelResource.get_or_init_instance, resource
        assert resource.import_data is ScopedModelResource.import_data, resource


# Exports


def test_station_export_keeps_formula_like_text_literal_and_numbers_numeric(client, hierarchy):
    builders.station(hierarchy.a1, name="=HYPERLINK(\"http://x\",\"点我\")", site_area_m2=Decimal("60.50"))
    client.force_login(builders.county_user(hierarchy))
    sheet = load_workbook(BytesIO(client.get(reverse("stations:station-export")).content)).active
    cell = next(c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK"))
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    area = next(c for c in sheet[cell.row] if c.value == 60.5)
    assert area.data_type == "n"


def test_organisation_export_keeps_phone_numbers_and_formulas_as_text(client, hierarchy):
    pb.organisation(hierarchy.county_a, name="@SUM(1+1)*cmd", contact_phone="+86 138 0000 0000")
    client.force_login(builders.county_user(hierarchy))
    sheet = load_workbook(BytesIO(client.get(reverse("projects:organisation-export")).content)).active
    values = {c.value: c for row in sheet.iter_rows(min_row=2) for c in row}
    for text in ("@SUM(1+1)*cmd", "+86 138 0000 0000"):
        assert (values[text].data_type, values[text].quotePrefix) == ("s", True)


def test_cells_written_straight_through_openpyxl_are_neutralised_on_save():
    book = XlsxBook()
    sheet = book.workbook.active
    sheet["A1"], sheet["B1"], sheet["C1"], sheet["D1"] = "=1+1", "-2+3", "\tDDE", -5
    saved = load_workbook(BytesIO(book.to_bytes())).active
    assert [(c.value, c.data_type) for c in saved[1]] == [
        ("=1+1", "s"), ("-2+3", "s"), ("\tDDE", "s"), (-5, "n")]


def test_admin_offers_no_unneutralised_export():
    assert not [model for model, model_admin in admin.site._registry.items()
                if isinstance(model_admin, ImportExportMixinBase)]


def test_dates_in_exports_stay_dates():
    book = XlsxBook()
    book.add_sheet(title="t", headers=["日期"], rows=[[datetime.date(2026, 1, 2)]], include_generated_at=False)
    sheet = load_workbook(BytesIO(book.to_bytes())).active
    assert sheet.cell(row=sheet.max_row, column=1).value == datetime.datetime(2026, 1, 2)


def test_scoring_sheet_written_cell_by_cell_keeps_a_formula_like_comment_literal(client, hierarchy, settings, tmp_path):
    from assessments import services
    from tests.assessments import builders as ab

    settings.MEDIA_ROOT = tmp_path
    h = hierarchy
    org = ab.organisation(h.city, "武汉评估中心")
    evaluator = ab.evaluator("pinggu", org)
    evaluation = services.evaluation_create(
        actor=builders.county_user(h), template=ab.template(h.province), contract=ab.contract(h.county_a),
        evaluator=org, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30))
    url = reverse("assessments:score-import", kwargs={"pk": evaluation.pk})
    client.force_login(evaluator)
    book = load_workbook(BytesIO(client.get(url, {"template": 1}).content))
    book.active["D2"], book.active["E2"] = 5, "=HYPERLINK(\"http://x\",\"详情\")"
    book.active["E2"].data_type = "s"  # typed as text, as Excel stores '=…
    buffer = BytesIO()
    book.save(buffer)
    preview = client.post(url, {"file": SimpleUploadedFile("评分表.xlsx", buffer.getvalue())})
    assert client.post(url, {"token": preview.context["token"]}).status_code == 302
    sheet = load_workbook(BytesIO(client.get(url, {"template": 1}).content)).active
    assert (sheet["E2"].value, sheet["E2"].data_type, sheet["E2"].quotePrefix) == (
        "=HYPERLINK(\"http://x\",\"详情\")", "s", True)
