"""Project-wide checks: deploy settings, migrations, roles."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from disputes.roles import CURATORS, curator_codenames

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-5b8f2c9d7e1a4f6b3c0d",
    "ALLOWED_HOSTS": "standoff.example.org",
    "DATABASE_URL": "sqlite:////tmp/standoff-deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_check_deploy_is_clean_with_production_values():
    # The test run's own DJANGO_ALLOW_ASYNC_UNSAFE must not leak into "production".
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env |= PRODUCTION_ENV
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")} | {"DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_the_curators_group_has_exactly_the_curation_permissions():
    group = Group.objects.get(name=CURATORS)
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert granted == set(curator_codenames())
    assert ("disputes", "delete_dispute") not in granted
    assert ("auth", "change_user") not in granted


@pytest.mark.django_db
def test_sqlite_connections_get_their_pragmas():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings")
    with connection.cursor() as cursor:
        values = {}
        for pragma in ("synchronous", "cache_size", "wal_autocheckpoint"):
            cursor.execute(f"PRAGMA {pragma}")
            values[pragma] = cursor.fetchone()[0]
    # 1 = NORMAL; a negative cache size is in KiB. (The test database is in memory, so its
    # journal mode is not WAL.)
    assert values == {"synchronous": 1, "cache_size": -65536, "wal_autocheckpoint": 10000}
