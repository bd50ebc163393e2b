"""Celery tasks: thin wrappers that take ids and call `ingestion.services`.

Network work (polls, page fetches) runs on the `network` queue and CPU work (extraction) on
`cpu`, so each can be scaled on its own. Every task is idempotent: services claim rows with a
conditional UPDATE, so a redelivered or duplicated message does nothing twice. Only
`TransientError` is retried, with exponential backoff and full jitter.
"""

import datetime
import json
import logging
import time

from celery import shared_task
from celery.signals import task_postrun, task_prerun
from django.conf import settings

from ingestion import annotator, services
from ingestion.errors import TransientError
from ingestion.models import Article

_LIMIT = settings.INGEST_TASK_TIME_LIMIT
# The soft limit leaves the task a moment to record why it stopped before the hard kill.
_SOFT_LIMIT = _LIMIT - max(1, min(10, _LIMIT // 5))
_RETRYING = {
    "acks_late": True,
    "autoretry_for": (TransientError,),
    "max_retries": settings.INGEST_MAX_RETRIES,
    "retry_backoff": settings.INGEST_RETRY_BACKOFF,
    "retry_backoff_max": settings.INGEST_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "soft_time_limit": _SOFT_LIMIT,
    "time_limit": _LIMIT,
}


@shared_task(bind=True, queue="network", **_RETRYING)
def fetch_article_task(self, article_id: int) -> None:
    """Download one discovered article's page, then queue its extraction."""
    services.article_fetch(
        article_id=article_id, final_attempt=self.request.retries >= self.max_retries
    )


@shared_task(bind=True, queue="cpu", **_RETRYING)
def extract_article_task(self, article_id: int) -> None:
    """Extract, dedupe and cluster one fetched article, then run the after-extract hook."""
    services.article_extract(
        article_id=article_id, final_attempt=self.request.retries >= self.max_retries
    )


@shared_task(bind=True, queue="cpu", **_RETRYING)
def annotate_article_task(self, article_id: int) -> None:
    """Annotate one extracted article with spaCy, attach it to its dispute, propose candidates.

    The pipeline is built once per worker process (ingestion.annotator.get_pipeline).
    """
    annotator.article_annotate(article_id=article_id, final_attempt=self.request.retries >= self.max_retries)


# Polls do not retry: a failing feed backs off through its own next_poll_at instead.
@shared_task(queue="network", acks_late=True, soft_time_limit=_SOFT_LIMIT, time_limit=_LIMIT)
def poll_source_task(source_id: int) -> None:
    """Poll one feed if it is due and nobody else is polling it."""
    services.source_poll(source_id=source_id)


# Every task sets both limits: a soft limit left to the global default (which is longer) makes
# Celery refuse to send the task at all.
@shared_task(queue="network", acks_late=True, soft_time_limit=50, time_limit=60)
def poll_due_sources_task() -> None:
    """Beat entry point: queue a poll for every feed whose next poll time has come."""
    services.sources_poll_due()


@shared_task(queue="network", acks_late=True, soft_time_limit=280, time_limit=300)
def recover_stalled_articles_task(minutes: int = 30) -> None:
    """Beat entry point: re-queue unfinished articles whose messages were lost."""
    services.articles_recover(older_than=datetime.timedelta(minutes=minutes))


# Structured task logs: one JSON line per finished task, with the source, the
# article, the attempt and where the article ended up.
_task_log = logging.getLogger("standoff.tasks")


@task_prerun.connect
def _task_started(task_id=None, task=None, **kwargs):
    _started[task_id] = time.monotonic()


@task_postrun.connect
def _task_finished(task_id=None, task=None, args=None, state=None, **kwargs):
    if not task.name.startswith("ingestion."):
        return
    record = {"task": task.name.rsplit(".", 1)[-1], "task_id": task_id, "state": state,
              "attempt": task.request.retries + 1 if task.request else 1}
    started = _started.pop(task_id, None)
    if started is not None:
        record["seconds"] = round(time.monotonic() - started, 3)
    if args and task.name.endswith("_article_task"):
        row = Article.objects.filter(pk=args[0]).values("source_id", "status", "failure_code").first()
        record |= {"article": args[0], **({"source": row["source_id"], "outcome": row["status"],
                                           "failure": row["failure_code"]} if row else {"outcome": "gone"})}
    elif args and task.name.endswith("_source_task"):
        record["source"] = args[0]
    _task_log.info(json.dumps(record))


_started: dict[str, float] = {}
