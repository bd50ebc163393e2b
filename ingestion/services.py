"""Ingestion services: poll a source, fetch and extract an article, import a corpus record.

Each step claims its row with a conditional UPDATE (status, and a lease nobody else holds) and
finishes with another conditional UPDATE that names its lease token, so a step that runs twice,
or a worker killed mid-step, can never move an article twice. No transaction is open while an
HTTP request runs: the claim commits first, the request runs, the result commits after.
"""

import datetime
import functools
import logging
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone

from ingestion import dedupe
from ingestion.errors import IngestError, PermanentError, TransientError, infrastructure_errors, is_infrastructure
from ingestion.net.pageparsing import extract_article
from ingestion.net.feedparsing import FeedEntry, parse_feed
from ingestion.net.http import FEED_TYPES, FetchPolicy, HostLimiter, RedisHostLimiter, fetch
from ingestion.models import (
    Article,
    ArticleEvent,
    ArticleFingerprint,
    FetchedPage,
    IngestRun,
    Source,
    StoryCluster,
)
from ingestion.net.urlsafety import canonical_url, url_host

logger = logging.getLogger(__name__)

Status = Article.Status
# Near-duplicate candidates verified per article: the most-overlapping ones come first.
MAX_CLUSTER_CANDIDATES = 20
MAX_LOOKUP_FINGERPRINTS = 2000
# Feed entries stored (and their fetches queued) per transaction.
DISCOVER_CHUNK = 100


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


@dataclass
class Batch:
    """The articles a batch step leased, and what became of them."""

    token: str
    articles: list[Article]
    done: list[int] = field(default_factory=list)  # moved on to the next step
    # Released after a transient error (or held by another worker): the task retries the batch,
    # whose claim then skips every article that already moved on.
    error: TransientError | None = None
    # Not started before the batch's time budget ran out: queued again at once, not retried.
    later: list[int] = field(default_factory=list)


def _claim(article_ids: list[int], status: str, *, fields: tuple[str, ...] | None = None) -> Batch:
    """Lease every article in `status` among `article_ids` that nobody else holds.

    One UPDATE and one SELECT for the whole batch. Articles gone or already past `status` are
    left out silently (a redelivered message); articles another worker holds set `error` to
    Busy, so the task tries again once that lease has expired.
    """
    now = timezone.now()
    token = uuid.uuid4().hex
    Article.objects.filter(pk__in=article_ids, status=status).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    ).update(
        lease_until=now + datetime.timedelta(seconds=settings.INGEST_LEASE_SECONDS),
        lease_token=token,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    claimed = Article.objects.filter(pk__in=article_ids, lease_token=token).order_by("pk")
    batch = Batch(token=token, articles=list(claimed.only(*fields) if fields else claimed))
    if len(batch.articles) < len(set(article_ids)):
        held = (
            Article.objects.filter(pk__in=article_ids, status=status)
            .exclude(lease_token=token).values("pk", "lease_until").first()
        )
        if held is not None:
            batch.error = Busy(f"article {held['pk']} is leased until {held['lease_until']:%H:%M:%S}")
    return batch


def _release_unstarted(batch: Batch, articles: list[Article]) -> None:
    """Hand back leases of articles this batch had no time left to start."""
    ids = [article.pk for article in articles]
    Article.objects.filter(pk__in=ids, lease_token=batch.token).update(
        lease_until=None, lease_token="", attempts=F("attempts") - 1, queued_until=queued_until()
    )
    batch.later.extend(ids)


def _finish(article: Article, token: str, *, from_status: str, detail: str = "", **fields) -> bool:
    """Move a claimed article on, only if this worker still holds its lease."""
    now = timezone.now()
    updated = Article.objects.filter(pk=article.pk, status=from_status, lease_token=token).update(
        lease_until=None, lease_token="", updated_at=now, **fields
    )
    if updated and "status" in fields:
        ArticleEvent.objects.create(article=article, status=fields["status"], detail=detail)
    return bool(updated)


def _finish_held(batch: Batch, article_ids: list[int], *, from_status: str, **fields) -> set[int]:
    """Move on, in one UPDATE, the articles among `article_ids` this batch still holds."""
    held = set(
        Article.objects.select_for_update()
        .filter(pk__in=article_ids, status=from_status, lease_token=batch.token)
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    Article.objects.filter(pk__in=held, lease_token=batch.token).update(
        lease_until=None, lease_token="", updated_at=now, failure_code="", failure_reason="", **fields
    )
    return held


def _fail(article: Article, token: str, *, from_status: str, error: IngestError, prefix: str = "") -> bool:
    with transaction.atomic():
        failed = _finish(
            article, token, from_status=from_status,
            status=Status.FAILED, failure_code=error.code,
            failure_reason=f"{prefix}{error.reason}", detail=f"{prefix}{error}",
        )
        if failed:
            FetchedPage.objects.filter(article=article).delete()
        return failed


def _release(article: Article, token: str, *, from_status: str, error: IngestError) -> None:
    """Give the row back after a transient error, recording it; the task retries later."""
    with transaction.atomic():
        if _finish(article, token, from_status=from_status,
                   failure_code=error.code, failure_reason=error.reason):
            ArticleEvent.objects.create(
                article=article, status=from_status, detail=f"will retry: {error}"
            )


def _handle_transient(batch: Batch, article: Article, *, from_status: str, error: TransientError,
                      final_attempt: bool) -> None:
    # A broker, cache or database outage is never the article's failure: past the task's
    # retries the row is released, and the dispatch sweep sends it again.
    if final_attempt and not is_infrastructure(error):
        _fail(article, batch.token, from_status=from_status, error=error,
              prefix=f"gave up after {article.attempts} attempts: ")
        return
    _release(article, batch.token, from_status=from_status, error=error)
    batch.error = error


def _raise_for_retry(batch: Batch, final_attempt: bool) -> None:
    if batch.error is not None and not final_attempt:
        raise batch.error


# Fetch ----------------------------------------------------------------------------------------


def articles_fetch(*, article_ids: list[int], final_attempt: bool = False,
                   budget: float | None = None) -> Batch:
    """Download discovered articles' pages, then queue their extraction as one batch.

    Pages are fetched one after the other (politeness) and stored in one transaction: one
    write lock and one commit for the batch. `budget` (seconds) stops starting new requests
    when one more could outlast it; those articles come back in `later`. Raises the
    TransientError (after recording it and storing the rest) when an article should be
    retried, unless this is the final attempt, which records it as failed instead.
    """
    batch = _claim(article_ids, Status.DISCOVERED, fields=("pk", "url", "attempts"))
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
                _release_unstarted(batch, batch.articles[position:])
                break
            try:
                pages.append((article, _fetch(article.url, policy=policy)))
            except TransientError as exc:
                _handle_transient(batch, article, from_status=Status.DISCOVERED, error=exc,
                                  final_attempt=final_attempt)
                if exc.code == "time_limit":  # the hard kill is seconds away: start nothing more
                    _release_unstarted(batch, batch.articles[position + 1:])
                    break
            except PermanentError as exc:
                _fail(article, batch.token, from_status=Status.DISCOVERED, error=exc)

    from ingestion.tasks import extract_articles_task, fetch_articles_task

    with transaction.atomic():
        held = _finish_held(batch, [article.pk for article, _ in pages], from_status=Status.DISCOVERED,
                            status=Status.FETCHED, fetched_at=timezone.now(), queued_until=queued_until())
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
        if batch.done:
            articles_dispatch(task=extract_articles_task, article_ids=batch.done, status=Status.FETCHED)
        if batch.later:
            articles_dispatch(task=fetch_articles_task, article_ids=batch.later, status=Status.DISCOVERED)
    _raise_for_retry(batch, final_attempt)
    return batch


# Extract, dedupe, cluster ------------------------------------------------------------------


def _mark_duplicate(article: Article, token: str, *, original_id: int, why: str) -> bool:
    with transaction.atomic():
        ArticleFingerprint.objects.filter(article=article).delete()
        FetchedPage.objects.filter(article=article).delete()
        return _finish(
            article, token, from_status=Status.FETCHED,
            status=Status.SKIPPED, duplicate_of_id=original_id, content_hash="",
            failure_code="duplicate",
            failure_reason=f"duplicate of article {original_id}: {why}",
            text="", detail=f"duplicate of article {original_id}",
        )


def _fingerprints_store(rows: list[tuple[int, int]]) -> None:
    """Insert (article_id, fingerprint) rows: hundreds per article.

    One multi-row INSERT costs a fraction of bulk_create's per-object work and of executemany's
    per-row round trips on psycopg (measured with bench/ingest.py). ON CONFLICT makes a
    retried extraction harmless; SQLite and PostgreSQL both understand it. Rows go in in the
    order of the (value, article) index: a batch's values are random, and inserted as they
    come each lands on another index page (sorted, a batch of 25 articles into 220,000 rows
    on SQLite took 0.60 ms per article instead of 1.07, insert and commit). PostgreSQL takes
    the rows as two arrays: Django's psycopg cursor binds parameters client-side, and quoting
    5,500 of them one by one took longer than the insert (a batch of bench/ingest.py's pages,
    in process: 69 ms, 32-43 as arrays).
    """
    if not rows:
        return
    rows = sorted(rows, key=lambda row: row[1])
    table = connection.ops.quote_name(ArticleFingerprint._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            articles, values = zip(*rows)
            cursor.execute(
                f"INSERT INTO {table} (article_id, value) SELECT * FROM unnest(%s::bigint[], %s::bigint[]) "
                "ON CONFLICT DO NOTHING",
                [list(articles), list(values)],
            )
            return
        for chunk in _chunks(rows, 400):
            cursor.execute(
                f"INSERT INTO {table} (article_id, value) VALUES "
                + ", ".join(["(%s, %s)"] * len(chunk))
                + " ON CONFLICT DO NOTHING",
                [item for row in chunk for item in row],
            )


_fingerprint_statistics = False  # per process: PostgreSQL has statistics on the fingerprints


def _ensure_fingerprint_statistics() -> None:
    """On PostgreSQL, analyze the fingerprint table once if it has no statistics yet.

    Until autovacuum first analyzes a new database's table, the planner knows nothing of
    `value` and plans the candidate lookup (hundreds of values) as a sequential scan of the
    whole table, for every article: with bench/ingest.py's pages (in process, 67,000 rows) a
    lookup took 2.5 ms instead of 1.3, and the scan grows with the table. Analyzing the first
    stored rows shows values to be nearly unique, which stays true however large it grows.
    """
    global _fingerprint_statistics
    if _fingerprint_statistics or connection.vendor != "postgresql":
        return
    table = ArticleFingerprint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stats WHERE tablename = %s AND attname = 'value'", [table])
        if cursor.fetchone() is None:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    _fingerprint_statistics = True


def _near_copies(article_id: int, shingle_set: set[int], fingerprints: list[int]) -> list[int]:
    """Stored articles that `article_id`'s text nearly duplicates (reads only)."""
    # Fingerprints come sorted by value, which is random with respect to the text: the first
    # ones are a fair sample of a very long article, whose full list would exceed the
    # database's parameter limit.
    values = fingerprints[:MAX_LOOKUP_FINGERPRINTS]
    if not values:
        return []
    # Plain SQL: the ORM's per-value preparation of a ~200-value IN list cost more than the
    # query itself (the covering index on (value, article) answers it).
    table = connection.ops.quote_name(ArticleFingerprint._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article_id, COUNT(*) AS shared FROM {table} WHERE value IN ("
            + ", ".join(["%s"] * len(values))
            + ") AND article_id <> %s GROUP BY article_id ORDER BY shared DESC, article_id LIMIT %s",
            [*values, article_id, MAX_CLUSTER_CANDIDATES],
        )
        candidate_ids = [row[0] for row in cursor.fetchall()]
    if not candidate_ids:
        return []
    candidates = Article.objects.filter(pk__in=candidate_ids).exclude(
        status__in=[Status.FAILED, Status.SKIPPED]
    ).only("pk", "text")
    return [c.pk for c in candidates if dedupe.is_near_duplicate(shingle_set, dedupe.shingles(c.text))]


def fingerprints_expire(*, days: int | None = None, chunk: int = 50) -> int:
    """Delete the fingerprints of articles stored more than `days` (INGEST_NEAR_COPY_DAYS) ago.

    Returns how many articles lost theirs. Wire copies of a story come out within days of each
    other (the corpus's copy groups within two), while the index grows by ~220 rows an article
    and each batch's inserts land on pages all over it: bench/fingerprints.py prints how a
    batch's insert slows as the table grows. Articles keep their text and their clusters; a copy
    arriving after the window is stored as a story of its own. Oldest first, `chunk` articles a
    transaction (a short write lock on SQLite); ids grow with creation time, so the scan stops
    at the first article created inside the window.
    """
    days = settings.INGEST_NEAR_COPY_DAYS if days is None else days
    if days <= 0:
        return 0
    cutoff = timezone.now() - datetime.timedelta(days=days)
    table = connection.ops.quote_name(ArticleFingerprint._meta.db_table)
    expired_total, after = 0, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT article_id FROM {table} WHERE article_id > %s ORDER BY article_id LIMIT %s",
                [after, chunk],
            )
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return expired_total
        rows = list(Article.objects.filter(pk__in=ids).values_list("pk", "created_at", "extracted_at"))
        # An article that stopped between storing its fingerprints and being marked extracted
        # has no extraction time: its discovery time stands in.
        expired = [pk for pk, created, extracted in rows if (extracted or created) < cutoff]
        if expired:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {table} WHERE article_id IN ({', '.join(['%s'] * len(expired))})", expired
                )
            expired_total += len(expired)
        if any(created >= cutoff for _, created, _ in rows):
            return expired_total
        after = ids[-1]


def _cluster_join(article_id: int, matches: list[int]) -> StoryCluster:
    """Put `article_id` in one story cluster with its near copies, merging their clusters."""
    # Lock in primary-key order so two workers merging overlapping clusters cannot deadlock.
    locked = list(
        Article.objects.select_for_update()
        .filter(pk__in=[article_id, *matches])
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


def _after_extract(article_ids: list[int], *, inline: bool) -> None:
    """Annotation follows extraction: here for --sync runs, else on the CPU queue."""
    if not settings.INGEST_ANNOTATE or not article_ids:
        return
    if inline:
        from ingestion.annotating import articles_annotate_step

        articles_annotate_step(article_ids=article_ids)
    else:
        from ingestion.tasks import annotate_articles_task

        articles_dispatch(task=annotate_articles_task, article_ids=article_ids, status=Status.EXTRACTED)


@dataclass
class _Extracted:
    article: Article
    fields: dict
    text: str
    digest: str
    canonical: str | None  # a rel=canonical naming another URL than the article's own
    shingles: set[int] = field(default_factory=set)
    fingerprints: list[int] = field(default_factory=list)


def _extract_one(batch: Batch, article: Article, page: FetchedPage | None) -> _Extracted | None:
    """Extract a fetched page (or take a corpus record's text); None when it stopped here."""
    if page is None:  # a corpus record: no page was fetched
        if not article.text.strip():
            _fail(article, batch.token, from_status=Status.FETCHED,
                  error=PermanentError("the record has no text and no page", code="no_text"))
            return None
        return _Extracted(article, {}, article.text, dedupe.content_hash(article.text), None)
    extracted = extract_article(
        bytes(page.html),
        url=page.final_url or article.url or None,
        http_charset=page.charset or None,
    )
    fields = {
        "final_url": page.final_url,
        "title": (extracted.title or article.title)[:1000],
        "text": extracted.text,
        "author": extracted.author[:500],
        "published": extracted.published or article.published,
        "language": (extracted.language or article.language)[:8],
    }
    canonical = extracted.canonical_url if extracted.canonical_url != article.canonical_url else None
    return _Extracted(article, fields, extracted.text, dedupe.content_hash(extracted.text), canonical)


def _drop_duplicates(batch: Batch, items: list[_Extracted]) -> list[_Extracted]:
    """Skip articles whose text, or rel=canonical page, is already stored; two queries a batch."""
    ids = [item.article.pk for item in items]
    by_hash = dict(
        Article.objects.filter(content_hash__in=[item.digest for item in items])
        .exclude(pk__in=ids).values_list("content_hash", "pk")
    )
    by_canonical = {
        row["canonical_url"]: row
        for row in Article.objects.filter(canonical_url__in=[item.canonical for item in items if item.canonical])
        .exclude(pk__in=ids).values("canonical_url", "pk", "status")
    }
    kept, seen_hash, seen_canonical = [], {}, set()
    for item in items:
        original = by_hash.get(item.digest) or seen_hash.get(item.digest)
        if original is not None:
            _mark_duplicate(item.article, batch.token, original_id=original, why="same text")
            continue
        if item.canonical:
            named = by_canonical.get(item.canonical)
            if named is None and item.canonical not in seen_canonical:
                item.fields["canonical_url"] = item.canonical
                seen_canonical.add(item.canonical)
            elif named is not None and named["status"] in (Status.EXTRACTED, Status.ANNOTATED):
                _mark_duplicate(item.article, batch.token, original_id=named["pk"],
                                why=f"rel=canonical {item.canonical}")
                continue
            # Otherwise the page it names has no text stored (yet, or ever: it may fail), so
            # this copy is kept under its own URL; if both end up with the same text, the hash
            # merges them.
        seen_hash[item.digest] = item.article.pk
        kept.append(item)
    return kept


def _store_text(item: _Extracted, batch: Batch) -> bool:
    """Write the extracted fields and content hash, if this worker still holds the lease.

    False when the lease was lost, or when a concurrent worker stored the same text first
    (then this article is recorded as its duplicate).
    """
    rows = Article.objects.filter(pk=item.article.pk, lease_token=batch.token)
    try:
        with transaction.atomic():  # a savepoint: the unique hash or URL may collide
            return bool(rows.update(updated_at=timezone.now(), content_hash=item.digest, **item.fields))
    except IntegrityError:
        original = (
            Article.objects.filter(content_hash=item.digest).exclude(pk=item.article.pk)
            .values_list("pk", flat=True).first()
        )
        if original is not None:
            _mark_duplicate(item.article, batch.token, original_id=original, why="stored concurrently")
            return False
        item.fields.pop("canonical_url", None)  # another worker stored this canonical URL
        return bool(rows.update(updated_at=timezone.now(), content_hash=item.digest, **item.fields))


def _mark_extracted(batch: Batch, items: list[_Extracted]) -> list[int]:
    """Move stored articles to EXTRACTED in one statement, with one history line each."""
    held = _finish_held(batch, [item.article.pk for item in items], from_status=Status.FETCHED,
                        status=Status.EXTRACTED, extracted_at=timezone.now(), queued_until=queued_until())
    FetchedPage.objects.filter(article_id__in=held).delete()
    done = [item for item in items if item.article.pk in held]
    ArticleEvent.objects.bulk_create(
        ArticleEvent(article_id=item.article.pk, status=Status.EXTRACTED,
                     detail=f"{len(item.text):,} characters of text")
        for item in done
    )
    return [item.article.pk for item in done]


def articles_extract(*, article_ids: list[int], final_attempt: bool = False,
                     inline_hooks: bool = False) -> Batch:
    """Extract, dedupe and cluster fetched articles (pages, or corpus records' own text).

    Extraction runs outside any transaction; the batch then writes in two transactions (text
    and fingerprints, then the final state and clusters), not two per article.
    """
    from celery.exceptions import SoftTimeLimitExceeded

    batch = _claim(article_ids, Status.FETCHED)
    pages = FetchedPage.objects.in_bulk([article.pk for article in batch.articles])
    items = []
    for position, article in enumerate(batch.articles):
        try:
            item = _extract_one(batch, article, pages.pop(article.pk, None))
        except PermanentError as exc:
            _fail(article, batch.token, from_status=Status.FETCHED, error=exc)
            continue
        except SoftTimeLimitExceeded:
            error = TransientError("extraction ran out of the task's time limit", code="time_limit")
            _handle_transient(batch, article, from_status=Status.FETCHED, error=error,
                              final_attempt=final_attempt)
            _release_unstarted(batch, batch.articles[position + 1:])
            break
        if item is not None:
            items.append(item)
    items = _drop_duplicates(batch, items) if items else []
    for item in items:  # CPU work stays out of the transactions, which hold SQLite's write lock
        item.shingles = dedupe.shingles(item.text)
        item.fingerprints = dedupe.fingerprints(item.shingles)

    # Text, hash and fingerprints commit first, and near copies are looked up after that
    # commit: of two copies extracted at the same time, the later lookup sees the other.
    stored = []
    with transaction.atomic():
        rows = []
        for item in items:
            if _store_text(item, batch):
                rows.extend((item.article.pk, value) for value in item.fingerprints)
                stored.append(item)
        _fingerprints_store(rows)
    # Reads, outside the write transaction: SQLite's write lock is held only to write.
    if stored:
        _ensure_fingerprint_statistics()
    copies = {item.article.pk: _near_copies(item.article.pk, item.shingles, item.fingerprints) for item in stored}

    with transaction.atomic():
        batch.done = _mark_extracted(batch, stored) if stored else []
        for article_id in batch.done:
            if copies[article_id]:
                _cluster_join(article_id, copies[article_id])
        _after_extract(batch.done, inline=inline_hooks)
        if batch.later:
            from ingestion.tasks import extract_articles_task

            articles_dispatch(task=extract_articles_task, article_ids=batch.later, status=Status.FETCHED)
    _raise_for_retry(batch, final_attempt)
    return batch


# Feeds --------------------------------------------------------------------------------------


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def queued_until() -> datetime.datetime:
    """Until when a message sent now for an article's next step is believed in flight."""
    return timezone.now() + datetime.timedelta(seconds=settings.INGEST_REQUEUE_AFTER)


def articles_dispatch(*, task, article_ids: list[int], status: str) -> None:
    """Send `task` over `article_ids`, INGEST_BATCH_SIZE at a time, once the transaction commits.

    The rows (now in `status`) carry their step's state; the message is only a hint. A send
    that fails because the broker is down does not raise after the commit, which would lose
    the rest of the task's work: the rows' `queued_until` is emptied instead, and the dispatch
    sweep sends them again once the broker is back.

    A message and a task per article cost about as much as the work on the article (measured
    with bench/ingest.py); within a batch each article still succeeds or fails on its own.
    """
    for chunk in _chunks(list(article_ids), settings.INGEST_BATCH_SIZE):
        transaction.on_commit(functools.partial(_send, task, chunk, status))


def _send(task, article_ids: list[int], status: str) -> None:
    try:
        task.delay(article_ids)
    except Exception as exc:
        if not is_infrastructure(exc):
            raise
        logger.warning("%s of %d articles not sent, left to the dispatch sweep: %r",
                       task.name.rsplit(".", 1)[-1], len(article_ids), exc)
        try:
            Article.objects.filter(pk__in=article_ids, status=status).update(queued_until=None)
        except infrastructure_errors():
            pass  # their queued_until passes in INGEST_REQUEUE_AFTER seconds all the same


def articles_defer(*, article_ids: list[int], status: str, seconds: float, grace: float | None = None) -> None:
    """Tell the sweep that these articles' step is retried in `seconds`.

    The sweep re-sends them `grace` seconds later (INGEST_REQUEUE_AFTER: the retry's message
    is in flight), or right then with `grace=0` (it could not be sent). Best effort: when the
    database is what failed, the rows keep their earlier time.
    """
    grace = settings.INGEST_REQUEUE_AFTER if grace is None else grace
    now = timezone.now()
    until = now + datetime.timedelta(seconds=seconds + grace)
    try:
        Article.objects.filter(pk__in=article_ids, status=status).filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        ).update(queued_until=until)
    except infrastructure_errors() as exc:
        logger.warning("could not record the retry of %d articles: %r", len(article_ids), exc)


def articles_discover(*, source: Source, run: IngestRun, entries: list[FeedEntry]) -> tuple[int, int]:
    """Store feed entries not seen before and queue their fetch; return (new, duplicates).

    Entries are stored and queued DISCOVER_CHUNK at a time, each chunk in its own transaction:
    workers start fetching the first pages of a long feed while the rest is still being stored
    (a 1,000-entry feed took 0.3 s to store). A poll that dies half-way loses nothing: the next
    poll stores the entries that were not.
    """
    from ingestion.tasks import fetch_articles_task

    urls = [entry.canonical_url for entry in entries]
    known: set[str] = set()
    for chunk in _chunks(urls):
        known.update(Article.objects.filter(canonical_url__in=chunk).values_list("canonical_url", flat=True))
    fresh = [entry for entry in entries if entry.canonical_url not in known]
    new = 0
    for chunk in _chunks(fresh, DISCOVER_CHUNK):
        with transaction.atomic():
            # ignore_conflicts: a concurrent poll of another feed listing the same article wins.
            Article.objects.bulk_create(
                [
                    Article(
                        source=source, run=run, url=entry.url, canonical_url=entry.canonical_url,
                        title=entry.title[:1000], outlet=url_host(entry.url)[:200],
                        published=entry.published.date() if entry.published else None,
                        language=source.language, queued_until=queued_until(),
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
            articles_dispatch(task=fetch_articles_task, article_ids=new_ids, status=Status.DISCOVERED)
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


def articles_dispatch_due(*, now: datetime.datetime | None = None, limit: int | None = None) -> int:
    """Send again the next step of unfinished articles with no message in flight and no lease.

    The dispatch sweep (beat, every 30 seconds): one indexed query and a message per batch.
    It finds the articles whose message could not be sent (the broker was down) or was lost
    (a broker restart, a worker cut off from it) or whose retry never came. A duplicate is
    harmless: every step claims its rows with a conditional UPDATE. Returns how many it sent.
    """
    from ingestion.tasks import STEP_TASKS

    now = now or timezone.now()
    limit = limit or settings.INGEST_DISPATCH_LIMIT
    statuses = [status for status in STEP_TASKS if settings.INGEST_ANNOTATE or status != Status.EXTRACTED]
    rows = Article.objects.due_for_dispatch(now).filter(status__in=statuses).order_by("pk")
    by_status: dict[str, list[int]] = {}
    for pk, status in rows.values_list("pk", "status")[:limit]:
        by_status.setdefault(status, []).append(pk)
    with transaction.atomic():
        for status, ids in by_status.items():
            for chunk in _chunks(ids):
                Article.objects.filter(pk__in=chunk, status=status).update(queued_until=queued_until())
            articles_dispatch(task=STEP_TASKS[status], article_ids=ids, status=status)
    sent = sum(len(ids) for ids in by_status.values())
    if sent:
        logger.info("dispatch sweep: sent %s", {status: len(ids) for status, ids in by_status.items()})
    return sent


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


def corpus_record_known(*, source: Source, record: CorpusRecord, digest: str | None = None) -> Article | None:
    """The stored article this record is: same id in this source, same text or same canonical
    URL. Evaluation finds a record's article by the same rule, its id first."""
    digest = digest or dedupe.content_hash(record.text)
    same_id = Q(source=source, external_id=record.external_id)
    return (
        Article.objects.filter(
            same_id | Q(content_hash=digest)
            | (Q(canonical_url=record.canonical) if record.canonical else Q(pk__in=[]))
        )
        .order_by(Case(When(same_id, then=0), default=1), "pk")
        .first()
    )


def corpus_record_ingest(*, source: Source, run: IngestRun, record: CorpusRecord) -> RecordOutcome:
    """Store a corpus record at FETCHED (its text came with it), unless already known.

    Identity: the record id in this source, the canonical URL, or, for a record without a URL
    (the seed article), the content hash.
    """
    digest = dedupe.content_hash(record.text)
    known = corpus_record_known(source=source, record=record, digest=digest)
    if known is not None:
        return RecordOutcome("duplicate", known.pk, f"already stored as article {known.pk}")
    try:
        with transaction.atomic():
            article = Article.objects.create(
                source=source, run=run, external_id=record.external_id, url=record.url,
                canonical_url=record.canonical, outlet=record.outlet, title=record.title,
                text=record.text, published=record.published, language=record.language,
                content_hash=digest, status=Status.FETCHED, fetched_at=timezone.now(),
                queued_until=queued_until(),
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
