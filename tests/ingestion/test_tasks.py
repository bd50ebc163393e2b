import pytest
from django.conf import settings

from ingestion import tasks
from ingestion.errors import TransientError, infrastructure_errors
from ingestion.models import Article
from tests.factories import ArticleFactory
from tests.ingestion.conftest import STORY, news_page, paragraphs

pytestmark = pytest.mark.django_db


def discovered(url: str) -> Article:
    return ArticleFactory(url=url, canonical_url=url, text="", status=Article.Status.DISCOVERED)


def test_tasks_are_on_their_queues_with_acks_late_and_time_limits():
    assert tasks.fetch_articles_task.queue == "network"
    assert tasks.poll_source_task.queue == "network"
    assert tasks.extract_articles_task.queue == "cpu"
    for task in (tasks.fetch_articles_task, tasks.extract_articles_task, tasks.poll_source_task):
        assert task.acks_late is True
        assert task.time_limit and task.soft_time_limit < task.time_limit
        # A row's lease outlives the task, and the broker's redelivery outlives the lease.
        assert task.time_limit < settings.INGEST_LEASE_SECONDS
        assert settings.INGEST_LEASE_SECONDS < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_every_task_can_be_sent_with_its_limits():
    # Beat's send fails when a task's soft limit (or the global default) exceeds its hard limit.
    for task in (tasks.fetch_articles_task, tasks.extract_articles_task, tasks.poll_source_task,
                 tasks.poll_due_sources_task, tasks.dispatch_due_articles_task,
                 tasks.annotate_articles_task):
        assert task.soft_time_limit is not None and task.soft_time_limit < task.time_limit, task.name


def test_only_transient_errors_are_retried_with_jittered_backoff():
    for task in (tasks.fetch_articles_task, tasks.extract_articles_task):
        # Broker, cache and database connection errors are transient too.
        assert task.autoretry_for == (TransientError, *infrastructure_errors())
        assert task.retry_backoff and task.retry_jitter
        assert task.max_retries == settings.INGEST_MAX_RETRIES
    assert not getattr(tasks.poll_source_task, "autoretry_for", ())


def test_fetch_task_runs_the_service(ingest_settings, http_server, django_capture_on_commit_callbacks):
    article = discovered(http_server.add("/a", news_page("Order", paragraphs(STORY))))
    with django_capture_on_commit_callbacks(execute=False):
        tasks.fetch_articles_task([article.pk])
    assert Article.objects.get(pk=article.pk).status == Article.Status.FETCHED


def test_fetch_task_raises_transient_errors_for_the_retry(ingest_settings, http_server):
    article = discovered(http_server.add("/busy", "later", status=503))
    with pytest.raises(TransientError):
        tasks.fetch_articles_task([article.pk])
    assert Article.objects.get(pk=article.pk).status == Article.Status.DISCOVERED


def test_fetch_task_records_failure_on_its_last_retry(ingest_settings, http_server):
    article = discovered(http_server.add("/busy", "later", status=503))
    tasks.fetch_articles_task.apply(args=[[article.pk]], retries=settings.INGEST_MAX_RETRIES)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert article.failure_reason.startswith("gave up after")


def test_fetch_task_does_not_retry_permanent_errors(ingest_settings, http_server):
    article = discovered(http_server.add("/gone", "no", status=404))
    tasks.fetch_articles_task([article.pk])  # no exception: nothing to retry
    assert Article.objects.get(pk=article.pk).status == Article.Status.FAILED


def test_tasks_ignore_missing_rows(ingest_settings):
    tasks.fetch_articles_task([424242])
    tasks.extract_articles_task([424242])
    tasks.poll_source_task(424242)


def test_the_sweep_resends_articles_with_no_message_in_flight(monkeypatch, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    now = timezone.now()
    past, future = now - datetime.timedelta(seconds=1), now + datetime.timedelta(minutes=1)
    unsent = ArticleFactory(status="discovered", canonical_url="https://a.example/1", queued_until=None)
    lost = ArticleFactory(status="fetched", canonical_url="https://a.example/2", queued_until=past)
    retry_lost = ArticleFactory(status="extracted", canonical_url="https://a.example/3", queued_until=past)
    ArticleFactory(status="extracted", canonical_url="https://a.example/4", queued_until=future)  # queued
    ArticleFactory(status="discovered", canonical_url="https://a.example/5", lease_until=future)  # held
    ArticleFactory(status="annotated", canonical_url="https://a.example/6")
    ArticleFactory(status="failed", failure_reason="http_404", canonical_url="https://a.example/7")
    sent = []
    for task in (tasks.fetch_articles_task, tasks.extract_articles_task, tasks.annotate_articles_task):  # the broker is the network edge: record what is published
        monkeypatch.setattr(task, "delay", lambda ids, task=task: sent.append((task.name.split(".")[-1], ids)))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_due_articles_task()
    assert sorted(sent) == [("annotate_articles_task", [retry_lost.pk]), ("extract_articles_task", [lost.pk]),
                            ("fetch_articles_task", [unsent.pk])]
    # Their message is in flight again: the next sweep leaves them alone.
    assert all(a.queued_until > now for a in Article.objects.filter(pk__in=[unsent.pk, lost.pk, retry_lost.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_due_articles_task()
    assert len(sent) == 3


def test_a_send_that_fails_while_the_broker_is_down_leaves_the_step_to_the_sweep(
    ingest_settings, http_server, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    article = discovered(http_server.add("/a", news_page("Order", paragraphs(STORY))))

    def broker_down(ids):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.extract_articles_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.fetch_articles_task([article.pk])  # the page is stored: nothing raises after the commit
    article.refresh_from_db()
    assert (article.status, article.queued_until) == (Article.Status.FETCHED, None)
    assert Article.objects.due_for_dispatch(article.updated_at).filter(pk=article.pk).exists()

    sent = []
    monkeypatch.setattr(tasks.extract_articles_task, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_due_articles_task()
    assert sent == [[article.pk]]


def test_a_retry_is_recorded_on_the_rows_for_the_sweep(monkeypatch):
    import datetime

    from celery import Task
    from django.utils import timezone

    article = discovered("https://a.example/busy")
    moved_on = ArticleFactory(status="fetched", canonical_url="https://a.example/ok", queued_until=None)
    # Celery's own retry sends the message: the broker is the network edge.
    monkeypatch.setattr(Task, "retry", lambda self, *args, **kwargs: "sent")
    before = timezone.now()
    assert tasks.fetch_articles_task.retry(args=[[article.pk, moved_on.pk]], countdown=40) == "sent"
    article.refresh_from_db(), moved_on.refresh_from_db()
    # The sweep re-sends it only if the retry has not come INGEST_REQUEUE_AFTER after its time.
    expected = before + datetime.timedelta(seconds=40 + settings.INGEST_REQUEUE_AFTER)
    assert expected <= article.queued_until <= expected + datetime.timedelta(seconds=5)
    assert moved_on.queued_until is None  # the next step's business
