"""The chain of steps an article goes through, and how the next step is sent.

`STEPS` is the one table of the steps: the status an article waits in for each, the status it
reaches, the queue and the Celery task that runs it. Each step module moves its articles on and
calls `articles_dispatch`, which sends the step that follows; the dispatch sweep re-sends, from
the same table, the steps whose message a broker outage lost. Tasks are looked up by name in
Celery's registry (`ingestion.tasks` registers them when the app is ready), so the step modules
never import the tasks module, which imports them.
"""

import datetime
import functools
import logging
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ingestion import batches
from ingestion.errors import infrastructure_errors, is_infrastructure
from ingestion.models import Article

logger = logging.getLogger(__name__)

Status = Article.Status


@dataclass(frozen=True)
class Step:
    name: str
    waits_in: str  # the status an article waits in for this step
    moves_to: str  # the status it reaches when the step succeeds
    queue: str  # network work and CPU work scale separately
    task: str  # the Celery task's registered name
    switch: str = ""  # a boolean setting that turns the step off

    @property
    def enabled(self) -> bool:
        return not self.switch or getattr(settings, self.switch)


FETCH = Step("fetch", Status.DISCOVERED, Status.FETCHED, "network", "ingestion.tasks.fetch_articles_task")
EXTRACT = Step("extract", Status.FETCHED, Status.EXTRACTED, "cpu", "ingestion.tasks.extract_articles_task")
ANNOTATE = Step("annotate", Status.EXTRACTED, Status.ANNOTATED, "cpu", "ingestion.tasks.annotate_articles_task",
                switch="INGEST_ANNOTATE")
# The step each waiting status is waiting for; a step's successor is STEPS.get(step.moves_to).
STEPS = {step.waits_in: step for step in (FETCH, EXTRACT, ANNOTATE)}

POLL_SOURCE_TASK = "ingestion.tasks.poll_source_task"


def task_named(name: str):
    """The registered Celery task called `name`."""
    return current_app.tasks[name]


def articles_dispatch(*, article_ids: list[int], status: str) -> None:
    """Send the step that articles in `status` wait for over `article_ids`, INGEST_BATCH_SIZE
    at a time, once the transaction commits. Nothing is sent past the last step, or for a
    step that is turned off.

    The rows (now in `status`) carry their step's state; the message is only a hint. A send
    that fails because the broker is down does not raise after the commit, which would lose
    the rest of the task's work: the rows' `queued_until` is emptied instead, and the dispatch
    sweep sends them again once the broker is back.

    A message and a task per article cost about as much as the work on the article (measured
    with bench/ingest.py); within a batch each article still succeeds or fails on its own.
    """
    step = STEPS.get(status)
    if step is None or not step.enabled or not article_ids:
        return
    task = task_named(step.task)
    for chunk in batches.chunks(list(article_ids), settings.INGEST_BATCH_SIZE):
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


def articles_dispatch_due(*, now: datetime.datetime | None = None, limit: int | None = None) -> int:
    """Send again the next step of unfinished articles with no message in flight and no lease.

    The dispatch sweep (beat, every 30 seconds): one indexed query and a message per batch.
    It finds the articles whose message could not be sent (the broker was down) or was lost
    (a broker restart, a worker cut off from it) or whose retry never came. A duplicate is
    harmless: every step claims its rows with a conditional UPDATE. Returns how many it sent.
    """
    now = now or timezone.now()
    limit = limit or settings.INGEST_DISPATCH_LIMIT
    statuses = [status for status, step in STEPS.items() if step.enabled]
    rows = Article.objects.due_for_dispatch(now).filter(status__in=statuses).order_by("pk")
    by_status: dict[str, list[int]] = {}
    for pk, status in rows.values_list("pk", "status")[:limit]:
        by_status.setdefault(status, []).append(pk)
    with transaction.atomic():
        for status, ids in by_status.items():
            for chunk in batches.chunks(ids):
                Article.objects.filter(pk__in=chunk, status=status).update(queued_until=batches.queued_until())
            articles_dispatch(article_ids=ids, status=status)
    sent = sum(len(ids) for ids in by_status.values())
    if sent:
        logger.info("dispatch sweep: sent %s", {status: len(ids) for status, ids in by_status.items()})
    return sent
