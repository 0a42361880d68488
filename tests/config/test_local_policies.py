"""本地政策: what a region's documents in force on a date set, each with its basis; nothing of
another county's documents."""

import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from stations.models import Role
from stations.packs import PACK_DIR, load_packs
from tests import builders
from tests.stations import policy_builders as pb

D = datetime.date
URL = "/policies/"
HUBEI = "依据：《湖北省民政厅关于促进乡镇（街道）社会工作发展的通知》"


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    root = builders.superuser()
    load_packs([PACK_DIR / "d1_hubei_2021.toml"], actor=root)
    h.own_doc = pb.document(h.county_a, title="江岸区社工站建设实施方案", number="岸民发〔2022〕3号",
                            effective_from=D(2022, 3, 1), url="https://example.gov.cn/jiangan.html")
    pb.rule(h.own_doc, "qualification.deadline_years", 2, clause="第五条", quote="两年内取得证书")
    h.other_doc = pb.document(h.county_b, title="江汉区社工站秘密方案", number="汉民发〔2022〕9号",
                              effective_from=D(2022, 3, 1))
    pb.rule(h.other_doc, "hiring.max_age", 35, quote="江汉区年龄上限")
    h.county = builders.county_user(h)
    h.station = builders.station(h.a1)
    h.head = builders.user("head_a1", Role.STATION_HEAD, station=h.station)
    return h


def section(page: str, name: str) -> str:
    return page.split(f'id="{name}"')[1].split("</section>")[0]


def test_a_county_user_reads_hubeis_rules_with_their_basis_and_nothing_of_another_county(client, h):
    client.force_login(h.county)
    page = client.get(URL, {"at": "2023-06-30"}).content.decode()
    assert "江岸区本地政策" in page
    rules = section(page, "rules")
    fund = rules.split('data-key="fund.assistance_share_max"')[1].split("</tr>")[0]
    assert "社会救助资金购买服务占比上限" in fund and "5%" in fund and "湖北省" in fund
    assert f"{HUBEI}「不高于上年度社會(huì)救助資金總支出5%」" in fund
    own = rules.split('data-key="qualification.deadline_years"')[1].split("</tr>")[0]
    assert "2年" in own and "依据：《江岸区社工站建设实施方案》（岸民发〔2022〕3号）第五条「两年内取得证书」" in own
    unset = page.split('<details id="unset">')[1].split("</details>")[0]
    assert "招聘年龄上限（周岁）：本地政策未规定" in unset and "付款分期：本地政策未规定" in unset
    assert "资金购买服务占比上限" not in unset
    targets = section(page, "targets")
    assert '<tr class="applies"><td>乡镇（街道）社工站覆盖率</td><td>湖北省</td><td class="num">70%</td>' in targets
    # 70% by the end of 2023; one local organisation per county; every village served by the end of 2025
    assert targets.count('class="applies"') == 3
    assert f"{HUBEI}「全省分別有30%、50%、70%以上的鄉(xiāng)鎮(zhèn)」" in targets
    standards = section(page, "standards")
    assert "湖北省“五有”" in standards and f"{HUBEI}「有場(chǎng)地、有人員、有功能、有制度、有活動(dòng)」" in standards
    documents = section(page, "documents")
    assert documents.count("《湖北省民政厅关于促进乡镇（街道）社会工作发展的通知》") == 1
    assert "https://example.gov.cn/jiangan.html" in documents and "2022年3月1日" in documents
    assert "江汉区" not in page and "汉民发" not in page and "35周岁" not in page


def test_another_countys_region_is_not_found(client, h):
    client.force_login(h.county)
    assert client.get(URL, {"region": h.county_b.code}).status_code == 404
    assert client.get(URL, {"region": "429999"}).status_code == 404
    assert client.get(URL, {"region": h.a1.code}).status_code == 200  # a township of its own


def test_before_the_documents_took_effect_nothing_is_set(client, h):
    client.force_login(h.county)
    page = client.get(URL, {"at": "2021-01-01"}).content.decode()
    assert '<tr data-key="fund.assistance_share_max">' not in page
    assert '<li data-key="fund.assistance_share_max">社会救助资金购买服务占比上限：本地政策未规定</li>' in page
    assert "施行中的政策文件未规定任何规则。" in page
    assert "本地政策未规定" in section(page, "targets") and "本地政策未规定" in section(page, "standards")
    assert "该日没有施行中的政策文件。" in page


def test_a_station_head_reads_the_rules_of_the_stations_region(client, h):
    client.force_login(h.head)
    page = client.get(URL, {"at": "2023-06-30"}).content.decode()
    assert "大智街道本地政策" in page and "岸民发〔2022〕3号" in page and HUBEI in page
    assert 'name="region"' not in page and "汉民发" not in page
    assert client.get(URL, {"region": h.county_a.code}).status_code == 404


def test_the_page_is_in_the_navigation_of_officials_and_station_heads_only(client, h):
    client.force_login(h.county)
    assert f'href="{URL}"' in client.get("/").content.decode()
    evaluator = builders.user("evaluator", Role.EVALUATOR, h.county_a)
    client.force_login(evaluator)
    assert f'href="{URL}"' not in client.get("/").content.decode()
    assert client.get(URL).status_code == 403


def test_the_export_has_what_the_page_shows(client, h):
    client.force_login(h.county)
    response = client.get(URL, {"at": "2023-06-30", "format": "xlsx"})
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["本地政策", "本地政策未规定", "建设目标", "建设标准", "社工补贴标准", "政策文件"]
    text = "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)
    assert f"{HUBEI}「不高于上年度社會(huì)救助資金總支出5%」" in text and "本地政策未规定" in text
    assert "汉民发" not in text and "江汉区" not in text
    rules = [row for row in book["本地政策"].iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rules) if row[0] == "类别")
    assert rules[header][-1] == "依据"


def test_a_superuser_without_a_region_chooses_one(client, h):
    client.force_login(builders.superuser())
    assert "请填写要查看的区划代码。" in client.get(URL).content.decode()
    page = client.get(URL, {"region": "42", "at": "2023-06-30"}).content.decode()
    assert "湖北省本地政策" in page and HUBEI in page and "岸民发" not in page  # a county's document: not the province's


def test_stipend_rates_in_force_show_with_their_basis_and_not_another_countys(client, h):
    from decimal import Decimal

    from core.audit import save_audited
    from workforce.models import CertificateLevel, StipendKind, StipendPolicy

    save_audited(StipendPolicy(document=h.other_doc, region=h.county_b, kind=StipendKind.MONTHLY_POST,
                               level=CertificateLevel.JUNIOR, amount=Decimal("777")), actor=builders.superuser())
    client.force_login(h.county)
    stipends = section(client.get(URL, {"at": "2023-06-30"}).content.decode(), "stipends")
    assert stipends.count("<tr>") == 4  # the header and Hubei's three monthly rates
    assert "100.00" in stipends and "200.00" in stipends and "300.00" in stipends
    assert f"{HUBEI}「每月分別給予不低于100元、200元、300元的職業(yè)補(bǔ)貼」" in stipends
    assert "777" not in stipends
    before = section(client.get(URL, {"at": "2021-01-01"}).content.decode(), "stipends")
    assert "本地政策未规定" in before and "100.00" not in before
