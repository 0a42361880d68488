"""The 18-character resident ID-card number (公民身份号码, GB 11643-1999)."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def id_check_character(first17: str) -> str:
    """The check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(char) * weight for char, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper()


def birth_date_from_id(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except (ValueError, IndexError):
        return None


def validate_id_number(value: str) -> None:
    code = normalise_id_number(value)
    if len(code) != 18:
        raise ValidationError(_("身份证号码应为18位，当前为 %(n)s 位。") % {"n": len(code)}, code="length")
    if not code[:17].isdigit() or not (code[17].isdigit() or code[17] == "X"):
        raise ValidationError(_("身份证号码前17位须为数字，末位为数字或X。"), code="charset")
    if birth_date_from_id(code) is None:
        raise ValidationError(_("身份证号码中的出生日期（第7-14位）无效。"), code="birth_date")
    if id_check_character(code[:17]) != code[17]:
        raise ValidationError(_("身份证号码校验位不正确，请核对。"), code="check")


def mask_id_number(value: str) -> str:
    """420525********1234: region code and last four characters only."""
    if not value or len(value) != 18:
        return "*" * len(value or "")
    return value[:6] + "*" * 8 + value[14:]


def birth_year(value: datetime.date | None) -> str:
    """A birth date as it is shown beside a masked ID number: the year only. The mask hides
    digits 7-14, which are the birth date; the full date beside it would give the number back."""
    return str(value.year) if value else ""


# 18 characters (17 digits and a digit or X) not inside a longer run of digits or letters.
ID_NUMBER_PATTERN = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_id_numbers_in_text(text: str) -> str:
    """Mask every ID-number-shaped run in free text (log lines, error messages, previews)."""
    return ID_NUMBER_PATTERN.sub(lambda match: match[1] + "*" * 8 + match[2], text)
