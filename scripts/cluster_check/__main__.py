"""``python -m scripts.cluster_check`` (``make cluster-check``): see the package's description."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import traceback

from scripts.cluster_check.client import RESULTS, check
from scripts.cluster_check.failover import draft_saves_while_a_stops, evidence_across_servers
from scripts.cluster_check.imports import killed_worker, large_import, preview_here_confirm_there
from scripts.cluster_check.stack import Cluster

PARTS = {
    "a": preview_here_confirm_there,
    "b": large_import,
    "c": killed_worker,
    "d": evidence_across_servers,
    "e": draft_saves_while_a_stops,  # last: it stops server A
}


def arguments():
    parser = argparse.ArgumentParser(prog="python -m scripts.cluster_check", description=__doc__)
    parser.add_argument("--only", default="abcde", help="the parts to run, e.g. d,e (default: all, a to e)")
    parser.add_argument("--full-demo", action="store_true", help="seed the whole demo (all of Hubei's stations)")
    parser.add_argument("--keep-logs", action="store_true", help="print the servers' and worker's logs at the end")
    return parser.parse_args()


def run_part(cluster: Cluster, name: str, facts: dict) -> None:
    started = time.monotonic()
    try:
        PARTS[name](cluster, facts)
    except Exception as exc:
        traceback.print_exc()
        check(f"{name}. {PARTS[name].__name__}", False, f"{type(exc).__name__}: {exc}")
    print(f"    part {name}: {time.monotonic() - started:.1f} s", flush=True)


def interrupted(signum, frame):
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)  # a second signal must not cut the clean-up short
    raise KeyboardInterrupt(f"signal {signum}")  # unwinds through the finally that stops everything


def main() -> int:
    args = arguments()
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    parts = [p for p in PARTS if p in args.only.lower()]
    started = time.monotonic()
    cluster = Cluster(database_url=os.environ.get("DATABASE_URL", ""))
    try:
        cluster.start_services()
        facts = cluster.prepare(full_demo=args.full_demo)
        cluster.start_server("A")
        cluster.start_server("B")
        cluster.start_worker()
        print(f"cluster up: A {cluster.servers['A']}, B {cluster.servers['B']}, one worker "
              f"({time.monotonic() - started:.0f} s)", flush=True)
        for part in parts:
            run_part(cluster, part, facts)
        failed = not RESULTS or not all(ok for _, ok, _ in RESULTS)
        if failed or args.keep_logs:
            for name in cluster.processes:
                print(f"--- {name} log (last lines)\n{cluster.log_tail(name)}")
    except Exception as exc:
        traceback.print_exc()
        check("cluster started", False, f"{type(exc).__name__}: {exc}")
        for name in cluster.processes:
            print(f"--- {name} log (last lines)\n{cluster.log_tail(name)}")
    finally:
        cluster.stop()
    passed = sum(ok for _, ok, _ in RESULTS)
    print(f"\ncluster check: {passed}/{len(RESULTS)} checks passed in {time.monotonic() - started:.0f} s")
    return 0 if RESULTS and passed == len(RESULTS) else 1


sys.exit(main())
