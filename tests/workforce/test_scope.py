"""Who sees and edits whom, including across a move between counties."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stations.models import Role
from tests import builders
from tests.workforce import builders as wb
from workforce import services
from workforce.models import Certificate, CertificateLevel, Employment, Person, TrainingRecord


@pytest.fixture
def mover(stations):
    """Worked in county A until mid-2024, then moved to county B."""
    person = wb.person(station=stations.station_a1, start_on=datetime.date(2022, 3, 1),
                       end_on=datetime.date(2024, 6, 30), name="调动")
    wb.assign(person, stations.station_b1, start_on=datetime.date(2024, 7, 1))
    wb.certify(person, CertificateLevel.JUNIOR, datetime.date(2023, 6, 1))
    wb.train(person, datetime.date(2024, 8, 1), 12)
    return person


def test_a_person_who_moved_belongs_to_the_new_county(stations, mover, county_a_user, county_b_user):
    assert list(Person.objects.visible_to(county_b_user)) == [mover]
    assert list(Person.objects.visible_to(county_a_user)) == []
    assert Certificate.objects.visible_to(county_a_user).count() == 0
    assert TrainingRecord.objects.visible_to(county_a_user).count() == 0
    assert Certificate.objects.visible_to(county_b_user).count() == 1
    # County A keeps its own past roster row; B sees only the assignment at its station.
    assert [e.station for e in Employment.objects.visible_to(county_a_user)] == [stations.station_a1]
    assert [e.station for e in Employment.objects.visible_to(county_b_user)] == [stations.station_b1]


def test_the_old_county_cannot_edit_a_person_who_moved(stations, mover, county_a_user, county_b_user):
    with pytest.raises(PermissionDenied):
        services.person_update(actor=county_a_user, person=mover, phone="13800000000")
    with pytest.raises(PermissionDenied):
        wb.certify(mover, CertificateLevel.INTERMEDIATE, datetime.date(2025, 1, 1), actor=county_a_user)
    services.person_update(actor=county_b_user, person=mover, phone="13800000000")
    assert Person.objects.get().phone == "13800000000"


def test_a_person_without_a_current_assignment_stays_with_the_county_of_the_last_one(stations, county_a_user):
    person = wb.person(station=stations.station_a1, start_on=datetime.date(2022, 1, 1),
                       end_on=datetime.date(2023, 1, 1))
    assert list(Person.objects.visible_to(county_a_user)) == [person]


def test_a_county_registers_a_person_who_left_another_county(stations, county_a_user, county_b_user):
    number = wb.id_number()
    wb.person(station=stations.station_a1, actor=county_a_user, id_number=number,
              start_on=datetime.date(2022, 1, 1))
    assignment = {"station": stations.station_b1, "role": "resident", "start_on": datetime.date(2025, 1, 1)}
    with pytest.raises(ValidationError, match="该身份证号码已登记，不能重复登记"):
        services.person_create(actor=county_b_user, assignment=assignment, name="王芳", id_number=number)
    employment = Employment.objects.get()
    services.employment_update(actor=county_a_user, employment=employment, end_on=datetime.date(2024, 12, 31))
    person = services.person_create(actor=county_b_user, assignment=assignment, name="王芳", id_number=number)
    assert Person.objects.count() == 1
    assert list(Person.objects.visible_to(county_b_user)) == [person]
    assert list(Person.objects.visible_to(county_a_user)) == []


def test_county_staff_cannot_assign_to_another_countys_station(stations, county_a_user):
    with pytest.raises(PermissionDenied):
        wb.person(station=stations.station_b1, actor=county_a_user)
    assert Person.objects.count() == 0


def test_station_head_sees_their_station_evaluator_sees_nothing(stations):
    here = wb.person(station=stations.station_a1)
    wb.person(station=stations.station_a2, name="别站")
    head = builders.user("head", Role.STATION_HEAD, station=stations.station_a1)
    evaluator = builders.user("eval", Role.EVALUATOR, stations.city)
    city = builders.user("city", Role.CITY, stations.city)
    assert list(Person.objects.visible_to(head)) == [here]
    assert Person.objects.visible_to(evaluator).count() == 0
    assert Person.objects.visible_to(city).count() == 2
    with pytest.raises(PermissionDenied):
        services.person_update(actor=city, person=here, phone="1")
    with pytest.raises(PermissionDenied):
        services.person_update(actor=head, person=here, phone="1")
