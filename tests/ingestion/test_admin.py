import pytest
from django.urls import reverse

from ingestion.models import Source
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_the_health_page_shows_counts_failures_and_failing_sources(curator_client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    SourceFactory(name="Broken feed", consecutive_failures=3, last_error="connection refused")
    ArticleFactory(status="failed", failure_reason="HTTP 404 from https://a.example/x")
    response = curator_client.get(reverse("admin:ingestion_health"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Broken feed" in body and "failing ×3" in body and "connection refused" in body
    assert "HTTP 404 from https://a.example/x" in body


def test_the_health_page_requires_permission(staff_without_role, client):
    client.force_login(staff_without_role)
    assert client.get(reverse("admin:ingestion_health")).status_code == 403


def test_the_source_list_shows_health(curator_client):
    SourceFactory(name="Broken feed", consecutive_failures=2, last_error="HTTP 503")
    body = curator_client.get(reverse("admin:ingestion_source_changelist")).content.decode()
    assert "failing ×2" in body
    assert reverse("admin:ingestion_health") in body


def test_the_article_list_shows_readable_failure_reasons(curator_client):
    ArticleFactory(status="failed", failure_code="binary_content", failure_reason="binary content served as HTML")
    response = curator_client.get(reverse("admin:ingestion_article_changelist") + "?status__exact=failed")
    assert "binary content served as HTML" in response.content.decode()


def test_poll_now_queues_a_poll_and_clears_the_wait(admin_client, django_capture_on_commit_callbacks):
    source = SourceFactory(kind=Source.Kind.RSS)
    with django_capture_on_commit_callbacks() as callbacks:
        admin_client.post(
            reverse("admin:ingestion_source_changelist"),
            {"action": "poll_now", "_selected_action": [source.pk]},
        )
    assert len(callbacks) == 1


def test_reset_backoff_clears_failures(admin_client):
    source = SourceFactory(consecutive_failures=4)
    admin_client.post(
        reverse("admin:ingestion_source_changelist"),
        {"action": "reset_backoff", "_selected_action": [source.pk]},
    )
    source.refresh_from_db()
    assert source.consecutive_failures == 0


def test_the_beat_schedule_is_in_the_database():
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"ingestion.tasks.poll_due_sources_task", "ingestion.tasks.dispatch_due_articles_task"} <= tasks
    assert "ingestion.tasks.recover_stalled_articles_task" not in tasks  # folded into the sweep
