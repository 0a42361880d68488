#!/usr/bin/env python
"""Load and fault checks against the production stack (gunicorn + PostgreSQL) on 127.0.0.1 only.

Starts a throwaway PostgreSQL cluster and gunicorn with production settings (DEBUG off), then:

1. 50 station heads submit their month's report in parallel, each double-clicking "填报" and
   "报送": every report exists exactly once, submitted exactly once, no 500s.
2. 10 editors save the same draft version at once: exactly one save goes through, the nine others
   are told the report changed, the stored text is the winner's (no lost update), no 500s.
3. PostgreSQL is restarted while requests and writes run: users get the 503 "retry" page (never a
   500 or a traceback), no half-written rows, and pages answer again within seconds.
4. A burst of large junk uploads: other pages stay responsive and no temporary file is left.

Prints a table and exits non-zero if a check fails. Needs Debian's postgresql and root (the
cluster runs as the postgres user, like .ci/run)::

    make faults
"""

from __future__ import annotations

import concurrent.futures as futures
import datetime
import html.parser
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zoneinfo
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PGBIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1] if Path("/usr/lib/postgresql").exists() else None
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
HEADS = 50
EDITORS = 10
RESULTS: list[tuple[str, bool, str]] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(name: str, ok: bool, detail: str = "") -> None:
    RESULTS.append((name, ok, detail))
    print(f"[{'PASS' if ok else 'FAIL'}] {name}  {detail}", flush=True)


# -- the stack -------------------------------------------------------------------------------------

class Postgres:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="faults-pg."))
        self.port = free_port()
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_pg:
            shutil.chown(self.dir, "postgres")

    def run(self, *args):
        subprocess.run([*self.as_pg, str(PGBIN / args[0]), *args[1:]], check=True, cwd=self.dir,
                       stdout=subprocess.DEVNULL)

    def ctl(self, action: str, *extra):
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"), "-w", "-t", "60",
                 "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off", *extra, action)

    def start(self):
        self.run("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-sync")
        self.ctl("start")
        return f"postgres://postgres@127.0.0.1:{self.port}/faults"

    def stop(self):
        try:
            self.ctl("stop", "-m", "fast")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def server_env(database_url: str, tmpdir: Path) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "DEBUG": "off", "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "off", "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(tmpdir / "static"), "TMPDIR": str(tmpdir / "uploads"), "LOG_LEVEL": "ERROR"}


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


# -- a browser without a browser -------------------------------------------------------------------

class FormParser(html.parser.HTMLParser):
    """Every form on a page with its action and field values (as a browser would submit them)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in {"submit", "checkbox", "file"}:
            self.forms[-1]["fields"][a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and ("selected" in a or self._select not in self.forms[-1]["fields"]):
            self.forms[-1]["fields"][self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.forms[-1]["fields"][self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


class Browser:
    """Cookies kept by hand: the session cookie is Secure (production), the server sits behind a
    TLS proxy that says so with X-Forwarded-Proto."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()

    def _headers(self) -> dict:
        origin = self.base.replace("http://", "https://")
        return {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/",
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        response = self.http.request(method, self.base + path, headers=self._headers(), allow_redirects=False,
                                     timeout=60, **kwargs)
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data=None, files=None):
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **(data or {})}
        return self.request("POST", path, data=data, files=files)

    def form(self, path: str, contains: str) -> dict:
        parser = FormParser()
        parser.feed(self.get(path).text)
        return next(f["fields"] for f in parser.forms if contains in f["fields"])

    def login(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302, (username, response.status_code)


# -- data ----------------------------------------------------------------------------------------------

def seed(env: dict) -> None:
    code = f"""
from stations import services
from stations.models import Region, Role, User
from django.contrib.auth.hashers import make_password
from django.utils import timezone
now = timezone.now()
province = Region.objects.create(code='420000000000', name='湖北省', level='province')
city = Region.objects.create(code='420500000000', name='宜昌市', level='city', parent=province)
county = Region.objects.create(code='420525000000', name='远安县', level='county', parent=city)
root = User.objects.create_superuser('faults_root', password=None)
password = make_password('faults-2026-pass')
User.objects.create(username='county', role=Role.COUNTY, region=county, password=password,
                    password_changed_at=now)
for i in range({HEADS}):
    township = Region.objects.create(code=f'420525{{100 + i:03d}}000', name=f'乡镇{{i}}镇', level='township',
                                      kind='zhen', parent=county)
    station = services.station_create(actor=root, region=township, name=f'乡镇{{i}}社工站', kind='station',
                                      initial_status='operating',
                                      status_effective_on=__import__('datetime').date(2024, 1, 1))
    User.objects.create(username=f'head{{i}}', role=Role.STATION_HEAD, region=township, station=station,
                        password=password, password_changed_at=now)
    if i == 0:
        for e in range({EDITORS}):
            User.objects.create(username=f'editor{{e}}', role=Role.STATION_HEAD, region=township, station=station,
                                password=password, password_changed_at=now)
"""
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True)


def sql(env: dict, query: str) -> str:
    out = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c",
                          f"from django.db import connection\nc = connection.cursor()\nc.execute({query!r})\n"
                          "print(c.fetchall())"], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def previous_month(months: int = 1) -> datetime.date:
    day = datetime.datetime.now(SHANGHAI).date().replace(day=1)
    for _ in range(months):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


# -- the checks ----------------------------------------------------------------------------------------

PASSWORD = "faults-2026-pass"


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
    seen: list[tuple[float, int, bool]] = []
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

    threads = [threading.Thread(target=reader)] + [threading.Thread(target=writer_loop, args=(w,)) for w in writers]
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
    junk = os.urandom(12 * 1024 * 1024)
    statuses: list[int] = []

    def upload(i: int):
        r = county.post("/stations/import/", files={"file": (f"junk{i}.xlsx", junk)})
        statuses.append(r.status_code)

    with futures.ThreadPoolExecutor(12) as pool:
        jobs = [pool.submit(upload, i) for i in range(24)]
        during = [latency() for _ in range(20)]
        futures.wait(jobs)
    time.sleep(1)
    left = list((tmpdir / "uploads").glob("*"))
    p95 = statistics.quantiles(during, n=20)[-1]
    check("junk uploads: refused without server errors", all(s < 500 for s in statuses), f"{sorted(set(statuses))}")
    check("junk uploads: other pages stay responsive (p95 < 2 s)", p95 < 2.0,
          f"baseline median {statistics.median(baseline) * 1000:.0f} ms, during p95 {p95 * 1000:.0f} ms")
    check("junk uploads: no temporary files left", not left, f"{len(left)} left")


def main() -> int:
    if PGBIN is None:
        print("PostgreSQL is not installed (apt-get install postgresql).")
        return 2
    pg = Postgres()
    tmpdir = Path(tempfile.mkdtemp(prefix="faults."))
    (tmpdir / "uploads").mkdir()
    gunicorn = None
    try:
        database_url = pg.start()
        subprocess.run([*pg.as_pg, str(PGBIN / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres",
                        "faults"], check=True, cwd=pg.dir)
        env = server_env(database_url, tmpdir)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "compilemessages", "--ignore=.venv")
        seed(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "3", "--threads", "8",
             "--timeout", "60"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                requests.get(base + "/accounts/login/", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
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


if __name__ == "__main__":
    sys.exit(main())
