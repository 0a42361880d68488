"""Qualification, its deadline, continuing education, supervisors and hiring flags, each under the
rules of the policy document in force for the person's region at the date the figure is about."""

import datetime
from decimal import Decimal

import pytest

from tests import builders
from tests.workforce import builders as wb
from workforce.models import CertificateLevel, EmploymentRole, Person, TrainingKind
from workforce.selectors import (
    RuleBook,
    continuing_education_shortfall,
    hiring_flag_list,
    people_with_rule_data,
    person_qualification,
    qualification_deadlines,
    supervisor_level_violations,
)

HIRED = datetime.date(2023, 7, 1)
DEADLINE = datetime.date(2025, 7, 1)
HENAN_LIKE = {"qualification.routes": ["degree", "certificate", "training"], "qualification.training_hours": 60}


def _status(person, on_date):
    person = people_with_rule_data(Person.objects.filter(pk=person.pk)).get()
    return person_qualification(person, RuleBook(), on_date)


def _deadlines(on_date, user=None):
    return qualification_deadlines(user=user or builders.superuser(), on_date=on_date)


def test_qualified_by_degree_certificate_or_the_documents_training_hours(stations):
    wb.document(stations.county_c, rules=HENAN_LIKE)
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
    assert (status.qualified, status.recognised_hours, status.hours_needed) == (False, Decimal("59.5"),
                                                                                Decimal("0.5"))
    wb.train(trained, datetime.date(2024, 11, 2), 0.5, TrainingKind.CONTINUING)
    status = _status(trained, on)
    assert (status.qualified, status.via, status.qualified_on) == (True, "training", datetime.date(2024, 11, 2))


def test_training_hours_qualify_nobody_where_no_document_makes_training_a_route(stations):
    wb.document(stations.province, rules={"qualification.training_hours": 60})  # hours, but no routes
    trained = wb.person(station=stations.station_c1, name="培训")
    wb.train(trained, datetime.date(2024, 3, 1), 80, TrainingKind.PRE_SERVICE)
    certified = wb.person(station=stations.station_c1, name="持证")
    wb.certify(certified, CertificateLevel.JUNIOR, datetime.date(2024, 5, 20))
    status = _status(trained, datetime.date(2024, 12, 31))
    assert (status.qualified, status.hours_needed) == (False, None)
    assert _status(certified, datetime.date(2024, 12, 31)).via == "certificate"  # a fact, whatever the document


def test_a_degree_does_not_qualify_where_the_document_accepts_certificates_only(stations):
    wb.document(stations.county_c, rules={"qualification.routes": ["certificate"]})
    graduate = wb.person(station=stations.station_c1, social_work_degree=True, name="本科")
    status = _status(graduate, datetime.date(2024, 12, 31))
    assert (status.qualified, status.via) == (False, "")
    wb.certify(graduate, CertificateLevel.JUNIOR, datetime.date(2024, 6, 1))
    assert _status(graduate, datetime.date(2024, 12, 31)).via == "certificate"


def test_the_nearest_regions_document_wins(stations):
    wb.document(stations.province, rules={**HENAN_LIKE, "qualification.training_hours": 80})
    wb.document(stations.county_c, rules={"qualification.training_hours": 40})
    trained_c = wb.person(station=stations.station_c1, name="远安")
    trained_a = wb.person(station=stations.station_a1, name="江岸")
    for person in (trained_c, trained_a):
        wb.train(person, datetime.date(2024, 3, 1), 50, TrainingKind.PRE_SERVICE)
    assert _status(trained_c, datetime.date(2024, 12, 31)).qualified is True  # county C: 40 hours
    assert _status(trained_a, datetime.date(2024, 12, 31)).hours_needed == Decimal(30)  # the province's 80


@pytest.mark.parametrize(("on_date", "listed", "overdue"), [
    (DEADLINE - datetime.timedelta(days=91), False, False),
    (DEADLINE - datetime.timedelta(days=90), True, False),
    (DEADLINE, True, False),
    (DEADLINE + datetime.timedelta(days=1), True, True),
])
def test_two_year_deadline_boundaries(stations, on_date, listed, overdue):
    wb.document(stations.county_c, rules={"qualification.deadline_years": 2, **HENAN_LIKE})
    person = wb.person(station=stations.station_c1, start_on=HIRED)
    rows = _deadlines(on_date)
    assert [row.person for row in rows] == ([person] if listed else [])
    if listed:
        assert rows[0].deadline == DEADLINE
        assert rows[0].overdue is overdue
        assert rows[0].hours_needed == Decimal(60)


def test_the_warning_window_is_a_setting(stations, settings):
    settings.QUALIFICATION_WARNING_DAYS = 30
    wb.document(stations.county_c, rules={"qualification.deadline_years": 2})
    person = wb.person(station=stations.station_c1, start_on=HIRED)
    assert _deadlines(DEADLINE - datetime.timedelta(days=31)) == []
    assert [row.person for row in _deadlines(DEADLINE - datetime.timedelta(days=30))] == [person]


def test_a_county_whose_document_sets_two_years_lists_the_deadline_with_its_basis(stations):
    doc = wb.document(stations.county_c, title="远安县社工人才队伍建设办法", number="远民发〔2022〕3号",
                      rules={"qualification.deadline_years": (2, "第五条", "必须在两年内考取社会工作者职业水平资格证书")})
    person = wb.person(station=stations.station_c1, start_on=HIRED)
    wb.person(station=stations.station_a1, start_on=HIRED, name="江岸")  # county A: Hubei only, no deadline
    rows = _deadlines(DEADLINE)
    assert [row.person for row in rows] == [person]
    assert rows[0].basis.years.document == doc
    assert rows[0].citation == ("依据：《远安县社工人才队伍建设办法》（远民发〔2022〕3号）第五条"
                                "「必须在两年内考取社会工作者职业水平资格证书」")
    assert rows[0].hours_needed is None  # no document makes training a route here


def test_no_deadline_where_no_document_sets_one(stations):
    wb.document(stations.province, title="湖北省民政厅关于促进乡镇（街道）社会工作发展的通知",
                rules={"hiring.max_age": 45})
    wb.person(station=stations.station_c1, start_on=datetime.date(2020, 1, 1))
    assert _deadlines(datetime.date(2025, 1, 1)) == []


def test_a_newer_document_applies_to_people_hired_after_it_only(stations):
    wb.document(stations.county_c, effective_from=datetime.date(2021, 1, 1),
                rules={"qualification.deadline_years": 2})
    wb.document(stations.county_c, effective_from=datetime.date(2027, 3, 1), title="新办法",
                rules={"qualification.deadline_years": 3})
    before = wb.person(station=stations.station_c1, start_on=datetime.date(2027, 2, 28), name="之前")
    after = wb.person(station=stations.station_c1, start_on=datetime.date(2027, 3, 1), name="之后")
    rows = {row.person: row for row in _deadlines(datetime.date(2031, 1, 1))}
    assert rows[before].deadline == datetime.date(2029, 2, 28)
    assert rows[after].deadline == datetime.date(2030, 3, 1) and rows[after].basis.years.document.title == "新办法"


def test_a_deadline_counted_from_the_projects_start(stations):
    from tests.projects import builders as pb

    wb.document(stations.county_a, rules={"qualification.deadline_years": 2, "qualification.deadline_from": "project"})
    person = wb.person(station=stations.station_a1, start_on=datetime.date(2024, 5, 1))
    org = pb.organisation(stations.county_a)
    pb.contract(stations.county_a, org, stations=[stations.station_a1], starts_on=datetime.date(2024, 1, 1))
    rows = _deadlines(datetime.date(2025, 12, 1))
    assert [(row.person, row.deadline, row.basis.start_label) for row in rows] == [
        (person, datetime.date(2026, 1, 1), "项目实施之日")]


def test_qualifying_on_the_deadline_day_takes_a_person_off_the_list(stations):
    wb.document(stations.county_c, rules={"qualification.deadline_years": 2})
    person = wb.person(station=stations.station_c1, start_on=HIRED)
    wb.certify(person, CertificateLevel.JUNIOR, DEADLINE)
    assert _deadlines(DEADLINE) == []
    assert [row.person for row in _deadlines(DEADLINE - datetime.timedelta(days=1))] == [person]


def test_deadline_counts_from_first_hire_and_leavers_are_not_listed(stations):
    wb.document(stations.province, rules={"qualification.deadline_years": 2})
    mover = wb.person(station=stations.station_a1, start_on=datetime.date(2022, 1, 10),
                      end_on=datetime.date(2023, 1, 9))
    wb.assign(mover, stations.station_c1, start_on=datetime.date(2023, 1, 10))
    leaver = wb.person(station=stations.station_c1, start_on=datetime.date(2022, 1, 1),
                       end_on=datetime.date(2023, 12, 31), name="离职")
    rows = _deadlines(datetime.date(2024, 2, 1))
    assert [(row.person, row.deadline) for row in rows] == [(mover, datetime.date(2024, 1, 10))]
    assert leaver not in [row.person for row in rows]


def test_deadline_list_is_scoped(stations, county_a_user):
    wb.document(stations.province, rules={"qualification.deadline_years": 2})
    wb.person(station=stations.station_c1, start_on=HIRED)
    assert _deadlines(DEADLINE, county_a_user) == []


def test_continuing_education_shortfall_per_calendar_year(stations):
    wb.document(stations.county_c, rules={"training.continuing_hours_per_year": 60})
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


def test_the_documents_training_kinds_decide_what_counts(stations):
    wb.document(stations.county_c, rules={"training.continuing_hours_per_year": 60,
                                          "training.continuing_kinds": ["continuing", "supervision", "exam_prep"]})
    person = wb.person(station=stations.station_c1, start_on=datetime.date(2023, 1, 1))
    wb.train(person, datetime.date(2024, 3, 1), 40)
    wb.train(person, datetime.date(2024, 5, 1), 30, TrainingKind.EXAM_PREP)  # counts under this document
    assert continuing_education_shortfall(user=builders.superuser(), year=2024,
                                          on_date=datetime.date(2025, 3, 1)) == []


def test_no_shortfall_where_no_document_sets_the_hours(stations):
    wb.document(stations.province, rules={"qualification.deadline_years": 2})
    wb.person(station=stations.station_c1, start_on=datetime.date(2023, 1, 1))
    assert continuing_education_shortfall(user=builders.superuser(), year=2024,
                                          on_date=datetime.date(2025, 3, 1)) == []


def test_a_2027_document_leaves_the_2026_shortfall_as_it_was(stations):
    wb.document(stations.county_c, effective_from=datetime.date(2021, 1, 1),
                rules={"training.continuing_hours_per_year": (60, "第六条", "每年度接受继续教育累计不得少于60学时")})
    person = wb.person(station=stations.station_c1, start_on=datetime.date(2023, 1, 1))
    wb.train(person, datetime.date(2026, 4, 1), 50)

    def shortfall_2026():
        return [(row.person, row.required, row.short_by, row.citation) for row in continuing_education_shortfall(
            user=builders.superuser(), year=2026, on_date=datetime.date(2027, 6, 1))]

    before = shortfall_2026()
    assert before == [(person, Decimal("60.0"), Decimal("10.0"),
                       "依据：《远安县社工人才文件》第六条「每年度接受继续教育累计不得少于60学时」")]
    wb.document(stations.county_c, effective_from=datetime.date(2027, 1, 1), title="新办法",
                rules={"training.continuing_hours_per_year": 40})
    assert shortfall_2026() == before
    rows_2027 = continuing_education_shortfall(user=builders.superuser(), year=2027, on_date=datetime.date(2027, 6, 1))
    assert [(row.required, row.basis.rule.document.title) for row in rows_2027] == [(Decimal("40.0"), "新办法")]


def test_someone_hired_mid_year_owes_a_share_by_month(stations):
    wb.document(stations.county_c, rules={"training.continuing_hours_per_year": 60})
    person = wb.person(station=stations.station_c1, start_on=datetime.date(2024, 10, 15))
    wb.train(person, datetime.date(2024, 11, 1), 10)
    rows = continuing_education_shortfall(user=builders.superuser(), year=2024, on_date=datetime.date(2025, 1, 5))
    assert [(row.required, row.short_by) for row in rows] == [(Decimal("15.0"), Decimal("5.0"))]


def test_supervisor_needs_the_documents_level(stations):
    wb.document(stations.county_c, rules={"supervisor.min_level": "2"})
    junior = wb.person(station=stations.station_c1, role=EmploymentRole.SUPERVISOR, name="初级督导")
    wb.certify(junior, CertificateLevel.JUNIOR, datetime.date(2022, 1, 1))
    none = wb.person(station=stations.station_c1, role=EmploymentRole.SUPERVISOR, name="无证督导")
    ok = wb.person(station=stations.station_c1, role=EmploymentRole.SUPERVISOR, name="中级督导")
    wb.certify(ok, CertificateLevel.INTERMEDIATE, datetime.date(2022, 1, 1))
    later = wb.person(station=stations.station_c1, role=EmploymentRole.SUPERVISOR, name="后取证督导")
    wb.certify(later, CertificateLevel.SENIOR, datetime.date(2025, 7, 1))
    elsewhere = wb.person(station=stations.station_a1, role=EmploymentRole.SUPERVISOR, name="江岸督导")
    rows = supervisor_level_violations(user=builders.superuser(), on_date=datetime.date(2025, 6, 30))
    assert {(row.person, row.level) for row in rows} == {(junior, 1), (none, None), (later, None)}
    assert elsewhere not in {row.person for row in rows}  # county A: no document sets a level
    assert {row.required_level for row in rows} == {2}
    rows = supervisor_level_violations(user=builders.superuser(), on_date=datetime.date(2025, 7, 1))
    assert {row.person for row in rows} == {junior, none}


def test_age_and_education_are_flagged_under_the_document_in_force_at_hire(stations):
    wb.document(stations.province, rules={"hiring.max_age": 45, "hiring.min_education": "3"})
    old = wb.person(station=stations.station_c1, start_on=datetime.date(2024, 1, 1), education=4,
                    id_number=wb.id_number(born="19780101"), name="年长")
    low = wb.person(station=stations.station_c1, education=2, name="高中")
    fine = wb.person(station=stations.station_c1, education=3, id_number=wb.id_number(born="19990101"), name="合格")
    rows = {row.person: row.flags for row in hiring_flag_list(user=builders.superuser(),
                                                              on_date=datetime.date(2025, 1, 1))}
    assert [flag.text for flag in rows[old]] == ["入职时 46 岁，超过招聘年龄上限 45 岁"]
    assert [flag.text for flag in rows[low]] == ["学历低于大专"]
    assert rows[low][0].citation.startswith("依据：《湖北省社工人才文件》")
    assert fine not in rows


def test_no_hiring_flags_where_no_document_sets_limits(stations):
    wb.person(station=stations.station_c1, start_on=datetime.date(2024, 1, 1), education=2,
              id_number=wb.id_number(born="19600101"), name="年长")
    assert hiring_flag_list(user=builders.superuser(), on_date=datetime.date(2025, 1, 1)) == []
