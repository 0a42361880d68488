import os

import pytest

from tests import builders
from tests.services import redis_url, s3_bucket, s3_endpoint_url, s3_keys, s3_storage  # noqa: F401 (fixtures)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Headless Chromium would ask for en-US; the product serves Chinese regardless,
    # but a Chinese browser is what the users have.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def hierarchy(db):
    """Two provinces; province 42 has two cities, city 4201 has counties A (420102)
    and B (420103), each with three townships; see tests/builders.py."""
    return builders.build_hierarchy()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test accounts do not need a slow password hash; real ones keep Django's default."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def figures_uncached(settings):
    """Cached figures move on when a write commits, and a test's writes never commit (its transaction is
    rolled back): tests read figures afresh, except the tests of the cache itself (``figures_cached``)."""
    settings.FIGURES_CACHE_SECONDS = 0


@pytest.fixture
def figures_cached(settings):
    """Figures cached as in production, in an empty cache."""
    from django.core.cache import cache

    settings.FIGURES_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Each test starts in Chinese, the source language: a request made in English (the language
    switch) leaves English active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
