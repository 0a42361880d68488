"""The cluster: one PostgreSQL, one Redis, one SeaweedFS, two gunicorn servers and a Celery worker,
all on 127.0.0.1 with free ports and temporary folders. Every process runs in a process group of
its own and ``Cluster.stop()`` ends them all, whatever happened before."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import psycopg2
import requests

from scripts import services
from scripts.faults.stack import PGBIN, Postgres

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "shegongzhan-files"
REDELIVERY_SECONDS = 20


class Database:
    """A database of its own on the server ``DATABASE_URL`` names, or on a throwaway cluster."""

    def __init__(self, given_url: str = ""):
        self.given_url, self.cluster, self.url = given_url, None, ""

    def start(self) -> str:
        server_url = self.given_url
        if not server_url:
            if PGBIN is None:
                raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
            self.cluster = Postgres()
            self.cluster.start()
            server_url = f"postgres://postgres@127.0.0.1:{self.cluster.port}/postgres"
        base = urllib.parse.urlsplit(server_url)
        self.name = f"cluster_check_{secrets.token_hex(4)}"
        self.admin_url = base._replace(path="/postgres").geturl()
        self._execute(f'CREATE DATABASE "{self.name}"')
        self.url = base._replace(path=f"/{self.name}").geturl()
        return self.url

    def _execute(self, statement: str) -> None:
        connection = psycopg2.connect(self.admin_url, connect_timeout=10)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def query(self, sql: str, *params):
        connection = psycopg2.connect(self.url, connect_timeout=10)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()

    def stop(self) -> None:
        if self.cluster:
            self.cluster.stop()
        elif self.url:
            self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Cluster:
    def __init__(self, *, database_url: str = ""):
        self.dir = Path(tempfile.mkdtemp(prefix="cluster-check."))
        self.db = Database(database_url)
        self.redis = services.Redis()
        self.store = services.SeaweedFS()
        self.processes: dict[str, subprocess.Popen] = {}
        self.servers: dict[str, str] = {}
        self.env: dict = {}

    def start_services(self) -> None:
        started = time.monotonic()
        database_url = self.db.start()
        self.redis.start()
        self.store.start()
        self.store.create_bucket(BUCKET)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("S3_", "TEST_", "DJANGO_ALLOW"))},
            "DEBUG": "off", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "off", "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url, "REDIS_URL": self.redis.url, "JOB_REDELIVERY_SECONDS": str(REDELIVERY_SECONDS),
            "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": self.store.endpoint_url, "S3_ACCESS_KEY": services.S3_ACCESS_KEY,
            "S3_SECRET_KEY": services.S3_SECRET_KEY, "S3_REGION": services.S3_REGION,
            "STATIC_ROOT": str(self.dir / "static"),
        }
        print(f"services up in {time.monotonic() - started:.1f} s: PostgreSQL, Redis {self.redis.url}, "
              f"SeaweedFS {self.store.endpoint_url}", flush=True)

    def prepare(self, *, full_demo: bool = False) -> dict:
        """Migrates, seeds and collects the static files; the facts the checks need."""
        started = time.monotonic()
        self.run("manage.py", "migrate", "--noinput", "-v0")
        migrated = time.monotonic()
        seeded = self.run("-m", "scripts.cluster_check.seed", *(["--full-demo"] if full_demo else []))
        facts = json.loads(seeded.strip().splitlines()[-1])
        self.run("manage.py", "collectstatic", "--noinput", "-v0")
        print(f"database ready in {time.monotonic() - started:.0f} s (migrate {migrated - started:.0f} s, "
              f"seed and static files {time.monotonic() - migrated:.0f} s)", flush=True)
        return facts

    def run(self, *args: str) -> str:
        result = subprocess.run([sys.executable, *args], cwd=ROOT, env=self.private_env("setup"),
                                capture_output=True, text=True, timeout=900)
        if result.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        return result.stdout

    def private_env(self, name: str) -> dict:
        """The shared environment, with a local disk and temporary folder of this process's own:
        nothing a process keeps there can reach another."""
        local = self.dir / name
        (local / "tmp").mkdir(parents=True, exist_ok=True)
        return {**self.env, "MEDIA_ROOT": str(local / "media"), "TMPDIR": str(local / "tmp")}

    def spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.dir / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
        process = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=self.private_env(name), stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.processes[name] = process
        return process

    def start_server(self, name: str) -> str:
        (port,) = services.free_ports()
        self.spawn(name, ["-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "--workers", "2",
                          "--threads", "4", "--timeout", "30", "--graceful-timeout", "20"])
        base = self.servers[name] = f"http://127.0.0.1:{port}"
        services.wait_until(lambda: self._answers(name, base), seconds=60, what=f"gunicorn {name}")
        return base

    def _answers(self, name: str, base: str) -> bool:
        if self.processes[name].poll() is not None:
            raise RuntimeError(f"gunicorn {name} exited:\n{self.log_tail(name)}")
        try:
            return requests.get(base + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def start_worker(self, name: str = "worker") -> subprocess.Popen:
        return self.spawn(name, ["-m", "celery", "-A", "config", "worker", "--concurrency", "1", "--loglevel",
                                 "WARNING", "--without-gossip", "--without-mingle", "--hostname", f"{name}@%h"])

    def kill(self, name: str) -> None:
        """SIGKILL to the process and every child of it, without a word to anyone."""
        process = self.processes[name]
        os.killpg(process.pid, 9)
        process.wait(10)

    def stop_process(self, name: str, *, grace: float = 20.0) -> None:
        services.stop_group(self.processes.get(name), grace=grace)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop(self) -> None:
        for name in list(self.processes):
            try:
                self.stop_process(name, grace=10.0)
            except Exception as exc:  # go on stopping the others
                print(f"stopping {name}: {exc}", file=sys.stderr)
        for service in (self.store, self.redis, self.db):
            try:
                service.stop()
            except Exception as exc:
                print(f"stopping {type(service).__name__}: {exc}", file=sys.stderr)
        shutil.rmtree(self.dir, ignore_errors=True)
