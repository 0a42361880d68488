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

PRODUCTION = {"DEBUG": "off", "SECRET_KEY": "q8Zr!t2v#Lm9@xP4wK7$eN3&hJ6*sD1^gF5(bC0)yU8-aR2+oI7=uT4_lE9",
              "ALLOWED_HOSTS": "shegong.example.cn"}


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
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
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

RULES_PROBE = ("import django, json; from django.conf import settings; django.setup(); "
               "print(json.dumps([[v['NAME'].rsplit('.', 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS], "
               "settings.PASSWORD_MAX_AGE_DAYS, settings.SESSION_IDLE_TIMEOUT, settings.SESSION_ABSOLUTE_TIMEOUT]))")


def rules(**env):
    result = run(RULES_PROBE, **env)
    assert result.returncode == 0, result.stderr
    return __import__("json").loads(result.stdout)


def test_production_requires_complex_passwords_rotated_every_90_days_and_sessions_time_out():
    validators, max_age, idle, absolute = rules(**PRODUCTION)
    assert "CharacterClassValidator" in validators and "CommonPasswordValidator" in validators
    assert "UserAttributeSimilarityValidator" in validators and "MinimumLengthValidator" in validators
    assert max_age == 90
    assert (idle, absolute) == (30 * 60, 12 * 60 * 60)


def test_password_rules_and_timeouts_come_from_the_environment():
    validators, max_age, idle, absolute = rules(**PRODUCTION, PASSWORD_MIN_CHARACTER_CLASSES="0",
                                                PASSWORD_MAX_AGE_DAYS="0", SESSION_IDLE_TIMEOUT="600",
                                                SESSION_ABSOLUTE_TIMEOUT="3600")
    assert "CharacterClassValidator" not in validators and max_age == 0
    assert (idle, absolute) == (600, 3600)
    validators, max_age, _idle, _absolute = rules()
    assert "CharacterClassValidator" not in validators and max_age == 0  # trying it out locally
