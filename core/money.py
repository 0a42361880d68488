"""Yuan as an official's own papers write them: 600,000.00 with separators, exact to the fen.

Amounts stay ``Decimal`` from the database to the page and the spreadsheet; formatting never
goes through float. :class:`Money` marks a value as yuan where its column or row cannot say so
(a summary of mixed figures), so an Excel writer gives it the money number format."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

YUAN_SIGN = "¥"


class Money(Decimal):
    """A Decimal that is an amount of yuan (an Excel cell shows it as ``#,##0.00``)."""

    __slots__ = ()


def as_decimal(value) -> Decimal | None:
    """The value as an exact Decimal (``None`` for nothing or for text that is not a number)."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = repr(value)
    try:
        return Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None


def grouped(value) -> str:
    """600000 → "600,000.00": thousands separated, two places (the fen), sign in front."""
    number = as_decimal(value)
    if number is None:
        return ""
    return f"{number:,.2f}"


def yuan(value) -> str:
    """600000 → "¥600,000.00"; a negative amount → "-¥600,000.00"; nothing → ""."""
    text = grouped(value)
    if text.startswith("-"):
        return f"-{YUAN_SIGN}{text[1:]}"
    return f"{YUAN_SIGN}{text}" if text else ""
