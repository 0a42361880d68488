"""A station head sees their own station's part of a contract covering it: number, title, contractor,
period, status and what it asks of the station. Not the other stations, the amount, the funding
lines, the schedule, the payments, the filing, nor whole-contract exports; county staff still see
all of it.
"""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from projects import services
from projects.models import FundingSource
from stations.models import Role
from tests import builders
from tests.projects import builders as pb

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2024, 6, 15, 4, tzinfo=datetime.UTC)


@pytest.fixture
def covered(world):
    """One contract of county A for two stations, filed and partly paid; the head of the first station."""
    h = world
    h.contract = pb.contract(h.county_a, h.org, stations=[h.station_a1, h.station_a2], number="JA-2024",
                             title="江岸区社工站项目", amount=Decimal("456000.00"), funding=[
                                 {"source": FundingSource.GENERAL_BUDGET, "amount": Decimal("400000.00")},
                                 {"source": FundingSource.WELFARE_LOTTERY, "amount": Decimal("56000.00")}])
    services.contract_record_filing(actor=h.user_a, contract=h.contract, filed_on=datetime.date(2024, 1, 2),
                                    reference="武民备字2024第7号")
    services.payment_record(actor=h.user_a, installment=h.contract.installments.get(sequence=1),
                            paid_on=datetime.date(2024, 1, 10), amount=Decimal("123456.78"), reference="付款凭证-88")
    h.head = builders.user("head_a1", Role.STATION_HEAD, h.a1, station=h.station_a1)
    return h


WHOLE_CONTRACT = ("¥456,000.00", "福彩公益金", "付款计划", "¥123,456.78", "付款凭证-88", "武民备字2024第7号", "修改记录")
RAW_AMOUNTS = ("456000", "456,000", "123456.78", "123,456.78")  # in no format at all


@time_machine.travel(NOW)
def test_the_station_head_sees_their_station_s_part_and_the_county_the_whole_contract(client, covered):
    h = covered
    url = reverse("projects:contract-detail", args=[h.contract.pk])
    client.force_login(h.head)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert h.station_a2.name not in html  # the other station of the same contract
    for shown in ("JA-2024", "江岸区社工站项目", h.org.name, "2024年1月1日", "2024年12月31日", "服务期内", h.station_a1.name):
        assert shown in html, shown
    for hidden in (*WHOLE_CONTRACT, *RAW_AMOUNTS):
        assert hidden not in html, hidden
    client.force_login(h.user_a)
    html = client.get(url).content.decode()
    for shown in (h.station_a1.name, h.station_a2.name, *WHOLE_CONTRACT):
        assert shown in html, shown


@time_machine.travel(NOW)
def test_the_station_head_gets_no_whole_contract_export_filing_list_or_payment_page(client, covered):
    h = covered
    client.force_login(h.head)
    assert client.get(reverse("projects:contract-export")).status_code == 403
    assert client.get(reverse("projects:filing-list")).status_code == 403
    assert client.get(reverse("projects:payment-create", args=[h.contract.pk])).status_code == 403
    assert client.get(reverse("projects:filing-update", args=[h.contract.pk])).status_code == 403
    listing = client.get(reverse("projects:contract-list")).content.decode()
    assert "JA-2024" in listing and "导出 Excel" not in listing and "456000" not in listing
    assert "456,000" not in listing
    client.force_login(h.user_a)
    sheet = load_workbook(BytesIO(client.get(reverse("projects:contract-export")).content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["JA-2024"]
    assert "武民备字2024第7号" in client.get(reverse("projects:filing-list")).content.decode()


@time_machine.travel(NOW)
def test_the_station_head_cannot_find_out_the_contract_s_other_stations_or_payments_by_filtering(client, covered):
    h = covered
    client.force_login(h.head)
    listing = reverse("projects:contract-list")
    assert "JA-2024" in client.get(listing, {"q": h.station_a1.name}).content.decode()
    assert "JA-2024" not in client.get(listing, {"q": h.station_a2.name}).content.decode()
    # the list has no filing or payment filters for a station head: these show the same list
    assert "JA-2024" in client.get(listing, {"overdue": "false"}).content.decode()
    assert "JA-2024" in client.get(listing, {"filing": "pending"}).content.decode()
    organisation = client.get(reverse("projects:organisation-detail", args=[h.org.pk])).content.decode()
    assert h.station_a1.name in organisation and h.station_a2.name not in organisation
    assert "456000" not in organisation and "456,000" not in organisation
    client.force_login(h.user_a)
    assert "JA-2024" in client.get(listing, {"q": h.station_a2.name}).content.decode()
    organisation = client.get(reverse("projects:organisation-detail", args=[h.org.pk])).content.decode()
    assert h.station_a2.name in organisation and "¥456,000.00" in organisation


def sheet_text(response) -> str:
    book = load_workbook(BytesIO(response.content))
    return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
                    if cell is not None)


@time_machine.travel(NOW)
def test_no_projects_page_shows_a_station_head_the_rest_of_the_contract(client, covered):
    h = covered
    pk, org = h.contract.pk, h.org.pk
    pages = [("projects:contract-list", ()), ("projects:contract-expiring", ()), ("projects:contract-detail", (pk,)),
             ("projects:contract-export", ()), ("projects:contract-update", (pk,)), ("projects:contract-create", ()),
             ("projects:payment-create", (pk,)), ("projects:filing-update", (pk,)), ("projects:filing-list", ()),
             ("projects:contract-import", ()), ("projects:organisation-list", ()),
             ("projects:organisation-detail", (org,)), ("projects:organisation-export", ()),
             ("projects:organisation-update", (org,)), ("projects:organisation-import", ()),
             ("projects:county-overview", ()), ("projects:county-detail", (h.county_a.code,))]
    client.force_login(h.head)
    opened = []
    for name, args in pages:
        response = client.get(reverse(name, args=args), {"days": 3660})
        if response.status_code != 200:
            assert response.status_code in (403, 404), (name, response.status_code)
            continue
        opened.append(name)
        spreadsheet = "spreadsheetml" in response.get("Content-Type", "")
        text = sheet_text(response) if spreadsheet else response.content.decode()
        for hidden in (h.station_a2.name, *WHOLE_CONTRACT):
            assert hidden not in text, (name, hidden)
    assert "projects:contract-detail" in opened and "projects:organisation-detail" in opened
