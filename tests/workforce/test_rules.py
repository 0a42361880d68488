"""Qualification, the 2-year deadline, continuing education, supervisors and hiring flags."""

import datetime
from decimal import Decimal

import pytest

from tests import builders
from tests.workforce import builders as wb
from workforce.models import CertificateLevel, EmploymentRole, Person, TrainingKind, WorkforcePolicy
from workforce.selectors import (
    PolicyBook,
    continuing_education_shortfall,
    hiring_flag_list,
    people_with_rule_data,
    qualification_deadlines,
    qualification_on,
    supervisor_level_violations,
    workforce_policy_for,
)

HIRED = datetime.date(2023, 7, 1)
DEADLINE = datetime.date(2025, 7, 1)


def _status(person, on_date, policy=None):
    person = people_with_rule_data(Person.objects.filter(pk=person.pk)).get()
    return qualification_on(person, policy or WorkforcePolicy(), on_date)


def test_qualified_by_degree_certificate_or_sixty_recognised_hours(stations):
    degree = wb.person(station=stations.station_c1, social_work_degree=True)
    certified = wb.person(station=stations.station_c1, name="持证")
    wb.certify(certified, CertificateLevel.JUNIOR, datetime.date(2024, 5, 20))
    trained = wb.person(station=stations.station_c1, name="培训")
    wb.train(trained, datetime.date(2024, 3, 1), 40, TrainingKind.PRE_SERVICE)
    wb.train(trained, datetime.date(2024, 9, 1), 19.5, TrainingKind.SUPERVISION)
    wb.train(trained, datetime.date(2024, 10, 1), 30, TrainingKind.EXAM_PREP)  # not recognised
    on = datetime.date(2024, 12, 31)
    assert _status(degree, on).via == "degree"
    assert _status(certified, datetime.date(2024, 5, 19)).qualified is False
    assert _status(certified, datetime.date(2024, 5, 20)).qualified_on == datetime.date(2024, 5, 20)
    status = _status(trained, on)
    assert (status.qualified, status.recognised_hours) == (False, Decimal("59.5"))
    wb.train(trained, datetime.date(2024, 11, 2), 0.5, TrainingKind.CONTINUING)
    status = _status(trained, on)
    assert (status.qualified, status.via, status.qualified_on) == (True, "training", datetime.date(2024, 11, 2))


def test_training_threshold_is_configurable_per_region_nearest_ancestor_wins(stations):
    h = stations
    WorkforcePolicy.objects.create(region=h.province, qualification_training_hours=80)
    WorkforcePolicy.objects.create(region=h.county_c, qualification_training_hours=40)
    assert workforce_policy_for(h.c1).qualification_training_hours == 40
    assert workforce_policy_for(h.a1).qualification_training_hours == 80
    assert workforce_policy_for(h.g1).qualification_training_hours == 60  # defaults
    book = PolicyBook()
    assert book.for_code(h.c1.code).qualification_training_hours == 40
    assert book.for_code(h.g1.code).pk is None


@pytest.mark.parametrize(("on_date", "listed", "overdue"), [
    (DEADLINE - datetime.timedelta(days=91), False, False),
    (DEADLINE - datetime.timedelta(days=90), True, False),
    (DEADLINE, True, False),
    (DEADLINE + datetime.timedelta(days=1), True, True),
])
def test_two_year_deadline_boundaries(stations, on_date, listed, overdue):
    person = wb.person(station=stations.station_c1, start_on=HIRED)
    rows = qualification_deadlines(user=builders.superuser(), on_date=on_date)
    assert [row.person for row in rows] == ([person] if listed else [])
    if listed:
        assert rows[0].deadline == DEADLINE
        assert rows[0].overdue is overdue
        assert rows[0].hours_needed == Decimal(60)


def test_qualifying_on_the_deadline_day_takes_a_person_off_the_list(stations):
    person = wb.person(station=stations.station_c1, start_on=HIRED)
    wb.certify(person, CertificateLevel.JUNIOR, DEADLINE)
    assert qualification_deadlines(user=builders.superuser(), on_date=DEADLINE) == []
    rows = qualification_deadlines(user=builders.superuser(), on_date=DEADLINE - datetime.timedelta(days=1))
    assert [row.person for row in rows] == [person]


def test_deadline_counts_from_first_hire_and_leavers_are_not_listed(stations):
    mover = wb.person(station=stations.station_a1, start_on=datetime.date(2022, 1, 10),
                      end_on=datetime.date(2023, 1, 9))
    wb.assign(mover, stations.station_c1, start_on=datetime.date(2023, 1, 10))
    leaver = wb.person(station=stations.station_c1, start_on=datetime.date(2022, 1, 1),
                       end_on=datetime.date(2023, 12, 31), name="离职")
    rows = qualification_deadlines(user=builders.superuser(), on_date=datetime.date(2024, 2, 1))
    assert [(row.person, row.deadline) for row in rows] == [(mover, datetime.date(2024, 1, 10))]
    assert leaver not in [row.person for row in rows]


def test_deadline_years_follow_the_region_policy(stations):
    WorkforcePolicy.objects.create(region=stations.county_c, qualification_deadline_years=3)
    wb.person(station=stations.station_c1, start_on=HIRED)
    assert qualification_deadlines(user=builders.superuser(), on_date=DEADLINE) == []
    rows = qualification_deadlines(user=builders.superuser(), on_date=datetime.date(2026, 7, 1))
    assert rows[0].deadline == datetime.date(2026, 7, 1)


def test_deadline_list_is_scoped(stations, county_a_user):
    wb.person(station=stations.station_c1, start_on=HIRED)
    assert qualification_deadlines(user=county_a_user, on_date=DEADLINE) == []


def test_continuing_education_shortfall_per_calendar_year(stations):
    short = wb.person(station=stations.station_c1, start_on=datetime.date(2023, 1, 1), name="差学时")
    wb.train(short, datetime.date(2024, 3, 1), 20)
    wb.train(short, datetime.date(2024, 12, 31), 15.5, TrainingKind.SUPERVISION)
    wb.train(short, datetime.date(2025, 1, 1), 40)  # next year: does not count for 2024
    wb.train(short, datetime.date(2024, 5, 1), 30, TrainingKind.EXAM_PREP)  # not continuing education
    enough = wb.person(station=stations.station_c1, start_on=datetime.date(2023, 1, 1), name="够学时")
    wb.train(enough, datetime.date(2024, 6, 1), 60)
    rows = continuing_education_shortfall(user=builders.superuser(), year=2024, on_date=datetime.date(2025, 3, 1))
    assert [(row.person, row.hours, row.short_by) for row in rows] == [(short, Decimal("35.5"), Decimal("24.5"))]
    rows_2025 = continuing_education_shortfall(user=builders.superuser(), year=2025, on_date=datetime.date(2025, 3, 1))
    assert {row.person: row.short_by for row in rows_2025} == {short: Decimal(20), enough: Decimal(60)}


def test_someone_hired_mid_year_owes_a_share_by_month(stations):
    person = wb.person(station=stations.station_c1, start_on=datetime.date(2024, 10, 15))
    wb.train(person, datetime.date(2024, 11, 1), 10)
    rows = continuing_education_shortfall(user=builders.superuser(), year=2024, on_date=datetime.date(2025, 1, 5))
    assert [(row.required, row.short_by) for row in rows] == [(Decimal("15.0"), Decimal("5.0"))]


def test_supervisor_needs_intermediate_or_above(stations):
    junior = wb.person(station=stations.station_c1, role=EmploymentRole.SUPERVISOR, name="初级督导")
    wb.certify(junior, CertificateLevel.JUNIOR, datetime.date(2022, 1, 1))
    none = wb.person(station=stations.station_c1, role=EmploymentRole.SUPERVISOR, name="无证督导")
    ok = wb.person(station=stations.station_c1, role=EmploymentRole.SUPERVISOR, name="中级督导")
    wb.certify(ok, CertificateLevel.INTERMEDIATE, datetime.date(2022, 1, 1))
    later = wb.person(station=stations.station_c1, role=EmploymentRole.SUPERVISOR, name="后取证督导")
    wb.certify(later, CertificateLevel.SENIOR, datetime.date(2025, 7, 1))
    rows = supervisor_level_violations(user=builders.superuser(), on_date=datetime.date(2025, 6, 30))
    assert {(row.person, row.level) for row in rows} == {(junior, 1), (none, None), (later, None)}
    rows = supervisor_level_violations(user=builders.superuser(), on_date=datetime.date(2025, 7, 1))
    assert {row.person for row in rows} == {junior, none}


def test_age_and_education_are_flagged_not_blocked(stations):
    old = wb.person(station=stations.station_c1, start_on=datetime.date(2024, 1, 1), education=4,
                    id_number=wb.id_number(born="19780101"), name="年长")
    low = wb.person(station=stations.station_c1, education=2, name="高中")
    fine = wb.person(station=stations.station_c1, education=3, id_number=wb.id_number(born="19990101"), name="合格")
    rows = {row.person: row.flags for row in hiring_flag_list(user=builders.superuser(),
                                                              on_date=datetime.date(2025, 1, 1))}
    assert rows[old] == ["入职时 46 岁，超过招聘年龄上限 45 岁"]
    assert rows[low] == ["学历低于大专"]
    assert fine not in rows
