"""A signed-in user who may send each request to either server, every request timed, and the
verdicts the checks print."""

from __future__ import annotations

import itertools
import time
import urllib.parse
from dataclasses import dataclass

import requests

from scripts.faults.browser import Browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESULTS: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> bool:
    ok = bool(ok)
    RESULTS.append((name, ok, detail))
    print(f"[{'PASS' if ok else 'FAIL'}] {name}  {detail}", flush=True)
    return ok


@dataclass
class Timing:
    server: str
    method: str
    path: str
    seconds: float
    status: int  # 0: no answer


class User(Browser):
    """One browser session (the session lives in the database, so either server knows it)."""

    def __init__(self, servers: dict[str, str], username: str, password: str, *, server: str = "A"):
        super().__init__(servers[server])
        self.servers, self.server = servers, server
        self.timings: list[Timing] = []
        self.login(username, password)

    def on(self, server: str) -> User:
        self.server, self.base = server, self.servers[server]
        return self

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        started = time.perf_counter()
        status = 0
        try:
            response = super().request(method, path, **kwargs)
            status = response.status_code
            self._forget_deleted_cookies(response)
            return response
        finally:
            self.timings.append(Timing(self.server, method, path, time.perf_counter() - started, status))

    def _forget_deleted_cookies(self, response: requests.Response) -> None:
        """A cookie the server deletes (the shown messages, say) comes back expired, which
        ``response.cookies`` leaves out: the browser drops it."""
        for header in response.raw.headers.getlist("Set-Cookie"):
            if "max-age=0" in header.lower():
                self.cookies.pop(header.split("=", 1)[0].strip(), None)

    def job_of(self, response: requests.Response) -> str:
        """The job a redirect to ``<page>?job=<id>`` names."""
        location = response.headers.get("Location", "")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        if response.status_code != 302 or "job" not in query:
            raise AssertionError(f"expected a redirect to the job, got {response.status_code} {location!r}")
        return query["job"][0]

    def upload(self, page: str, name: str, content: bytes) -> str:
        """The file posted to an import page; the preview job it starts."""
        return self.job_of(self.post(page, files={"file": (name, content, XLSX)}))

    def confirm(self, page: str, preview: str) -> str:
        return self.job_of(self.post(page, {"job": preview}))

    def status(self, job: str) -> dict:
        response = self.get(f"/jobs/{job}/status/")
        if response.status_code != 200:
            raise AssertionError(f"status of job {job}: HTTP {response.status_code}")
        return response.json()

    def follow(self, job: str, *, seconds: float, every: float = 0.5, servers=("A", "B"), on_poll=None) -> list:
        """Polls the job's status (alternating servers) until it finishes; every status seen."""
        seen: list[dict] = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            status = self.on(servers[len(seen) % len(servers)]).status(job)
            seen.append(status)
            if status.get("finished"):
                return seen
            if on_poll:
                on_poll(status)
            time.sleep(every)
        raise TimeoutError(f"job {job} not finished after {seconds:.0f} s (last: {seen[-1] if seen else None})")


def moved_through(seen: list[dict]) -> tuple[bool, list[int]]:
    """Whether the rows done never went back, and the distinct values seen."""
    done = [int(s.get("done") or 0) for s in seen]
    return all(b >= a for a, b in itertools.pairwise(done)), sorted(set(done))
