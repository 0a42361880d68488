#!/usr/bin/env python
"""Benchmark at national scale; prints numbers, asserts nothing.

Builds a synthetic national division tree (31 provinces, ~41,000 townships) in a scratch
database, loads it through ``load_divisions``' loader, adds stations with status histories,
then times the scoped reads the screens use and reports peak memory.

    make bench                                   # scratch SQLite file under /tmp
    DATABASE_URL=postgres://… make bench         # on PostgreSQL (the database is flushed!)
"""

from __future__ import annotations

import datetime
import os
import resource
import sys
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/shegongzhan-bench.sqlite3")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from stations import divisions  # noqa: E402
from stations.models import Region, RegionLevel, Role, Station, StationStatusChange, User  # noqa: E402

PROVINCES, CITIES, COUNTIES, TOWNSHIPS = 31, 11, 9, 13  # 31 × 11 × 9 × 13 = 39,897 townships
RESULTS: list[tuple[str, str]] = []


@contextmanager
def measure(label: str):
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
    RESULTS.append((label, f"{elapsed * 1000:9.1f} ms  {len(queries):4d} queries"))


def synthetic_rows() -> list[divisions.DivisionRow]:
    rows = []
    for p in range(PROVINCES):
        province = f"{11 + p:02d}"
        rows.append(divisions.DivisionRow(len(rows) + 2, province.ljust(12, "0"), f"省{p}", "province", ""))
        for c in range(1, CITIES + 1):
            city = f"{province}{c:02d}"
            rows.append(divisions.DivisionRow(len(rows) + 2, city.ljust(12, "0"), f"市{p}-{c}", "city",
                                              province.ljust(12, "0")))
            for k in range(1, COUNTIES + 1):
                county = f"{city}{k:02d}"
                rows.append(divisions.DivisionRow(len(rows) + 2, county.ljust(12, "0"), f"县{p}-{c}-{k}", "county",
                                                  city.ljust(12, "0")))
                for t in range(1, TOWNSHIPS + 1):
                    suffix = ("镇", "乡", "街道")[t % 3]
                    rows.append(divisions.DivisionRow(len(rows) + 2, f"{county}{t:03d}".ljust(12, "0"),
                                                      f"乡镇{p}-{c}-{k}-{t}{suffix}", "township",
                                                      county.ljust(12, "0")))
    return rows


def seed_stations() -> int:
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).values_list("pk", "code"))
    stations = [Station(region_id=pk, name=f"站{code}", kind="station") for pk, code in townships
                if int(code[6:9]) % 10 < 7]
    Station.objects.bulk_create(stations, batch_size=2000)
    changes = []
    for index, station in enumerate(Station.objects.values_list("pk", flat=True)):
        opened = datetime.date(2021 + index % 4, 1 + index % 12, 1)
        changes.append(StationStatusChange(station_id=station, status="pilot", effective_on=opened))
        changes.append(StationStatusChange(station_id=station, status="operating",
                                           effective_on=opened + datetime.timedelta(days=120)))
        if index % 23 == 0:
            changes.append(StationStatusChange(station_id=station, status="suspended",
                                               effective_on=datetime.date(2025, 6, 1)))
    StationStatusChange.objects.bulk_create(changes, batch_size=5000)
    return len(stations)


def main():
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    rows = synthetic_rows()
    tracemalloc.start()
    start = time.perf_counter()
    result = divisions.load(rows)
    load_seconds = time.perf_counter() - start
    _current, load_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    RESULTS.append((f"load_divisions, {len(rows)} rows", f"{load_seconds * 1000:9.1f} ms  peak {load_peak / 2**20:.1f} MiB"))
    start = time.perf_counter()
    reload = divisions.load(rows)
    RESULTS.append(("load_divisions again (no change)", f"{(time.perf_counter() - start) * 1000:9.1f} ms"))
    assert sum(reload.unchanged.values()) == len(rows) and sum(result.created.values()) == len(rows)
    count = seed_stations()
    RESULTS.append(("stations seeded", f"{count}"))

    province = Region.objects.get(code="110000000000")
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    official = User.objects.create(username="bench_province", role=Role.PROVINCE, region=province)
    staff = User.objects.create(username="bench_county", role=Role.COUNTY, region=county)
    with measure("visible stations, province user (count)"):
        Station.objects.visible_to(official).count()
    with measure("covering stations today, province user"):
        Station.objects.visible_to(official).covering_at(datetime.date(2025, 12, 31)).count()
    client = Client()
    for label, user in (("station list page, province user", official), ("station list page, county user", staff)):
        client.force_login(user)
        with measure(label):
            response = client.get("/stations/")
        assert response.status_code == 200
    with measure("home page, county user"):
        client.get("/")
    print(f"database: {connection.vendor}")
    for label, value in RESULTS:
        print(f"{label:<45} {value}")
    print(f"{'peak RSS of the benchmark process':<45} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:9.1f} MiB")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    main()
