"""The stored placement (workforce.Placement) that scopes people: kept in step by every write path,
and never trusted past the day a later assignment begins."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, OuterRef
from django.urls import reverse
from django.utils import timezone

from stations import services as station_services
from stations.models import Role, Station
from stations.services.stations import stations_save_in_bulk
from tests import builders
from tests.workforce import builders as wb
from tests.workforce.test_import_export import EMPLOYMENT_HEADERS, upload, xlsx
from workforce import services
from workforce.models import Employment, Person, Placement, placement_expressions

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)


def worked_out() -> dict[int, tuple]:
    """Everyone's placement as the assignments give it today."""
    live = placement_expressions(OuterRef("pk"), F("registered_region__code"), timezone.localdate())
    return {pk: (station, code, until) for pk, station, code, until in Person.objects.annotate(
        s=live["station"], c=live["region_code"], u=live["valid_until"]).values_list("pk", "s", "c", "u")}


def stored() -> dict[int, tuple]:
    return {p.person_id: (p.station_id, p.region_code, p.valid_until) for p in Placement.objects.all()}


def assert_in_step():
    assert stored() == worked_out()


def test_every_service_write_keeps_the_placement_in_step(stations, county_a_user):
    h = stations
    mover = wb.person(station=h.station_a1, start_on=datetime.date(2023, 1, 1), name="调动")
    unassigned = services.person_create(actor=county_a_user, name="待岗", id_number=wb.id_number())
    assert stored()[mover.pk] == (h.station_a1.pk, h.a1.code, None)
    assert stored()[unassigned.pk] == (None, h.county_a.code, None)
    assert_in_step()

    job = wb.assign(mover, h.station_b1, start_on=datetime.date(2024, 1, 1))
    assert stored()[mover.pk][:2] == (h.station_b1.pk, h.b1.code)
    services.employment_update(actor=builders.superuser(), employment=job, station=h.station_c1)
    assert stored()[mover.pk][:2] == (h.station_c1.pk, h.c1.code)
    wb.assign(unassigned, h.station_a2, start_on=TOMORROW)  # only a future assignment: placed there already
    assert stored()[unassigned.pk] == (h.station_a2.pk, h.a2.code, TOMORROW)
    assert_in_step()

    # A station moving to another township takes its people's placement along.
    station_services.station_update(actor=builders.superuser(), station=h.station_a2, region=h.a3)
    assert stored()[unassigned.pk][:2] == (h.station_a2.pk, h.a3.code)
    assert_in_step()


def test_admin_writes_through_the_services_keep_the_placement_in_step(stations):
    """What the admin's forms can do (give an assignment to someone else, delete assignments, change
    the registering region) goes through the services, which keep the placement."""
    h = stations
    root = builders.superuser()
    first = wb.person(station=h.station_a1, start_on=datetime.date(2023, 1, 1), name="甲")
    # At another station than the assignment it is given below: overlapping ones at one station are refused.
    second = wb.person(station=h.station_c1, start_on=datetime.date(2023, 1, 1), name="乙")
    later = services.employment_create(actor=root, person=first, station=h.station_b1, role="resident",
                                       start_on=datetime.date(2024, 1, 1))
    assert stored()[first.pk][:2] == (h.station_b1.pk, h.b1.code)
    services.employment_update(actor=root, employment=later, person=second)  # given to someone else
    assert stored()[first.pk][:2] == (h.station_a1.pk, h.a1.code)
    assert_in_step()
    services.employment_delete(actor=root, employment=later)
    for employment in Employment.objects.filter(person=second):  # the admin's "delete selected", one by one
        services.employment_delete(actor=root, employment=employment)
    assert stored()[second.pk] == (None, second.registered_region.code, None)
    services.person_update(actor=root, person=second, registered_region=h.county_c)
    assert stored()[second.pk] == (None, h.county_c.code, None)
    assert_in_step()
    first.delete()  # with its assignments: nothing is left behind to break the person's deletion
    connection.check_constraints()
    assert first.pk not in stored()


def test_imported_assignments_move_the_placement(client, stations, county_a_user, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    number = wb.id_number("420102", "19900101", "031")
    person = services.person_create(actor=county_a_user, name="导入", id_number=number)
    client.force_login(county_a_user)
    report = upload(client, "employment-import", xlsx(EMPLOYMENT_HEADERS, [
        [number, stations.a2.code, "驻站社工", "", "2024-03-01", ""]]))
    assert not report.error_rows
    assert stored()[person.pk][:2] == (stations.station_a2.pk, stations.a2.code)
    assert_in_step()


def test_a_station_moved_by_a_bulk_import_takes_its_people_along(stations):
    h = stations
    person = wb.person(station=h.station_a2, start_on=datetime.date(2023, 1, 1))
    station = Station.objects.get(pk=h.station_a2.pk)
    station.region = h.a3
    stations_save_in_bulk(actor=builders.superuser(), created=[], updated=[station], status_changes=[], reason="导入")
    assert stored()[person.pk][:2] == (h.station_a2.pk, h.a3.code)
    assert_in_step()


@pytest.fixture
def moving_tomorrow(stations):
    """Works in county A; an assignment in county B begins tomorrow."""
    person = wb.person(station=stations.station_a1, start_on=datetime.date(2023, 1, 1),
                       end_on=TODAY, name="明日调动")
    wb.assign(person, stations.station_b1, start_on=TOMORROW)
    return person


def test_the_new_county_takes_over_on_the_start_day_before_any_refresh(
        client, monkeypatch, moving_tomorrow, stations, county_a_user, county_b_user):
    person = moving_tomorrow
    head_b = builders.user("head_b1", Role.STATION_HEAD, station=stations.station_b1)
    assert stored()[person.pk] == (stations.station_a1.pk, stations.a1.code, TOMORROW)
    assert list(Person.objects.visible_to(county_a_user)) == [person]
    assert not Person.objects.visible_to(county_b_user).exists()

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TOMORROW)
    assert stored()[person.pk][0] == stations.station_a1.pk  # not refreshed yet
    assert not Person.objects.visible_to(county_a_user).exists()
    assert list(Person.objects.visible_to(county_b_user)) == [person]
    assert list(Person.objects.visible_to(head_b)) == [person]
    client.force_login(county_b_user)
    page = client.get(reverse("workforce:person-list")).content.decode()
    assert "明日调动" in page and stations.station_b1.name in page
    client.force_login(county_a_user)
    assert "明日调动" not in client.get(reverse("workforce:person-list")).content.decode()

    output = StringIO()
    call_command("refresh_placements", stdout=output)
    assert "已更新 1 人" in output.getvalue()
    assert stored()[person.pk] == (stations.station_b1.pk, stations.b1.code, None)
    assert list(Person.objects.visible_to(county_b_user)) == [person]
    assert_in_step()


def test_province_staff_filter_people_by_county_and_see_no_other_province(client, stations, hierarchy):
    h = stations
    wb.person(station=h.station_a1, name="江岸人")
    wb.person(station=h.station_c1, name="远安人")
    gansu = builders.station(h.g1)
    wb.person(station=gansu, name="兰州人")
    client.force_login(builders.user("hubei", Role.PROVINCE, h.province, is_staff=True))
    url = reverse("workforce:person-list")
    page = client.get(url).content.decode()
    assert "江岸人" in page and "远安人" in page and "兰州人" not in page
    assert 'name="county"' in page and 'name="station"' not in page  # no province-wide station list
    page = client.get(url, {"county": h.county_c.code}).content.decode()
    assert "远安人" in page and "江岸人" not in page and h.station_c1.name in page.split('name="station"')[1]
    assert "兰州人" not in client.get(url, {"county": h.gansu_county.code}).content.decode()
