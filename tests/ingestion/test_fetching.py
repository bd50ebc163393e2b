import datetime

import pytest
from django.utils import timezone

from ingestion.batches import Busy
from ingestion.errors import TransientError
from ingestion.fetching import articles_fetch
from ingestion.models import Article, ArticleEvent, FetchedPage
from tests.factories import ArticleFactory
from tests.ingestion.conftest import STORY, news_page, paragraphs

pytestmark = pytest.mark.django_db


def fetch_one(article_id: int, **options) -> bool:
    """Fetch a batch of one; True when the article moved on to FETCHED."""
    return article_id in articles_fetch(article_ids=[article_id], **options).done


def discovered(url: str) -> Article:
    return ArticleFactory(url=url, canonical_url=url, text="", status=Article.Status.DISCOVERED)


def test_it_fetches_stores_the_page_and_queues_extraction(
    ingest_settings, http_server, django_capture_on_commit_callbacks
):
    html = news_page("Order", paragraphs(STORY))
    article = discovered(http_server.add("/a", html))
    with django_capture_on_commit_callbacks() as callbacks:
        assert fetch_one(article.pk) is True
    article.refresh_from_db()
    assert article.status == Article.Status.FETCHED
    assert bytes(article.page.html) == html.encode()
    assert article.page.charset == "utf-8"
    assert article.attempts == 1
    assert article.lease_token == "" and article.lease_until is None
    assert len(callbacks) == 1  # extract_articles_task.delay_on_commit


def test_a_second_run_does_nothing(ingest_settings, http_server):
    article = discovered(http_server.add("/a", news_page("Order", paragraphs(STORY))))
    fetch_one(article.pk)
    assert fetch_one(article.pk) is False
    assert len(http_server.hits) == 1
    assert ArticleEvent.objects.filter(article=article, status="fetched").count() == 1


def test_a_missing_article_is_ignored(ingest_settings):
    assert fetch_one(987654) is False


def test_a_404_fails_permanently_with_a_reason(ingest_settings, http_server):
    article = discovered(http_server.add("/gone", "no", status=404))
    assert fetch_one(article.pk) is False
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert article.failure_code == "http_404"
    assert "HTTP 404" in article.failure_reason


def test_a_redirect_to_the_metadata_address_fails_as_unsafe(ingest_settings, http_server):
    article = discovered(http_server.redirect("/r", "http://169.254.169.254/latest/meta-data/"))
    fetch_one(article.pk)
    article.refresh_from_db()
    assert (article.status, article.failure_code) == (Article.Status.FAILED, "unsafe_url")
    assert "169.254.169.254" in article.failure_reason


def test_a_redirect_to_127_0_0_1_on_another_port_fails_as_unsafe(ingest_settings, http_server):
    # Only the test server's port is allowed; any other loopback service is refused.
    article = discovered(http_server.redirect("/r", "http://127.0.0.1:9/admin"))
    fetch_one(article.pk)
    article.refresh_from_db()
    assert (article.status, article.failure_code) == (Article.Status.FAILED, "unsafe_url")


def test_a_redirect_loop_fails_with_a_reason(ingest_settings, http_server):
    http_server.redirect("/a", "/b")
    article = discovered(http_server.redirect("/b", "/a"))
    fetch_one(article.pk)
    article.refresh_from_db()
    assert article.failure_code == "redirect_loop"
    assert "redirect loop" in article.failure_reason


def test_a_response_far_larger_than_the_limit_fails(ingest_settings, http_server):
    article = discovered(http_server.add("/big", b"<p>x</p>" * (300 * 1024)))  # 2.4 MB > 1 MiB
    fetch_one(article.pk)
    article.refresh_from_db()
    assert (article.status, article.failure_code) == (Article.Status.FAILED, "too_large")
    assert not FetchedPage.objects.filter(article=article).exists()


def test_a_transient_error_is_recorded_released_and_raised(ingest_settings, http_server):
    article = discovered(http_server.add("/busy", "later", status=503))
    with pytest.raises(TransientError):
        fetch_one(article.pk)
    article.refresh_from_db()
    assert article.status == Article.Status.DISCOVERED
    assert article.failure_code == "http_503"
    assert article.lease_until is None  # the retry can claim it at once
    assert ArticleEvent.objects.filter(article=article, detail__startswith="will retry").exists()


def test_the_final_attempt_records_a_failure_instead_of_raising(ingest_settings, http_server):
    article = discovered(http_server.add("/busy", "later", status=503))
    assert fetch_one(article.pk, final_attempt=True) is False
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert article.failure_reason.startswith("gave up after 1 attempts: HTTP 503")


def test_a_row_leased_by_another_worker_is_busy(ingest_settings, http_server):
    article = discovered(http_server.add("/a", "x"))
    Article.objects.filter(pk=article.pk).update(
        lease_until=timezone.now() + datetime.timedelta(minutes=5), lease_token="other"
    )
    with pytest.raises(Busy):
        fetch_one(article.pk)
    assert http_server.hits == []


def test_an_expired_lease_of_a_killed_worker_is_taken_over(ingest_settings, http_server):
    article = discovered(http_server.add("/a", news_page("Order", paragraphs(STORY))))
    Article.objects.filter(pk=article.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1), lease_token="dead", attempts=1
    )
    assert fetch_one(article.pk) is True
    article.refresh_from_db()
    assert article.attempts == 2


def test_a_worker_that_lost_its_lease_cannot_finish(ingest_settings, http_server):
    # The slow worker's lease expires and another takes over; the slow one must not write.
    from ingestion import batches

    article = discovered(http_server.add("/a", news_page("Order", paragraphs(STORY))))
    batch = batches.claim([article.pk], Article.Status.DISCOVERED)
    Article.objects.filter(pk=article.pk).update(lease_token="newer-worker")
    assert batches.finish(batch.articles[0], batch.token, from_status="discovered", status="fetched") is False
    assert Article.objects.get(pk=article.pk).status == Article.Status.DISCOVERED


def test_a_batch_stores_what_it_fetched_and_raises_for_the_rest(
    ingest_settings, http_server, django_capture_on_commit_callbacks
):
    ok = discovered(http_server.add("/ok", news_page("Order", paragraphs(STORY))))
    gone = discovered(http_server.add("/gone", "no", status=404))
    busy = discovered(http_server.add("/busy", "later", status=503))
    ids = [ok.pk, gone.pk, busy.pk]
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(TransientError):
        articles_fetch(article_ids=ids)
    statuses = dict(Article.objects.values_list("pk", "status"))
    assert statuses == {ok.pk: "fetched", gone.pk: "failed", busy.pk: "discovered"}
    assert [c.args[1:] for c in callbacks] == [([ok.pk], "fetched")]  # one extraction batch, for the page it got

    # The retry resends the whole batch; only the article that is still due is requested.
    http_server.add("/busy", news_page("Later", paragraphs(STORY)))
    hits = len(http_server.hits)
    assert articles_fetch(article_ids=ids).done == [busy.pk]
    assert [hit.path for hit in http_server.hits[hits:]] == ["/busy"]


def test_a_batch_out_of_time_hands_the_rest_back_unattempted(
    ingest_settings, http_server, django_capture_on_commit_callbacks
):
    first, second, third = (discovered(http_server.add(f"/{n}", news_page("Order", paragraphs(STORY))))
                            for n in range(3))
    with django_capture_on_commit_callbacks() as callbacks:
        batch = articles_fetch(article_ids=[first.pk, second.pk, third.pk], budget=0)
    assert batch.done == [first.pk] and batch.later == [second.pk, third.pk]
    assert len(http_server.hits) == 1
    rest = Article.objects.filter(pk__in=batch.later)
    assert {(a.status, a.attempts, a.lease_token) for a in rest} == {("discovered", 0, "")}
    from ingestion.tasks import extract_articles_task, fetch_articles_task

    assert [(c.args[0].name, *c.args[1:]) for c in callbacks] == [
        (extract_articles_task.name, [first.pk], "fetched"),
        (fetch_articles_task.name, [second.pk, third.pk], "discovered"),
    ]
