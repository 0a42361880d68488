"""Every summary table equals a recomputation from its source rows after every kind of write.

The summaries: coverage periods (stations.CoveragePeriod, from the status histories, the stations'
townships and the townships' kinds) and placements (workforce.Placement, from the people, their
assignments and their stations' townships). Each case below writes through one path a user has
(a service, an admin form, an upload, a bulk write, a division load) and then compares both tables,
row for row, with what the pure functions here rebuild from the source tables:

- stations: station_create, station_change_status, station_update (township; kind), the station
  admin's change and add forms, the station upload (stations_save_in_bulk), stations_save_in_bulk
  moving a station, a dated division file load (a kind changed; a merge), the region admin changing a
  township's kind from a date;
- workforce: person_create, person_update (registering region), employment_create, _update (station,
  person), _delete, the people and assignment uploads, the person admin's assignment inline and the
  assignment admin (expected to fail until the admin calls the services);
- the demo data; and midnight passing, where the scope must not wait for the daily compaction.
The national data generator is checked the same way in tests/config/test_generate_national.py."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from stations import divisions
from stations import services as station_services
from stations.models import CoveragePeriod, Region, RegionKind, Station, StationKind
from stations.resources import StationResource
from stations.services.coverage_periods import covering_periods
from stations.services.stations import stations_save_in_bulk
from tests import builders
from tests.stations.test_report_lock_admin import form_data
from tests.workforce import builders as wb
from tests.workforce.test_import_export import EMPLOYMENT_HEADERS, PEOPLE_HEADERS, upload, xlsx
from workforce import services
from workforce.models import Employment, Person, Placement

D = datetime.date


# -- the summaries rebuilt from nothing ---------------------------------------------------------

def township_on(region: Region, day: datetime.date) -> tuple[str, str] | None:
    """(code, kind) of the township a station placed in ``region`` counts in on ``day``: the region
    with its kind that day, or once it ended, its successor's (None: no township then)."""
    for _step in range(20):
        if region.valid_to is not None and day > region.valid_to:
            if region.successor is None:
                return None
            region = region.successor
            continue
        if region.valid_from is not None and day < region.valid_from:
            return None
        version = next((v for v in region.versions.all() if (v.valid_from is None or v.valid_from <= day)
                        and day <= v.valid_to), None)
        return region.code, version.kind if version else region.kind
    return None


def expected_coverage_periods() -> set[tuple]:
    """(station, township code, township kind, starts_on, ends_on) of every covering run of every
    township station's status history, cut where the township it counts in, or that township's kind,
    changed (the divisions are dated)."""
    histories = defaultdict(list)
    for station_id, effective_on, status in Station.objects.filter(
            kind=StationKind.TOWNSHIP_STATION).values_list("pk", "status_changes__effective_on",
                                                           "status_changes__status"):
        if effective_on is not None:
            histories[station_id].append((effective_on, status))
    regions = {region.pk: region for region in Region.objects.prefetch_related("versions")}
    for region in regions.values():
        region.successor = regions.get(region.successor_id)
    cuts = {day for region in regions.values() for day in (
        region.valid_from, region.valid_to and region.valid_to + datetime.timedelta(days=1),
        *(version.valid_to + datetime.timedelta(days=1) for version in region.versions.all())) if day}
    placed = dict(Station.objects.values_list("pk", "region_id"))
    expected = set()
    for station_id, history in histories.items():
        for start, end in covering_periods(sorted(history)):
            days = [start, *sorted(day for day in cuts if start < day and (end is None or day < end)), end]
            pieces = []
            for piece_start, piece_end in itertools.pairwise(days):
                township = township_on(regions[placed[station_id]], piece_start)
                if pieces and pieces[-1][2] == township and pieces[-1][1] == piece_start:
                    pieces[-1] = (pieces[-1][0], piece_end, township)
                else:
                    pieces.append((piece_start, piece_end, township))
            expected |= {(station_id, *township, piece_start, piece_end)
                         for piece_start, piece_end, township in pieces if township}
    return expected


def expected_placements(today: datetime.date) -> dict[int, tuple]:
    """person -> (station, region code, valid until): their latest assignment started by today;
    else their earliest one; else no station and their registering region; valid until the next
    start of an assignment after today."""
    jobs = defaultdict(list)
    for person_id, start_on, pk, station_id, code in Employment.objects.values_list(
            "person_id", "start_on", "pk", "station_id", "station__region__code"):
        jobs[person_id].append((start_on, pk, station_id, code))
    expected = {}
    for person_id, registered in Person.objects.values_list("pk", "registered_region__code"):
        mine = sorted(jobs[person_id])
        started = [job for job in mine if job[0] <= today]
        placing = started[-1] if started else (mine[0] if mine else (None, None, None, registered))
        later = [job[0] for job in mine if job[0] > today]
        expected[person_id] = (placing[2], placing[3], min(later) if later else None)
    return expected


def stored_coverage_periods() -> set[tuple]:
    return set(CoveragePeriod.objects.order_by().values_list("station_id", "township_code", "township_kind",
                                                              "starts_on", "ends_on"))


def stored_placements() -> dict[int, tuple]:
    return {row[0]: row[1:] for row in Placement.objects.values_list("person_id", "station_id", "region_code",
                                                                     "valid_until")}


def assert_summaries_in_step():
    assert stored_coverage_periods() == expected_coverage_periods()
    assert stored_placements() == expected_placements(timezone.localdate())


# -- a small world: stations with histories, people placed at them --------------------------------

@pytest.fixture
def world(hierarchy):
    h = hierarchy
    h.root = builders.superuser()
    h.county_a_user = builders.county_user(h)
    h.county_b_user = builders.county_user(h, name="county_b", county=h.county_b)
    h.s_a1 = builders.station(h.a1, status="pilot", on=D(2021, 6, 1))
    station_services.station_change_status(actor=h.root, station=h.s_a1, status="operating", effective_on=D(2022, 1, 1))
    h.s_a2 = builders.station(h.a2, status="operating", on=D(2022, 3, 1))
    h.s_b1 = builders.station(h.b1, status="operating", on=D(2022, 6, 1))
    h.s_c1 = builders.station(h.c1, status="planned", on=D(2023, 1, 1))
    h.tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    h.mover = wb.person(station=h.s_a2, start_on=D(2023, 1, 1), name="调动")
    wb.assign(h.mover, h.s_b1, start_on=h.tomorrow)
    h.resident = wb.person(station=h.s_a1, start_on=D(2023, 1, 1), name="驻站")
    h.waiting = wb.person(actor=h.county_b_user, name="待岗")
    assert_summaries_in_step()
    return h


# -- the write paths ------------------------------------------------------------------------------

def station_create(w):
    builders.station(w.a3, status="operating", on=D(2023, 5, 1))


def station_change_status(w):
    station_services.station_change_status(actor=w.root, station=w.s_a1, status="suspended",
                                           effective_on=D(2024, 3, 1))


def station_update_township(w):
    station_services.station_update(actor=w.root, station=w.s_a2, region=w.a3)


def station_update_kind(w):
    station_services.station_update(actor=w.root, station=w.s_a1, region=w.county_a, kind=StationKind.COUNTY_CENTRE)


def station_admin_change(w):
    w.client.force_login(w.root)
    url = reverse("admin:stations_station_change", args=[w.s_a2.pk])
    data = form_data(w.client.get(url))
    data.update(region=w.a3.pk, new_status="suspended", status_effective_on="2024-04-01", status_reason="停用")
    assert w.client.post(url, data).status_code == 302


def station_admin_add(w):
    w.client.force_login(w.root)
    url = reverse("admin:stations_station_add")
    data = form_data(w.client.get(url))
    data.update(region=w.b2.pk, name="花楼街社工站", kind=StationKind.TOWNSHIP_STATION, new_status="pilot",
                status_effective_on="2024-02-01", status_reason="试点")
    assert w.client.post(url, data).status_code == 302


def station_import(w):
    w.client.force_login(w.root)
    headers = [f.column_name for f in StationResource(user=w.root).get_import_fields()]
    rows = [["", w.b2.code, "乡镇（街道）社工站", "花楼街社工站", "", "", "", "2024-02-01", "", "", "试点", "2024-02-01"],
            [w.s_b1.pk, w.b1.code, "乡镇（街道）社工站", w.s_b1.name, "", "", "", "", "", "", "暂停", "2024-05-01"]]
    report = upload_to(w.client, "stations:station-import", xlsx(headers, rows))
    assert not report.error_rows and not report.file_errors


def stations_in_bulk(w):
    station = Station.objects.get(pk=w.s_a2.pk)
    station.region = w.a3
    stations_save_in_bulk(actor=w.root, created=[], updated=[station], status_changes=[], reason="导入")


def division_load(w):
    path = w.tmp_path / "divisions.csv"
    path.write_text("code,name,level,parent_code\n420102002000,大智经济开发区,township,420102000000\n", "utf-8")
    divisions.load(divisions.read_csv(path), effective_on=D(2023, 1, 1))
    assert Region.objects.get(pk=w.a1.pk).kind == RegionKind.OTHER_TOWNSHIP


def division_merge(w):
    """A township merged into another: its station counts in the successor from the day on."""
    path = w.tmp_path / "divisions.csv"
    path.write_text("code,name,level,parent_code,successor_code\n"
                    "420102002000,大智街道,township,420102000000,420102003000\n", "utf-8")
    divisions.load(divisions.read_csv(path), effective_on=D(2024, 1, 1))


def region_admin_kind(w):
    w.client.force_login(w.root)
    url = reverse("admin:stations_region_change", args=[w.a1.pk])
    data = form_data(w.client.get(url))
    data.update(kind=RegionKind.OTHER_TOWNSHIP, effective_on="2023-07-01")
    assert w.client.post(url, data).status_code == 302


def person_create(w):
    wb.person(actor=w.county_a_user, name="新登记")
    wb.person(actor=w.county_a_user, station=w.s_a1, start_on=D(2024, 2, 1), name="新到岗")


def person_update_region(w):
    services.person_update(actor=w.root, person=w.waiting, registered_region=w.county_c)


def employment_create(w):
    wb.assign(w.resident, w.s_b1, start_on=D(2024, 6, 1))
    wb.assign(w.waiting, w.s_c1, start_on=w.tomorrow + datetime.timedelta(days=30))


def employment_update(w):
    job = Employment.objects.get(person=w.resident)
    services.employment_update(actor=w.root, employment=job, station=w.s_c1, end_on=D(2025, 1, 1))


def employment_reassign(w):
    job = Employment.objects.get(person=w.resident)
    services.employment_update(actor=w.root, employment=job, person=w.waiting)


def employment_delete(w):
    services.employment_delete(actor=w.root, employment=Employment.objects.get(person=w.mover, station=w.s_a2))


def person_import(w):
    w.client.force_login(w.county_a_user)
    report = upload(w.client, "person-import", xlsx(PEOPLE_HEADERS, [
        ["导入", wb.id_number("420102", "19910101"), "", "", "", "", "", "", "", w.county_a.code]]))
    assert not report.error_rows and not report.file_errors


def employment_import(w):
    w.client.force_login(w.county_a_user)
    report = upload(w.client, "employment-import", xlsx(EMPLOYMENT_HEADERS, [
        [w.resident.id_number, w.a2.code, "驻站社工", "", "2024-03-01", ""]]))
    assert not report.error_rows and not report.file_errors


def person_admin_inline(w):
    """A new assignment added on the person's admin page."""
    w.client.force_login(w.root)
    url = reverse("admin:workforce_person_change", args=[w.waiting.pk])
    data = form_data(w.client.get(url))
    prefix = "employments"
    row = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = row + 1
    data.update({f"{prefix}-{row}-person": w.waiting.pk, f"{prefix}-{row}-station": w.s_b1.pk,
                 f"{prefix}-{row}-role": "resident", f"{prefix}-{row}-start_on": "2024-01-01"})
    response = w.client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response


def employment_admin_change(w):
    w.client.force_login(w.root)
    job = Employment.objects.get(person=w.resident)
    url = reverse("admin:workforce_employment_change", args=[job.pk])
    data = form_data(w.client.get(url))
    data.update(station=w.s_c1.pk)
    assert w.client.post(url, data).status_code == 302


def upload_to(client, url_name, upload_file):
    url = reverse(url_name)
    response = client.post(url, {"file": upload_file})
    report, token = response.context["report"], response.context["token"]
    if token:
        client.post(url, {"token": token})
    return report


WRITES = [
    station_create, station_change_status, station_update_township, station_update_kind, station_admin_change,
    station_admin_add, station_import, stations_in_bulk, division_load, division_merge,
    region_admin_kind,
    person_create, person_update_region, employment_create, employment_update, employment_reassign,
    employment_delete, person_import, employment_import,
    person_admin_inline, employment_admin_change,
]


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_every_write_path_leaves_the_summaries_equal_to_their_sources(write, world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # uploads wait for their confirmation there
    world.client, world.tmp_path = client, tmp_path
    before = (stored_coverage_periods(), stored_placements())
    write(world)
    assert_summaries_in_step()
    assert (stored_coverage_periods(), stored_placements()) != before, "the case wrote nothing a summary follows"


def test_at_midnight_the_scope_follows_an_assignment_that_begins_before_the_compaction(world, monkeypatch):
    """Time-driven: no write happens when a later assignment begins. The scope reads the stored
    placement only before its valid_until, so it is right from the first minute of the day; the
    daily command then stores the new placement (a compaction)."""
    from django.core.management import call_command

    w = world
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: w.tomorrow)
    expected = expected_placements(w.tomorrow)
    placed = {pk: (station, code) for pk, station, code in Person.objects.with_placement().values_list(
        "pk", "placing_station_id", "placing_region_code")}
    assert placed == {pk: row[:2] for pk, row in expected.items()}
    assert placed[w.mover.pk] == (w.s_b1.pk, w.b1.code) != stored_placements()[w.mover.pk][:2]
    assert list(Person.objects.visible_to(w.county_b_user).filter(pk=w.mover.pk)) == [w.mover]
    call_command("refresh_placements", stdout=SimpleNamespace(write=lambda text: None))
    assert_summaries_in_step()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason=(
    "the demo (thousands of stations) is seeded inside the test's transaction, where PostgreSQL "
    "plans from statistics that the test database's autovacuum took while the tables were empty, "
    "and its joins take minutes; the demo runs on SQLite (make run), and CI's SQLite run has this test"))
def test_the_demo_data_comes_with_its_summaries():
    """The demo seeds through the services (a station's first save aside, followed by its status
    changes through the service): nothing to rebuild afterwards."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=SimpleNamespace(write=lambda text: None))
    assert CoveragePeriod.objects.exists() and Placement.objects.exists()
    assert_summaries_in_step()
