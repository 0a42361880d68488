"""Counts and rows the home page and the reporting-chain report take from the workforce app:
scoped, equal to the lists they summarise, and in a fixed number of queries."""

import datetime

from tests import builders
from tests.workforce import builders as wb
from workforce.models import CertificateLevel, EmploymentRole
from workforce.selectors import continuing_education_shortfall, qualification_deadlines
from workforce.selectors.alerts import people_alert_summary, qualification_deadline_summary
from workforce.selectors.staffing import staffing_by_certificate, station_staff_rows

ON = datetime.date(2026, 9, 30)


def _people(h):
    wb.document(h.province, rules={"qualification.deadline_years": 2, "training.continuing_hours_per_year": 60})
    head = wb.person(station=h.station_a1, role=EmploymentRole.STATION_HEAD, name="站长甲")
    wb.certify(head, CertificateLevel.INTERMEDIATE, datetime.date(2025, 3, 1))
    wb.certify(head, CertificateLevel.JUNIOR, datetime.date(2024, 3, 1))
    wb.person(station=h.station_a1, name="王芳")  # hired 2024-01-01, not qualified two years on: overdue
    wb.person(station=h.station_a2, name="刘新", start_on=datetime.date(2024, 11, 15))  # due 2026-11-15: soon
    wb.person(station=h.station_b1, name="赵金桥")


def test_station_staff_rows_of_the_region_with_status_and_counts(stations, county_a_user):
    _people(stations)
    rows = {row.name: row for row in station_staff_rows(user=county_a_user, region=stations.county_a, on_date=ON)}
    assert set(rows) == {stations.station_a1.name, stations.station_a2.name}
    a1 = rows[stations.station_a1.name]
    assert (a1.heads, a1.residents, a1.social_workers, a1.staff_total) == (1, 1, 1, 2)
    assert a1.status == "运营" and a1.covering and a1.township == stations.a1.name
    assert station_staff_rows(user=county_a_user, region=stations.county_b, on_date=ON) == []


def test_staffing_by_certificate_counts_each_persons_highest_level(stations, county_a_user,
                                                                   django_assert_max_num_queries):
    _people(stations)
    with django_assert_max_num_queries(4):
        staffing = staffing_by_certificate(user=county_a_user, region=stations.city, on_date=ON)
    by_station = {row.station: levels for row, levels in staffing.rows}
    assert set(by_station) == {stations.station_a1, stations.station_a2}  # not county B's
    assert by_station[stations.station_a1] == {CertificateLevel.INTERMEDIATE: 1}
    assert by_station[stations.station_a2] == {}
    assert [value for value, _label in staffing.levels] == list(CertificateLevel.values)
    for township in (stations.a3, stations.b2):
        wb.person(station=builders.station(township), name=f"{township.name}社工")
    with django_assert_max_num_queries(4):
        staffing = staffing_by_certificate(user=builders.superuser(), region=stations.city, on_date=ON)
    assert len(staffing.rows) == 5


def test_deadline_summary_counts_the_deadline_list(stations, county_a_user, county_b_user):
    _people(stations)
    rows = qualification_deadlines(user=county_a_user, on_date=ON, region=stations.county_a)
    counts = qualification_deadline_summary(user=county_a_user, on_date=ON, region=stations.county_a)
    assert (counts.due, counts.overdue, counts.soon) == (len(rows), sum(r.overdue for r in rows), 1) == (2, 1, 1)
    assert qualification_deadline_summary(user=county_b_user, on_date=ON, region=stations.county_a).due == 0


def test_people_alerts_count_the_deadline_and_shortfall_lists(stations, county_a_user, county_b_user):
    _people(stations)
    alerts = people_alert_summary(user=county_a_user, on_date=ON)
    assert alerts.deadlines.due == len(qualification_deadlines(user=county_a_user, on_date=ON)) == 2
    assert alerts.training_shortfall == len(continuing_education_shortfall(user=county_a_user, year=2026, on_date=ON))
    assert alerts.training_shortfall > 0
    assert people_alert_summary(user=county_b_user, on_date=ON).deadlines.due == 1  # 赵金桥 only
