"""``python -m scripts.faults`` (``make faults``): see the package's description."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from scripts.faults.checks import (
    RESULTS,
    concurrent_editors,
    database_restart,
    junk_uploads,
    parallel_submissions,
)
from scripts.faults.stack import PGBIN, Postgres, prepare, start_gunicorn


def main() -> int:
    if PGBIN is None:
        print("PostgreSQL is not installed (apt-get install postgresql).")
        return 2
    pg = Postgres()
    tmpdir = Path(tempfile.mkdtemp(prefix="faults."))
    (tmpdir / "uploads").mkdir()
    gunicorn = None
    try:
        env = prepare(pg, tmpdir)
        base, gunicorn = start_gunicorn(env)
        started = time.monotonic()
        parallel_submissions(base, env)
        concurrent_editors(base, env)
        database_restart(base, env, pg)
        junk_uploads(base, tmpdir)
        print(f"\n{sum(ok for _, ok, _ in RESULTS)}/{len(RESULTS)} checks passed in "
              f"{time.monotonic() - started:.0f} s")
    finally:
        if gunicorn:
            gunicorn.terminate()
            gunicorn.wait(10)
        pg.stop()
        shutil.rmtree(tmpdir, ignore_errors=True)
    return 0 if RESULTS and all(ok for _, ok, _ in RESULTS) else 1


sys.exit(main())
