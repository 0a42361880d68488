"""Writes declared tables: COPY on PostgreSQL, elsewhere ``bulk_create`` in large batches.

Rows carry their ids, so children are written without reading their parents back. History tables
(django-simple-history) are left empty for generated rows.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterable
from itertools import islice

from django.core.management.color import no_style
from django.db import connection

from scripts.national.tables import Table


class Writer:
    """Inserts rows made by ``Table.row``; the column list is the table's declared field names."""

    CHUNK = 100_000

    def __init__(self):
        self.copy = connection.vendor == "postgresql"
        self.models = []

    def insert(self, table: Table, rows: Iterable[tuple]) -> int:
        self.models.append(table.model)
        rows = iter(rows)
        total = 0
        while chunk := list(islice(rows, self.CHUNK)):
            total += len(chunk)
            if self.copy:
                self._copy(table, chunk)
            else:
                model = table.model
                model.objects.bulk_create([model(**dict(zip(table.fills, row, strict=True))) for row in chunk],
                                          batch_size=2000)
        return total

    def _copy(self, table: Table, chunk: list[tuple]):
        columns = ", ".join(connection.ops.quote_name(column) for column in table.columns())
        buffer = io.StringIO()
        buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in chunk)
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table.model._meta.db_table} ({columns}) FROM STDIN", buffer)

    def finish(self):
        """Move the id sequences past the ids given here; refresh the planner's statistics."""
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), self.models):
                cursor.execute(statement)
            if self.copy:
                cursor.execute("ANALYZE")


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)
