import pytest

from ingestion.models import IngestRun
from ingestion.selectors import ingestion_health, queue_lengths
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    feed = SourceFactory(name="Feed A", consecutive_failures=2, last_error="HTTP 503")
    other = SourceFactory(name="Feed B")
    for n, status in enumerate(["discovered", "fetched", "extracted", "extracted", "failed"]):
        ArticleFactory(source=feed, status=status, canonical_url=f"https://a.example/{n}",
                       failure_reason="HTTP 404 from x" if status == "failed" else "")
    ArticleFactory(source=other, status="skipped", failure_reason="duplicate", canonical_url="https://b.example/1")
    return feed, other


def test_it_counts_by_status_overall_and_per_source(articles, redis_url):
    feed, other = articles
    health = ingestion_health(redis_url=redis_url)
    assert health.counts == {
        "discovered": 1, "fetched": 1, "extracted": 2, "annotated": 0, "failed": 1, "skipped": 1,
    }
    by_name = {row.source.name: row for row in health.sources}
    assert by_name["Feed A"].counts["extracted"] == 2 and by_name["Feed A"].total == 5
    assert by_name["Feed B"].counts["skipped"] == 1
    assert health.failing_sources == [feed]
    assert [a.failure_reason for a in health.recent_failures] == ["HTTP 404 from x"]


def test_it_reads_queue_lengths_from_the_broker(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete("network", "cpu", "default")
    client.rpush("network", "m1", "m2")
    assert queue_lengths(redis_url) == {"network": 2, "cpu": 0, "default": 0}
    client.delete("network")


def test_an_unreachable_broker_is_reported_not_raised():
    assert queue_lengths("redis://127.0.0.1:1/0") == {"network": None, "cpu": None, "default": None}


def test_a_run_in_progress_shows_its_progress(redis_url):
    source = SourceFactory()
    run = IngestRun.objects.create(kind=IngestRun.Kind.CORPUS, source=source, status=IngestRun.Status.FINISHED)
    for n, status in enumerate(["annotated", "annotated", "fetched", "failed"]):
        ArticleFactory(run=run, status=status, canonical_url=f"https://c.example/{n}",
                       failure_reason="x" if status == "failed" else "")
    finished = IngestRun.objects.create(kind=IngestRun.Kind.CORPUS, status=IngestRun.Status.FINISHED)
    ArticleFactory(run=finished, status="annotated", canonical_url="https://c.example/done")
    health = ingestion_health(redis_url=redis_url)
    assert [row.run for row in health.running] == [run]
    assert (health.running[0].done, health.running[0].total, health.running[0].percent) == (3, 4, 75)


def test_it_costs_a_fixed_number_of_queries(articles, redis_url, django_assert_max_num_queries):
    for n in range(5):
        SourceFactory(name=f"Extra {n}")
    IngestRun.objects.create(kind=IngestRun.Kind.POLL)
    with django_assert_max_num_queries(6):
        ingestion_health(redis_url=redis_url)
