"""/healthz and /readyz, as a load balancer sees them: no login, nothing but ok or unavailable, and
an answer within seconds whatever state the database, the broker and the storage are in."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client

from config import health
from scripts import services

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def probe():
    """An anonymous client, as a load balancer is; waits afterwards for any check left running."""
    yield Client()
    deadline = time.monotonic() + 60
    for thread in list(health._running.values()):
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not health._running, "a readiness check was still running a minute later"


def dead_port() -> int:
    return services.free_ports()[0]


def assert_says(response, status: int, text: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == text  # the body reveals nothing else
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_answers_ok_without_login_or_database(probe):
    response = probe.get("/healthz")  # without the django_db mark, any query would fail the test
    assert_says(response, 200, "ok")
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_readyz_is_ok_with_the_database_and_the_local_disk(probe, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REDIS_URL = ""
    assert_says(probe.get("/readyz"), 200, "ok")
    assert probe.head("/readyz").status_code == 200
    assert probe.post("/readyz").status_code == 405


@pytest.mark.django_db
def test_readyz_checks_a_real_broker(probe, settings, tmp_path, redis_url):
    settings.MEDIA_ROOT = tmp_path
    settings.REDIS_URL = redis_url
    assert_says(probe.get("/readyz"), 200, "ok")
    settings.REDIS_URL = f"redis://127.0.0.1:{dead_port()}/0"
    assert_says(probe.get("/readyz"), 503, "unavailable")


@pytest.mark.django_db
def test_readyz_checks_a_real_object_store(probe, settings, s3_storage):
    settings.REDIS_URL = ""
    assert_says(probe.get("/readyz"), 200, "ok")
    unreachable = {**settings.STORAGES["default"]["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{dead_port()}"}
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": unreachable}}
    assert_says(probe.get("/readyz"), 503, "unavailable")


@pytest.mark.django_db
def test_readyz_is_unavailable_without_the_database(probe, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.REDIS_URL = ""
    gone = dict(connections.settings["default"])
    if gone["ENGINE"].endswith("sqlite3"):
        gone["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        gone.update(HOST="127.0.0.1", PORT=str(dead_port()))
    # Connections the check opens (in a thread of its own) go to a database that is not there.
    monkeypatch.setitem(connections.settings, "default", gone)
    assert_says(probe.get("/readyz"), 503, "unavailable")


@pytest.mark.django_db
def test_readyz_answers_in_time_when_the_storage_hangs(probe, settings, s3_storage):
    """An object store that accepts connections and never answers keeps no load balancer waiting."""
    settings.REDIS_URL = ""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        hung = {**settings.STORAGES["default"]["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{silent.getsockname()[1]}"}
        settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": hung}}
        started = time.monotonic()
        assert_says(probe.get("/readyz"), 503, "unavailable")
        assert time.monotonic() - started < health.CHECK_SECONDS + 1.5
        # The next probe does not start a second check behind the stuck one: it answers at once.
        started = time.monotonic()
        assert_says(probe.get("/readyz"), 503, "unavailable")
        assert time.monotonic() - started < 0.5


def test_probes_over_plain_http_are_not_sent_to_https_in_production(tmp_path):
    """Behind the TLS proxy every page is redirected to HTTPS, but the load balancer probes the
    servers themselves over plain HTTP."""
    code = ("import django; django.setup(); from django.test import Client; c = Client(); "
            "print(*(c.get(p, HTTP_HOST='shegong.example.cn').status_code for p in "
            "('/healthz', '/readyz', '/accounts/login/')))")
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "S3_BUCKET"}}
    env.update(DEBUG="off", SECRET_KEY="k" * 60, ALLOWED_HOSTS="shegong.example.cn",
               DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               MEDIA_ROOT=str(tmp_path / "media"), STATIC_ROOT=str(tmp_path / "static"))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "200", "301"]
