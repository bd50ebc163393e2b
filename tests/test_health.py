"""/health/ with a real Redis and a real Celery worker process."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from kombu import pools

from config.celery import app
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def broker(redis_url, settings):
    """Point this process's Celery app and settings at the test Redis."""
    previous = app.conf.broker_url
    _reset_pools()
    app.conf.broker_url = settings.CELERY_BROKER_URL = redis_url
    yield redis_url
    _reset_pools()
    app.conf.broker_url = previous


def _reset_pools():
    """Drop pooled connections so the next call connects to the current broker URL."""
    pools.reset()  # app.pool is kombu's shared pool for the URL: closed, it must also be dropped
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker(broker, tmp_path):
    env = {**os.environ, "REDIS_URL": broker, "STANDOFF_VAR_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default", "-n", "health@%h",
         "--concurrency", "1", "--pool", "solo", "--without-gossip", "--without-mingle"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not app.control.ping(timeout=0.5):
        time.sleep(0.2)
    yield proc
    proc.terminate()
    proc.wait(timeout=30)


def _beat_ticked(seconds_ago: int):
    schedule, _ = IntervalSchedule.objects.get_or_create(every=30, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="standoff-heartbeat",
        defaults={"task": "config.celery.heartbeat_task", "interval": schedule,
                  "last_run_at": timezone.now() - datetime.timedelta(seconds=seconds_ago)},
    )


@pytest.mark.slow
def test_it_is_healthy_when_every_part_answers(client, worker):
    _beat_ticked(10)
    ArticleFactory()
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["workers"]["workers"]
    assert body["checks"]["newest_article"]["age_s"] is not None
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_fails_when_redis_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["redis"]["ok"] is False and body["checks"]["redis"]["error"]
    assert body["checks"]["database"]["ok"] is True


def test_it_fails_when_beat_has_stopped_ticking(client, broker):
    _beat_ticked(3600)
    body = client.get("/health/").json()
    assert body["checks"]["beat"]["ok"] is False
    assert body["checks"]["beat"]["last_tick_age_s"] >= 3600


def test_it_needs_no_login_even_when_everything_else_does(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]
    assert client.get("/health/").status_code in (200, 503)


def _every_feed_failing():
    from ingestion.models import Source
    from tests.factories import SourceFactory

    for n in range(2):
        SourceFactory(consecutive_failures=3, last_error=f"ConnectError: DNS lookup failed for feed {n}")
    SourceFactory(enabled=False)  # a disabled feed does not count
    SourceFactory(kind=Source.Kind.JSONL, url="corpus.jsonl")  # nor does a corpus file


def test_it_reports_when_every_enabled_feed_is_failing(client):
    _every_feed_failing()
    sources = client.get("/health/").json()["checks"]["sources"]
    assert sources["ok"] is False
    assert (sources["enabled"], sources["failing"]) == (2, 2)
    assert "DNS lookup failed" in sources["error"]


def test_one_working_feed_is_enough(client):
    from tests.factories import SourceFactory

    _every_feed_failing()
    SourceFactory()
    assert client.get("/health/").json()["checks"]["sources"]["ok"] is True


def test_it_reports_an_unreachable_cache(client, settings):
    settings.CACHES = {"default": {"BACKEND": "config.cache.LayeredRedisCache",
                                   "LOCATION": "redis://127.0.0.1:9/1"}}
    cache = client.get("/health/").json()["checks"]["cache"]
    assert cache["ok"] is False and "ConnectionError" in cache["error"]


@pytest.mark.slow
def test_it_is_degraded_not_failing_when_only_the_cache_is_down(client, worker, settings):
    _beat_ticked(10)
    settings.CACHES = {"default": {"BACKEND": "config.cache.LayeredRedisCache",
                                   "LOCATION": "redis://127.0.0.1:9/1"}}
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"


@pytest.mark.slow
def test_it_is_degraded_when_every_feed_fails(client, worker):
    _beat_ticked(10)
    _every_feed_failing()
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["sources"]["ok"] is False
