"""Qualification routes, deadlines and continuing education under the shipped policy packs, with
each document's own numbers: Henan (degree, certificate or 60 hours; 60 hours of continuing
education a year, exam training included), Zhuolu (the certificate within 2 years of hiring) and
Linfen (the certificate within 3 years of taking the post)."""

import datetime
from decimal import Decimal

import pytest

from stations.models import RegionLevel
from stations.packs import PACK_DIR, load_packs
from tests import builders
from tests.projects import builders as pjb
from tests.stations.pack_builders import create_regions
from tests.workforce import builders as wb
from workforce.models import EmploymentRole, Person, TrainingKind
from workforce.selectors import (
    RuleBook,
    continuing_education_shortfall,
    people_with_rule_data,
    person_qualification,
    person_rules,
    qualification_deadlines,
)

D = datetime.date
HIRED = D(2023, 9, 1)


@pytest.fixture
def packs(db):
    """The Henan, Zhuolu and Linfen packs loaded, with a township station in each region."""
    regions = create_regions(["41", "13", "1307", "130731", "14", "1410"])
    root = builders.superuser()
    load_packs([PACK_DIR / name for name in ("d6_henan_prov.toml", "d7_hebei_zhuolu.toml",
                                             "d8_shanxi_linfen.toml")], actor=root)
    zhengzhou = builders.region("4101", "郑州市", RegionLevel.CITY, regions["41"])
    henan_county = builders.region("410122", "中牟县", RegionLevel.COUNTY, zhengzhou)
    yaodu = builders.region("141002", "尧都区", RegionLevel.COUNTY, regions["1410"])
    return {
        "henan_county": henan_county,
        "henan": builders.station(builders.region("410122100", "城关镇", RegionLevel.TOWNSHIP, henan_county)),
        "zhuolu": builders.station(builders.region("130731100", "涿鹿镇", RegionLevel.TOWNSHIP, regions["130731"])),
        "linfen": builders.station(builders.region("141002100", "屯里镇", RegionLevel.TOWNSHIP, yaodu)),
    }


def _graduate(station, name):
    return wb.person(station=station, name=name, start_on=HIRED, social_work_degree=True)


def _deadlines(on_date):
    return {row.person: row for row in qualification_deadlines(user=builders.superuser(), on_date=on_date)}


def test_a_degree_holder_is_flagged_where_only_the_certificate_counts(packs):
    henan = _graduate(packs["henan"], "河南本科")
    colleague = wb.person(station=packs["henan"], name="河南无证", start_on=HIRED)
    zhuolu = _graduate(packs["zhuolu"], "涿鹿本科")
    # Henan counts its 2 years from the project's start: the colleague's deadline shows it.
    pjb.contract(packs["henan_county"], pjb.organisation(packs["henan_county"]), stations=[packs["henan"]],
                 starts_on=HIRED, signed_on=D(2023, 8, 20))
    rows = _deadlines(D(2025, 6, 30))
    assert henan not in rows  # a social-work degree qualifies under Henan's document
    assert rows[colleague].deadline == D(2025, 9, 1)
    assert (rows[zhuolu].deadline, rows[zhuolu].days_left) == (D(2025, 9, 1), 63)
    assert rows[zhuolu].hours_needed is None  # no training route in Zhuolu
    assert rows[zhuolu].citation == "依据：《涿鹿县乡镇社会工作服务站建设试点方案（原文未印标题）》" \
                                    "「2年内取得全国社会工作者职业水平资格证书,否则予以解聘」"
    person = people_with_rule_data(Person.objects.filter(pk=zhuolu.pk)).get()
    assert person_qualification(person, RuleBook(), D(2025, 6, 30)).qualified is False
    rules = person_rules(people_with_rule_data(Person.objects.filter(pk=henan.pk)).get(), D(2025, 6, 30))
    assert (rules.qualification.via, rules.deadline) == ("degree", None)


def test_linfen_gives_three_years_from_taking_the_post(packs):
    linfen = _graduate(packs["linfen"], "临汾本科")
    assert linfen not in _deadlines(D(2025, 6, 30))  # 2026-09-01 is more than 90 days away
    row = _deadlines(D(2026, 7, 1))[linfen]
    assert (row.deadline, row.days_left, row.overdue) == (D(2026, 9, 1), 62, False)
    assert "从上岗之日起3年内必须全部取得全国社会工作者职业资格证书并完成登记" in row.citation
    assert _deadlines(D(2026, 9, 2))[linfen].overdue


def test_henan_counts_exam_training_as_continuing_education(packs):
    henan = wb.person(station=packs["henan"], name="河南社工", start_on=D(2023, 1, 1))
    wb.train(henan, D(2024, 3, 1), 20, TrainingKind.CONTINUING)
    wb.train(henan, D(2024, 6, 1), 30, TrainingKind.EXAM_PREP)
    zhuolu = wb.person(station=packs["zhuolu"], name="涿鹿社工", start_on=D(2023, 1, 1),
                       role=EmploymentRole.RESIDENT)
    wb.train(zhuolu, D(2024, 3, 1), 20, TrainingKind.CONTINUING)
    rows = continuing_education_shortfall(user=builders.superuser(), year=2024, on_date=D(2025, 3, 1))
    assert [(row.person, row.required, row.hours, row.short_by) for row in rows] == [
        (henan, Decimal("60.0"), Decimal("50"), Decimal("10.0"))]  # Zhuolu sets no yearly hours
    assert "驻站社工每年度接受继续教育累计不得少于60学时" in rows[0].citation
    assert "同句所列：督导、考试培训、实务培训、政策培训" in rows[0].citation


def test_henans_sixty_hours_of_recognised_training_qualify(packs):
    trained = wb.person(station=packs["henan"], name="河南培训", start_on=HIRED)
    wb.train(trained, D(2024, 3, 1), 40, TrainingKind.PRE_SERVICE)
    wb.train(trained, D(2024, 9, 1), 20, TrainingKind.CONTINUING)
    zhuolu = wb.person(station=packs["zhuolu"], name="涿鹿培训", start_on=HIRED)
    wb.train(zhuolu, D(2024, 3, 1), 80, TrainingKind.PRE_SERVICE)
    people = {p.pk: p for p in people_with_rule_data(Person.objects.filter(pk__in=[trained.pk, zhuolu.pk]))}
    status = person_qualification(people[trained.pk], RuleBook(), D(2024, 12, 31))
    assert (status.qualified, status.via, status.qualified_on) == (True, "training", D(2024, 9, 1))
    assert person_qualification(people[zhuolu.pk], RuleBook(), D(2024, 12, 31)).qualified is False
