import datetime

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from ingestion import services
from ingestion.models import Article, ArticleFingerprint
from tests.factories import ArticleFactory
from tests.ingestion.test_article_extract import WIRE, extract_one, fetched
from tests.ingestion.conftest import news_page

pytestmark = pytest.mark.django_db


def stored(*, created_days_ago: float, extracted_days_ago: float | None, values=(1, 2, 3)) -> Article:
    """An article with fingerprints, created and extracted that many days ago."""
    now = timezone.now()
    article = ArticleFactory(status=Article.Status.EXTRACTED)
    Article.objects.filter(pk=article.pk).update(
        created_at=now - datetime.timedelta(days=created_days_ago),
        extracted_at=None if extracted_days_ago is None else now - datetime.timedelta(days=extracted_days_ago),
    )
    services._fingerprints_store([(article.pk, value * 1000 + article.pk) for value in values])
    return article


def has_fingerprints(article: Article) -> bool:
    return ArticleFingerprint.objects.filter(article=article).exists()


def test_fingerprints_of_articles_stored_before_the_window_go_and_the_rest_stay():
    old = stored(created_days_ago=30, extracted_days_ago=30)
    late = stored(created_days_ago=20, extracted_days_ago=2)  # retried for days, extracted lately
    stopped = stored(created_days_ago=20, extracted_days_ago=None)  # never marked extracted
    recent = stored(created_days_ago=1, extracted_days_ago=1)
    assert services.fingerprints_expire(days=14, chunk=1) == 2
    assert not has_fingerprints(old) and not has_fingerprints(stopped)
    assert has_fingerprints(late) and has_fingerprints(recent)
    assert Article.objects.filter(pk=old.pk, status=Article.Status.EXTRACTED).exists()  # the article stays
    assert services.fingerprints_expire(days=14) == 0  # idempotent


def test_the_scan_stops_at_the_first_article_created_inside_the_window():
    recent = stored(created_days_ago=1, extracted_days_ago=1)
    after = stored(created_days_ago=30, extracted_days_ago=30)  # a later id is never older in practice
    assert services.fingerprints_expire(days=14, chunk=1) == 0
    assert has_fingerprints(recent) and has_fingerprints(after)


def test_zero_days_keeps_every_fingerprint(settings):
    settings.INGEST_NEAR_COPY_DAYS = 0
    old = stored(created_days_ago=400, extracted_days_ago=400)
    assert services.fingerprints_expire() == 0
    assert has_fingerprints(old)


def test_a_copy_of_an_expired_article_is_a_story_of_its_own():
    first = fetched(news_page("Freedonia orders Chatter", f"<p>{WIRE}</p>"), url="https://a.example/x")
    assert extract_one(first.pk)
    Article.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=20),
        extracted_at=timezone.now() - datetime.timedelta(days=20),
    )
    assert services.fingerprints_expire(days=14) == 1
    copy = fetched(news_page("Chatter told to suspend accounts", f"<p>(Wire) — {WIRE} Read more.</p>"),
                   url="https://b.example/y")
    assert extract_one(copy.pk)
    first.refresh_from_db(), copy.refresh_from_db()
    assert first.cluster_id is None and copy.cluster_id is None


def test_beat_runs_the_expiry_daily():
    entry = PeriodicTask.objects.get(name="Expire near-copy fingerprints")
    assert (entry.interval.every, entry.interval.period, entry.enabled) == (1, "days", True)
    assert entry.task in app.tasks
