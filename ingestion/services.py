"""Ingestion services: poll a source, fetch and extract an article, import a corpus record.

Each step claims its row with a conditional UPDATE (status, and a lease nobody else holds) and
finishes with another conditional UPDATE that names its lease token, so a step that runs twice,
or a worker killed mid-step, can never move an article twice. No transaction is open while an
HTTP request runs: the claim commits first, the request runs, the result commits after.
"""

import datetime
import logging
import uuid
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from ingestion import dedupe
from ingestion.errors import IngestError, PermanentError, TransientError
from ingestion.extract import extract_article
from ingestion.feeds import FeedEntry, parse_feed
from ingestion.fetch import FEED_TYPES, FetchPolicy, HostLimiter, RedisHostLimiter, fetch
from ingestion.models import (
    Article,
    ArticleEvent,
    ArticleFingerprint,
    IngestRun,
    Source,
    StoryCluster,
)
from ingestion.urls import canonical_url, url_host

logger = logging.getLogger(__name__)

Status = Article.Status
# Near-duplicate candidates verified per article: the most-overlapping ones come first.
MAX_CLUSTER_CANDIDATES = 20


class Busy(TransientError):
    """Another worker holds the row; try again once its lease has expired."""

    def __init__(self, reason: str):
        super().__init__(reason, code="busy")


# Settings → policy objects ----------------------------------------------------------------


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
        import redis

        _limiters[key] = RedisHostLimiter(
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5),
            limit=limit,
            # A slot outlives the longest request it can guard, then expires by itself.
            ttl=settings.INGEST_TOTAL_TIMEOUT + settings.INGEST_CONNECT_TIMEOUT + 5,
            # Waiting for a slot must end well within the task's time limit.
            wait=min(settings.INGEST_HOST_SLOT_WAIT, settings.INGEST_TASK_TIME_LIMIT / 3),
        )
    return _limiters[key]


def _fetch(url: str, **kwargs):
    import redis
    from celery.exceptions import SoftTimeLimitExceeded

    try:
        return fetch(url, limiter=host_limiter(), **kwargs)
    except redis.RedisError as exc:
        raise TransientError(f"politeness limiter unavailable: {exc}", code="limiter") from exc
    except SoftTimeLimitExceeded as exc:
        # Raised by Celery anywhere in the request: retry later rather than strand the row.
        raise TransientError("the task's time limit ran out", code="time_limit") from exc


# Claiming and finishing rows ------------------------------------------------------------


def _claim(article_id: int, status: str) -> tuple[Article, str] | None:
    """Take the lease on an article in `status`; None when it is gone or already past it."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = (
        Article.objects.filter(pk=article_id, status=status)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            lease_until=now + datetime.timedelta(seconds=settings.INGEST_LEASE_SECONDS),
            lease_token=token,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    if claimed:
        return Article.objects.get(pk=article_id), token
    current = Article.objects.filter(pk=article_id).values("status", "lease_until").first()
    if current is None or current["status"] != status:
        return None
    raise Busy(f"article {article_id} is leased until {current['lease_until']:%H:%M:%S}")


def _finish(article: Article, token: str, *, from_status: str, detail: str = "", **fields) -> bool:
    """Move a claimed article on, only if this worker still holds its lease."""
    now = timezone.now()
    updated = Article.objects.filter(pk=article.pk, status=from_status, lease_token=token).update(
        lease_until=None, lease_token="", updated_at=now, **fields
    )
    if updated and "status" in fields:
        ArticleEvent.objects.create(article=article, status=fields["status"], detail=detail)
    return bool(updated)


def _fail(article: Article, token: str, *, from_status: str, error: IngestError, prefix: str = "") -> bool:
    with transaction.atomic():
        return _finish(
            article, token, from_status=from_status,
            status=Status.FAILED, failure_code=error.code,
            failure_reason=f"{prefix}{error.reason}", raw_html=b"", detail=f"{prefix}{error}",
        )


def _release(article: Article, token: str, *, from_status: str, error: IngestError) -> None:
    """Give the row back after a transient error, recording it; the task retries later."""
    with transaction.atomic():
        if _finish(article, token, from_status=from_status,
                   failure_code=error.code, failure_reason=error.reason):
            ArticleEvent.objects.create(
                article=article, status=from_status, detail=f"will retry: {error}"
            )


def _handle_transient(article, token, *, from_status: str, error: TransientError, final_attempt: bool):
    if final_attempt:
        _fail(article, token, from_status=from_status, error=error,
              prefix=f"gave up after {article.attempts} attempts: ")
        return
    _release(article, token, from_status=from_status, error=error)
    raise error


# Fetch ----------------------------------------------------------------------------------------


def article_fetch(*, article_id: int, final_attempt: bool = False) -> bool:
    """Download a discovered article's page; True when it moved to FETCHED.

    Raises TransientError (after recording it) for the task to retry, unless this is the
    final attempt, which records the article as failed instead.
    """
    claimed = _claim(article_id, Status.DISCOVERED)
    if claimed is None:
        return False
    article, token = claimed
    try:
        result = _fetch(article.url, policy=fetch_policy())
    except TransientError as exc:
        _handle_transient(article, token, from_status=Status.DISCOVERED, error=exc,
                          final_attempt=final_attempt)
        return False
    except PermanentError as exc:
        _fail(article, token, from_status=Status.DISCOVERED, error=exc)
        return False

    from ingestion.tasks import extract_article_task

    with transaction.atomic():
        done = _finish(
            article, token, from_status=Status.DISCOVERED,
            status=Status.FETCHED,
            # Level 1: fast, and still a 4-5x saving on HTML kept only until extraction.
            raw_html=zlib.compress(result.content, 1),
            http_charset=result.charset or "",
            final_url=result.final_url,
            fetched_at=timezone.now(),
            failure_code="", failure_reason="",
            detail=f"HTTP {result.status}, {len(result.content):,} bytes"
            + (f", via {len(result.redirects)} redirects" if result.redirects else ""),
        )
        if done:
            extract_article_task.delay_on_commit(article.pk)
    return done


# Extract, dedupe, cluster ------------------------------------------------------------------


def _mark_duplicate(article: Article, token: str, *, original: Article, why: str) -> bool:
    with transaction.atomic():
        ArticleFingerprint.objects.filter(article=article).delete()
        return _finish(
            article, token, from_status=Status.FETCHED,
            status=Status.SKIPPED, duplicate_of=original, content_hash="",
            failure_code="duplicate",
            failure_reason=f"duplicate of article {original.pk}: {why}",
            raw_html=b"", text="", detail=f"duplicate of article {original.pk}",
        )


def _fingerprints_store(article_id: int, values: list[int]) -> None:
    # Hundreds of rows per article: one multi-row INSERT costs a fraction of bulk_create's
    # per-object work and of executemany's per-row round trips on psycopg (measured with
    # bench/ingest.py). ON CONFLICT makes a retried extraction harmless; SQLite and PostgreSQL
    # both understand it.
    table = connection.ops.quote_name(ArticleFingerprint._meta.db_table)
    with connection.cursor() as cursor:
        for chunk in _chunks(values, 400):
            cursor.execute(
                f"INSERT INTO {table} (article_id, value) VALUES "
                + ", ".join(["(%s, %s)"] * len(chunk))
                + " ON CONFLICT DO NOTHING",
                [item for value in chunk for item in (article_id, value)],
            )


def _cluster_assign(article: Article, shingle_set: set[int]) -> StoryCluster | None:
    """Put `article` in one story cluster with the articles it nearly duplicates.

    Runs inside the finishing transaction, after this article's fingerprints were committed:
    of two copies extracted at the same time, the later one always sees the earlier.
    """
    values = dedupe.fingerprints(shingle_set)
    if not values:
        return None
    candidate_ids = [
        row["article_id"]
        for row in ArticleFingerprint.objects.filter(value__in=values)
        .exclude(article_id=article.pk)
        .values("article_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "article_id")[:MAX_CLUSTER_CANDIDATES]
    ]
    candidates = Article.objects.filter(pk__in=candidate_ids).exclude(
        status__in=[Status.FAILED, Status.SKIPPED]
    ).only("pk", "text")
    matches = [c.pk for c in candidates if dedupe.is_near_duplicate(shingle_set, dedupe.shingles(c.text))]
    if not matches:
        return None
    # Lock in primary-key order so two workers merging overlapping clusters cannot deadlock.
    locked = list(
        Article.objects.select_for_update()
        .filter(pk__in=[article.pk, *matches])
        .order_by("pk")
        .values("pk", "cluster_id")
    )
    existing = sorted({row["cluster_id"] for row in locked if row["cluster_id"]})
    cluster = StoryCluster.objects.get(pk=existing[0]) if existing else StoryCluster.objects.create()
    Article.objects.filter(pk__in=[row["pk"] for row in locked]).update(cluster=cluster)
    if len(existing) > 1:  # this article bridges clusters: merge them
        Article.objects.filter(cluster_id__in=existing[1:]).update(cluster=cluster)
        StoryCluster.objects.filter(pk__in=existing[1:]).delete()
    return cluster


def _after_extract(article_id: int, *, inline: bool) -> None:
    """Annotation follows extraction: here for --sync runs, else on the CPU queue."""
    if not settings.INGEST_ANNOTATE:
        return
    if inline:
        from ingestion.annotator import articles_annotate

        articles_annotate(article_ids=[article_id])
    else:
        from ingestion.tasks import annotate_article_task

        annotate_article_task.delay_on_commit(article_id)


def article_extract(*, article_id: int, final_attempt: bool = False, inline_hooks: bool = False) -> bool:
    """Extract a fetched page (or take a corpus record's text), dedupe, cluster; True when
    the article reached EXTRACTED."""
    from celery.exceptions import SoftTimeLimitExceeded

    claimed = _claim(article_id, Status.FETCHED)
    if claimed is None:
        return False
    article, token = claimed
    fields: dict = {}
    if article.raw_html:
        try:
            extracted = extract_article(
                article.raw_html_bytes(),
                url=article.final_url or article.url or None,
                http_charset=article.http_charset or None,
            )
        except PermanentError as exc:
            _fail(article, token, from_status=Status.FETCHED, error=exc)
            return False
        except SoftTimeLimitExceeded:
            error = TransientError("extraction ran out of the task's time limit", code="time_limit")
            _handle_transient(article, token, from_status=Status.FETCHED, error=error,
                              final_attempt=final_attempt)
            return False
        fields = {
            "title": (extracted.title or article.title)[:1000],
            "text": extracted.text,
            "author": extracted.author[:500],
            "published": extracted.published or article.published,
            "language": (extracted.language or article.language)[:8],
        }
        new_canonical = extracted.canonical_url
    else:
        new_canonical = None
        if not article.text.strip():
            _fail(article, token, from_status=Status.FETCHED,
                  error=PermanentError("the record has no text and no page", code="no_text"))
            return False
    text = fields.get("text", article.text)
    digest = dedupe.content_hash(text)

    original = Article.objects.filter(content_hash=digest).exclude(pk=article.pk).first()
    if original is not None:
        _mark_duplicate(article, token, original=original, why="same text")
        return False
    if new_canonical and new_canonical != article.canonical_url:
        original = Article.objects.filter(canonical_url=new_canonical).exclude(pk=article.pk).first()
        if original is None:
            fields["canonical_url"] = new_canonical
        elif original.status in (Status.EXTRACTED, Status.ANNOTATED):
            _mark_duplicate(article, token, original=original, why=f"rel=canonical {new_canonical}")
            return False
        # Otherwise the page it names has no text stored (yet, or ever: it may fail), so this
        # copy is kept under its own URL; if both end up with the same text, the hash merges them.

    shingle_set = dedupe.shingles(text)
    # Text and fingerprints commit before clustering so concurrent copies can see each other.
    with transaction.atomic():
        if not Article.objects.filter(pk=article.pk, lease_token=token).update(
            updated_at=timezone.now(), **fields
        ):
            return False
        _fingerprints_store(article.pk, dedupe.fingerprints(shingle_set))
    try:
        with transaction.atomic():
            done = _finish(
                article, token, from_status=Status.FETCHED,
                status=Status.EXTRACTED, content_hash=digest, raw_html=b"",
                extracted_at=timezone.now(), failure_code="", failure_reason="",
                detail=f"{len(text):,} characters of text",
            )
            if done:
                _cluster_assign(article, shingle_set)
                _after_extract(article.pk, inline=inline_hooks)
    except IntegrityError:
        # A concurrent worker stored the same text or canonical URL first.
        original = (
            Article.objects.filter(Q(content_hash=digest) | Q(canonical_url=new_canonical or "-"))
            .exclude(pk=article.pk)
            .first()
        )
        if original is None:
            raise
        _mark_duplicate(article, token, original=original, why="stored concurrently")
        return False
    return done


# Feeds --------------------------------------------------------------------------------------


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def articles_discover(*, source: Source, run: IngestRun, entries: list[FeedEntry]) -> tuple[int, int]:
    """Store feed entries not seen before and queue their fetch; return (new, duplicates)."""
    from ingestion.tasks import fetch_article_task

    urls = [entry.canonical_url for entry in entries]
    known: set[str] = set()
    for chunk in _chunks(urls):
        known.update(Article.objects.filter(canonical_url__in=chunk).values_list("canonical_url", flat=True))
    fresh = [entry for entry in entries if entry.canonical_url not in known]
    with transaction.atomic():
        # ignore_conflicts: a concurrent poll of another feed listing the same article wins.
        Article.objects.bulk_create(
            [
                Article(
                    source=source, run=run, url=entry.url, canonical_url=entry.canonical_url,
                    title=entry.title[:1000], outlet=url_host(entry.url)[:200],
                    published=entry.published.date() if entry.published else None,
                    language=source.language,
                )
                for entry in fresh
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        new_ids: list[int] = []
        for chunk in _chunks([entry.canonical_url for entry in fresh]):
            new_ids.extend(
                Article.objects.filter(canonical_url__in=chunk, run=run, status=Status.DISCOVERED)
                .values_list("pk", flat=True)
            )
        ArticleEvent.objects.bulk_create(
            [ArticleEvent(article_id=pk, status=Status.DISCOVERED, detail=f"in feed {source}") for pk in new_ids],
            batch_size=500,
        )
        for pk in new_ids:
            fetch_article_task.delay_on_commit(pk)
    return len(new_ids), len(entries) - len(new_ids)


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
        result = _fetch(
            source.url,
            policy=fetch_policy(max_bytes=settings.INGEST_MAX_FEED_BYTES),
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
    from ingestion.tasks import poll_source_task

    ids = list(Source.objects.due(now).values_list("pk", flat=True))
    for pk in ids:
        poll_source_task.delay_on_commit(pk)
    return ids


def articles_recover(*, older_than: datetime.timedelta) -> int:
    """Re-queue unfinished articles nobody holds: a lost message must not strand them."""
    from ingestion.tasks import annotate_article_task, extract_article_task, fetch_article_task

    next_task = {
        Status.DISCOVERED: fetch_article_task,
        Status.FETCHED: extract_article_task,
        Status.EXTRACTED: annotate_article_task,
    }
    stalled = Article.objects.stalled(timezone.now(), older_than).values_list("pk", "status")
    count = 0
    for pk, status in stalled.iterator():
        next_task[status].delay_on_commit(pk)
        count += 1
    return count


# Corpus files ----------------------------------------------------------------------------------


@dataclass
class RecordOutcome:
    outcome: str  # "new", "duplicate" or "rejected"
    article_id: int | None = None
    reason: str = ""


@dataclass
class CorpusRecord:
    external_id: str
    url: str
    canonical: str
    outlet: str
    title: str
    text: str
    published: datetime.date | None
    language: str
    problems: list[str] = field(default_factory=list)


def corpus_record_parse(record: object) -> CorpusRecord:
    """Validate one decoded JSON line; raise ValueError saying what is wrong."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing or empty 'text'")
    external_id = record.get("id")
    if not isinstance(external_id, str) or not external_id.strip():
        raise ValueError("missing 'id'")
    url = record.get("url") or ""
    if not isinstance(url, str):
        raise ValueError("'url' must be a string or null")
    canonical = canonical_url(url) if url else ""  # ValueError names the bad URL
    published = record.get("published")
    try:
        published_date = datetime.date.fromisoformat(published) if published else None
    except (TypeError, ValueError):
        raise ValueError(f"'published' is not a YYYY-MM-DD date: {published!r}") from None
    return CorpusRecord(
        external_id=external_id.strip()[:500],
        url=url[:2000],
        canonical=canonical[:2000],
        outlet=str(record.get("outlet") or (url_host(url) if url else ""))[:200],
        title=str(record.get("title") or "")[:1000],
        text=text,
        published=published_date,
        language=str(record.get("language") or "")[:8],
    )


def corpus_record_ingest(*, source: Source, run: IngestRun, record: CorpusRecord) -> RecordOutcome:
    """Store a corpus record at FETCHED (its text came with it), unless already known.

    Identity: the record id in this source, the canonical URL, or, for a record without a URL
    (the seed article), the content hash.
    """
    digest = dedupe.content_hash(record.text)
    known = Article.objects.filter(
        Q(source=source, external_id=record.external_id)
        | Q(content_hash=digest)
        | (Q(canonical_url=record.canonical) if record.canonical else Q(pk__in=[]))
    ).first()
    if known is not None:
        return RecordOutcome("duplicate", known.pk, f"already stored as article {known.pk}")
    try:
        with transaction.atomic():
            article = Article.objects.create(
                source=source, run=run, external_id=record.external_id, url=record.url,
                canonical_url=record.canonical, outlet=record.outlet, title=record.title,
                text=record.text, published=record.published, language=record.language,
                content_hash=digest, status=Status.FETCHED, fetched_at=timezone.now(),
            )
            ArticleEvent.objects.create(article=article, status=Status.FETCHED, detail=f"from {source}")
    except IntegrityError:
        return RecordOutcome("duplicate", None, "stored concurrently")
    return RecordOutcome("new", article.pk)


def corpus_source(*, path: str) -> Source:
    source, _ = Source.objects.get_or_create(
        kind=Source.Kind.JSONL, url=path,
        defaults={"name": f"Corpus {path}"[:200], "enabled": False},
    )
    return source
