"""CSV on a stream, with the same protection as the Excel exports: text that a spreadsheet would
run as a formula (=, +, -, @, tab, CR) is written with a leading apostrophe, so opening the file
shows the text instead of running it. Numbers are written as they are."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from core.xlsx import FORMULA_STARTS


def inert(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(stream, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([inert(cell) for cell in header])
    writer.writerows([inert(cell) for cell in row] for row in rows)
