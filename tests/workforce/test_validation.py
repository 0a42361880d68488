import datetime

import pytest
from django.core.exceptions import ValidationError

from tests import builders
from tests.workforce import builders as wb
from workforce.models import CertificateLevel, Person
from workforce.validators import id_check_character, mask_id_number, validate_id_number

# Published GB 11643 examples: the 17 digits give the check character shown.
KNOWN = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("number", KNOWN)
def test_known_id_numbers_pass_including_x_check_character(number):
    validate_id_number(number)
    validate_id_number(number.lower())


def test_a_wrong_check_character_is_refused_with_a_chinese_message():
    good = KNOWN[1]
    bad = good[:17] + ("5" if good[17] != "5" else "6")
    with pytest.raises(ValidationError, match="校验位不正确"):
        validate_id_number(bad)


@pytest.mark.parametrize(("value", "message"), [
    ("42052519900101123", "应为18位"),
    ("4205251990010112345", "应为18位"),
    ("42052519900101123A", "末位为数字或X"),
    ("420525199013011234", "出生日期"),
])
def test_malformed_id_numbers_name_the_problem(value, message):
    with pytest.raises(ValidationError, match=message):
        validate_id_number(value)


def test_check_character_ten_is_x():
    assert id_check_character("11010519491231002") == "X"


def test_masking_keeps_region_and_last_four():
    assert mask_id_number("420525199001011234") == "420525********1234"


def test_person_takes_birth_date_and_gender_from_the_id_number(stations):
    person = wb.person(station=stations.station_c1, id_number=wb.id_number(born="19880315", serial="123"))
    assert person.birth_date == datetime.date(1988, 3, 15)
    assert person.gender == "M"  # 17th digit 3 is odd


def test_id_number_is_unique_and_stored_upper_case(stations):
    number = "11010519491231002X"
    wb.person(station=stations.station_c1, id_number=number.lower())
    assert Person.objects.get().id_number == number
    with pytest.raises(ValidationError):
        wb.person(id_number=number, actor=builders.superuser())


def test_certificate_number_is_unique(stations):
    a = wb.person(station=stations.station_c1)
    b = wb.person(station=stations.station_a1, name="李四")
    wb.certify(a, CertificateLevel.JUNIOR, datetime.date(2023, 6, 1), number="ZS2023001")
    with pytest.raises(ValidationError, match="证书编号"):
        wb.certify(b, CertificateLevel.JUNIOR, datetime.date(2023, 6, 1), number="zs2023001")


def test_negative_training_hours_are_refused(stations):
    a = wb.person(station=stations.station_c1)
    with pytest.raises(ValidationError, match="学时"):
        wb.train(a, datetime.date(2024, 3, 1), -1)


def test_assignment_cannot_end_before_it_starts(stations):
    a = wb.person(station=stations.station_c1)
    with pytest.raises(ValidationError, match="离岗日期不能早于到岗日期"):
        wb.assign(a, stations.station_a1, start_on=datetime.date(2025, 1, 1), end_on=datetime.date(2024, 1, 1))
