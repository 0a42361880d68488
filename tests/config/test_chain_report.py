"""The reporting-chain workbook: its figures are the selectors' figures on the same data, and it
shows nothing of another county."""

import datetime
from decimal import Decimal as D
from io import BytesIO
from urllib.parse import unquote

import pytest
import time_machine
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from assessments import services as assessment_services
from assessments.selectors import finalised_results
from projects.models import FundingSource, Payment, PaymentInstallment
from projects.services import payment_record
from stations import selectors
from stations.models import Role
from stations.selectors.coverage import coverage_rows
from tests import builders
from tests.assessments import builders as ab
from tests.projects import builders as pb
from tests.stations import coverage_builders as cb
from tests.stations import policy_builders as pb_policies
from tests.stations import report_builders as rb
from tests.workforce import builders as wb
from workforce.models import CertificateLevel, EmploymentRole
from workforce.selectors import qualification_deadlines

pytestmark = pytest.mark.django_db

NOW = rb.at(2026, 11, 4)
Q3_END = datetime.date(2026, 9, 30)
SHEETS = ["概况", "社工站", "覆盖率", "合同与资金", "人员", "服务数据", "月报报送", "评估"]
CANARIES_A = ["大智街道", "HT-A-2026", "江岸区阳光社工服务中心"]
CANARIES_B = ["民族街街道", "HT-B-2026", "江汉区金桥社工服务中心"]


@pytest.fixture(autouse=True)
def november():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def h(hierarchy):
    """County A: stations a1 and a2 (of three townships), a 100% coverage target, a contract for a1
    partly paid in the third quarter, two people at a1, approved July reports, a finalised midterm
    evaluation. County B: the same kind of data under canary names."""
    h = hierarchy
    h.county = builders.county_user(h)
    h.county_b_user = builders.county_user(h, "county_b", h.county_b)
    h.city_user = builders.user("city", Role.CITY, h.city)
    h.station_a1 = builders.station(h.a1)
    h.station_a2 = builders.station(h.a2)
    h.station_b1 = builders.station(h.b1)
    cb.target(h.county_a, 100, datetime.date(2026, 12, 31))

    h.contract_a = pb.contract(
        h.county_a, pb.organisation(h.county_a, name="江岸区阳光社工服务中心"), stations=[h.station_a1],
        number="HT-A-2026", amount=D("300000.00"), starts_on=datetime.date(2026, 7, 1),
        funding=[{"source": FundingSource.GENERAL_BUDGET, "amount": D("200000.00")},
                 {"source": FundingSource.WELFARE_LOTTERY, "amount": D("100000.00")}])
    # the payment period installments fall due by, and the filing period contracts are filed within
    pb.document(h.province, {"payment.due_within_working_days": 15, "contract.filing_within_working_days": 15})
    first = PaymentInstallment.objects.get(contract=h.contract_a, sequence=1)
    payment_record(actor=h.county, installment=first, paid_on=datetime.date(2026, 8, 3), amount=D("100000.00"))
    # paid after the quarter: the installment was still overdue at its end
    payment_record(actor=h.county, installment=first, paid_on=datetime.date(2026, 10, 20), amount=D("50000.00"))
    h.contract_b = pb.contract(h.county_b, pb.organisation(h.county_b, name="江汉区金桥社工服务中心"),
                               stations=[h.station_b1], number="HT-B-2026", starts_on=datetime.date(2026, 7, 1))

    wb.document(h.city, title="武汉市社工人才办法", rules={"qualification.deadline_years": 2,
                                                       "staffing.min_resident_social_workers": 2})
    head = wb.person(station=h.station_a1, name="李站长", role=EmploymentRole.STATION_HEAD)
    wb.certify(head, CertificateLevel.INTERMEDIATE, datetime.date(2025, 3, 1))
    wb.person(station=h.station_a1, name="王芳", role=EmploymentRole.RESIDENT)  # not qualified 2 years on: overdue
    wb.person(station=h.station_a2, name="刘新", role=EmploymentRole.RESIDENT,
              start_on=datetime.date(2024, 11, 15))  # qualification due 2026-11-15: within 90 days of the quarter's end
    wb.person(station=h.station_b1, name="赵金桥", role=EmploymentRole.RESIDENT)

    h.head = rb.head(h.station_a1, "head_a1")
    head_b = rb.head(h.station_b1, "head_b1")
    rb.report(h.station_a1, h.head, datetime.date(2026, 7, 1), lines=[rb.line(person_times=40, home_visits=7)],
              submit_at=rb.at(2026, 8, 3), approve_by=h.county)
    rb.report(h.station_a2, rb.head(h.station_a2, "head_a2"), datetime.date(2026, 8, 1),
              submit_at=rb.at(2026, 9, 20))
    rb.report(h.station_b1, head_b, datetime.date(2026, 7, 1), lines=[rb.line(person_times=99)],
              submit_at=rb.at(2026, 8, 3), approve_by=h.county_b_user)

    template = ab.template(h.province)
    evaluation = assessment_services.evaluation_create(
        actor=h.county, template=template, contract=h.contract_a, period_start=datetime.date(2026, 7, 1),
        period_end=datetime.date(2026, 8, 31))
    assessment_services.evaluation_save_scores(actor=h.county, evaluation=evaluation,
                                               scores=ab.full_scores(template, D("0.85")))
    assessment_services.evaluation_submit(actor=h.county, evaluation=evaluation)
    assessment_services.evaluation_finalise(actor=h.county, evaluation=evaluation, on_date=datetime.date(2026, 9, 10))
    return h


def download(client, **params):
    response = client.get(reverse("chain-report"), {**params, "format": "xlsx"})
    assert response.status_code == 200, response.status_code
    return response, load_workbook(BytesIO(response.content))


def rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]


def meta(sheet) -> dict:
    return {row[0]: row[1] for row in rows(sheet) if len(row) > 1 and row[0] and row[1] is not None}


def table(sheet, first_header: str) -> list[dict]:
    """The sheet's table as dicts keyed by the header row that starts with ``first_header``."""
    lines = rows(sheet)
    start = next(i for i, row in enumerate(lines) if row[0] == first_header)
    headers = lines[start]
    return [dict(zip(headers, row, strict=True)) for row in lines[start + 1:]]


def text_of(book) -> str:
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)


def test_county_quarterly_workbook_figures_equal_the_selectors(client, h):
    client.force_login(h.county)
    response, book = download(client, year=2026, n=3)
    assert "江岸区2026年第三季度社工站工作季度报告.xlsx" in unquote(response["Content-Disposition"])
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        lines = meta(sheet)
        assert rows(sheet)[0][0] == sheet.title
        assert lines["报告"] == "江岸区2026年第三季度社工站工作季度报告"
        assert lines["区划"] == "江岸区（420102000000）"
        assert lines["期间"].startswith("2026年第三季度（2026年7月1日 至 2026年9月30日")
        assert lines["生成时间"] == "2026-11-04 10:00"
        assert sheet.print_title_rows and sheet.page_setup.orientation == "landscape"

    summary = dict(rows(book["概况"])[table_start(book["概况"]):])
    cov, _children = coverage_rows(region=h.county_a, on_date=Q3_END)
    assert summary["乡镇（街道）社工站覆盖率（%）"] == float(cov.coverage_pct) == 66.7
    assert summary["距目标尚缺社工站（个）"] == cov.gap_stations == 1
    assert summary["已覆盖乡镇（街道）（个）"] == 2 and summary["乡镇（街道）总数（个）"] == 3
    assert summary["在运营社工站（含试点，个）"] == 2
    assert summary["期内执行的合同金额（元）"] == 300000
    paid = Payment.objects.visible_to(h.county).filter(
        paid_on__range=(datetime.date(2026, 7, 1), Q3_END)).aggregate(s=Sum("amount"))["s"]
    assert summary["期内支付金额（元）"] == float(paid) == 100000
    assert summary["期末逾期未付的付款分期（期）"] == 1
    assert summary["在岗人员（人）"] == 3 and summary["持证社会工作者（人）"] == 1
    rollup = selectors.report_rollup(user=h.county, region=h.county_a, first=datetime.date(2026, 7, 1),
                                     last=datetime.date(2026, 9, 1))
    assert summary["服务人次"] == rollup.line_totals["person_times"] == 40
    months = [selectors.report_completeness(user=h.county, region=h.county_a, period=datetime.date(2026, m, 1)).total
              for m in (7, 8, 9)]
    assert summary["应报月报（份）"] == sum(c.expected for c in months) == 6
    assert summary["已报送月报（份）"] == sum(c.on_time + c.late for c in months) == 2
    assert summary["审核通过月报（份）"] == sum(c.approved for c in months) == 1
    finalised = finalised_results(user=h.county, region=h.county_a)
    assert summary["期内确认的评估（次）"] == finalised.count() == 1
    assert summary["评估等级：良好"] == 1

    stations = {row["站点名称"]: row for row in table(book["社工站"], "县（市、区）")}
    assert stations["大智街道社工站"]["覆盖合同编号"] == "HT-A-2026"
    assert stations["大智街道社工站"]["站长"] == 1 and stations["大智街道社工站"]["驻站社工"] == 1
    assert stations["一元街道社工站"]["期末状态"] == "运营"

    covered = {row["乡镇（街道）"]: row["已建成运营社工站"] for row in table(book["覆盖率"], "区划代码")}
    assert covered == {"大智街道": "是", "一元街道": "是", "谌家矶镇": "否", "合计": "2 / 3"}

    contracts = table(book["合同与资金"], "购买方")
    line = contracts[0]
    assert line["合同编号"] == "HT-A-2026" and line["合同金额（元）"] == 300000
    assert line["一般公共预算"] == 200000 and line["福彩公益金"] == 100000
    assert line["期内应付（元）"] == 150000 and line["期内已付（元）"] == 100000 and line["期末逾期分期"] == 1
    assert line["备案情况"] in {"待备案", "逾期未备案"}
    assert line["依据"].startswith("依据：《湖北省购买服务文件")  # the payment period the due dates rest on
    assert contracts[-1]["购买方"] == "合计" and contracts[-1]["期内已付（元）"] == 100000

    staff = {row["站点名称"]: row for row in table(book["人员"], "县（市、区）")}
    deadlines = qualification_deadlines(user=h.county, on_date=Q3_END, region=h.county_a)
    assert meta(book["人员"])["90日内到期未取得职业资格（人）"] == sum(not r.overdue for r in deadlines) == 1
    assert meta(book["人员"])["已超期未取得职业资格（人）"] == sum(r.overdue for r in deadlines) == 1
    assert staff["大智街道社工站"]["社会工作师（中级）"] == 1 and staff["大智街道社工站"]["在岗人员合计"] == 2
    assert staff["大智街道社工站"]["对照配备标准"] == "驻站社工缺 1 名"
    assert staff["大智街道社工站"]["依据"] == "依据：《武汉市社工人才办法》"

    service = table(book["服务数据"], "服务领域")
    assert service[-1]["服务领域"] == "合计" and service[-1]["服务人次"] == 40 and service[-1]["入户走访（户次）"] == 7

    filing = {row["月份"]: row for row in table(book["月报报送"], "月份")}
    assert [filing[f"2026年{m}月"]["应报"] for m in (7, 8, 9)] == [c.expected for c in months]
    assert filing["2026年8月"]["逾期报送"] == months[1].late == 1

    evaluations = table(book["评估"], "县（市、区）")
    assert len(evaluations) == 1 and evaluations[0]["评估类型"] == "中期评估"
    assert evaluations[0]["总分"] == float(finalised.get().total) and evaluations[0]["等级"] == "良好"

    assert not any(name in text_of(book) for name in CANARIES_B)


def table_start(sheet) -> int:
    return next(i for i, row in enumerate(rows(sheet)) if row[0] == "项目") + 1


def test_city_half_year_report_adds_up_its_counties(client, h):
    client.force_login(h.city_user)
    _response, book = download(client, year=2026, n=2)
    assert meta(book["概况"])["报告"] == "武汉市2026年下半年社工站工作半年报告"
    summary = dict(rows(book["概况"])[table_start(book["概况"]):])
    assert summary["服务人次"] == 139
    cov, _children = coverage_rows(region=h.city, on_date=datetime.date(2026, 11, 4))
    assert summary["乡镇（街道）社工站覆盖率（%）"] == float(cov.coverage_pct)
    by_county = {row["区划"]: row for row in table(book["覆盖率"], "区划代码")}
    assert by_county["江岸区"]["已覆盖"] == 2 and by_county["江汉区"]["已覆盖"] == 1
    assert all(name in text_of(book) for name in CANARIES_A + CANARIES_B)
    # the city may also download a county's quarterly report
    _response, book = download(client, region="420102", year=2026, n=3)
    assert meta(book["概况"])["报告"] == "江岸区2026年第三季度社工站工作季度报告"
    assert meta(book["人员"])["已超期未取得职业资格（人）"] == 1  # not county B's overdue resident
    assert not any(name in text_of(book) for name in CANARIES_B)


def test_page_previews_the_summary_and_links_the_download(client, h):
    client.force_login(h.county)
    page = client.get(reverse("chain-report"), {"year": 2026, "n": 3}).content.decode()
    assert "江岸区2026年第三季度社工站工作季度报告" in page and "66.7" in page
    assert "format=xlsx" in page and "江汉区" not in page
    rollup = client.get(reverse("stations:report-rollup"), {"kind": "quarter", "year": 2026, "n": 3}).content.decode()
    assert f'{reverse("chain-report")}?region=420102000000&amp;kind=quarter&amp;year=2026&amp;n=3&amp;format=xlsx' \
        in rollup


def test_scope_other_county_and_roles(client, h):
    client.force_login(h.county_b_user)
    url = reverse("chain-report")
    assert client.get(url, {"region": "420102"}).status_code == 404
    assert client.get(url, {"region": "420102000000", "format": "xlsx"}).status_code == 404
    assert client.get(url, {"region": "4201"}).status_code == 404  # the city above is not theirs either
    _response, book = download(client, year=2026, n=3)
    assert meta(book["概况"])["区划"] == "江汉区（420103000000）"
    text = text_of(book)
    assert not any(name in text for name in CANARIES_A), [n for n in CANARIES_A if n in text]
    assert "民族街街道社工站" in text and "HT-B-2026" in text
    client.force_login(h.head)
    assert client.get(url).status_code == 403
    evaluator = ab.evaluator("pinggu", ab.organisation(h.city))
    client.force_login(evaluator)
    assert client.get(url, {"format": "xlsx"}).status_code == 403


def test_the_page_defaults_to_the_latest_period_that_has_ended():
    from config.chain_views import last_completed_period_end

    assert last_completed_period_end("quarter", datetime.date(2026, 11, 23)) == datetime.date(2026, 9, 30)
    assert last_completed_period_end("quarter", datetime.date(2026, 1, 5)) == datetime.date(2025, 12, 31)
    assert last_completed_period_end("half", datetime.date(2026, 11, 23)) == datetime.date(2026, 6, 30)
    assert last_completed_period_end("half", datetime.date(2026, 3, 1)) == datetime.date(2025, 12, 31)


def test_a_superuser_picks_from_every_city_and_this_provinces_counties(client, h):
    client.force_login(builders.superuser())
    page = client.get(reverse("chain-report"), {"region": "420102"}).content.decode()
    choices = page.split('name="region"')[1].split("</select>")[0]
    assert "兰州市" in choices and "江汉区" in choices and "江岸区" in choices
    assert "城关区" not in choices  # a county of another province: reached through its city
    page = client.get(reverse("chain-report"), {"region": "6201"}).content.decode()
    assert "城关区" in page.split('name="region"')[1].split("</select>")[0]


def test_workbook_query_count_does_not_grow_with_stations_contracts_and_people(client, h, django_assert_max_num_queries):
    client.force_login(h.city_user)
    with django_assert_max_num_queries(62) as few:
        download(client, year=2026, n=2)
    for township, number in ((h.a3, "HT-A3-2026"), (h.b2, "HT-B2-2026")):
        station = builders.station(township)
        pb.contract(township.parent, pb.organisation(township.parent), stations=[station], number=number,
                    starts_on=datetime.date(2026, 7, 1))
        wb.certify(wb.person(station=station, name=f"{township.name}社工"), CertificateLevel.JUNIOR,
                   datetime.date(2025, 1, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        _response, book = download(client, year=2026, n=2)
    assert "HT-A3-2026" in text_of(book) and "HT-B2-2026" in text_of(book)


def test_a_target_of_a_document_effective_after_the_quarter_plays_no_part_in_its_report(client, h):
    later = pb_policies.document(h.county_a, title="江岸区社工站建设方案（调整）", number="岸民〔2026〕8号",
                                 effective_from=datetime.date(2026, 10, 15))
    cb.target(h.county_a, 50, datetime.date(2026, 12, 31), doc=later)
    client.force_login(h.county)
    _response, book = download(client, year=2026, n=3)
    summary = dict(rows(book["概况"])[table_start(book["概况"]):])
    assert summary["适用覆盖率目标（%）"] == 100 and summary["距目标尚缺社工站（个）"] == 1
    assert summary["覆盖率目标依据"] == "依据：《江岸区社工站建设文件》"
    assert meta(book["覆盖率"])["依据"] == "依据：《江岸区社工站建设文件》"
    assert "岸民〔2026〕8号" not in text_of(book)
    # The quarter running now (as of 4 November) is measured against the adjusted target.
    summary = dict(rows(download(client, year=2026, n=4)[1]["概况"])[table_start(book["概况"]):])
    assert summary["适用覆盖率目标（%）"] == 50 and summary["距目标尚缺社工站（个）"] == 0
    assert summary["覆盖率目标依据"] == "依据：《江岸区社工站建设方案（调整）》（岸民〔2026〕8号）"
