"""Permissions-Policy, gunicorn's control socket, and login throttling per address."""

import os
import re
import shlex
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import free_port

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_every_response_denies_the_browsers_powerful_features(client, admin_client):
    responses = [client.get("/"), client.get("/api/disputes/"), client.get("/no-such-page/"),
                 client.get("/health/"), admin_client.get(reverse("admin:index"))]
    for response in responses:
        features = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()", (response.request["PATH_INFO"], feature)


def _procfile_web() -> str:
    line = next(line for line in (BASE_DIR / "Procfile").read_text().splitlines() if line.startswith("web:"))
    return line.removeprefix("web:").strip()


def test_the_procfile_runs_gunicorn_without_its_shared_control_socket():
    assert "--no-control-socket" in shlex.split(_procfile_web())
    gunicorn = BASE_DIR / ".venv" / "bin" / "gunicorn"
    args = [str(gunicorn), *shlex.split(re.sub(r"\$\{[^}]*\}\}?", "x", _procfile_web()))[1:]]
    args[args.index("--bind") + 1] = "127.0.0.1:0"
    args[args.index("--workers") + 1] = "1"
    checked = subprocess.run([*args, "--check-config"], cwd=BASE_DIR, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


def test_gunicorn_started_as_the_procfile_says_leaves_nothing_in_the_home_folder(tmp_path):
    home, port = tmp_path / "home", free_port()
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1",
           "PATH": f"{BASE_DIR / '.venv' / 'bin'}:{os.environ['PATH']}"}
    proc = subprocess.Popen(["bash", "-c", f"exec {_procfile_web()}"], cwd=BASE_DIR, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page/", timeout=2)
            except urllib.error.HTTPError:
                break  # answered (a 404, or 400 for the host): the master is fully up
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert list(home.iterdir()) == []  # no ~/.gunicorn/gunicorn.ctl shared by every instance
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _fail_login(client, username):
    return client.post(reverse("login"), {"username": username, "password": "wrong-password"})


@pytest.mark.django_db
def test_many_usernames_from_one_address_lock_that_address(client, django_user_model):
    django_user_model.objects.create_user("rita", password="right-password-123")
    for n in range(settings.AXES_IP_FAILURE_LIMIT):
        # Each username stays under the per-account limit.
        assert _fail_login(client, f"guess-{n}").status_code == (429 if n == settings.AXES_IP_FAILURE_LIMIT - 1 else 200)
    response = client.post(reverse("login"), {"username": "rita", "password": "right-password-123"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_other_addresses_are_not_locked_by_it(client, django_user_model):
    django_user_model.objects.create_user("rita", password="right-password-123")
    for n in range(settings.AXES_IP_FAILURE_LIMIT):
        _fail_login(client, f"guess-{n}")
    response = client.post(reverse("login"), {"username": "rita", "password": "right-password-123"},
                           REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_few_mistakes_on_several_accounts_lock_nothing(client, django_user_model):
    django_user_model.objects.create_user("rita", password="right-password-123")
    for n in range(settings.AXES_IP_FAILURE_LIMIT - 1):
        _fail_login(client, f"colleague-{n % 5}")  # 5 accounts, each under its own limit
    assert client.post(reverse("login"), {"username": "rita", "password": "right-password-123"}).status_code == 302


@pytest.mark.django_db
def test_a_good_login_does_not_clear_the_failures_of_other_accounts(client, django_user_model):
    django_user_model.objects.create_user("mallory", password="own-password-123")
    for n in range(settings.AXES_IP_FAILURE_LIMIT - 1):
        _fail_login(client, f"guess-{n}")
    assert client.post(reverse("login"), {"username": "mallory", "password": "own-password-123"}).status_code == 302
    client.logout()
    assert _fail_login(client, "guess-last").status_code == 429
