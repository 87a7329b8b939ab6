"""Settings come from the environment; bad values fail at start, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "SECRET_KEY": "k8#Zq2!vT9@pL4$wX7^mN1&bR6*cF3(hJ0)yD5-sG8+eA2=uK9",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "jobs.example.com",
    "DATABASE_URL": "postgres://jobboard:secret@db.internal:5432/jobboard",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp://mailer:secret@smtp.example.com:587",
    "SITE_URL": "https://jobs.example.com",
    "DEFAULT_FROM_EMAIL": "Jobs <jobs@example.com>",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Only the machine's environment: none of what the test session set for itself.
    ours = {
        "DATA_DIR",
        "HTTPS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "JOBBOARD_TEST_OWNS_DATA_DIR",
        "JOBBOARD_TEST_DATA_DIR_FOR",
    }
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k not in ours}
    clean["DJANGO_SETTINGS_MODULE"] = "jobboard.settings"
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_a_missing_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("DATABASE_URL", "mysql://user@host/db"),
        ("REDIS_URL", "http://redis.example.com"),
        ("SITE_URL", "jobs.example.com"),
        ("EMAIL_URL", "carrier-pigeon://coop"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(name, value):
    result = run_manage("check", env={**PRODUCTION, name: value})
    assert result.returncode != 0
    output = result.stdout + result.stderr
    last_line = output.strip().splitlines()[-1]
    assert last_line.startswith("Configuration error:")
    assert name in last_line


def test_production_settings_are_https_only():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.EMAIL_HOST, s.EMAIL_PORT)"
    )
    result = run_manage("shell", "-v", "0", "-c", code, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "smtp.example.com",
        "587",
    ]
