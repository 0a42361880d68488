"""Dated divisions: a reloaded division file changes the figures from its effective date on, never
before it. Towns become development zones and townships merge every year (撤乡设镇, 乡镇撤并);
coverage, completeness and the dashboards at a past date stay byte for byte what they were."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from stations import models, services
from stations.models import CoveragePeriod, Region, RegionKind, TargetMetric
from stations.selectors import COMMAND_LINE, report_completeness
from stations.selectors.coverage import coverage_dashboard, coverage_rows
from stations.selectors.coverage_national import national_dashboard
from stations.selectors.coverage_trends import coverage_trends
from tests import builders
from tests.admin_forms import form_data
from tests.stations import policy_builders

D = datetime.date
BEFORE = D(2024, 12, 31)  # the day before the new divisions
AFTER = D(2025, 6, 30)
EFFECTIVE = "2025-01-01"

HEAD = "code,name,level,parent_code,successor_code\n"
UPPER = [
    "640000000000,宁夏回族自治区,province,,",
    "640100000000,银川市,city,640000000000,",
    "640181000000,灵武市,county,640100000000,",
    "640181001000,城区街道,township,640181000000,",
    "640181101000,临河镇,township,640181000000,",
    "640181103000,白土岗乡,township,640181000000,",
]
DIVISIONS_2024 = [
    *UPPER,
    "640181100000,宁东镇,township,640181000000,",
    "640181102000,马家滩镇,township,640181000000,",
    "640181104000,狼皮子梁乡,township,640181000000,",
]
# 2025: 宁东镇 becomes a development zone (not counted by default), 马家滩镇 merges into 白土岗乡,
# 狼皮子梁乡 is no longer listed (abolished).
NEW_TOWN = "640181105000,新设镇,township,640181000000,"
DIVISIONS_2025 = [
    *UPPER,
    "640181100000,宁东能源化工基地管理委员会,township,640181000000,",
    "640181102000,马家滩镇,township,640181000000,640181103000",
]


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text(HEAD + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def load(path, *args) -> str:
    out = io.StringIO()
    call_command("load_divisions", str(path), *args, stdout=out)
    return out.getvalue()


def command_bytes(*args) -> bytes:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().encode()


@pytest.fixture
def ningxia(db, tmp_path):
    load(write(tmp_path, "2024.csv", DIVISIONS_2024))
    t = {region.name: region for region in Region.objects.filter(level="township")}
    stations = {
        "宁东镇": builders.station(t["宁东镇"], status="operating", on=D(2021, 6, 1)),
        "临河镇": builders.station(t["临河镇"], status="pilot", on=D(2022, 1, 1)),
        "马家滩镇": builders.station(t["马家滩镇"], status="operating", on=D(2023, 3, 1)),
        "城区街道": builders.station(t["城区街道"], status="planned", on=D(2023, 3, 1)),
    }
    province = Region.objects.get(code="640000000000")
    for pct, due in ((50, D(2024, 12, 31)), (80, D(2025, 12, 31))):
        services.target_set(actor=builders.superuser(), region=province, metric=TargetMetric.TOWNSHIP_COVERAGE_PCT,
                            due_on=due, value=Decimal(pct), unit="percent",
                            document=policy_builders.document_for(province))
    return {"townships": t, "stations": stations, "province": province,
            "county": Region.objects.get(code="640181000000"), "tmp_path": tmp_path}


def figures(on_date: datetime.date, world) -> dict:
    """Every figure a user reads for a date: the coverage_report and report_completeness outputs
    (bytes), the county's, the province's and the nation's dashboards, the trends table."""
    month = on_date.strftime("%Y-%m")
    result = {
        "coverage_report county": command_bytes("coverage_report", "--region", "640181", "--at", on_date.isoformat()),
        "coverage_report province": command_bytes("coverage_report", "--region", "64", "--at", on_date.isoformat()),
        "report_completeness": command_bytes("report_completeness", "--region", "640181", "--month", month),
    }
    for key in ("county", "province"):
        dashboard = coverage_dashboard(region=world[key], on_date=on_date)
        result[f"dashboard {key}"] = (
            [(row.code, row.name, row.townships, row.covered, row.coverage_pct, row.gap_stations)
             for row in [dashboard.summary, *dashboard.children]],
            [(point.on_date, point.townships, point.covered, point.coverage_pct) for point in dashboard.chart],
            [row.name for row in dashboard.uncovered_townships])
    nation = national_dashboard(on_date=on_date)
    result["national"] = [(row.code, row.townships, row.covered) for row in [nation.summary, *nation.children]] + [
        (point.on_date, point.townships, point.covered) for point in nation.chart]
    trends = coverage_trends(user=builders.superuser(), region=world["province"], on_date=on_date)
    result["trends"] = [(row.code, row.name, row.townships, row.covered, row.light,
                         [(p.townships, p.covered) for p in row.trend]) for row in [trends.summary, *trends.rows]]
    completeness = report_completeness(user=COMMAND_LINE, region=world["county"], period=on_date.replace(day=1))
    result["completeness"] = ([(row.name, row.expected, row.missing) for row in completeness.rows],
                              [(m.name, m.township, m.township_code) for m in completeness.missing])
    return result


def county_rows(on_date):
    summary, children = coverage_rows(region=Region.objects.get(code="640181000000"), on_date=on_date)
    return (summary.townships, summary.covered), {row.name: row.covered for row in children}


def test_a_reloaded_division_file_changes_figures_from_its_date_on_and_never_before(ningxia):
    world = ningxia
    before = figures(BEFORE, world)
    assert county_rows(BEFORE) == ((6, 3), {"宁东镇": 1, "临河镇": 1, "马家滩镇": 1, "城区街道": 0, "白土岗乡": 0,
                                            "狼皮子梁乡": 0})
    assert county_rows(AFTER) == ((6, 3), county_rows(BEFORE)[1])

    output = load(write(world["tmp_path"], "2025.csv", DIVISIONS_2025), "--effective", EFFECTIVE)

    assert "乡镇（街道）: 6（新增 0，更新 1，未变 3，停用 2）" in output
    assert figures(BEFORE, world) == before  # every figure of the day before, byte for byte
    # From 2025 on: the development zone is not counted, 马家滩镇's station covers 白土岗乡.
    assert county_rows(AFTER) == ((3, 2), {"临河镇": 1, "白土岗乡": 1, "城区街道": 0})
    after = figures(AFTER, world)
    assert after["coverage_report county"].decode().splitlines()[0:2] == [
        "region_code,name,level,townships,covered,coverage_pct,target_pct,target_due,gap_stations,standard_covered,"
        "standard_pct",
        "640181000000,灵武市,county,3,2,66.7,80,2025-12-31,1,,本地政策未规定"]  # Ningxia sets no standard here
    assert after["national"][0] == ("000000000000", 3, 2)
    assert after["dashboard county"][2] == ["城区街道"]
    rows, missing = after["completeness"]
    assert rows == [("城区街道", 0, 0), ("宁东能源化工基地管理委员会", 1, 1), ("临河镇", 1, 1), ("白土岗乡", 1, 1)]
    assert ("马家滩镇社工站", "白土岗乡", "640181103000") in missing
    assert before["completeness"][0] == [("城区街道", 0, 0), ("宁东镇", 1, 1), ("临河镇", 1, 1), ("马家滩镇", 1, 1),
                                         ("白土岗乡", 0, 0), ("狼皮子梁乡", 0, 0)]
    # The chart of a later date shows each year end as it was.
    chart = coverage_dashboard(region=world["county"], on_date=AFTER).chart
    assert [(p.on_date, p.townships, p.covered) for p in chart][-2:] == [(BEFORE, 6, 3), (AFTER, 3, 2)]


def test_the_new_divisions_are_dated_and_audited(ningxia):
    world = ningxia
    load(write(world["tmp_path"], "2025.csv", DIVISIONS_2025), "--effective", EFFECTIVE)
    ningdong = Region.objects.get(code="640181100000")
    assert (ningdong.name, ningdong.kind) == ("宁东能源化工基地管理委员会", RegionKind.OTHER_TOWNSHIP)
    assert list(ningdong.versions.values_list("name", "kind", "valid_from", "valid_to")) == [
        ("宁东镇", RegionKind.ZHEN, None, BEFORE)]
    majiatan = Region.objects.get(code="640181102000")
    assert (majiatan.valid_to, majiatan.successor.name) == (BEFORE, "白土岗乡")  # ended, not deleted
    assert Region.objects.get(code="640181104000").valid_to == BEFORE
    assert set(models.RegionChange.objects.values_list("region__code", "effective_on")) == {
        ("640181100000", D(2025, 1, 1)), ("640181102000", D(2025, 1, 1)), ("640181104000", D(2025, 1, 1))}
    assert "区划文件 2025.csv" in models.RegionChange.objects.get(region=majiatan).source
    # The merged township's station keeps its place; its coverage counts in the successor from 2025.
    station = world["stations"]["马家滩镇"]
    assert station.region == majiatan
    assert list(CoveragePeriod.objects.filter(station=station).values_list("township_code", "starts_on", "ends_on")) == [
        ("640181102000", D(2023, 3, 1), D(2025, 1, 1)), ("640181103000", D(2025, 1, 1), None)]
    # The same file loaded again changes nothing; a new code starts on the day given.
    again = load(write(world["tmp_path"], "2025.csv", [*DIVISIONS_2025, NEW_TOWN]), "--effective", EFFECTIVE)
    assert "（新增 1，更新 0，未变 5）" in again
    assert Region.objects.get(code="640181105000").valid_from == D(2025, 1, 1)
    assert county_rows(BEFORE)[0] == (6, 3) and county_rows(AFTER)[0] == (4, 2)


def test_a_reload_that_changes_a_township_without_a_date_is_refused_and_changes_nothing(ningxia):
    world = ningxia
    snapshot = (list(Region.objects.order_by("code").values()), list(CoveragePeriod.objects.order_by("pk").values()))
    before = figures(AFTER, world)
    for rows in (DIVISIONS_2025,  # renamed, merged and missing at once
                 [*DIVISIONS_2024[:6], "640181100000,宁东能源化工基地管理委员会,township,640181000000,",
                  *DIVISIONS_2024[7:]],  # only a rename into another kind
                 DIVISIONS_2024[:-1]):  # only one township missing
        with pytest.raises(CommandError) as refusal:
            load(write(world["tmp_path"], "2025.csv", rows))
        assert "--effective" in str(refusal.value) and "文件未导入" in str(refusal.value)
        if rows is DIVISIONS_2025:  # the refusal names what would change
            assert "640181100000 宁东镇 → 宁东能源化工基地管理委员会" in str(refusal.value)
            assert "640181104000 狼皮子梁乡 不在文件中（停用）" in str(refusal.value)
    assert (list(Region.objects.order_by("code").values()),
            list(CoveragePeriod.objects.order_by("pk").values())) == snapshot
    assert not models.RegionVersion.objects.exists() and not models.RegionChange.objects.exists()
    assert figures(AFTER, world) == before
    # Adding a code, or changing nothing, still needs no date (as a first load).
    assert "（新增 1，更新 0，未变 6）" in load(write(world["tmp_path"], "add.csv", [*DIVISIONS_2024, NEW_TOWN]))
    assert "（新增 0，更新 0，未变 7）" in load(write(world["tmp_path"], "same.csv", [*DIVISIONS_2024, NEW_TOWN]))


def test_a_change_dated_before_the_last_one_is_refused(ningxia):
    world = ningxia
    load(write(world["tmp_path"], "2025.csv", DIVISIONS_2025), "--effective", EFFECTIVE)
    renamed = [*UPPER, "640181100000,宁东镇,township,640181000000,"]
    with pytest.raises(CommandError) as refusal:
        load(write(world["tmp_path"], "2024b.csv", renamed), "--effective", "2024-06-01")
    assert "变更生效日期必须晚于该日" in str(refusal.value)
    assert Region.objects.get(code="640181100000").name == "宁东能源化工基地管理委员会"


def test_the_admin_dates_and_audits_a_change_of_name_or_kind(ningxia, client):
    world = ningxia
    before = figures(BEFORE, world)
    official = builders.user("nx", "province", world["province"], is_staff=True)
    from stations.roles import ensure_role_groups

    official.groups.add(ensure_role_groups()["province"])
    client.force_login(official)
    township = world["townships"]["宁东镇"]
    url = reverse("admin:stations_region_change", args=[township.pk])
    data = form_data(client.get(url))
    data.update(name="宁东能源化工基地管理委员会", kind=RegionKind.OTHER_TOWNSHIP, effective_on="")
    response = client.post(url, data)
    assert response.status_code == 200 and "修改区划名称或类型必须填写生效日期" in response.content.decode()
    assert Region.objects.get(pk=township.pk).name == "宁东镇"
    data.update(effective_on=EFFECTIVE, change_reason="宁政函〔2024〕1号")
    assert client.post(url, data).status_code == 302
    change = models.RegionChange.objects.get(region=township)
    assert (change.changed_by, change.effective_on, change.changes["name"]) == (
        official, D(2025, 1, 1), ["宁东镇", "宁东能源化工基地管理委员会"])
    assert "宁政函〔2024〕1号" in change.source
    assert figures(BEFORE, world) == before
    assert county_rows(AFTER)[0] == (5, 2)
    page = client.get(url).content.decode()
    assert "此前的名称和类型" in page and "宁东镇" in page


def test_a_merge_into_a_township_that_ends_too_or_does_not_exist_is_refused(ningxia):
    world = ningxia
    into_missing = [*UPPER, "640181100000,宁东镇,township,640181000000,",
                    "640181102000,马家滩镇,township,640181000000,640181104000"]
    into_unknown = [*DIVISIONS_2024[:-2], "640181102000,马家滩镇,township,640181000000,640181199000",
                    DIVISIONS_2024[-1]]
    for rows, problem in ((into_missing, "并入区划 640181104000 不在文件中，也将停用"),
                          (into_unknown, "并入区划代码 640181199000 不存在")):
        with pytest.raises(CommandError) as refusal:
            load(write(world["tmp_path"], "bad.csv", rows), "--effective", EFFECTIVE)
        assert problem in str(refusal.value)
    assert not Region.objects.filter(valid_to__isnull=False).exists()


def test_the_dashboard_queries_do_not_grow_with_dated_changes(ningxia, django_assert_num_queries):
    world = ningxia
    with django_assert_num_queries(7):
        coverage_dashboard(region=world["county"], on_date=AFTER)
    load(write(world["tmp_path"], "2025.csv", DIVISIONS_2025), "--effective", EFFECTIVE)
    with django_assert_num_queries(7):
        coverage_dashboard(region=world["county"], on_date=AFTER)


def test_a_township_covered_by_its_own_station_and_a_merged_ones_counts_once(ningxia):
    world = ningxia
    into_linhe = [*UPPER, "640181100000,宁东镇,township,640181000000,",
                  "640181102000,马家滩镇,township,640181000000,640181101000",
                  "640181104000,狼皮子梁乡,township,640181000000,"]
    load(write(world["tmp_path"], "2025.csv", into_linhe), "--effective", EFFECTIVE)
    assert county_rows(AFTER) == ((5, 2), {"宁东镇": 1, "临河镇": 1, "城区街道": 0, "白土岗乡": 0, "狼皮子梁乡": 0})
    assert national_dashboard(on_date=AFTER).summary.covered == 2
    trends = coverage_trends(user=builders.superuser(), region=world["province"], on_date=AFTER)
    assert (trends.summary.townships, trends.summary.covered) == (5, 2)
    assert coverage_dashboard(region=world["county"], on_date=AFTER).chart[-1].covered == 2
    assert county_rows(BEFORE)[0] == (6, 3)
