"""The coverage periods behind the national dashboard: a summary of the status histories that every
write path keeps equal to the histories, so the nation's figures stay those of its provinces."""

import pytest
from tablib import Dataset

from core.importing import run_import
from stations import divisions, services
from stations.models import CoveragePeriod, Region, RegionKind, Station, StationKind
from stations.resources import StationResource
from stations.selectors.coverage import coverage_rows
from stations.selectors.coverage_national import national_dashboard
from stations.services.coverage_periods import covering_periods, refresh_coverage_periods
from tests import builders
from tests.admin_forms import form_data
from tests.stations.coverage_builders import D, build_coverage_story, change

OPERATING, PILOT, SUSPENDED, CLOSED, PLANNED = "operating", "pilot", "suspended", "closed", "planned"


@pytest.fixture
def story(hierarchy):
    return build_coverage_story(hierarchy)


def test_runs_of_covering_statuses_become_periods():
    history = [(D(2021, 1, 1), PLANNED), (D(2021, 6, 1), PILOT), (D(2021, 9, 1), OPERATING),
               (D(2022, 1, 1), SUSPENDED), (D(2022, 3, 1), OPERATING), (D(2023, 1, 1), CLOSED)]
    assert covering_periods(history) == [(D(2021, 6, 1), D(2022, 1, 1)), (D(2022, 3, 1), D(2023, 1, 1))]
    assert covering_periods(history[:5]) == [(D(2021, 6, 1), D(2022, 1, 1)), (D(2022, 3, 1), None)]
    assert covering_periods([(D(2021, 1, 1), PLANNED)]) == []


def from_history() -> set[tuple]:
    """Every township station's periods as its history and its township give them now."""
    expected = set()
    for station in Station.objects.filter(kind=StationKind.TOWNSHIP_STATION).select_related("region"):
        history = station.status_changes.order_by("effective_on").values_list("effective_on", "status")
        expected |= {(station.pk, station.region.code, station.region.kind, start, end)
                     for start, end in covering_periods(history)}
    return expected


def assert_in_step():
    assert set(CoveragePeriod.objects.values_list(
        "station_id", "township_code", "township_kind", "starts_on", "ends_on")) == from_history()


def assert_nation_is_its_provinces(on_date):
    rows = {row.code: row for row in national_dashboard(on_date=on_date).children}
    for code, row in rows.items():
        own, _children = coverage_rows(region=row.region, on_date=on_date)
        assert (row.townships, row.covered) == (own.townships, own.covered), code


def test_service_writes_keep_the_periods_in_step(story):
    h = story
    assert_in_step()
    assert CoveragePeriod.objects.filter(station=h.s_a1).values_list("starts_on", "ends_on").get() == (
        D(2021, 6, 1), None)  # pilot then operating: one period
    change(h.s_a2, OPERATING, D(2023, 9, 1))  # reopened after the suspension
    change(h.s_c1, CLOSED, D(2024, 2, 1))
    assert list(CoveragePeriod.objects.filter(station=h.s_a2).values_list("starts_on", "ends_on")) == [
        (D(2022, 3, 1), D(2023, 5, 1)), (D(2023, 9, 1), None)]
    root = builders.superuser()
    services.station_update(actor=root, station=h.s_c1, region=h.b3)  # moved to another township
    centre = Station.objects.get(kind=StationKind.COUNTY_CENTRE)
    assert not CoveragePeriod.objects.filter(station=centre).exists()  # not a township station
    assert_in_step()
    for on_date in (D(2022, 12, 31), D(2023, 6, 30), D(2023, 12, 31), D(2024, 6, 30)):
        assert_nation_is_its_provinces(on_date)
    assert national_dashboard(on_date=D(2023, 12, 31)).summary.covered == 4  # a1, a2 again, c1, g1


def test_a_bulk_station_import_keeps_the_periods_in_step(story):
    h = story
    root = builders.superuser()
    dataset = Dataset(headers=[f.column_name for f in StationResource(user=root).get_import_fields()])
    dataset.append([h.s_a3.pk, h.a3.code, "乡镇（街道）社工站", "谌家矶镇社工站", "", "", "", "", "", "", "运营", "2024-01-01"])
    dataset.append(["", h.b2.code, "乡镇（街道）社工站", "花楼街社工站", "", "", "", "2024-02-01", "", "", "试点",
                    "2024-02-01"])
    report = run_import(StationResource(user=root), dataset, user=root, dry_run=False)
    assert not report.error_rows and not report.file_errors
    assert_in_step()
    before = national_dashboard(on_date=D(2023, 12, 31)).summary.covered
    assert national_dashboard(on_date=D(2024, 6, 30)).summary.covered == before + 2
    assert_nation_is_its_provinces(D(2024, 6, 30))


def test_a_township_changing_kind_moves_its_station_in_or_out_of_the_count_from_the_day_it_changes(
        story, client, tmp_path):
    h = story
    before, after, later = D(2022, 12, 31), D(2023, 6, 30), D(2024, 6, 30)
    covered = {day: national_dashboard(on_date=day).summary.covered for day in (before, after, later)}
    # From 2023 on the division file has the street as a development zone (not counted by default)...
    path = tmp_path / "divisions.csv"
    path.write_text("code,name,level,parent_code\n420102002000,大智经济开发区,township,420102000000\n", "utf-8")
    divisions.load(divisions.read_csv(path), effective_on=D(2023, 1, 1))
    assert Region.objects.get(pk=h.a1.pk).kind == RegionKind.OTHER_TOWNSHIP
    # ...so its station's period is cut there, the part after it carrying the new kind.
    assert list(CoveragePeriod.objects.filter(station=h.s_a1).values_list("township_kind", "starts_on", "ends_on")) == [
        (RegionKind.JIEDAO, D(2021, 6, 1), D(2023, 1, 1)), (RegionKind.OTHER_TOWNSHIP, D(2023, 1, 1), None)]
    assert national_dashboard(on_date=before).summary.covered == covered[before]
    assert national_dashboard(on_date=after).summary.covered == covered[after] - 1
    for day in (before, after):
        assert_nation_is_its_provinces(day)
    # A provincial official makes it a street again in the admin, from 2024 on.
    official = builders.superuser()
    client.force_login(official)
    region = Region.objects.get(pk=h.a1.pk)
    data = form_data(client.get(f"/admin/stations/region/{region.pk}/change/"))
    data.update(name="大智街道", kind=RegionKind.JIEDAO, effective_on="2024-01-01", change_reason="更正类型")
    response = client.post(f"/admin/stations/region/{region.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert national_dashboard(on_date=after).summary.covered == covered[after] - 1
    assert national_dashboard(on_date=later).summary.covered == covered[later]
    assert_nation_is_its_provinces(later)
    refresh_coverage_periods()  # rebuilt from nothing: the same periods
    assert national_dashboard(on_date=after).summary.covered == covered[after] - 1


def test_the_periods_rebuilt_from_nothing_equal_those_kept(story):
    kept = set(CoveragePeriod.objects.values_list("station_id", "township_code", "starts_on", "ends_on"))
    CoveragePeriod.objects.all().delete()
    assert refresh_coverage_periods() == len(kept)
    assert set(CoveragePeriod.objects.values_list("station_id", "township_code", "starts_on", "ends_on")) == kept

