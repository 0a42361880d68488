"""The four checks, each printing its verdicts as it goes."""

from __future__ import annotations

import concurrent.futures as futures
import datetime
import os
import statistics
import threading
import time
import zoneinfo
from pathlib import Path

import requests

from scripts.faults.browser import Browser
from scripts.faults.stack import EDITORS, HEADS, PASSWORD, Postgres, sql

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
RESULTS: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> None:
    RESULTS.append((name, ok, detail))
    print(f"[{'PASS' if ok else 'FAIL'}] {name}  {detail}", flush=True)



def previous_month(months: int = 1) -> datetime.date:
    day = datetime.datetime.now(SHANGHAI).date().replace(day=1)
    for _ in range(months):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day



def open_draft(browser: Browser, period: datetime.date) -> str:
    """Two clicks on "填报" at once; both must land on the same draft."""
    with futures.ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(lambda _: browser.post("/stations/reports/new/", {"period": f"{period:%Y-%m}"}),
                                  range(2)))
    locations = {r.headers.get("Location") for r in responses}
    assert all(r.status_code == 302 for r in responses) and len(locations) == 1, [r.status_code for r in responses]
    return locations.pop()


def submit_twice(browser: Browser, edit_url: str) -> list[int]:
    fields = browser.form(edit_url, "version")
    fields.update({"volunteers": "3", "highlights": "并发报送测试"})
    with futures.ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(lambda _: browser.post(edit_url, {**fields, "submit": "1"}), range(2)))
    return [r.status_code for r in responses]


def parallel_submissions(base: str, env: dict) -> None:
    period = previous_month()
    statuses: list[int] = []

    def one(i: int):
        browser = Browser(base)
        browser.login(f"head{i}", PASSWORD)
        statuses.extend(submit_twice(browser, open_draft(browser, period)))

    with futures.ThreadPoolExecutor(HEADS) as pool:
        list(pool.map(one, range(HEADS)))
    rows = sql(env, f"select count(*), count(distinct station_id), sum(case when status='submitted' then 1 else 0 "
                    f"end) from stations_monthlyreport where period = '{period}'")
    submissions = sql(env, "select count(*) from stations_historicalmonthlyreport h where h.period = "
                           f"'{period}' and h.status = 'submitted'")
    check("50 parallel submissions: one report per station, all submitted", rows == f"[({HEADS}, {HEADS}, {HEADS})]",
          rows)
    check("50 parallel submissions: each submitted exactly once (history)", submissions == f"[({HEADS},)]",
          submissions)
    check("50 parallel submissions: no server errors", all(s < 500 for s in statuses),
          f"statuses {sorted(set(statuses))}")


def concurrent_editors(base: str, env: dict) -> None:
    period = previous_month(2)
    browsers = [Browser(base) for _ in range(EDITORS)]
    for e, browser in enumerate(browsers):
        browser.login(f"editor{e}", PASSWORD)
    edit_url = open_draft(browsers[0], period)
    forms = [browser.form(edit_url, "version") for browser in browsers]
    barrier = threading.Barrier(EDITORS)

    def save(e: int):
        barrier.wait(30)
        return browsers[e].post(edit_url, {**forms[e], "highlights": f"编辑者{e}的内容"})

    with futures.ThreadPoolExecutor(EDITORS) as pool:
        responses = list(pool.map(save, range(EDITORS)))
    winners = [e for e, r in enumerate(responses) if r.status_code == 302]
    refused = [e for e, r in enumerate(responses) if r.status_code == 200 and "已被他人修改" in r.text]
    stored = sql(env, f"select highlights from stations_monthlyreport where period = '{period}'")
    check("10 editors of one draft: exactly one save, nine told of the conflict",
          len(winners) == 1 and len(refused) == EDITORS - 1, f"saved {winners}, refused {len(refused)}")
    check("10 editors of one draft: no lost update", bool(winners) and f"编辑者{winners[0]}的内容" in stored, stored)


def database_restart(base: str, env: dict, pg: Postgres) -> None:
    stop = threading.Event()
    seen: list[tuple[float, int, bool]] = []  # when, status (0: no answer), whether it is the retry page
    threads = traffic(base, stop, seen)
    for t in threads:
        t.start()
    time.sleep(2)
    pg.ctl("restart", "-m", "fast")
    restarted = time.monotonic()
    time.sleep(6)
    stop.set()
    for t in threads:
        t.join(60)
    errors = [s for _, s, _ in seen if s >= 500 and s != 503]
    unclear = [s for _, s, retry_page in seen if s == 503 and not retry_page]
    after = [t for t, s, _ in seen if t > restarted and s == 200]
    recovery = (min(after) - restarted) if after else None
    check("database restart: no 500s, outages answered with the 503 retry page", not errors and not unclear,
          f"{sum(1 for _, s, _ in seen if s == 503)} × 503, {len(errors)} other errors")
    check("database restart: pages answer again within 5 s", recovery is not None and recovery < 5,
          f"first 200 after {recovery:.2f} s" if recovery is not None else "never")
    orphans = sql(env, "select count(*) from stations_monthlyreport r where not exists (select 1 from "
                       "stations_historicalmonthlyreport h where h.id = r.id)")
    check("database restart: no half-written reports (every report has its audit record)", orphans == "[(0,)]",
          orphans)


def traffic(base: str, stop: threading.Event, seen: list) -> list[threading.Thread]:
    """A county user reading the report list and five station heads opening reports, until ``stop``."""
    browser = Browser(base)
    browser.login("county", PASSWORD)
    writers = [Browser(base) for _ in range(5)]
    for i, writer in enumerate(writers, start=1):
        writer.login(f"head{i}", PASSWORD)

    def reader():
        while not stop.is_set():
            try:
                r = browser.get("/stations/reports/")
                seen.append((time.monotonic(), r.status_code, "系统暂时繁忙" in r.text))
            except requests.RequestException:
                seen.append((time.monotonic(), 0, False))
            time.sleep(0.05)

    def writer_loop(writer: Browser):
        months = iter(range(3, 40))
        while not stop.is_set():
            try:
                r = writer.post("/stations/reports/new/", {"period": f"{previous_month(next(months)):%Y-%m}"})
                seen.append((time.monotonic(), r.status_code, "系统暂时繁忙" in r.text))
            except (requests.RequestException, StopIteration):
                pass
            time.sleep(0.1)

    return [threading.Thread(target=reader)] + [threading.Thread(target=writer_loop, args=(w,)) for w in writers]


def junk_uploads(base: str, tmpdir: Path) -> None:
    county = Browser(base)
    county.login("county", PASSWORD)
    reader = Browser(base)
    reader.login("head0", PASSWORD)

    def latency() -> float:
        start = time.perf_counter()
        assert reader.get("/stations/reports/").status_code == 200
        return time.perf_counter() - start

    baseline = [latency() for _ in range(10)]
    oversized, junk = os.urandom(12 * 1024 * 1024), os.urandom(6 * 1024 * 1024)
    statuses: list[int] = []
    explained: list[bool] = []

    def upload(i: int):
        # Half too large (refused from the length alone), half within the limit but not a spreadsheet.
        r = county.post("/stations/import/", files={"file": (f"junk{i}.xlsx", oversized if i % 2 else junk)})
        statuses.append(r.status_code)
        explained.append("上传的文件过大" in r.text if i % 2 else "无法识别该文件的格式" in r.text)

    with futures.ThreadPoolExecutor(12) as pool:
        jobs = [pool.submit(upload, i) for i in range(24)]
        during = [latency() for _ in range(20)]
        futures.wait(jobs)
    time.sleep(1)
    left = list((tmpdir / "uploads").glob("*"))
    p95 = statistics.quantiles(during, n=20)[-1]
    check("junk uploads: refused with a Chinese explanation, no server errors",
          all(s < 500 for s in statuses) and all(explained), f"{sorted(set(statuses))}, {explained.count(False)} unexplained")
    check("junk uploads: other pages stay responsive (p95 < 2 s)", p95 < 2.0,
          f"baseline median {statistics.median(baseline) * 1000:.0f} ms, during p95 {p95 * 1000:.0f} ms")
    check("junk uploads: no temporary files left", not left, f"{len(left)} left")

