"""/health/: is every part of Standoff up? JSON for monitoring.

"fail" (503) when a part the site or ingestion cannot work without is down; "degraded" (200)
when only the page cache is unreachable (pages are computed without it) or every enabled feed
is failing (the site serves what it has, but nothing new comes in)."""

import time

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Max
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_celery_beat.models import PeriodicTask

from config.celery import app
from ingestion.models import Article, Source

HEARTBEAT_TASK = "standoff-heartbeat"
# Checks whose failure leaves the site serving: "degraded", not "fail".
DEGRADING = ("cache", "sources")


def _check(fn) -> dict:
    started = time.monotonic()
    try:
        result = fn() or {}
        ok = result.pop("ok", True)
    except Exception as exc:  # any failure of a dependency is a failed check, not a 500
        result, ok = {"error": f"{type(exc).__name__}: {exc}"[:300]}, False
    return {"ok": ok, "ms": round((time.monotonic() - started) * 1000, 1), **result}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"vendor": connection.vendor}


def _redis():
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1)
    client.ping()


def _cache():
    ping = getattr(cache, "ping", None)  # config.cache.LayeredRedisCache; memory caches are always up
    if ping is None:
        return {"backend": "memory"}
    ping()
    return {"backend": "redis"}


def _sources():
    feeds = Source.objects.feeds().filter(enabled=True)
    enabled = feeds.count()
    failing = feeds.filter(consecutive_failures__gt=0).count()
    result = {"ok": not enabled or failing < enabled, "enabled": enabled, "failing": failing}
    if not result["ok"]:
        last = feeds.order_by(F("last_polled_at").desc(nulls_last=True)).values_list("name", "last_error").first()
        result["error"] = f"every enabled feed is failing; {last[0]}: {last[1]}"[:300]
    return result


def _workers():
    replies = app.control.ping(timeout=settings.HEALTH_WORKER_TIMEOUT)
    names = sorted(name for reply in replies for name in reply)
    return {"ok": bool(names), "workers": names}


def _beat():
    last = PeriodicTask.objects.filter(name=HEARTBEAT_TASK).values_list("last_run_at", flat=True).first()
    if last is None:
        return {"ok": False, "error": "beat has not ticked yet"}
    age = (timezone.now() - last).total_seconds()
    return {"ok": age <= settings.HEALTH_BEAT_MAX_AGE, "last_tick_age_s": round(age)}


def _newest_article():
    newest = Article.objects.aggregate(newest=Max("created_at"))["newest"]
    if newest is None:
        return {"ok": True, "age_s": None}
    age = (timezone.now() - newest).total_seconds()
    limit = settings.HEALTH_ARTICLE_MAX_AGE
    return {"ok": not limit or age <= limit, "age_s": round(age)}


@login_not_required
@never_cache
@require_GET
def health(request):
    checks = {
        "database": _check(_database),
        "redis": _check(_redis),
        "cache": _check(_cache),
        "workers": _check(_workers),
        "beat": _check(_beat),
        "newest_article": _check(_newest_article),
        "sources": _check(_sources),
    }
    if not all(c["ok"] for name, c in checks.items() if name not in DEGRADING):
        status = "fail"
    elif not all(checks[name]["ok"] for name in DEGRADING):
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == "fail" else 200)
