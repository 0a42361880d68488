"""``python -m scripts.load`` (``make load``): see the package's description."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.faults.browser import Browser
from scripts.faults.stack import PGBIN, ROOT, Postgres, free_port, server_env
from scripts.load import traffic

SCALE = os.environ.get("LOAD_SCALE", "1.0")
SECONDS = float(os.environ.get("LOAD_SECONDS", "40"))
USERS = [int(n) for n in os.environ.get("LOAD_USERS", "1,8,32").split(",")]
GENERATE = os.environ.get("LOAD_GENERATE", "1") != "0"
RESULTS = ROOT / "var" / "load-results.json"
# Shares of the mixed traffic: (weight, kind).
MIX = [(50, "county"), (20, "head"), (20, "region"), (10, "national")]


def manage(env: dict, *args: str, capture: bool = False) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
                          stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    return done.stdout if capture else ""


def prepare(env: dict) -> dict:
    manage(env, "migrate", "--noinput")
    if GENERATE:
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "scripts.national", "--scale", SCALE, "--force"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        print(f"national dataset (scale {SCALE}) generated in {time.monotonic() - started:.0f} s")
    manage(env, "collectstatic", "--noinput")
    manage(env, "compilemessages", "--ignore=.venv")
    code = (ROOT / "scripts" / "load" / "seed.py").read_text(encoding="utf-8")
    return json.loads(manage(env, "shell", "--no-imports", "-c", code, capture=True).strip().splitlines()[-1])


def start_gunicorn(env: dict) -> tuple[str, subprocess.Popen]:
    """gunicorn as the README deploys it, on a free loopback port."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
                                "--workers", "4"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(150):
        try:
            Browser(base).get("/healthz")
            return base, process
        except Exception:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


class MixedActor:
    """One virtual user of the month-end mix: signed in once in every role it plays."""

    def __init__(self, index: int, base: str, facts: dict):
        self.rng = random.Random(index)
        self.facts = facts
        password = facts["password"]
        head = facts["heads"][index % len(facts["heads"])]
        region_user = ("load_province", "load_city")[index % 2]
        self.pages = {"county": facts["county"], "region": facts["region"][region_user],
                      "national": facts["national"]}
        self.sessions = {"county": "load_county", "region": region_user, "national": "load_root",
                         "head": head["username"]}
        for kind, username in self.sessions.items():
            self.sessions[kind] = Browser(base)
            self.sessions[kind].login(username, password)
        self.month, self.edit, self.saves, self.fields = head["month"], "", 0, None
        self.last_kind = "?"

    def __call__(self) -> tuple[str, bool]:
        kind = self.last_kind = traffic.weighted(MIX, self.rng)
        browser = self.sessions[kind]
        if kind == "head":
            return kind, self.head(browser)
        response = browser.get(self.rng.choice(self.pages[kind]))
        return kind, response.status_code == 200

    def head(self, browser: Browser) -> bool:
        """A station head, one request at a time: the home page, or the month's draft: created, then
        opened, then saved, then opened again…"""
        if self.fields is None and (self.rng.random() < 0.5 or not self.month):
            return browser.get(self.facts["head"]["home"]).status_code == 200
        if not self.edit:
            response = browser.post(self.facts["head"]["create"], {"period": self.month})
            self.edit = response.headers.get("Location", "") if response.status_code == 302 else ""
            return bool(self.edit)
        if self.fields is None:
            self.fields = browser.form(self.edit, "version")
            return bool(self.fields)
        self.saves += 1
        response = browser.post(self.edit, {**self.fields, "highlights": f"月末压力测试 第{self.saves}次保存"})
        self.fields = None
        return response.status_code == 302


class FloorActor:
    def __init__(self, index: int, base: str):
        self.browser = Browser(base)
        self.last_kind = "login page"

    def __call__(self) -> tuple[str, bool]:
        return "login page", self.browser.get("/accounts/login/").status_code == 200


def measure(base: str, facts: dict) -> list[dict]:
    rows = []
    for users in USERS:
        mixed = traffic.run(users, SECONDS, lambda i: MixedActor(i, base, facts))
        floor = traffic.run(users, SECONDS / 2, lambda i: FloorActor(i, base))
        row = {"users": users, "load_average": round(os.getloadavg()[0], 2), "mixed": mixed.summary(),
               "floor": floor.summary()}
        row["mixed_over_floor"] = round(mixed.rate() / floor.rate(), 3) if floor.rate() else None
        rows.append(row)
        show(row)
    return rows


def show(row: dict) -> None:
    mixed, floor = row["mixed"], row["floor"]
    print(f"\n{row['users']} users (load average {row['load_average']}): mixed {mixed['requests_per_second']} req/s, "
          f"login page {floor['requests_per_second']} req/s, mixed ÷ floor {row['mixed_over_floor']:.1%}; "
          f"mixed p50/p95/p99 {mixed['p50_ms']:.0f}/{mixed['p95_ms']:.0f}/{mixed['p99_ms']:.0f} ms, "
          f"errors {mixed['errors']} (floor {floor['errors']})")
    for kind, k in mixed["kinds"].items():
        print(f"  {kind:<10} {k['requests']:6d} req  p50 {k['p50_ms']:7.0f} ms  p95 {k['p95_ms']:7.0f} ms  "
              f"p99 {k['p99_ms']:7.0f} ms  errors {k['errors']}")


def main() -> int:
    if not os.environ.get("DATABASE_URL") and PGBIN is None:
        print("PostgreSQL is not installed (apt-get install postgresql), and DATABASE_URL names no server.")
        return 2
    tmpdir = Path(tempfile.mkdtemp(prefix="load."))
    (tmpdir / "uploads").mkdir()
    pg = gunicorn = None
    try:
        database_url = os.environ.get("DATABASE_URL", "")
        if not database_url:
            pg = Postgres()
            database_url = pg.start()
            subprocess.run([*pg.as_pg, str(PGBIN / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U",
                            "postgres", "faults"], check=True, cwd=pg.dir)
        env = {**server_env(database_url, tmpdir), "TWO_FACTOR_REQUIRED": "off", "LOG_LEVEL": "ERROR"}
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {SECONDS:.0f} s of mixed traffic "
              f"and {SECONDS / 2:.0f} s of the login page at each of {USERS} users")
        facts = prepare(env)
        print(f"users in {facts['where']}; {len(facts['heads'])} station heads")
        base, gunicorn = start_gunicorn(env)
        started = time.monotonic()
        rows = measure(base, facts)
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps({"scale": SCALE, "seconds": SECONDS, "cpus": os.cpu_count(), "runs": rows},
                                      ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\nmeasured in {time.monotonic() - started:.0f} s; results in {RESULTS.relative_to(ROOT)}")
        return 0 if all(r["mixed"]["errors"] == 0 and r["floor"]["errors"] == 0 for r in rows) else 1
    finally:
        if gunicorn:
            gunicorn.terminate()
            gunicorn.wait(30)
        if pg:
            pg.stop()
        shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
