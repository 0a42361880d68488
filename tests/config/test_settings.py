"""Settings come only from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLEAN_ENV = {key: value for key, value in os.environ.items()
             if key not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE",
                              "DJANGO_ALLOW_ASYNC_UNSAFE"}}
PROBE = ("import django, json; from django.conf import settings; django.setup(); "
         "db = settings.DATABASES['default']; print(json.dumps([db['ENGINE'], str(db['NAME']), settings.DEBUG]))")


def run(code_or_args, **env):
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
    )


def test_no_environment_runs_on_sqlite_in_var_with_debug():
    result = run(PROBE)
    assert result.returncode == 0, result.stderr
    engine, name, debug = __import__("json").loads(result.stdout)
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == ROOT / "var" / "db.sqlite3"
    assert debug is True


def test_database_url_switches_to_postgresql():
    result = run(PROBE, DATABASE_URL="postgres://app:s%40cret@db.internal:5433/stations")
    engine, name, _debug = __import__("json").loads(result.stdout)
    assert engine == "django.db.backends.postgresql"
    assert name == "stations"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_debug_off_refuses_to_start_without_secret_key_or_hosts(missing):
    env = {"DEBUG": "off", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "shegong.example.cn"}
    del env[missing]
    result = run(PROBE, **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_check_deploy_is_clean_in_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 DEBUG="off", SECRET_KEY="q8Zr!t2v#Lm9@xP4wK7$eN3&hJ6*sD1^gF5(bC0)yU8-aR2+oI7=uT4_lE9", ALLOWED_HOSTS="shegong.example.cn")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_shipped_gitignore_keeps_the_local_database_out_of_git():
    assert "/var/" in (ROOT / ".gitignore").read_text().splitlines()


@pytest.mark.django_db
def test_chinese_by_default_whatever_the_browser_asks_and_english_when_picked(client):
    from stations.models import Role
    from tests import builders

    h = builders.build_hierarchy()
    client.force_login(builders.user("jiangan", Role.COUNTY, h.county_a))
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "工作台" in page and 'lang="zh-hans"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert 'lang="en"' in english
    assert "Social work station" in english


@pytest.mark.django_db
def test_navigation_highlights_only_the_page_section(client):
    from stations.models import Role
    from tests import builders

    h = builders.build_hierarchy()
    client.force_login(builders.user("jiangan", Role.COUNTY, h.county_a))
    items = client.get("/stations/reports/").context["nav_items"]
    assert [item["label"] for item in items if item["active"]] == ["月度报告"]
