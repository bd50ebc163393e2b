"""Corpus files (JSON Lines): parse a record, find the article it already is, store it at FETCHED."""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Case, Q, When
from django.utils import timezone

from ingestion import batches, dedupe
from ingestion.models import Article, ArticleEvent, IngestRun, Source
from ingestion.net.urlsafety import canonical_url, url_host

Status = Article.Status


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
                queued_until=batches.queued_until(),
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
