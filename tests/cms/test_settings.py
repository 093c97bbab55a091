"""Configuration comes from the environment, and production settings pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "x7$k2!vQp9@Lm4#Zr8^Tn1&Wc6*Yb3(Hd5)Jf0-Gs_Ua+Ei=Ko~Rq",
    "ALLOWED_HOSTS": "egov.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(PRODUCTION_ENV)
    env.pop("SECRET_KEY")
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_selects_the_database():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
            "DATABASE_URL": "postgres://someone@127.0.0.1:5432/somewhere",
        },
    )
    assert result.stdout.strip() == "django.db.backends.postgresql", result.stderr


def test_bad_boolean_is_a_clear_error():
    result = run_manage(
        "check", env_overrides={"DJANGO_SETTINGS_MODULE": "cms.settings.dev", "DEBUG": "maybe"}
    )
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_cache_talks_to_the_real_redis():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.set("health-check", {"ok": True}, 30)
    assert cache.get("health-check") == {"ok": True}
    cache.delete("health-check")


def print_setting(name, env_overrides):
    return run_manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print(settings.{name})",
        env_overrides=env_overrides,
    )


def test_login_lockouts_are_counted_in_redis_when_there_is_one():
    with_redis = print_setting(
        "AXES_HANDLER", {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6379/9"}
    )
    without = print_setting("AXES_HANDLER", {**PRODUCTION_ENV, "REDIS_URL": ""})
    assert with_redis.stdout.strip() == "axes.handlers.cache.AxesCacheHandler", with_redis.stderr
    # Never the per-process local-memory cache: without Redis the database is shared.
    assert without.stdout.strip() == "axes.handlers.database.AxesDatabaseHandler", without.stderr


def test_check_deploy_is_clean_with_redis_too():
    env = {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6379/9"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lockout_limits_come_from_the_environment():
    result = print_setting(
        "AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME",
        {**PRODUCTION_ENV, "LOGIN_FAILURE_LIMIT": "3", "LOGIN_COOLOFF_MINUTES": "30"},
    )
    assert result.stdout.strip() == "3 0:30:00", result.stderr
