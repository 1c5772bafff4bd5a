"""Settings per environment, checked in fresh processes (settings are read once per process)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "ktlearn.example.vn",
    "DATABASE_URL": "postgres://ktlearn:secret@127.0.0.1:5432/ktlearn",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def _run(settings_module: str, code: str | None = None, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run `python -c code` (or manage.py with `args`) in a clean environment: only PATH, HOME and `env`."""
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(BASE_DIR)),
        "DJANGO_SETTINGS_MODULE": settings_module,
        **env,
    }
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=BASE_DIR, env=clean_env, capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_its_environment():
    result = _run("lms.settings.production", "import django; django.setup()")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    for name in PRODUCTION_ENV:
        assert name in result.stderr


def test_production_names_only_what_is_missing():
    env = {name: value for name, value in PRODUCTION_ENV.items() if name != "CELERY_BROKER_URL"}

    result = _run("lms.settings.production", "import django; django.setup()", **env)

    assert result.returncode != 0
    assert "CELERY_BROKER_URL" in result.stderr
    assert "DJANGO_SECRET_KEY" not in result.stderr


def test_production_passes_the_deployment_checklist_when_configured():
    result = _run("lms.settings.production", None, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_takes_everything_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['NAME'], s.CELERY_BROKER_URL, "
        "s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)"
    )

    result = _run("lms.settings.production", code, EMAIL_URL="smtp://mail.example.vn:587", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False", "['ktlearn.example.vn']", "ktlearn", "redis://127.0.0.1:6379/0", "False",
        "django.core.mail.backends.smtp.EmailBackend",
    ]


def test_production_does_not_install_the_demo_or_the_benchmarks():
    code = "import django; django.setup(); from django.conf import settings as s; print(*s.INSTALLED_APPS)"

    result = _run("lms.settings.production", code, **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    apps = result.stdout.split()
    assert "organization" in apps
    assert "demo" not in apps and "bench" not in apps


@pytest.mark.parametrize("command", ["load_demo", "print_demo_logins", "generate_scale"])
def test_production_does_not_know_the_demo_and_bench_commands(command):
    result = _run("lms.settings.production", None, command, "--help", **PRODUCTION_ENV)

    assert result.returncode != 0
    assert f"Unknown command: '{command}'" in result.stderr


def test_dev_installs_the_demo_and_the_benchmarks():
    code = "import django; django.setup(); from django.conf import settings as s; print(*s.INSTALLED_APPS)"

    result = _run("lms.settings.dev", code)

    assert result.returncode == 0, result.stderr
    assert {"demo", "bench"} <= set(result.stdout.split())


def test_the_test_settings_install_the_demo_and_the_benchmarks(settings):
    assert {"demo", "bench"} <= set(settings.INSTALLED_APPS)


@pytest.mark.parametrize(
    ("broker", "eager"),
    [(None, "True"), ("redis://127.0.0.1:6379/0", "False")],
    ids=["no-broker-runs-tasks-in-process", "broker-set-queues-tasks"],
)
def test_dev_runs_celery_tasks_in_process_when_no_broker_is_set(broker, eager):
    code = (
        "import django; django.setup(); from django.conf import settings as s; from lms.celery import app; "
        "print(s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER, app.conf.task_always_eager)"
    )
    env = {"CELERY_BROKER_URL": broker} if broker else {}

    result = _run("lms.settings.dev", code, **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", eager, eager]


def test_test_settings_are_fast_and_isolated(settings):
    # MD5 first (fast); the one-time passwords' hasher after it, so bulk-created logins verify.
    assert settings.PASSWORD_HASHERS == [
        "django.contrib.auth.hashers.MD5PasswordHasher", "organization.hashers.OneTimePasswordHasher"]
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
    assert settings.LANGUAGE_CODE == "vi"


def test_production_survives_dropped_connections_and_a_failing_cache():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; c = s.CACHES['default']; t = s.CELERY_BROKER_TRANSPORT_OPTIONS; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], c['BACKEND'], c['OPTIONS']['socket_timeout'], "
        "t['socket_timeout'], t['visibility_timeout'] > s.CELERY_TASK_TIME_LIMIT, s.CELERY_TASK_REJECT_ON_WORKER_LOST)"
    )
    result = _run("lms.settings.production", code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["60", "True", "lms.cache.FailSoftRedisCache", "1", "2", "True", "True"]


def test_wagtail_does_not_check_for_updates_on_an_intranet():
    from django.conf import settings

    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False


def test_dev_sqlite_waits_for_the_write_lock_instead_of_failing(tmp_path):
    """`make run` on SQLite: IMMEDIATE transactions, a 20 s busy timeout, WAL journal (checked on a
    real connection to a file database, as the dev server opens it)."""
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor();"
        "print(connection.transaction_mode, connection.get_connection_params()['timeout'],"
        " c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA synchronous').fetchone()[0])"
    )
    result = _run("lms.settings.dev", code, DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["IMMEDIATE", "20", "wal", "1"]  # synchronous=NORMAL is 1
