"""Health checks for the load balancer: ``/healthz`` (the process answers) and ``/readyz`` (it can
serve: the database, the broker when one is configured and the file storage answer).

Both answer without a login and say nothing but ``ok`` or ``unavailable``: which part failed, and
why, goes to the log, never to whoever asks. Each part is asked in a thread of its own and waited
for at most ``CHECK_SECONDS``, so a dead database host or object store keeps no load balancer
waiting; a part still stuck from an earlier probe counts as unavailable without a new thread, so
probes every few seconds cannot pile threads up behind a hung connection.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

CHECK_SECONDS = 2.0
BROKER_TIMEOUT_SECONDS = 1.0
# A name that is never written: asking whether it exists is a round trip to the storage and nothing more.
STORAGE_PROBE_NAME = "health/readyz-probe"

_running: dict[str, threading.Thread] = {}
_running_lock = threading.Lock()


def _database() -> None:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # this thread's own connection: never left open after the probe


def _broker() -> None:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
                                  socket_timeout=BROKER_TIMEOUT_SECONDS)
    try:
        client.ping()
    finally:
        client.close()


def _storage() -> None:
    default_storage.exists(STORAGE_PROBE_NAME)


def _checks() -> dict:
    checks = {"database": _database, "storage": _storage}
    if getattr(settings, "REDIS_URL", ""):
        checks["broker"] = _broker
    return checks


def _start(name: str, check, results: dict) -> threading.Thread | None:
    def run():
        try:
            check()
            results[name] = True
        except Exception:
            logger.warning("readiness check failed: %s", name, exc_info=True)
            results[name] = False
        finally:
            with _running_lock:
                _running.pop(name, None)

    with _running_lock:
        if name in _running:  # the previous probe's check is still stuck
            return None
        thread = _running[name] = threading.Thread(target=run, name=f"readyz-{name}", daemon=True)
    thread.start()
    return thread


def ready() -> bool:
    """Whether every part answered within ``CHECK_SECONDS``."""
    results: dict[str, bool] = {}
    checks = _checks()
    threads = {name: _start(name, check, results) for name, check in checks.items()}
    deadline = time.monotonic() + CHECK_SECONDS
    for name, thread in threads.items():
        if thread is not None:
            thread.join(max(0.0, deadline - time.monotonic()))
        if not results.get(name):
            if thread is None or thread.is_alive():
                logger.warning("readiness check did not answer in time: %s", name)
            return False
    return True


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz_view(request):
    """The process is up and answers requests."""
    return _plain("ok")


@never_cache
@require_safe
def readyz_view(request):
    """The process can serve users: 200 ``ok``, else 503 ``unavailable``."""
    return _plain("ok") if ready() else _plain("unavailable", status=503)
