"""Credit codes and working days on the official calendar."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.dates import add_working_days
from projects.validators import validate_credit_code


@pytest.mark.parametrize("code", ["91110000600037341L", "91350100M000100Y43", " 91110000600037341l "])
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)


@pytest.mark.parametrize(("code", "message"), [
    ("91110000600037341K", "校验位不正确"),    # check character altered
    ("91110000600037314L", "校验位不正确"),    # two digits swapped
    ("9111000060003734L", "应为18位，当前为 17 位"),
    ("9111000060003734IL", "不允许的字符：I"),  # I, O, S, V, Z are not in the code's alphabet
])
def test_corrupted_credit_codes_are_refused_with_the_reason(code, message):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    assert message in caught.value.messages[0]


@pytest.mark.django_db  # the official calendar is data (seeded by a migration)
def test_fifteen_working_days_skip_the_national_day_holiday_and_count_the_swapped_saturday():
    # 2024: 1-7 October off; Sunday 29 September and Saturday 12 October are working days.
    assert add_working_days(datetime.date(2024, 9, 27), 15) == datetime.date(2024, 10, 23)
    # Counting weekdays only would have said 18 October.
    assert add_working_days(datetime.date(2024, 3, 1), 15) == datetime.date(2024, 3, 22)
