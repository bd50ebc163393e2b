"""Personas, real services and browser settings shared by every test."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

# Playwright runs an event loop in the test thread; the live server's database
# access from that thread is safe here (one thread drives both).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Personas -------------------------------------------------------------------------


@pytest.fixture
def curator(django_user_model):
    from django.contrib.auth.models import Group

    from disputes.roles import CURATORS

    user = django_user_model.objects.create_user("carol", password="pw-carol-123", is_staff=True)
    user.groups.add(Group.objects.get(name=CURATORS))
    return user


@pytest.fixture
def staff_without_role(django_user_model):
    return django_user_model.objects.create_user("sam", password="pw-sam-123", is_staff=True)


@pytest.fixture
def researcher(django_user_model):
    """A logged-in non-staff user: reads public pages, never the admin."""
    return django_user_model.objects.create_user("rita", password="pw-rita-123")


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


# Shared data folder ------------------------------------------------------------------


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    from django.conf import settings

    path = Path(settings.STANDOFF_SHARED_DIR)
    if not path.is_dir():
        pytest.skip(f"shared data folder {path} is absent")
    return path


# Real services -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_url():
    """A real redis-server on a free loopback port, for the whole session."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: run `make test`, which installs it")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="standoff-redis-")
    proc = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", workdir,
         "--save", "", "--appendonly", "yes"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


# Browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download its own browser here."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run `make test`, which installs it")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }
