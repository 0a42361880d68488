#!/usr/bin/env python
"""Benchmark at national scale: prints a table of numbers against targets, asserts nothing.

Fills a scratch database with ``scripts.national`` (the real hierarchy sizes times BENCH_SCALE),
then times the screens through django.test.Client (median and p95 of BENCH_REQUESTS requests after
a warm-up, with the SQL query count of one request) and a station-spreadsheet import through the
same code path as the upload screen, in a fresh process so its peak memory is its own.

    make bench                                          # scratch SQLite file under /tmp
    DATABASE_URL=postgres://… make bench                # on PostgreSQL (the database is emptied!)
    BENCH_SCALE=0.05 BENCH_REQUESTS=20 BENCH_IMPORT_ROWS=40000 make bench
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/shegongzhan-bench.sqlite3")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from scripts.bench_import import import_bench, peak_rss_mib  # noqa: E402
from scripts.national.command import build as build_national  # noqa: E402
from stations.models import Region, RegionLevel, Role, User  # noqa: E402
from stations.roles import ensure_role_groups  # noqa: E402
from stations.selectors.coverage import NATIONAL_CODE  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1.0"))
REQUESTS = max(20, int(os.environ.get("BENCH_REQUESTS", "20")))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "40000"))
GENERATE = os.environ.get("BENCH_GENERATE", "1") != "0"  # 0: reuse the data already there
LIST_MS = 100
# Pages whose figures are cached until a write changes them (core.figures): measured both ways.
CACHED_PAGES = ("home page", "coverage", "report completeness")


def timed_get(client: Client, url: str, *, requests: int = REQUESTS, cold: bool = False) -> tuple[float, float, int, float]:
    """Median and p95 in ms over ``requests`` GETs after a warm-up; one request's query count and SQL ms.
    ``cold``: every request finds no cached figure, as the first one after a write that changed them."""
    assert client.get(url).status_code == 200, url
    reset_queries()  # CaptureQueriesContext counts from the log's current length
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Read now: the next request empties the log the captured queries are a window on.
    count, sql_ms = len(queries), sum(float(query["time"]) for query in queries.captured_queries) * 1000
    times = []
    for _ in range(requests):
        if cold:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)], count, sql_ms


def users(province: Region, county: Region) -> dict[str, User]:
    groups = ensure_role_groups()
    specs = {"superuser": dict(username="bench_root", is_superuser=True, is_staff=True),
             "province": dict(username="bench_province", role=Role.PROVINCE, region=province, is_staff=True),
             "county": dict(username="bench_county", role=Role.COUNTY, region=county)}
    result = {}
    for key, fields in specs.items():
        fields["password_changed_at"] = timezone.now()  # no password-change page with production settings
        result[key], _created = User.objects.update_or_create(username=fields.pop("username"), defaults=fields)
    result["province"].groups.add(groups[Role.PROVINCE])
    return result


def page_rows(province: Region, county: Region) -> list[tuple]:
    """(label, user, url, p95 target ms or None, query target or None)."""
    dashboard = reverse("stations:coverage-dashboard", kwargs={"code": province.code})
    rows = [
        ("home page, county (county user)", "county", reverse("home"), 60, 10),
        ("coverage trends, largest province (province official)", "province",
         reverse("stations:coverage-trends", kwargs={"code": province.code}), 100, 10),
        ("coverage dashboard, national (superuser)", "superuser",
         reverse("stations:coverage-dashboard", kwargs={"code": NATIONAL_CODE}), 150, 10),
        ("coverage dashboard, largest province (superuser)", "superuser", dashboard, 150, 10),
        ("coverage dashboard, province (province official)", "province", dashboard, 150, 10),
        ("station list, county (county user)", "county", reverse("stations:station-list"), LIST_MS, None),
        ("report completeness, province", "province", reverse("stations:report-completeness"), 200, None),
        ("people list, province (province official)", "province", reverse("workforce:person-list"), LIST_MS, None),
        ("qualification deadlines, province (rules by document)", "province", reverse("workforce:deadline-list"),
         LIST_MS, None),
        ("training shortfall, province (rules by document)", "province", reverse("workforce:shortfall-list"),
         LIST_MS, None),
        ("本地政策, county (county user)", "county", reverse("local-policies"), LIST_MS, None),
    ]
    for model, name in (("stations_station", "stations"), ("stations_monthlyreport", "reports"),
                        ("workforce_person", "people")):
        url = reverse(f"admin:{model}_changelist")
        rows += [(f"admin {name} list (superuser)", "superuser", url, LIST_MS, None),
                 (f"admin {name} list (province official)", "province", url, LIST_MS, None)]
    rows.append(("station Excel export, province", "province", reverse("stations:station-export"), 2000, None))
    return rows


def verdict(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return "PASS" if value <= target else "MISS"


def pages():
    """Times every page for the largest province and county: the worst case of their level."""
    provinces = Region.objects.filter(level=RegionLevel.PROVINCE)
    province = max(provinces, key=lambda p: Region.objects.filter(code__startswith=p.prefix).count())
    county = (Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=province.prefix)
              .annotate(n=Count("children")).order_by("-n", "code").first())
    people = users(province, county)
    clients = {}
    for key, user in people.items():
        clients[key] = Client()
        clients[key].force_login(user)

    print(f"\nlargest province {province.name} {province.code}, largest county {county.name} {county.code}")
    # The floor: the login page, served by the same stack in the same run. Absolute times move
    # with the machine's load; a page's median over the floor's is what compares across runs.
    floor, _p95, _queries, _sql = timed_get(Client(), reverse("login"))
    print(f"{'page':<52} {'median':>8} {'p95':>8} {'target':>8} {'':4} {'queries':>7} {'target':>8} {'SQL':>7} "
          f"{'÷ floor':>8}")
    print(f"{'login page (the floor)':<52} {floor:6.0f}ms")
    for label, who, url, target_ms, target_queries in page_rows(province, county):
        for cold in (False, True) if label.startswith(CACHED_PAGES) else (False,):
            median, p95, queries, sql_ms = timed_get(clients[who], url, cold=cold)
            target_text = f"{target_ms:>6} ms" if target_ms else ""
            query_text = f"≤{target_queries} {verdict(queries, target_queries)}" if target_queries else ""
            shown = f"{label}, after a write" if cold else label
            print(f"{shown:<52} {median:6.0f}ms {p95:6.0f}ms {target_text:>8} {verdict(p95, target_ms):4} "
                  f"{queries:7d} {query_text:>8} {sql_ms:5.0f}ms {median / floor:7.1f}×")
    national_over_sql(clients["superuser"])


def national_over_sql(client: Client) -> None:
    """The national dashboard served, over its SQL alone: the statements of one uncached request run
    again straight through the database cursor, as psql would, median of the same number of runs."""
    url = reverse("stations:coverage-dashboard", kwargs={"code": NATIONAL_CODE})
    warm, _p95, _queries, _sql = timed_get(client, url)
    cold, _p95, _queries, _sql = timed_get(client, url, cold=True)
    cache.clear()
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    statements = [query["sql"] for query in captured.captured_queries]
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()
        times.append((time.perf_counter() - start) * 1000)
    sql_ms = statements and statistics.median(times)
    print(f"{'national dashboard ÷ its SQL alone (' + str(len(statements)) + ' statements)':<52} "
          f"{sql_ms:6.0f}ms SQL; served {warm / sql_ms:.2f}× (cached), {cold / sql_ms:.2f}× after a write "
          f"{'≤1.5×':>8} {verdict(cold / sql_ms, 1.5)}")


def station_import():
    """The station import's preview and confirmation, each in a fresh process."""
    connection.close()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-import.") as folder:
        for step in ("preview", "confirm"):
            child = subprocess.run([sys.executable, __file__, "--import", step, str(IMPORT_ROWS), folder],
                                   capture_output=True, text=True, env=os.environ.copy())
            if child.returncode:
                print(child.stdout, child.stderr)
                raise SystemExit(child.returncode)
            results[step] = json.loads(child.stdout.strip().splitlines()[-1])
    rows, floor = results["preview"]["rows"], results["preview"]["floor"]
    print(f"{f'reading the {rows:,}-row workbook with openpyxl (the floor)':<52} {floor:7.1f}s")
    for step, target in (("preview", 2), ("confirm", 3)):
        result = results[step]
        ratio = result["seconds"] / floor
        print(f"{f'station import {step}, {rows:,} rows':<52} {result['seconds']:7.1f}s {ratio:5.1f}× "
              f"{f'≤{target}×':>8} {verdict(ratio, target):4} errors {result['errors']}")
        print(f"{'  its peak memory (RSS)':<52} {result['rss_mib']:6.0f}MB {'':8} {'≤300 MB':>8} "
              f"{verdict(result['rss_mib'], 300):4}")


def main():
    print(f"database: {connection.vendor}, scale {SCALE}, {REQUESTS} requests per page, DEBUG={settings.DEBUG}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    if GENERATE:
        build_national(scale=SCALE, force=True)
    generate_seconds = time.perf_counter() - start
    pages()
    station_import()
    if GENERATE:
        print(f"{'national data generator':<52} {generate_seconds:7.1f}s {'':8} {'≤600 s':>8} "
              f"{verdict(generate_seconds, 600)}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'peak RSS of the benchmark process':<52} {peak_rss_mib():6.0f}MB")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--import"]:
        print(json.dumps(import_bench(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
    else:
        main()
