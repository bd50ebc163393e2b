"""Celery tasks: thin wrappers that take ids and call the steps (fetching, extracting,
annotating, sources). Their names, queues and order come from `ingestion.pipeline.STEPS`.

Network work (polls, page fetches) runs on the `network` queue and CPU work (extraction) on
`cpu`, so each can be scaled on its own. Every task is idempotent: services claim rows with a
conditional UPDATE, so a redelivered or duplicated message does nothing twice. Only
`TransientError` and broker, cache or database connection errors are retried, with exponential
backoff and full jitter. The rows hold each article's state; the dispatch sweep re-sends the
messages a broker outage lost.
"""

import json
import logging
import time
from collections import Counter

from celery import Task, shared_task
from celery.exceptions import Reject
from celery.signals import task_postrun, task_prerun
from django.conf import settings

from ingestion import annotating, extracting, fetching, pipeline, sources
from ingestion.errors import TransientError, infrastructure_errors, is_infrastructure
from ingestion.models import Article

_LIMIT = settings.INGEST_TASK_TIME_LIMIT
# The soft limit leaves the task a moment to record why it stopped before the hard kill.
_SOFT_LIMIT = _LIMIT - max(1, min(10, _LIMIT // 5))
_RETRYING = {
    "acks_late": True,
    "autoretry_for": (TransientError, *infrastructure_errors()),
    "max_retries": settings.INGEST_MAX_RETRIES,
    "retry_backoff": settings.INGEST_RETRY_BACKOFF,
    "retry_backoff_max": settings.INGEST_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "soft_time_limit": _SOFT_LIMIT,
    "time_limit": _LIMIT,
}


def _final(task) -> bool:
    return task.request.retries >= task.max_retries


class ArticleStepTask(Task):
    """A pipeline step over a batch of article ids, waiting in `waits_in`.

    Its retry is recorded on the rows (queued_until), so that the dispatch sweep re-sends them
    only if the retry's message never comes: lost in a broker restart, or not sent at all
    (Celery then rejects the message instead of raising).
    """

    waits_in = ""

    def retry(self, args=None, kwargs=None, exc=None, throw=True, eta=None, countdown=None,
              max_retries=None, **options):
        article_ids = (args if args is not None else self.request.args or [[]])[0]
        seconds = countdown if countdown is not None else self.default_retry_delay
        pipeline.articles_defer(article_ids=article_ids, status=self.waits_in, seconds=seconds)
        try:
            return super().retry(args, kwargs, exc, throw, eta, countdown, max_retries, **options)
        except Reject as rejected:  # the retry could not be sent: no message is in flight
            if is_infrastructure(rejected.reason):
                pipeline.articles_defer(article_ids=article_ids, status=self.waits_in, seconds=seconds, grace=0)
            raise


# Article tasks take a batch of ids (settings.INGEST_BATCH_SIZE); a retry resends the whole
# batch, whose claim skips the articles that already moved on.
def _step(step: pipeline.Step) -> dict:
    return {"bind": True, "base": ArticleStepTask, "name": step.task, "waits_in": step.waits_in, "queue": step.queue,
            **_RETRYING}


@shared_task(**_step(pipeline.FETCH))
def fetch_articles_task(self, article_ids: list[int]) -> None:
    """Download discovered articles' pages, then queue their extraction."""
    fetching.articles_fetch(article_ids=article_ids, final_attempt=_final(self), budget=_SOFT_LIMIT)


@shared_task(**_step(pipeline.EXTRACT))
def extract_articles_task(self, article_ids: list[int]) -> None:
    """Extract, dedupe and cluster fetched articles, then queue their annotation."""
    extracting.articles_extract(article_ids=article_ids, final_attempt=_final(self))


@shared_task(**_step(pipeline.ANNOTATE))
def annotate_articles_task(self, article_ids: list[int]) -> None:
    """Annotate extracted articles with spaCy, attach them to disputes, propose candidates.

    The pipeline is built once per worker process (ingestion.annotating.get_pipeline).
    """
    annotating.articles_annotate_step(article_ids=article_ids, final_attempt=_final(self))


# Polls do not retry: a failing feed backs off through its own next_poll_at instead.
@shared_task(name=pipeline.POLL_SOURCE_TASK, queue="network", acks_late=True, soft_time_limit=_SOFT_LIMIT,
             time_limit=_LIMIT)
def poll_source_task(source_id: int) -> None:
    """Poll one feed if it is due and nobody else is polling it."""
    sources.source_poll(source_id=source_id)


# Every task sets both limits: a soft limit left to the global default (which is longer) makes
# Celery refuse to send the task at all.
@shared_task(queue="network", acks_late=True, soft_time_limit=50, time_limit=60)
def poll_due_sources_task() -> None:
    """Beat entry point: queue a poll for every feed whose next poll time has come."""
    sources.sources_poll_due()


# The default queue: behind a backlog of fetches or annotations the sweep would come late.
@shared_task(queue="default", acks_late=True, soft_time_limit=50, time_limit=60)
def dispatch_due_articles_task() -> None:
    """Beat entry point (every 30 s): re-send the steps of articles with no message in flight."""
    pipeline.articles_dispatch_due()


@shared_task(queue="default", acks_late=True, soft_time_limit=1700, time_limit=1800)
def expire_fingerprints_task() -> None:
    """Beat entry point: drop near-copy fingerprints older than INGEST_NEAR_COPY_DAYS."""
    extracting.fingerprints_expire()


# Structured task logs: one JSON line per finished task, with its articles (or source), the
# attempt, how long it took and where its articles ended up ("extracted": 9, "failed http_404": 1).
_task_log = logging.getLogger("standoff.tasks")


@task_prerun.connect
def _task_started(task_id=None, task=None, **kwargs):
    _started[task_id] = time.monotonic()


@task_postrun.connect
def _task_finished(task_id=None, task=None, args=None, state=None, **kwargs):
    started = _started.pop(task_id, None)
    if not task.name.startswith("ingestion.") or not _task_log.isEnabledFor(logging.INFO):
        return  # the lookup below is a query per task: skip it when nobody reads the log
    record = {"task": task.name.rsplit(".", 1)[-1], "task_id": task_id, "state": state,
              "attempt": task.request.retries + 1 if task.request else 1}
    if started is not None:
        record["seconds"] = round(time.monotonic() - started, 3)
    if args and task.name.endswith("_articles_task"):
        rows = Article.objects.filter(pk__in=args[0]).values_list("status", "failure_code")
        record |= {"articles": args[0], "outcomes": dict(Counter(f"{s} {f}".strip() for s, f in rows))}
    elif args and task.name.endswith("_source_task"):
        record["source"] = args[0]
    _task_log.info(json.dumps(record))


_started: dict[str, float] = {}
