"""The public site without its cache: with DEBUG off, the page cache is Redis; while Redis is
stopped (or was never there) every public page, partial, feed, export and API endpoint is
computed and answers 200, the outage is logged once, and /health/ shows it."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.html import escape

from config import cache as layered
from disputes.models import Actor, Dispute
from tests.conftest import free_port

# Transactional: the data version is bumped on commit, which the default test transaction never does.
pytestmark = pytest.mark.django_db(transaction=True)

# Not public: the admin, and the signed-in account pages; the auth views other than login
# write (logout) or mail (password reset) and use no cache.
NOT_PUBLIC = ("admin:", "review:", "ingestion-health", "account", "token-create", "token-revoke", "logout", "password_", "health")


class RedisServer:
    """A redis-server of this test's own, stopped and started again on the same port and
    data directory (append-only file on, as in the Procfile)."""

    def __init__(self, workdir):
        self.port, self.workdir, self.proc = free_port(), workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/1"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(self.port),
             "--dir", str(self.workdir), "--save", "", "--appendonly", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        pytest.fail("redis-server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def keys(self) -> int:
        return redis.Redis.from_url(self.url).dbsize()


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.proc.poll() is None:
        server.stop()


@pytest.fixture
def production_cache(settings):
    """DEBUG off and the cache the settings build for a redis:// CACHE_URL, at a given URL."""
    layered._breakers.clear()

    def point_at(url):
        settings.DEBUG = False
        settings.CACHES = {"default": {"BACKEND": "config.cache.LayeredRedisCache", "LOCATION": url,
                                       "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}}}

    yield point_at
    layered._breakers.clear()


@pytest.fixture
def demo():
    call_command("load_demo")


def _names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def _public_requests():
    """(name, path, htmx) for every public URL pattern, with values from the demo data."""
    dispute = Dispute.objects.confirmed().order_by("pk").first()
    targeted = Actor.objects.filter(party_roles__role="targeted", party_roles__dispute=dispute).exclude(platform="")
    platform = targeted.values_list("platform", flat=True).first()
    actor = Actor.objects.order_by("pk").first()
    word = dispute.title.split()[0]
    filtered = f"/disputes/?country={dispute.country}&platform={platform}"
    requests = {
        "login": ["/accounts/login/"],
        "disputes:home": ["/"],
        "disputes:list": ["/disputes/", filtered, (filtered, True), ("/disputes/?page=2", True)],
        "disputes:list-export": [f"/disputes/export.csv?country={dispute.country}", "/disputes/export.json"],
        "disputes:detail": [dispute.get_absolute_url()],
        "disputes:country": [f"/countries/{dispute.country}/", (f"/countries/{dispute.country}/", True)],
        "disputes:platform": [f"/platforms/{platform}/", (f"/platforms/{platform}/", True)],
        "disputes:actor": [actor.get_absolute_url()],
        "disputes:compare": ["/compare/"],
        "disputes:compare-export": ["/compare/export.csv", "/compare/export.json"],
        "disputes:search": [f"/search/?q={word}", (f"/search/?q={word}", True)],
        "disputes:search-export": [f"/search/export.csv?q={word}", f"/search/export.json?q={word}"],
        "disputes:feed": ["/feeds/events/"],
        "disputes:feed-country": [f"/feeds/countries/{dispute.country}/"],
        "disputes:feed-platform": [f"/feeds/platforms/{platform}/"],
        "api:index": ["/api/"],
        "api:openapi": ["/api/openapi.json"],
        "api:disputes": ["/api/disputes/", f"/api/disputes/?country={dispute.country}"],
        "api:dispute": [f"/api/disputes/{dispute.slug}/"],
        "api:demands": ["/api/demands/", f"/api/demands/?dispute={dispute.slug}"],
        "api:outcomes": ["/api/outcomes/"],
        "api:actors": ["/api/actors/", f"/api/actors/?platform={platform}"],
        "api:articles": ["/api/articles/"],
    }
    public = {name for name in _names() if not any(name.startswith(p) or name.split(":")[-1].startswith(p)
                                                      for p in NOT_PUBLIC)} | {"login"}
    assert public == set(requests), "a URL pattern is missing from this test (or one went away)"
    return [(name, *(r if isinstance(r, tuple) else (r, False))) for name, paths in requests.items() for r in paths]


def _assert_all_answer(client, requests):
    failures = []
    for name, path, htmx in requests:
        response = client.get(path, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
        if response.status_code != 200:
            failures.append((name, path, htmx, response.status_code))
    assert failures == []


def _outage_logs(caplog, word):
    return [r for r in caplog.records if r.name == "config.cache" and word in r.getMessage()]


def test_every_public_page_answers_while_the_cache_redis_is_stopped(
    client, demo, own_redis, production_cache, caplog
):
    production_cache(own_redis.url)
    requests = _public_requests()
    dispute = Dispute.objects.confirmed().order_by("pk").first()
    listed = next(path for name, path, htmx in requests if name == "disputes:list" and "country=" in path)
    _assert_all_answer(client, requests)  # warm: the pages filled the cache
    assert own_redis.keys() > 0
    caplog.set_level(logging.WARNING, logger="config.cache")

    own_redis.stop()
    _assert_all_answer(client, requests)
    _assert_all_answer(client, requests)
    # A curator's change during the outage shows at once (the page is computed) ...
    old_title = escape(dispute.title)
    assert old_title in client.get(listed).content.decode()
    dispute.title = "Renamed while the cache was down"
    dispute.save()
    assert "Renamed while the cache was down" in client.get(listed).content.decode()
    assert len(_outage_logs(caplog, "unreachable")) == 1  # once per outage, not per request
    health = client.get("/health/").json()
    assert health["status"] != "ok"
    assert health["checks"]["cache"]["ok"] is False
    assert "ConnectionError" in health["checks"]["cache"]["error"]

    own_redis.start()  # the append-only file brings back the fragments cached before the change
    time.sleep(layered.BREAKER_SECONDS)
    _assert_all_answer(client, requests)
    assert len(_outage_logs(caplog, "reachable again")) == 1
    # ... and after it: the version bump missed during the outage is replayed.
    page = client.get(listed).content.decode()
    assert "Renamed while the cache was down" in page and old_title not in page
    assert client.get("/health/").json()["checks"]["cache"]["ok"] is True


def test_every_public_page_answers_when_nothing_listens_at_the_cache_address(
    client, demo, production_cache, caplog
):
    production_cache(f"redis://127.0.0.1:{free_port()}/1")
    caplog.set_level(logging.WARNING, logger="config.cache")
    requests = _public_requests()
    _assert_all_answer(client, requests)
    _assert_all_answer(client, requests)
    assert len(_outage_logs(caplog, "unreachable")) == 1
    assert client.get("/health/").json()["checks"]["cache"]["ok"] is False


def test_a_cache_that_accepts_but_never_answers_costs_one_timeout_not_one_per_call(production_cache):
    from django.core.cache import cache

    with socket.socket() as silent:  # the kernel accepts connections; nobody ever replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        production_cache(f"redis://127.0.0.1:{silent.getsockname()[1]}/1")
        started = time.monotonic()
        for n in range(200):
            assert cache.get(f"standoff:data-version:{n}") is None
            cache.set(f"k{n}", n)
        assert time.monotonic() - started < 3  # one read timeout (1 s), then the breaker is open
        assert "TimeoutError" in cache.breaker.error
