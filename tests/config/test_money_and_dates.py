"""Screens and files read like an official's own papers: yuan with separators (¥600,000.00),
dates as 2026年3月2日, Excel money cells as #,##0.00 and real dates, totals under money columns
that add up exactly, and an audit trail in labels and names rather than raw values and ids."""

import datetime
import re
from decimal import Decimal as D
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import FundingSource, PaymentInstallment
from projects.services import payment_record
from tests import builders
from tests.projects import builders as pb
from tests.stations import report_builders as rb

pytestmark = pytest.mark.django_db

NOW = rb.at(2026, 11, 4)
MONEY = "#,##0.00"


@pytest.fixture(autouse=True)
def november():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def h(hierarchy):
    """County A: a contract of 600,000.00 signed on 2 March 2026 (funded 400,000.00 + 200,000.00,
    100,000.50 paid) and one of 123,456.78; county B: one of 999,999.99."""
    h = hierarchy
    h.county = builders.county_user(h)
    h.county_b_user = builders.county_user(h, "county_b", h.county_b)
    h.station_a1 = builders.station(h.a1)
    organisation = pb.organisation(h.county_a, name="江岸区阳光社工服务中心")
    h.contract = pb.contract(
        h.county_a, organisation, stations=[h.station_a1], number="HT-A-600", amount=D("600000.00"),
        starts_on=datetime.date(2026, 4, 1), signed_on=datetime.date(2026, 3, 2),
        funding=[{"source": FundingSource.GENERAL_BUDGET, "amount": D("400000.00")},
                 {"source": FundingSource.WELFARE_LOTTERY, "amount": D("200000.00")}])
    first = PaymentInstallment.objects.get(contract=h.contract, sequence=1)
    payment_record(actor=h.county, installment=first, paid_on=datetime.date(2026, 5, 6), amount=D("100000.50"))
    pb.contract(h.county_a, organisation, number="HT-A-123", amount=D("123456.78"),
                starts_on=datetime.date(2026, 1, 1))
    pb.contract(h.county_b, pb.organisation(h.county_b, name="江汉区金桥社工服务中心"), number="HT-B-999",
                amount=D("999999.99"), starts_on=datetime.date(2026, 1, 1))
    return h


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_contract_list_shows_yuan_dates_and_the_exact_total(client, h):
    client.force_login(h.county)
    page = text(client.get(reverse("projects:contract-list")).content.decode())
    assert "¥600,000.00" in page and "¥123,456.78" in page
    assert "600000.00" not in page
    assert "2026年4月1日 — 2027年3月31日" in page and "2026-04-01" not in page
    assert re.search(r"合计（筛选出的 2 份合同） ¥723,456.78", page)
    assert "999,999.99" not in page and "HT-B-999" not in page  # county B's contract, nor in the total
    client.force_login(h.county_b_user)
    other = text(client.get(reverse("projects:contract-list")).content.decode())
    assert "¥999,999.99" in other and "¥723,456.78" not in other and "HT-A-600" not in other


def test_the_contract_detail_shows_yuan_dates_and_totals(client, h):
    client.force_login(h.county)
    page = client.get(h.contract.get_absolute_url()).content.decode()
    assert re.search(r'id="contract-amount">¥600,000.00<', page)
    assert "签订日期</dt><dd>2026年3月2日</dd>" in page
    assert re.search(r'id="funding-total">¥600,000.00<', page)  # 400,000.00 + 200,000.00
    assert re.search(r'id="installments-total">¥600,000.00<', page)
    assert re.search(r'id="installments-paid">¥100,000.50<', page)
    assert re.search(r'id="payments-total">¥100,000.50<', page)
    assert "2026年5月6日" in page and "2026-05-06" not in page
    assert "600000.00" not in text(page)
    client.force_login(h.county_b_user)
    assert client.get(h.contract.get_absolute_url()).status_code == 404


def test_the_contract_export_has_money_cells_and_real_dates(client, h):
    client.force_login(h.county)
    sheet = load_workbook(BytesIO(client.get(reverse("projects:contract-export")).content)).active
    headers = [cell.value for cell in sheet[1]]
    rows = {row[0].value: dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    assert set(rows) == {"HT-A-600", "HT-A-123"}
    row = rows["HT-A-600"]
    amount = row["合同金额（元）"]
    assert amount.value == 600000 and amount.number_format == MONEY and amount.data_type == "n"
    assert row["一般公共预算（元）"].value == 400000 and row["一般公共预算（元）"].number_format == MONEY
    signed = row["签订日期"]
    assert signed.is_date and signed.value.date() == datetime.date(2026, 3, 2)


def test_the_export_with_money_cells_and_real_dates_imports_again_unchanged(client, h, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(h.county)
    content = client.get(reverse("projects:contract-export")).content
    preview = client.post(reverse("projects:contract-import"), {"file": SimpleUploadedFile("合同.xlsx", content)})
    assert preview.context["token"], text(preview.content.decode())
    assert client.post(reverse("projects:contract-import"), {"token": preview.context["token"]}).status_code == 302
    h.contract.refresh_from_db()
    assert h.contract.amount == D("600000.00") and h.contract.signed_on == datetime.date(2026, 3, 2)


def test_the_chain_workbook_formats_money_and_dates_and_its_totals_add_up(client, h):
    client.force_login(h.county)
    response = client.get(reverse("chain-report"), {"year": 2026, "n": 2, "format": "xlsx"})
    book = load_workbook(BytesIO(response.content))
    sheet = book["合同与资金"]
    header_row = next(r for r in sheet.iter_rows() if r[0].value == "购买方")
    headers = [cell.value for cell in header_row]
    lines = [dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=header_row[0].row + 1)]
    by_number = {line["合同编号"].value: line for line in lines}
    contract = by_number["HT-A-600"]
    assert contract["合同金额（元）"].value == 600000 and contract["合同金额（元）"].number_format == MONEY
    assert contract["一般公共预算"].number_format == MONEY  # a funding source's column
    assert contract["服务开始"].is_date and contract["服务开始"].value.date() == datetime.date(2026, 4, 1)
    total = next(line for line in lines if line["购买方"].value == "合计")
    assert D(str(total["合同金额（元）"].value)) == D("723456.78") and total["合同金额（元）"].number_format == MONEY
    assert D(str(total["期内已付（元）"].value)) == D("100000.50")
    summary = {r[0].value: r[1] for r in book["概况"].iter_rows() if r[0].value and len(r) > 1}
    assert summary["期内支付金额（元）"].number_format == MONEY
    assert "2026年4月1日 至 2026年6月30日" in str(summary["期间"].value)
    page = text(client.get(reverse("chain-report"), {"year": 2026, "n": 2}).content.decode())
    assert "期间 2026年4月1日 至 2026年6月30日" in page and "¥100,000.50" in page


def test_the_audit_trail_reads_in_labels_names_and_titles(client, hierarchy):
    h = hierarchy
    station = builders.station(h.a1)
    head = rb.head(station, "head_a1")
    head.last_name, head.first_name = "王", "站长"
    head.save(update_fields=["last_name", "first_name"])
    rb.report(station, head, datetime.date(2026, 9, 1), submit_at=rb.at(2026, 10, 3))
    county = builders.county_user(h)
    client.force_login(county)
    page = client.get(reverse("audit-log"), {"model": "stations.monthlyreport"}).content.decode()
    assert "状态</strong>：草稿 → 已报送" in page
    assert "报送人</strong>：— → 王站长" in page
    assert "draft" not in page and f"→ {head.pk}<" not in page
    assert "月度工作简报：<a" in page and f">#{station.monthly_reports.get().pk}<" not in page
    assert "大智街道社工站 2026年09月" in page  # the report's own title
    other = builders.county_user(h, "county_b", h.county_b)
    client.force_login(other)
    assert "王站长" not in client.get(reverse("audit-log")).content.decode()
