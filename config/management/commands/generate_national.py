"""Build a synthetic national dataset at the real sizes, for benchmarks (see config/national.py)."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config.national import Plan, generate
from stations.models import Region, Station


class Command(BaseCommand):
    help = ("Generate a synthetic national dataset (31 provinces, ~41,000 townships, ~38,000 stations, "
            "~120,000 social workers, five years of monthly reports). Refuses a non-empty database.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national sizes (0.05 = quick)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--force", action="store_true", help="empty the database first (flush)")

    def handle(self, *args, **options):
        if not 0 < options["scale"] <= 1:
            raise CommandError("--scale must be in (0, 1].")
        if Region.objects.exists() or Station.objects.exists():
            if not options["force"]:
                raise CommandError("The database is not empty; use --force to empty it first.")
            call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        with transaction.atomic():
            counts = generate(Plan(scale=options["scale"], seed=options["seed"]), stdout=self.stdout)
        self.stdout.write(f"{'total':<34} {time.perf_counter() - started:7.1f} s")
        for key, value in counts.items():
            self.stdout.write(f"  {key:<20} {value:>10,}")
