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
    dataset.append([h.a3.code, "乡镇（街道）社工站", "谌家矶镇社工站", "", "", "", "", "", "", "运营", "2024-01-01"])
    dataset.append([h.b2.code, "乡镇（街道）社工站", "花楼街社工站", "", "", "", "2024-02-01", "", "", "试点",
                    "2024-02-01"])
    report = run_import(StationResource(user=root), dataset, user=root, dry_run=False)
    assert not report.error_rows and not report.file_errors
    assert_in_step()
    before = national_dashboard(on_date=D(2023, 12, 31)).summary.covered
    assert national_dashboard(on_date=D(2024, 6, 30)).summary.covered == before + 2
    assert_nation_is_its_provinces(D(2024, 6, 30))


def test_a_township_changing_kind_moves_its_station_in_or_out_of_the_count(story, client, tmp_path):
    h = story
    on = D(2022, 12, 31)
    covered = national_dashboard(on_date=on).summary.covered
    # The division file renames a street as a development zone (not counted by default)...
    path = tmp_path / "divisions.csv"
    path.write_text("code,name,level,parent_code\n420102002000,大智经济开发区,township,420102000000\n", "utf-8")
    divisions.load(divisions.read_csv(path))
    assert Region.objects.get(pk=h.a1.pk).kind == RegionKind.OTHER_TOWNSHIP
    assert_in_step()
    assert national_dashboard(on_date=on).summary.covered == covered - 1
    assert_nation_is_its_provinces(on)
    # ...and a provincial official corrects it in the admin.
    official = builders.superuser()
    client.force_login(official)
    region = Region.objects.get(pk=h.a1.pk)
    response = client.get(f"/admin/stations/region/{region.pk}/change/")
    form = response.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(name="大智街道", kind=RegionKind.JIEDAO)
    response = client.post(f"/admin/stations/region/{region.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_in_step()
    assert national_dashboard(on_date=on).summary.covered == covered


def test_the_periods_rebuilt_from_nothing_equal_those_kept(story):
    kept = set(CoveragePeriod.objects.values_list("station_id", "township_code", "starts_on", "ends_on"))
    CoveragePeriod.objects.all().delete()
    assert refresh_coverage_periods() == len(kept)
    assert set(CoveragePeriod.objects.values_list("station_id", "township_code", "starts_on", "ends_on")) == kept

