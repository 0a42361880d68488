"""Uploads waiting between their preview and their confirmation, in the default storage (shared by
every application server and worker: a confirmation may reach another machine than the upload).

Next to an upload whose preview read it, its rows as read (``imports/<token>.json``, see
``files.sheet_dumps``): the confirmation checks those again rather than reading the workbook a
second time. The upload itself stays for the workbook returned with its problems marked."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.importing.files import SheetData, sheet_dumps, sheet_loads

IMPORT_DIR = "imports"
# Unconfirmed uploads (they may hold personal data) are deleted once they are this old, and when
# the same user uploads again on the same page.
PENDING_IMPORT_MAX_AGE_SECONDS = 24 * 3600
SUFFIXES = (".xlsx", ".csv")
ROWS_SUFFIX = ".json"


def pending_store(data: bytes, filename: str) -> str:
    """Keep an upload; returns its name in the storage, ``imports/<token><suffix>``."""
    suffix = ".csv" if filename.lower().endswith(".csv") else ".xlsx"
    return default_storage.save(f"{IMPORT_DIR}/{uuid.uuid4().hex}{suffix}", ContentFile(data))


def pending_token(name: str) -> str:
    """The token naming a kept upload (its file name without the folder and suffix)."""
    return PurePosixPath(name).stem


def pending_name(token: str | None) -> str | None:
    """The kept upload a token names, if it is still there."""
    if not token or not token.isalnum():
        return None
    return next((name for suffix in SUFFIXES if default_storage.exists(name := f"{IMPORT_DIR}/{token}{suffix}")),
                None)


def pending_read(name: str | None) -> bytes | None:
    """A kept upload's content; None once it is gone (confirmed, replaced or too old)."""
    if not name or not name.startswith(f"{IMPORT_DIR}/"):
        return None
    try:
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    except FileNotFoundError:  # the file system's, and django-storages' for a missing key
        return None


def pending_rows_name(name: str) -> str:
    """Where the rows read from a kept upload are kept."""
    return f"{IMPORT_DIR}/{pending_token(name)}{ROWS_SUFFIX}"


def pending_keep_rows(name: str | None, dataset: SheetData) -> None:
    """Keeps the rows read from the upload kept as ``name``, for its confirmation."""
    if not name or not name.startswith(f"{IMPORT_DIR}/"):
        return
    rows_name = pending_rows_name(name)
    default_storage.delete(rows_name)
    saved = default_storage.save(rows_name, ContentFile(sheet_dumps(dataset)))
    if saved != rows_name:  # written meanwhile under the same name: neither is trusted
        default_storage.delete(saved)
        default_storage.delete(rows_name)


def pending_rows(name: str | None) -> SheetData | None:
    """The rows read from a kept upload at its preview; None when they were not kept (the upload
    is then read again)."""
    if not name or not name.startswith(f"{IMPORT_DIR}/"):
        return None
    try:
        with default_storage.open(pending_rows_name(name), "rb") as stored:
            return sheet_loads(stored.read())
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):  # damaged, or written by another version
        return None


def pending_delete(name: str | None) -> None:
    if name and name.startswith(f"{IMPORT_DIR}/"):
        default_storage.delete(name)
        default_storage.delete(pending_rows_name(name))


def discard_pending_imports(*, previous: str | Iterable[str] | None = None, now: float | None = None) -> int:
    """Delete the user's previous unconfirmed upload (``previous``: one token or several) and
    every one older than the maximum age."""
    previous = {previous} if isinstance(previous, str) else set(previous or ())
    previous.discard("")
    cutoff = (now if now is not None else time.time()) - PENDING_IMPORT_MAX_AGE_SECONDS
    try:
        _folders, files = default_storage.listdir(IMPORT_DIR)
    except FileNotFoundError:  # nothing uploaded yet on this machine's file system
        return 0
    removed = 0
    for filename in files:
        name = f"{IMPORT_DIR}/{filename}"
        if pending_token(filename) in previous or _modified(name) < cutoff:
            default_storage.delete(name)
            removed += filename.endswith(SUFFIXES)  # uploads counted, not the rows read from them
    return removed


def _modified(name: str) -> float:
    try:
        return default_storage.get_modified_time(name).timestamp()
    except OSError:
        return time.time()  # gone meanwhile, or the store cannot say: left for a later round
