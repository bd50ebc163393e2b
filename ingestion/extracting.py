"""The extract step: text from fetched pages, exact and near copies, story clusters.

Near copies are found through fingerprints of the text (ingestion.dedupe); the fingerprints
expire after INGEST_NEAR_COPY_DAYS (`fingerprints_expire`).
"""

import datetime
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ingestion import annotating, batches, dedupe, pipeline
from ingestion.batches import Batch
from ingestion.errors import PermanentError, TransientError
from ingestion.models import Article, ArticleEvent, ArticleFingerprint, FetchedPage, StoryCluster
from ingestion.net.pageparsing import extract_article

Status = Article.Status
# Near-duplicate candidates verified per article: the most-overlapping ones come first.
MAX_CLUSTER_CANDIDATES = 20
MAX_LOOKUP_FINGERPRINTS = 2000


def _mark_duplicate(article: Article, token: str, *, original_id: int, why: str) -> bool:
    with transaction.atomic():
        ArticleFingerprint.objects.filter(article=article).delete()
        FetchedPage.objects.filter(article=article).delete()
        return batches.finish(
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
    come each lands on another index page. PostgreSQL takes the rows as two arrays: Django's
    psycopg cursor binds parameters client-side, and quoting thousands of them one by one took
    longer than the insert (bench/ingest.py and bench/fingerprints.py show both).
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
        for chunk in batches.chunks(rows, 400):
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
    whole table, for every article, and the scan grows with the table. Analyzing the first
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
    if not pipeline.ANNOTATE.enabled or not article_ids:
        return
    if inline:
        annotating.articles_annotate_step(article_ids=article_ids)
    else:
        pipeline.articles_dispatch(article_ids=article_ids, status=Status.EXTRACTED)


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
            batches.fail(article, batch.token, from_status=Status.FETCHED,
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
    held = batches.finish_held(
        batch, [item.article.pk for item in items], from_status=Status.FETCHED,
        status=Status.EXTRACTED, extracted_at=timezone.now(), queued_until=batches.queued_until(),
    )
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
    batch = batches.claim(article_ids, Status.FETCHED)
    pages = FetchedPage.objects.in_bulk([article.pk for article in batch.articles])
    items = []
    for position, article in enumerate(batch.articles):
        try:
            item = _extract_one(batch, article, pages.pop(article.pk, None))
        except PermanentError as exc:
            batches.fail(article, batch.token, from_status=Status.FETCHED, error=exc)
            continue
        except SoftTimeLimitExceeded:
            error = TransientError("extraction ran out of the task's time limit", code="time_limit")
            batches.handle_transient(batch, article, from_status=Status.FETCHED, error=error,
                                     final_attempt=final_attempt)
            batches.release_unstarted(batch, batch.articles[position + 1:])
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
        pipeline.articles_dispatch(article_ids=batch.later, status=Status.FETCHED)
    batches.raise_for_retry(batch, final_attempt)
    return batch
