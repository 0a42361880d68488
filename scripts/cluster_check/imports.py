"""Parts a–c: station imports through the upload page, run as jobs by the worker.

a. previewed on server A, confirmed on server B;
b. 40,000 rows: every request under 2 s, the progress moving, the import complete;
c. the worker killed mid-import: nothing written; a new worker runs the redelivered job to the end.
"""

from __future__ import annotations

import io
import time

from openpyxl import Workbook

from scripts.cluster_check.client import User, check, moved_through
from scripts.cluster_check.stack import REDELIVERY_SECONDS, Cluster

HEADER = ["区划代码", "类型", "站点名称", "地址", "场地面积（平方米）", "合署场所", "挂牌日期", "联系人", "联系电话",
          "状态", "状态日期"]
ROOM = "村（社区）社工室"
SLOW_SECONDS = 2.0


def villages(cluster: Cluster, county: str, *, skip: int = 0, limit: int = 100_000) -> list[tuple[str, str]]:
    return cluster.db.query("SELECT code, name FROM stations_region WHERE level = 'village' AND code LIKE %s "
                            "ORDER BY code OFFSET %s LIMIT %s", f"{county}%", skip, limit)


def workbook(rows: list[tuple[str, str]]) -> bytes:
    """The station import's sheet: a village room (opened as a pilot) in each village."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("社工站")
    sheet.append(HEADER)
    for code, name in rows:
        sheet.append([code, ROOM, f"{name}社工室", "", 20, "", "2025-03-01", "", "", "试点", "2025-03-01"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rooms(cluster: Cluster, county: str) -> int:
    return cluster.db.query("SELECT count(*) FROM stations_station s JOIN stations_region r ON r.id = s.region_id "
                            "WHERE s.kind = 'room' AND r.code LIKE %s", f"{county}%")[0][0]


def job_row(cluster: Cluster, job: str) -> tuple[str, int]:
    """The job's status and attempts, read from the database."""
    return cluster.db.query("SELECT status, attempts FROM core_job WHERE id = %s", job)[0]


def preview_here_confirm_there(cluster: Cluster, facts: dict) -> None:
    started = time.monotonic()
    county = facts["counties"]["import"]
    rows = villages(cluster, county, skip=40_000, limit=25)
    page = facts["station_import"]
    user = User(cluster.servers, "check_county", facts["password"])
    before = rooms(cluster, county)
    preview = user.on("A").upload(page, "社工室-A预览.xlsx", workbook(rows))
    user.follow(preview, seconds=120, servers=("A",))
    report = user.on("A").get(f"{page}?job={preview}")
    confirm = user.on("B").confirm(page, preview)
    seen = user.follow(confirm, seconds=120, servers=("B",))
    done_page = user.on("B").get(f"{page}?job={confirm}").text
    after = rooms(cluster, county)
    check("a. import previewed on server A, confirmed on server B",
          seen[-1].get("status") == "done" and "导入完成" in done_page and after == before + len(rows),
          f"preview page {report.status_code}, confirm {seen[-1].get('status')}, village rooms {before} → {after} "
          f"(+{len(rows)} expected), {time.monotonic() - started:.1f} s")


def large_import(cluster: Cluster, facts: dict, *, rows: int = 40_000) -> None:
    started = time.monotonic()
    county, page = facts["counties"]["import"], facts["station_import"]
    content = workbook(villages(cluster, county, limit=rows))
    user = User(cluster.servers, "check_county", facts["password"])
    user.timings.clear()
    before = rooms(cluster, county)
    progress_bar = []

    def look_at_page(job):
        def look(status):
            if not progress_bar and status.get("done"):
                text = user.get(f"{page}?job={job}").text
                progress_bar.append('class="job-progress"' in text and "<progress" in text)
        return look

    preview = user.on("A").upload(page, "四万个社工室.xlsx", content)
    preview_seen = user.follow(preview, seconds=600, on_poll=look_at_page(preview))
    user.on("B").get(f"{page}?job={preview}")  # the report the finished preview shows
    confirm = user.on("B").confirm(page, preview)
    confirm_seen = user.follow(confirm, seconds=900)
    done_page = user.on("A").get(f"{page}?job={confirm}").text
    after = rooms(cluster, county)
    slow = [t for t in user.timings if t.seconds >= SLOW_SECONDS or t.status == 0]
    worst = max(user.timings, key=lambda t: t.seconds)
    check(f"b. {rows:,}-row import: every request under {SLOW_SECONDS:.0f} s", not slow,
          f"{len(user.timings)} requests, slowest {worst.seconds:.2f} s ({worst.method} {worst.path}), "
          f"{len(slow)} slow or unanswered")
    for label, seen in (("preview", preview_seen), ("import", confirm_seen)):
        forward, values = moved_through(seen)
        check(f"b. {rows:,}-row import: the {label}'s progress moves", forward and len(values) >= 3,
              f"{len(seen)} polls, rows done seen: {values[:3]} … {values[-2:]} ({len(values)} distinct)")
    check(f"b. {rows:,}-row import: the page shows a progress bar while it runs", bool(progress_bar) and all(progress_bar))
    check(f"b. {rows:,}-row import: completes",
          confirm_seen[-1].get("status") == "done" and "导入完成" in done_page and after == before + rows,
          f"village rooms {before} → {after}, {time.monotonic() - started:.0f} s")


def kill_while_writing(cluster: Cluster, user: User, job: str, *, seconds: float = 600) -> dict:
    """Polls the import every 0.2 s; once it is writing (its bar's last third: reading, checking,
    then writing), SIGKILL to the worker and its children. The status it was killed at."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = user.on("B").status(job)
        if status.get("finished"):
            return status
        total, done = int(status.get("total") or 0), int(status.get("done") or 0)
        if status.get("status") == "running" and total and done >= total * 2 // 3:
            cluster.kill("worker")
            return {**status, "killed": True}
        time.sleep(0.2)
    raise TimeoutError(f"job {job} never reached its writing stage")


def killed_worker(cluster: Cluster, facts: dict) -> None:
    county, page = facts["counties"]["kill"], facts["station_import"]
    rows = villages(cluster, county)
    user = User(cluster.servers, "kill_county", facts["password"])
    before = rooms(cluster, county)
    preview = user.on("A").upload(page, "断电县社工室.xlsx", workbook(rows))
    user.follow(preview, seconds=600)
    confirm = user.on("B").confirm(page, preview)
    caught = kill_while_writing(cluster, user, confirm)
    if not caught.get("killed"):
        check("c. worker killed mid-import", False, f"the import finished before it could be killed: {caught}")
        return
    killed = time.monotonic()
    time.sleep(1)
    left = rooms(cluster, county)
    status, attempts = job_row(cluster, confirm)
    check("c. worker killed mid-import: the database is as before the import", left == before,
          f"killed at {caught.get('done')}/{caught.get('total')} rows; village rooms {before} → {left}; "
          f"job {status}")
    # A worker restarted once the job's delivery has expired: Redis hands the job to it at its first
    # look at the unacknowledged jobs (10 s after it starts; kombu looks again only every 100 s).
    time.sleep(max(0.0, killed + REDELIVERY_SECONDS - time.monotonic()))
    cluster.start_worker("worker2")
    restarted = time.monotonic()
    seen = user.follow(confirm, seconds=600, every=1.0)
    after = rooms(cluster, county)
    status, attempts = job_row(cluster, confirm)
    check("c. worker killed mid-import: redelivered to a new worker, run again and complete",
          seen[-1].get("status") == "done" and after == before + len(rows) and attempts >= 2,
          f"job {status}, attempts {attempts}, village rooms {before} → {after} (+{len(rows)} expected); "
          f"new worker {restarted - killed:.0f} s after the kill, done {time.monotonic() - restarted:.0f} s later")
