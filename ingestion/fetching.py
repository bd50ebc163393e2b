"""The fetch step: download discovered articles' pages, politely, one host slot at a time."""

import time

import redis
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ingestion import batches, pipeline
from ingestion.batches import Batch
from ingestion.errors import PermanentError, TransientError
from ingestion.models import Article, ArticleEvent, FetchedPage
from ingestion.net.http import FetchPolicy, HostLimiter, RedisHostLimiter, fetch

Status = Article.Status


def fetch_policy(*, max_bytes: int | None = None) -> FetchPolicy:
    return FetchPolicy(
        user_agent=settings.INGEST_USER_AGENT,
        connect_timeout=settings.INGEST_CONNECT_TIMEOUT,
        read_timeout=settings.INGEST_READ_TIMEOUT,
        total_timeout=settings.INGEST_TOTAL_TIMEOUT,
        max_bytes=max_bytes or settings.INGEST_MAX_BYTES,
        max_redirects=settings.INGEST_MAX_REDIRECTS,
        allow_loopback=settings.INGEST_ALLOW_LOOPBACK,
        loopback_ports=frozenset(settings.INGEST_LOOPBACK_PORTS),
    )


_limiters: dict[tuple, HostLimiter] = {}


def host_limiter() -> HostLimiter:
    """The per-host semaphore shared by all workers (one Redis client per process)."""
    limit = settings.INGEST_PER_HOST_CONCURRENCY
    if limit <= 0:
        return HostLimiter()
    key = (settings.REDIS_URL, limit, settings.INGEST_TOTAL_TIMEOUT)
    if key not in _limiters:
        _limiters[key] = RedisHostLimiter(
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5),
            limit=limit,
            # A slot outlives the longest request it can guard, then expires by itself.
            ttl=settings.INGEST_TOTAL_TIMEOUT + settings.INGEST_CONNECT_TIMEOUT + 5,
            # Waiting for a slot must end well within the task's time limit.
            wait=min(settings.INGEST_HOST_SLOT_WAIT, settings.INGEST_TASK_TIME_LIMIT / 3),
        )
    return _limiters[key]


def fetch_url(url: str, **kwargs):
    """`fetch` through the shared per-host limiter; a limiter outage or the task's time limit is transient."""
    try:
        return fetch(url, limiter=host_limiter(), **kwargs)
    except redis.RedisError as exc:
        raise TransientError(f"politeness limiter unavailable: {exc}", code="limiter") from exc
    except SoftTimeLimitExceeded as exc:
        # Raised by Celery anywhere in the request: retry later rather than strand the row.
        raise TransientError("the task's time limit ran out", code="time_limit") from exc



def articles_fetch(*, article_ids: list[int], final_attempt: bool = False,
                   budget: float | None = None) -> Batch:
    """Download discovered articles' pages, then queue their extraction as one batch.

    Pages are fetched one after the other (politeness) and stored in one transaction: one
    write lock and one commit for the batch. `budget` (seconds) stops starting new requests
    when one more could outlast it; those articles come back in `later`. Raises the
    TransientError (after recording it and storing the rest) when an article should be
    retried, unless this is the final attempt, which records it as failed instead.
    """
    batch = batches.claim(article_ids, Status.DISCOVERED, fields=("pk", "url", "attempts"))
    policy = fetch_policy()
    # The longest one request can take: waiting for a host slot, connecting, reading.
    worst = (settings.INGEST_HOST_SLOT_WAIT + settings.INGEST_CONNECT_TIMEOUT
             + settings.INGEST_TOTAL_TIMEOUT)
    started = time.monotonic()
    pages = []
    # A batch is mostly one feed's pages: one host slot serves them all (see RedisHostLimiter).
    with host_limiter().keeping():
        for position, article in enumerate(batch.articles):
            if budget is not None and position and time.monotonic() - started + worst > budget:
                batches.release_unstarted(batch, batch.articles[position:])
                break
            try:
                pages.append((article, fetch_url(article.url, policy=policy)))
            except TransientError as exc:
                batches.handle_transient(batch, article, from_status=Status.DISCOVERED, error=exc,
                                         final_attempt=final_attempt)
                if exc.code == "time_limit":  # the hard kill is seconds away: start nothing more
                    batches.release_unstarted(batch, batch.articles[position + 1:])
                    break
            except PermanentError as exc:
                batches.fail(article, batch.token, from_status=Status.DISCOVERED, error=exc)

    with transaction.atomic():
        held = batches.finish_held(
            batch, [article.pk for article, _ in pages], from_status=Status.DISCOVERED,
            status=Status.FETCHED, fetched_at=timezone.now(), queued_until=batches.queued_until(),
        )
        pages = [(article, result) for article, result in pages if article.pk in held]
        # A page left by an attempt that failed after storing it is replaced.
        FetchedPage.objects.bulk_create(
            [FetchedPage(article_id=article.pk, html=result.content, charset=result.charset or "",
                         final_url=result.final_url) for article, result in pages],
            update_conflicts=True, unique_fields=["article"], update_fields=["html", "charset", "final_url"],
        )
        ArticleEvent.objects.bulk_create(
            ArticleEvent(article_id=article.pk, status=Status.FETCHED,
                         detail=f"HTTP {result.status}, {len(result.content):,} bytes"
                         + (f", via {len(result.redirects)} redirects" if result.redirects else ""))
            for article, result in pages
        )
        batch.done = [article.pk for article, _ in pages]
        pipeline.articles_dispatch(article_ids=batch.done, status=Status.FETCHED)
        pipeline.articles_dispatch(article_ids=batch.later, status=Status.DISCOVERED)
    batches.raise_for_retry(batch, final_attempt)
    return batch
