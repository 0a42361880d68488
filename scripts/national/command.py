"""Build a synthetic national dataset at the real sizes, for benchmarks (see ``generator``).

    python -m scripts.national [--scale 0.05] [--seed N] [--force]
"""

from __future__ import annotations

import argparse
import sys
import time

from django.core.management import call_command
from django.db import transaction

from core import figures
from scripts.national.generator import Plan, generate
from stations.models import Region, Station

DESCRIPTION = ("Generate a synthetic national dataset (31 provinces, ~41,000 townships, ~38,000 stations, "
               "~120,000 social workers, five years of monthly reports). Refuses a non-empty database.")


class Refused(Exception):
    """The generator will not run: a scale outside (0, 1], or a database that already holds data."""


def build(*, scale: float = 1.0, seed: int = 2026, force: bool = False, stdout=None) -> dict[str, int]:
    """Fill the database; ``force`` empties it first (flush). Prints each step's time, the total and
    the counts to ``stdout`` (standard output by default)."""
    stdout = stdout or sys.stdout
    if not 0 < scale <= 1:
        raise Refused("--scale must be in (0, 1].")
    if Region.objects.exists() or Station.objects.exists():
        if not force:
            raise Refused("The database is not empty; use --force to empty it first.")
        call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        counts = generate(Plan(scale=scale, seed=seed), stdout=stdout)
        figures.changed()  # written with COPY, which no signal tells of: cached figures move on
    print(f"{'total':<34} {time.perf_counter() - started:7.1f} s", file=stdout)
    for key, value in counts.items():
        print(f"  {key:<20} {value:>10,}", file=stdout)
    return counts


def main(argv: list[str] | None = None, stdout=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.national", description=DESCRIPTION)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national sizes (0.05 = quick)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--force", action="store_true", help="empty the database first (flush)")
    options = parser.parse_args(argv)
    try:
        build(scale=options.scale, seed=options.seed, force=options.force, stdout=stdout)
    except Refused as error:
        parser.exit(1, f"{parser.prog}: error: {error}\n")
    return 0
