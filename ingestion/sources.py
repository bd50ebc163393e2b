"""Feeds: poll the due ones, store the entries not seen before and send their fetch.

A failing feed is recorded on its source and backs off; it never raises out of a poll.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ingestion import batches, fetching, pipeline
from ingestion.errors import IngestError
from ingestion.models import Article, ArticleEvent, IngestRun, Source
from ingestion.net.feedparsing import FeedEntry, parse_feed
from ingestion.net.http import FEED_TYPES
from ingestion.net.urlsafety import url_host

Status = Article.Status
# Feed entries stored (and their fetches queued) per transaction.
DISCOVER_CHUNK = 100


def articles_discover(*, source: Source, run: IngestRun, entries: list[FeedEntry]) -> tuple[int, int]:
    """Store feed entries not seen before and queue their fetch; return (new, duplicates).

    Entries are stored and queued DISCOVER_CHUNK at a time, each chunk in its own transaction:
    workers start fetching the first pages of a long feed while the rest is still being stored.
    A poll that dies half-way loses nothing: the next
    poll stores the entries that were not.
    """
    urls = [entry.canonical_url for entry in entries]
    known: set[str] = set()
    for chunk in batches.chunks(urls):
        known.update(Article.objects.filter(canonical_url__in=chunk).values_list("canonical_url", flat=True))
    fresh = [entry for entry in entries if entry.canonical_url not in known]
    new = 0
    for chunk in batches.chunks(fresh, DISCOVER_CHUNK):
        with transaction.atomic():
            # ignore_conflicts: a concurrent poll of another feed listing the same article wins.
            Article.objects.bulk_create(
                [
                    Article(
                        source=source, run=run, url=entry.url, canonical_url=entry.canonical_url,
                        title=entry.title[:1000], outlet=url_host(entry.url)[:200],
                        published=entry.published.date() if entry.published else None,
                        language=source.language, queued_until=batches.queued_until(),
                    )
                    for entry in chunk
                ],
                ignore_conflicts=True,
            )
            new_ids = list(
                Article.objects.filter(canonical_url__in=[entry.canonical_url for entry in chunk], run=run,
                                       status=Status.DISCOVERED)
                .values_list("pk", flat=True)
            )
            ArticleEvent.objects.bulk_create(
                [ArticleEvent(article_id=pk, status=Status.DISCOVERED, detail=f"in feed {source}") for pk in new_ids]
            )
            pipeline.articles_dispatch(article_ids=new_ids, status=Status.DISCOVERED)
        new += len(new_ids)
    return new, len(entries) - new


def source_backoff(*, source: Source) -> datetime.timedelta:
    """Wait before the next poll: the interval, doubled per consecutive failure, capped."""
    base = source.poll_interval
    if source.consecutive_failures == 0:
        return base
    factor = 2 ** min(source.consecutive_failures, 20)
    cap = datetime.timedelta(seconds=settings.INGEST_SOURCE_MAX_BACKOFF)
    return min(base * factor, max(cap, base))


def source_record_failure(*, source: Source, error: Exception) -> None:
    now = timezone.now()
    source.consecutive_failures += 1
    source.last_error = f"{now:%Y-%m-%d %H:%M} UTC: {error}"[:2000]
    source.next_poll_at = now + source_backoff(source=source)
    source.poll_lease_until = None
    source.save(update_fields=["consecutive_failures", "last_error", "next_poll_at", "poll_lease_until"])


def source_poll(*, source_id: int, force: bool = False) -> IngestRun | None:
    """Poll one feed if it is due (or `force`) and nobody else is polling it.

    Never raises IngestError: a failing feed is recorded on the source and backs off.
    """
    now = timezone.now()
    due = Source.objects.filter(pk=source_id, enabled=True).feeds()
    if not force:
        due = due.filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
    claimed = due.filter(Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lt=now)).update(
        poll_lease_until=now + datetime.timedelta(seconds=settings.INGEST_LEASE_SECONDS),
        last_polled_at=now,
    )
    if not claimed:
        return None
    source = Source.objects.get(pk=source_id)
    run = IngestRun.objects.create(kind=IngestRun.Kind.POLL, source=source)
    try:
        result = fetching.fetch_url(
            source.url,
            policy=fetching.fetch_policy(max_bytes=settings.INGEST_MAX_FEED_BYTES),
            accept=FEED_TYPES,
            etag=source.etag or None,
            last_modified=source.last_modified or None,
        )
        feed = None if result.not_modified else parse_feed(result.content, base_url=result.final_url)
        new, duplicates = (
            articles_discover(source=source, run=run, entries=feed.entries) if feed else (0, 0)
        )
    except Exception as exc:
        source_record_failure(source=source, error=exc)
        IngestRun.objects.filter(pk=run.pk).update(
            status=IngestRun.Status.FAILED, finished_at=timezone.now(), problems={"error": str(exc)}
        )
        if not isinstance(exc, IngestError):
            raise  # a bug: recorded on the source, and loud in the worker log
        return IngestRun.objects.get(pk=run.pk)

    notes = []
    if feed is None:
        notes.append("not modified (304)")
    else:
        notes.extend(f"{why}: {count}" for why, count in feed.skipped.items())
        if feed.warning:
            notes.append(feed.warning)
    source.consecutive_failures = 0
    source.last_error = ""
    source.last_success_at = timezone.now()
    source.etag = result.etag or ""
    source.last_modified = result.last_modified or ""
    source.last_poll_note = "; ".join(notes)[:500]
    source.next_poll_at = source.last_success_at + source.poll_interval
    source.poll_lease_until = None
    source.save(update_fields=[
        "consecutive_failures", "last_error", "last_success_at", "etag", "last_modified",
        "last_poll_note", "next_poll_at", "poll_lease_until",
    ])
    IngestRun.objects.filter(pk=run.pk).update(
        status=IngestRun.Status.FINISHED, finished_at=timezone.now(),
        total=len(feed.entries) + sum(feed.skipped.values()) if feed else 0,
        new=new, duplicates=duplicates,
        rejected=sum(feed.skipped.values()) if feed else 0,
        problems=dict(feed.skipped) if feed else {},
    )
    return IngestRun.objects.get(pk=run.pk)


def sources_poll_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Queue a poll for every due feed; return their ids."""
    ids = list(Source.objects.due(now).values_list("pk", flat=True))
    poll = pipeline.task_named(pipeline.POLL_SOURCE_TASK)
    for pk in ids:
        poll.delay_on_commit(pk)
    return ids
