"""The stack under test: a throwaway PostgreSQL cluster, the database seeded with station heads and
editors, and gunicorn with production settings, all on 127.0.0.1."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PGBIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1] if Path("/usr/lib/postgresql").exists() else None
HEADS = 50
EDITORS = 10
PASSWORD = "faults-2026-pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]



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
password = make_password({PASSWORD!r})
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
    subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def sql(env: dict, query: str) -> str:
    out = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c",
                          f"from django.db import connection\nc = connection.cursor()\nc.execute({query!r})\n"
                          "print(c.fetchall())"], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]



def prepare(pg: Postgres, tmpdir: Path) -> dict:
    """Starts the cluster, creates, migrates and seeds the database; the server's environment."""
    database_url = pg.start()
    subprocess.run([*pg.as_pg, str(PGBIN / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres",
                    "faults"], check=True, cwd=pg.dir)
    env = server_env(database_url, tmpdir)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "compilemessages", "--ignore=.venv")
    seed(env)
    return env


def start_gunicorn(env: dict) -> tuple[str, subprocess.Popen]:
    """gunicorn on a free loopback port, once it answers (or after 20 s): its base URL and process."""
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
    return base, gunicorn
