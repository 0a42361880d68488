import datetime

from stations.metrics import station_metric
from tests import builders
from tests.workforce import builders as wb
from workforce.models import EmploymentRole
from workforce.selectors import station_roster, station_staffing, under_staffed_stations

D = datetime.date(2025, 3, 1)


def _staff(h):
    wb.person(station=h.station_a1, role=EmploymentRole.STATION_HEAD, name="站长甲")
    wb.person(station=h.station_a1, role=EmploymentRole.RESIDENT, name="社工乙")
    wb.person(station=h.station_a1, role=EmploymentRole.PROJECT, name="社工丙", end_on=datetime.date(2025, 2, 28))
    wb.person(station=h.station_a1, role=EmploymentRole.RESIDENT, name="社工丁", start_on=datetime.date(2025, 3, 1))


def test_roster_is_who_is_assigned_on_the_date(stations):
    _staff(stations)
    names = [e.person.name for e in station_roster(station=stations.station_a1, on_date=D)]
    assert names == ["站长甲", "社工丁", "社工乙"]
    names = [e.person.name for e in station_roster(station=stations.station_a1, on_date=D - datetime.timedelta(1))]
    assert names == ["站长甲", "社工乙", "社工丙"]  # heads, then resident, then project workers


HEAD_AND_TWO = {"staffing.min_station_heads": (1, "", "每个社工站配置1名站长和2名社会工作人员"),
                "staffing.min_social_workers": (2, "", "每个社工站配置1名站长和2名社会工作人员")}


def test_under_staffed_on_a_date_against_one_head_and_two_workers(stations, django_assert_max_num_queries):
    _staff(stations)
    wb.document(stations.city, title="某市社工站建设汇报", rules=HEAD_AND_TWO)
    with django_assert_max_num_queries(3):
        rows = under_staffed_stations(user=builders.superuser(), on_date=D)
    gaps = {row.station: row for row in rows}
    assert stations.station_a1 not in gaps
    assert [gap.text for gap in gaps[stations.station_a2].gaps] == ["站长缺 1 名", "社工缺 2 名"]
    assert gaps[stations.station_a2].citation == "依据：《某市社工站建设汇报》「每个社工站配置1名站长和2名社会工作人员」"
    # The project worker left on 28 Feb and a new resident started on 1 March: still 2 workers.
    rows = {row.station: row for row in station_staffing(user=builders.superuser(), on_date=D)}
    assert (rows[stations.station_a1].heads, rows[stations.station_a1].social_workers) == (1, 2)
    assert rows[stations.station_a1].standard_set and rows[stations.station_a1].gaps == []


def test_resident_worker_minimum_and_maximum_are_the_documents(stations):
    _staff(stations)
    wb.document(stations.county_a, rules={"staffing.min_resident_social_workers": 3})
    gaps = {row.station: [g.text for g in row.gaps]
            for row in under_staffed_stations(user=builders.superuser(), on_date=D)}
    assert gaps[stations.station_a1] == ["驻站社工缺 1 名"]
    wb.document(stations.county_a, effective_from=datetime.date(2025, 3, 1),
                rules={"staffing.max_resident_social_workers": 1})
    gaps = {row.station: [g.text for g in row.gaps]
            for row in under_staffed_stations(user=builders.superuser(), on_date=D)}
    assert gaps[stations.station_a1] == ["驻站社工缺 1 名", "驻站社工超出上限 1 名"]
    before = under_staffed_stations(user=builders.superuser(), on_date=D - datetime.timedelta(days=1))
    assert [[g.text for g in row.gaps] for row in before if row.station == stations.station_a1] == [["驻站社工缺 2 名"]]


def test_no_gap_where_no_document_sets_a_staffing_standard(stations):
    _staff(stations)
    assert under_staffed_stations(user=builders.superuser(), on_date=D) == []
    rows = station_staffing(user=builders.superuser(), on_date=D)
    assert rows and not any(row.standard_set or row.gaps for row in rows)


def test_under_staffed_list_is_scoped(stations, county_b_user):
    wb.document(stations.province, rules={"staffing.min_resident_social_workers": 2})
    rows = under_staffed_stations(user=county_b_user, on_date=D)
    assert [row.station for row in rows] == [stations.station_b1]


def test_station_metrics_feed_the_stations_app(stations):
    _staff(stations)
    assert station_metric("resident_social_workers", stations.station_a1, D) == 2
    assert station_metric("station_heads", stations.station_a1, D) == 1
    assert station_metric("staff_total", stations.station_a1, D) == 3
    assert station_metric("staff_total", stations.station_b1, D) is None  # no roster entered: no data
    wb.person(station=stations.station_b1, role=EmploymentRole.RESIDENT, name="社工戊", end_on=datetime.date(2024, 12, 31))
    assert station_metric("staff_total", stations.station_b1, D) == 0  # roster kept, nobody in post
