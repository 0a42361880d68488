"""How far an import running as a job has got, as one bar counted in the file's rows."""

from __future__ import annotations


class ImportProgress:
    """An import's stages on one bar: reading the file, then checking its rows, then (when
    confirming) writing them: a second pass row by row, or for a resource that writes in bulk
    the batches it writes after the last row (``writing``).

    The bar counts the file's rows: each stage takes an equal share of them, so it moves forward
    through every stage and stands at the row count only once everything is done. While the file
    is still being read the count is the sheet's stated size (corrected once read)."""

    def __init__(self, progress, *, confirm: bool):
        self.progress = progress  # core.jobs.Progress: set_total(n), advance(done=n)
        self.stages = 3 if confirm else 2
        self.stage = -1
        self.rows = 0
        self.count = 0  # rows through the current stage

    def begin(self) -> None:
        """The next stage starts."""
        self.stage, self.count = min(self.stage + 1, self.stages - 1), 0
        self._show()

    def reading(self, read: int, expected: int | None) -> None:
        """``read_workbook``'s report: rows read so far, of about ``expected``."""
        self._set_rows(max(read, expected or 0))
        self.count = read
        self._show()

    def read(self, rows: int) -> None:
        """The file is read: it has ``rows`` rows."""
        self._set_rows(rows)
        self.count = rows
        self._show()

    def advance(self, step: int = 1) -> None:
        """One more row through the current stage."""
        self.count += step
        self._show()

    def writing(self, done: int, total: int) -> None:
        """A resource writing in bulk after its last row has written ``done`` of ``total`` records:
        the last stage, in proportion."""
        self.stage = self.stages - 1
        self.count = self.rows * done // total if total else self.rows
        self._show()

    def _set_rows(self, rows: int) -> None:
        if rows != self.rows:
            self.rows = rows
            self.progress.set_total(rows)

    def _show(self) -> None:
        if self.rows and self.stage >= 0:
            through = self.stage * self.rows + min(self.count, self.rows)
            self.progress.advance(done=through // self.stages)
