import pytest
from django.conf import settings

from ingestion import tasks
from ingestion.errors import TransientError
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
                 tasks.poll_due_sources_task, tasks.recover_stalled_articles_task):
        assert task.soft_time_limit is not None and task.soft_time_limit < task.time_limit, task.name


def test_only_transient_errors_are_retried_with_jittered_backoff():
    for task in (tasks.fetch_articles_task, tasks.extract_articles_task):
        assert task.autoretry_for == (TransientError,)
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


def test_recover_task_requeues_stalled_articles(django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    old = timezone.now() - datetime.timedelta(hours=2)
    stalled = ArticleFactory(status=Article.Status.DISCOVERED, canonical_url="https://a.example/1")
    fetched = ArticleFactory(status=Article.Status.FETCHED, canonical_url="https://a.example/2")
    ArticleFactory(status=Article.Status.EXTRACTED, canonical_url="https://a.example/3")
    ArticleFactory(status=Article.Status.ANNOTATED, canonical_url="https://a.example/5")
    fresh = ArticleFactory(status=Article.Status.DISCOVERED, canonical_url="https://a.example/4")
    Article.objects.filter(pk__in=[stalled.pk, fetched.pk]).update(updated_at=old)
    Article.objects.exclude(pk__in=[stalled.pk, fetched.pk, fresh.pk]).update(updated_at=old)
    with django_capture_on_commit_callbacks() as callbacks:
        tasks.recover_stalled_articles_task(minutes=30)
    assert len(callbacks) == 3  # fetch, extract and annotate re-queued; the annotated one is done
