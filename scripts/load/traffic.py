"""Virtual users: threads with signed-in sessions, each request timed, every loop bounded."""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import requests

TIMEOUT = 60  # scripts.faults.browser.Browser waits this long for an answer


@dataclass
class Results:
    times: dict = field(default_factory=lambda: defaultdict(list))  # kind -> seconds of answered requests
    errors: dict = field(default_factory=lambda: defaultdict(int))  # kind -> failed requests
    lock: threading.Lock = field(default_factory=threading.Lock)
    seconds: float = 0.0

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            if ok:
                self.times[kind].append(seconds)
            else:
                self.errors[kind] += 1

    @property
    def requests(self) -> int:
        return sum(len(t) for t in self.times.values()) + sum(self.errors.values())

    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict:
        kinds = {}
        for kind in sorted(set(self.times) | set(self.errors)):
            times = sorted(self.times[kind])
            kinds[kind] = {"requests": len(times), "errors": self.errors[kind],
                           "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
                           "p99_ms": percentile(times, 99)}
        every = sorted(t for times in self.times.values() for t in times)
        return {"requests_per_second": round(self.rate(), 1), "requests": self.requests,
                "errors": sum(self.errors.values()), "p50_ms": percentile(every, 50),
                "p95_ms": percentile(every, 95), "p99_ms": percentile(every, 99), "kinds": kinds}


def percentile(times: list[float], p: int) -> float:
    if not times:
        return 0.0
    if len(times) == 1:
        return round(times[0] * 1000, 1)
    return round(statistics.quantiles(times, n=100, method="inclusive")[p - 1] * 1000, 1)


def run(users: int, seconds: float, make_actor, *, max_requests_per_user: int = 100_000) -> Results:
    """``users`` threads, each calling its own actor (``make_actor(index)() -> (kind, ok)``) until
    ``seconds`` have passed or it made ``max_requests_per_user`` requests."""
    results = Results()
    actors = [make_actor(i) for i in range(users)]
    start = threading.Barrier(users + 1)
    deadline = [0.0]

    def loop(actor):
        start.wait()
        for _ in range(max_requests_per_user):
            if time.monotonic() >= deadline[0]:
                return
            began = time.perf_counter()
            try:
                kind, ok = actor()
            except requests.RequestException:
                kind, ok = getattr(actor, "last_kind", "?"), False
            results.add(kind, time.perf_counter() - began, ok)

    threads = [threading.Thread(target=loop, args=(actor,), daemon=True) for actor in actors]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(seconds + TIMEOUT + 5)
    results.seconds = time.monotonic() - began
    return results


def weighted(choices: list[tuple[float, object]], rng: random.Random):
    total = sum(weight for weight, _ in choices)
    point = rng.random() * total
    for weight, choice in choices:
        point -= weight
        if point <= 0:
            return choice
    return choices[-1][1]
