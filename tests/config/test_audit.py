import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config import audit
from core.scope import Scope
from projects import services as project_services
from projects.models import Contract, FundingLine, FundingSource, Organisation
from stations import services
from stations.models import Role, Station
from tests import builders
from tests.projects import builders as project_builders

URL = reverse("audit-log")


@pytest.fixture
def changes(hierarchy):
    h = hierarchy
    h.jiangan = builders.county_user(h)
    h.station_a = builders.station(h.a1, actor=h.jiangan)
    services.station_update(actor=h.jiangan, station=h.station_a, site_area_m2=120)
    h.jianghan = builders.county_user(h, "county_b", h.county_b)
    h.station_b = builders.station(h.b1, actor=h.jianghan, name="花楼街社工站")
    services.station_change_status(actor=h.jianghan, station=h.station_b, status="suspended",
                                   effective_on=datetime.date(2024, 5, 1), reason="社工离职")
    return h


def test_county_user_sees_who_changed_what_in_their_county(client, changes):
    client.force_login(changes.jiangan)
    page = client.get(URL).content.decode()
    assert "大智街道社工站" in page
    assert "场地面积（平方米）</strong>：— → 120" in page
    assert "花楼街社工站" not in page
    assert "社工离职" not in page


def test_filters_by_user_and_record_type(client, changes):
    official = builders.user("prov", Role.PROVINCE, changes.province)
    client.force_login(official)
    everything = client.get(URL).content.decode()
    assert "社工离职" in everything and "大智街道社工站" in everything
    by_user = client.get(URL, {"user": "county_b"}).content.decode()
    assert "社工离职" in by_user and "大智街道社工站" not in by_user
    by_model = client.get(URL, {"model": "stations.stationstatuschange"}).content.decode()
    assert "社工离职" in by_model and "场地面积" not in by_model


def test_station_heads_evaluators_and_unscoped_users_are_refused(client, changes):
    head = builders.user("head", Role.STATION_HEAD, changes.a1, station=changes.station_a)
    client.force_login(head)
    assert client.get(URL).status_code == 403
    client.force_login(builders.user("nobody"))
    assert client.get(URL).status_code == 403


# Deleted records: shown with their history to those who could see them when they were deleted.

DELETED_AT = datetime.datetime(2024, 6, 3, 2, 15, tzinfo=datetime.UTC)  # 10:15 in Asia/Shanghai


def table_rows(page: str) -> list[list[str]]:
    """The audit table as a reader sees it: one list of cell texts per row."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [[" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.fixture
def deletion(hierarchy):
    h = hierarchy
    h.li = builders.user("county_a", Role.COUNTY, h.county_a, last_name="李", first_name="春燕")
    h.zhao = builders.user("county_b", Role.COUNTY, h.county_b, last_name="赵", first_name="刚")
    with time_machine.travel(DELETED_AT - datetime.timedelta(days=30), tick=False):
        h.org = project_builders.organisation(h.county_a, actor=h.li, name="江岸区启明社工服务中心")
    h.org_id = h.org.pk
    with time_machine.travel(DELETED_AT, tick=False):
        project_services.organisation_delete(actor=h.li, organisation=h.org)
    return h


def test_county_user_sees_who_deleted_a_record_of_their_county_and_when(client, deletion):
    client.force_login(deletion.li)
    rows = table_rows(client.get(URL).content.decode())
    assert ["2024年6月3日 10:15:00", "李春燕", "社会工作服务机构：江岸区启明社工服务中心 已删除", "删除", "—",
            "删除机构"] in rows
    created = [row for row in rows if row[3] == "新增" and "江岸区启明社工服务中心" in row[2]]
    assert len(created) == 1 and created[0][1] == "李春燕"


def test_the_record_link_of_a_deleted_record_shows_its_whole_history(client, deletion):
    client.force_login(deletion.li)
    page = client.get(URL, {"model": "projects.organisation", "object_id": deletion.org_id}).content.decode()
    assert [row[3] for row in table_rows(page)] == ["删除", "新增"]


def test_another_county_sees_no_trace_of_the_deletion_by_any_filter(client, deletion):
    client.force_login(deletion.zhao)
    queries = [{}, {"model": "projects.organisation"}, {"user": "county_a"},
               {"model": "projects.organisation", "object_id": deletion.org_id},
               {"date_from": "2024-06-03", "date_to": "2024-06-03"}, {"page": 2}]
    for query in queries:
        page = client.get(URL, query).content.decode()
        assert "江岸区启明社工服务中心" not in page, query
        assert "李春燕" not in page and "删除机构" not in page, query
    assert table_rows(client.get(URL, {"user": "county_a"}).content.decode()) == []


def test_superuser_and_the_city_above_see_the_deletion(client, deletion):
    expected = ["2024年6月3日 10:15:00", "李春燕", "社会工作服务机构：江岸区启明社工服务中心 已删除", "删除", "—", "删除机构"]
    for viewer in (builders.superuser(), builders.user("wuhan", Role.CITY, deletion.city)):
        client.force_login(viewer)
        assert expected in table_rows(client.get(URL).content.decode())
    client.force_login(builders.user("yichang", Role.CITY, deletion.other_city))
    assert "江岸区启明社工服务中心" not in client.get(URL).content.decode()


def test_a_deletion_in_one_county_stays_out_of_another_that_sees_related_records(client, deletion):
    h = deletion
    # Registered in county B, entered earlier by county A (``added_in``): both could see it, so both
    # see it deleted by B, where it is registered.
    shared = project_builders.organisation(h.county_b, actor=h.zhao, name="江汉区同心社工服务中心")
    Organisation.objects.filter(pk=shared.pk).update(added_in=h.county_a)
    project_services.organisation_delete(actor=h.zhao, organisation=Organisation.objects.get(pk=shared.pk))
    # County A's contract with a B-registered contractor it added by credit code and name (B sees the
    # contractor, never A's contract).
    contractor = project_builders.organisation(h.county_b, actor=h.zhao, name="江汉区民和社工服务中心")
    project_services.organisation_add_known(actor=h.li, credit_code=contractor.credit_code, name=contractor.name)
    contract = project_builders.contract(h.county_a, contractor, actor=h.li, funding=[
        {"source": FundingSource.GENERAL_BUDGET, "amount": Decimal("200000.00")},
        {"source": FundingSource.CHARITY, "amount": Decimal("100000.00")}])
    project_services.contract_update(actor=h.li, contract=contract, funding_lines=[
        {"source": FundingSource.GENERAL_BUDGET, "amount": Decimal("300000.00")}])
    line_id = FundingLine.history.filter(history_type="-").get().id

    client.force_login(h.li)
    own = client.get(URL, {"model": "projects.fundingline", "object_id": line_id}).content.decode()
    assert [row[1:] for row in table_rows(own)] == [
        ["李春燕", "资金来源：慈善资金 100000.00 已删除", "删除", "—", "资金来源删除"],
        ["李春燕", "资金来源：慈善资金 100000.00 已删除", "新增", "—", "资金来源"]]
    client.force_login(h.zhao)
    page = client.get(URL).content.decode()
    assert "江汉区民和社工服务中心" in page  # B's own contractor, whose history B keeps seeing
    assert ["赵刚", "删除"] in [[row[1], row[3]] for row in table_rows(page) if "江汉区同心社工服务中心" in row[2]]
    client.force_login(h.li)
    assert ["赵刚", "删除"] in [[row[1], row[3]] for row in table_rows(client.get(URL).content.decode())
                              if "江汉区同心社工服务中心" in row[2]]
    client.force_login(h.zhao)
    assert "资金来源删除" not in page and "江岸区启明社工服务中心" not in page
    lines = client.get(URL, {"model": "projects.fundingline", "object_id": line_id}).content.decode()
    assert table_rows(lines) == [] and "没有符合条件的操作记录。" in lines


def test_which_deleted_records_can_be_scoped_from_their_history():
    county = Scope(prefix="420102")
    superuser_only = {key for key, model in audit.audited_models().items() if audit.deleted_scope(model, county) is None}
    assert superuser_only == {"workforce.certificate", "workforce.person", "workforce.trainingrecord"}
    assert audit.deleted_scope(Organisation, county) == (
        Q(region__code__startswith="420102") | Q(added_in__code__startswith="420102"))
    # A station head's station is the record's own id, not the history row's.
    assert audit.deleted_scope(Station, Scope(station_id=7)) == Q(id=7)
    assert audit.deleted_scope(Contract, Scope(station_id=7)) is None


def test_queries_do_not_grow_with_deleted_records(client, deletion):
    client.force_login(deletion.li)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(4):
        organisation = project_builders.organisation(deletion.county_a, actor=deletion.li)
        project_services.organisation_delete(actor=deletion.li, organisation=organisation)
    with CaptureQueriesContext(connection) as more:
        page = client.get(URL).content.decode()
    assert page.count("删除机构") == 5
    assert len(more.captured_queries) == len(few.captured_queries)
