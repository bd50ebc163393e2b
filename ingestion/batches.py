"""Claiming and finishing a batch of articles: the helpers every step shares.

Each step claims its rows with a conditional UPDATE (status, and a lease nobody else holds) and
finishes with another conditional UPDATE that names its lease token, so a step that runs twice,
or a worker killed mid-step, can never move an article twice. No transaction is open while an
HTTP request runs: the claim commits first, the request runs, the result commits after.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ingestion.errors import IngestError, TransientError, is_infrastructure
from ingestion.models import Article, ArticleEvent, FetchedPage

Status = Article.Status


class Busy(TransientError):
    """Another worker holds the row; try again once its lease has expired."""

    def __init__(self, reason: str):
        super().__init__(reason, code="busy")



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


def claim(article_ids: list[int], status: str, *, fields: tuple[str, ...] | None = None) -> Batch:
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


def release_unstarted(batch: Batch, articles: list[Article]) -> None:
    """Hand back leases of articles this batch had no time left to start."""
    ids = [article.pk for article in articles]
    Article.objects.filter(pk__in=ids, lease_token=batch.token).update(
        lease_until=None, lease_token="", attempts=F("attempts") - 1, queued_until=queued_until()
    )
    batch.later.extend(ids)


def finish(article: Article, token: str, *, from_status: str, detail: str = "", **fields) -> bool:
    """Move a claimed article on, only if this worker still holds its lease."""
    now = timezone.now()
    updated = Article.objects.filter(pk=article.pk, status=from_status, lease_token=token).update(
        lease_until=None, lease_token="", updated_at=now, **fields
    )
    if updated and "status" in fields:
        ArticleEvent.objects.create(article=article, status=fields["status"], detail=detail)
    return bool(updated)


def finish_held(batch: Batch, article_ids: list[int], *, from_status: str, **fields) -> set[int]:
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


def fail(article: Article, token: str, *, from_status: str, error: IngestError, prefix: str = "") -> bool:
    with transaction.atomic():
        failed = finish(
            article, token, from_status=from_status,
            status=Status.FAILED, failure_code=error.code,
            failure_reason=f"{prefix}{error.reason}", detail=f"{prefix}{error}",
        )
        if failed:
            FetchedPage.objects.filter(article=article).delete()
        return failed


def release(article: Article, token: str, *, from_status: str, error: IngestError) -> None:
    """Give the row back after a transient error, recording it; the task retries later."""
    with transaction.atomic():
        if finish(article, token, from_status=from_status,
                  failure_code=error.code, failure_reason=error.reason):
            ArticleEvent.objects.create(
                article=article, status=from_status, detail=f"will retry: {error}"
            )


def handle_transient(batch: Batch, article: Article, *, from_status: str, error: TransientError,
                     final_attempt: bool) -> None:
    # A broker, cache or database outage is never the article's failure: past the task's
    # retries the row is released, and the dispatch sweep sends it again.
    if final_attempt and not is_infrastructure(error):
        fail(article, batch.token, from_status=from_status, error=error,
             prefix=f"gave up after {article.attempts} attempts: ")
        return
    release(article, batch.token, from_status=from_status, error=error)
    batch.error = error


def raise_for_retry(batch: Batch, final_attempt: bool) -> None:
    if batch.error is not None and not final_attempt:
        raise batch.error



def chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def queued_until() -> datetime.datetime:
    """Until when a message sent now for an article's next step is believed in flight."""
    return timezone.now() + datetime.timedelta(seconds=settings.INGEST_REQUEUE_AFTER)

