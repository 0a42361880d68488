"""Parts d–e: files and writes across the two servers.

d. evidence uploaded through server A, downloaded through server B (and refused to another county);
e. report drafts saved by a station head alternately through A and B while A is stopped: every save
   either succeeds with the product's message or fails visibly, and none acknowledged is lost.
"""

from __future__ import annotations

import concurrent.futures as futures
import os
import threading
import time

import requests

from scripts import services
from scripts.cluster_check.client import User, check
from scripts.cluster_check.stack import BUCKET, Cluster

SAVES_PER_MONTH = 14
STOP_A_AFTER = 12  # saves acknowledged in all, before server A is stopped
SAVED = 'class="message success">草稿已保存'


def evidence_across_servers(cluster: Cluster, facts: dict) -> None:
    started = time.monotonic()
    spec = facts["evidence"]
    content = b"%PDF-1.4\n" + os.urandom(300_000) + b"\n%%EOF\n"
    county = User(cluster.servers, spec["user"], facts["demo_password"], server="A")
    uploaded = county.on("A").post(spec["upload"], {"title": "跨服务器附件"},
                                   files={"file": ("跨服务器附件.pdf", content, "application/pdf")})
    row = cluster.db.query("SELECT id, file FROM assessments_evidence WHERE NOT (id = ANY(%s)) ORDER BY id DESC "
                           "LIMIT 1", spec["evidence_before"] or [0])
    if uploaded.status_code != 302 or not row:
        check("d. evidence uploaded through A", False, f"HTTP {uploaded.status_code}, stored {bool(row)}")
        return
    pk, name = row[0]
    url = f"/assessments/evidence/{pk}/"
    download = county.on("B").get(url)
    keys = [o["Key"] for o in services.s3_client(cluster.store.endpoint_url).list_objects_v2(
        Bucket=BUCKET, Prefix=name).get("Contents", ())]
    local = [p for p in cluster.dir.rglob("*") if p.is_file() and p.name.endswith(".pdf")]
    check("d. evidence uploaded through A, downloaded through B: the same bytes",
          download.status_code == 200 and download.content == content and "Location" not in download.headers,
          f"HTTP {download.status_code}, {len(download.content):,} of {len(content):,} bytes, "
          f"{time.monotonic() - started:.1f} s")
    check("d. evidence is kept in the bucket, on no server's disk", keys == [name] and not local,
          f"bucket {keys}, local copies {[str(p) for p in local]}")
    other = User(cluster.servers, spec["other_user"], facts["demo_password"], server="B")
    check("d. another county's user asking server B for it gets 404", other.get(url).status_code == 404)


class Saves:
    """Outcome of every save: acknowledged (the product's redirect back to the form), refused
    visibly (no connection, or a product page with a message), or neither (a finding)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged: list[str] = []
        self.refused: list[str] = []
        self.unclear: list[str] = []
        self.messages_seen: list[str] = []

    def add(self, kind: str, text: str) -> int:
        with self.lock:
            getattr(self, kind).append(text)
            return len(self.acknowledged)


def save_once(head: User, server: str, edit: str, marker: str, saves: Saves) -> str:
    """One save through ``server``: the form read, changed and posted. How it went."""
    try:
        fields = head.on(server).form(edit, "version")
        response = head.on(server).post(edit, {**fields, "highlights": marker, "volunteers": "2"})
    except requests.ConnectionError:
        saves.add("refused", f"{marker}: no connection to {server}")
        return "refused"
    except StopIteration:  # the page came without its form: a refusal page
        saves.add("refused", f"{marker}: no form on {server}")
        return "refused"
    if response.status_code == 302 and response.headers.get("Location", "").endswith(edit):
        saves.add("acknowledged", marker)
        return "acknowledged"
    if response.status_code in (200, 503) and any(m in response.text for m in ("已被他人修改", "系统暂时繁忙", "报告有填写错误")):
        saves.add("refused", f"{marker}: HTTP {response.status_code} with the product's message")
        return "refused"
    saves.add("unclear", f"{marker}: HTTP {response.status_code} from {server}")
    return "unclear"


def open_drafts(cluster: Cluster, facts: dict) -> tuple[list[User], list[str]]:
    """The station head, signed in once for each month, opens that month's draft: the sessions
    and the drafts' edit pages."""
    spec = facts["reports"]
    heads = [User(cluster.servers, spec["user"], facts["demo_password"]) for _ in spec["months"]]
    edits = [head.on("B").post(spec["create"], {"period": month}).headers.get("Location", "")
             for head, month in zip(heads, spec["months"], strict=True)]
    return heads, edits


def draft_saves_while_a_stops(cluster: Cluster, facts: dict) -> None:
    started = time.monotonic()
    spec = facts["reports"]
    saves, stopped = Saves(), threading.Event()
    stopping = threading.Thread(target=cluster.stop_process, args=("A",), daemon=True)  # SIGTERM, as an upgrade does
    heads, edits = open_drafts(cluster, facts)
    if not all("/edit/" in e for e in edits):
        check("e. report drafts opened", False, f"{edits}")
        return

    def burst(index: int):
        head, edit = heads[index], edits[index]
        for i in range(SAVES_PER_MONTH):
            outcome = save_once(head, "AB"[(i + index) % 2], edit, f"集群核验 {spec['months'][index]} 第{i + 1}次保存",
                                saves)
            if len(saves.acknowledged) >= STOP_A_AFTER and not stopped.is_set():
                stopped.set()
                stopping.start()
            if outcome == "acknowledged" and SAVED in head.on("B").get(edit).text:
                saves.add("messages_seen", edit)  # the product's message, on the page the redirect leads to

    with futures.ThreadPoolExecutor(len(heads)) as pool:
        list(pool.map(burst, range(len(heads))))
    if stopped.is_set():
        stopping.join(60)  # gunicorn's graceful stop: the requests in flight are answered first
    stored = {row[0] for row in cluster.db.query(
        "SELECT DISTINCT highlights FROM stations_historicalmonthlyreport WHERE highlights LIKE %s", "集群核验%")}
    lost = [m for m in saves.acknowledged if m not in stored]
    a_stopped = cluster.processes["A"].poll() is not None
    check("e. report saves while server A stops: each acknowledged or refused visibly",
          not saves.unclear and stopped.is_set() and a_stopped and bool(saves.refused)
          and len(saves.messages_seen) == len(saves.acknowledged),
          f"{len(saves.acknowledged)} saved, {len(saves.refused)} refused visibly, {len(saves.unclear)} unclear "
          f"{saves.unclear[:3]}; the product's 草稿已保存 after {len(saves.messages_seen)} of the saves; "
          f"server A stopped: {a_stopped}; {time.monotonic() - started:.1f} s")
    check("e. report saves while server A stops: nothing acknowledged is lost", not lost and bool(saves.acknowledged),
          f"{len(saves.acknowledged) - len(lost)}/{len(saves.acknowledged)} acknowledged saves in the database")
