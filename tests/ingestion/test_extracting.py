import datetime
import zlib

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from ingestion import extracting
from ingestion.extracting import articles_extract
from ingestion.models import Article, ArticleEvent, ArticleFingerprint, FetchedPage, StoryCluster
from tests.factories import ArticleFactory
from tests.ingestion.conftest import STORY, news_page, paragraphs

pytestmark = pytest.mark.django_db

WIRE = (
    "The government of Freedonia ordered the messaging service Chatter to suspend forty "
    "accounts on Tuesday, saying they had spread false reports about the election count. "
    "Officials gave the company two days to comply and warned that its local office could be "
    "closed. A spokesperson for Chatter said the company was reviewing the order and would "
    "protect free expression where the law allowed it. Opposition groups called the demand an "
    "attempt to silence critics ahead of the run-off vote next month."
)


def extract_one(article_id: int, **options) -> bool:
    """Extract a batch of one; True when the article reached EXTRACTED."""
    return article_id in articles_extract(article_ids=[article_id], **options).done


def fetched(html: bytes | str, *, url: str = "", charset: str = "utf-8", **kwargs) -> Article:
    if isinstance(html, str):
        html = html.encode("utf-8")
    url = url or f"https://news.example/{zlib.crc32(html)}"
    article = ArticleFactory(
        url=url, canonical_url=url, text="", status=Article.Status.FETCHED, **kwargs,
    )
    FetchedPage.objects.create(article=article, html=html, charset=charset, final_url=url)
    return article


def test_it_extracts_and_frees_the_stored_page():
    head = '<meta name="author" content="Jane Reporter"><link rel="canonical" href="https://news.example/c/1">'
    article = fetched(news_page("Ministry orders removal", paragraphs(STORY), head=head))
    assert extract_one(article.pk) is True
    article.refresh_from_db()
    assert article.status == Article.Status.EXTRACTED
    assert article.title == "Ministry orders removal"
    assert "communications ministry" in article.text
    assert article.author == "Jane Reporter"
    assert article.canonical_url == "https://news.example/c/1"
    assert len(article.content_hash) == 64
    assert article.final_url == article.url  # kept from the page, which is gone
    assert not FetchedPage.objects.filter(article=article).exists()
    assert ArticleFingerprint.objects.filter(article=article).exists()
    assert extract_one(article.pk) is False  # idempotent


@pytest.mark.parametrize(
    ("html", "code", "reason"),
    [
        (b"", "empty_page", "empty"),
        (b"<html><head><title>x</title></head></html>", "no_body", "no <body>"),
        (b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 10, "binary_content", "binary content"),
        (b"<html><body><nav>Home</nav></body></html>", "no_text", "no article text"),
    ],
)
def test_bad_pages_fail_with_a_readable_reason(html, code, reason):
    article = fetched(html)
    extract_one(article.pk)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert article.failure_code == code
    assert reason in article.failure_reason


def test_a_cp1252_page_with_a_wrong_header_is_stored_correctly():
    text = "Le ministère a dit «non» — c’est la “dernière” étape. " * 8
    article = fetched(news_page("Ordre", paragraphs(text), lang="fr").encode("cp1252"), charset="utf-8")
    extract_one(article.pk)
    article.refresh_from_db()
    assert "c’est la “dernière” étape" in article.text


def test_the_same_text_at_another_url_is_stored_once():
    html = news_page("Order", paragraphs(STORY))
    first = fetched(html, url="https://a.example/1")
    second = fetched(html, url="https://b.example/1")
    extract_one(first.pk)
    extract_one(second.pk)
    second.refresh_from_db()
    assert second.status == Article.Status.SKIPPED
    assert second.duplicate_of_id == first.pk
    assert second.failure_code == "duplicate"
    assert second.text == "" and second.content_hash == ""
    assert Article.objects.filter(content_hash__gt="").count() == 1
    assert not ArticleFingerprint.objects.filter(article=second).exists()


def test_a_rel_canonical_naming_a_stored_article_makes_a_duplicate():
    original = ArticleFactory(url="https://a.example/story", canonical_url="https://a.example/story",
                              status=Article.Status.EXTRACTED)
    head = '<link rel="canonical" href="https://a.example/story?utm_source=amp">'
    amp = fetched(news_page("Order", paragraphs(STORY), head=head), url="https://a.example/amp/story")
    extract_one(amp.pk)
    amp.refresh_from_db()
    assert (amp.status, amp.duplicate_of_id) == (Article.Status.SKIPPED, original.pk)


def test_a_rel_canonical_naming_an_article_without_text_keeps_this_copy():
    # The named page failed (or is not fetched yet): dropping this copy would lose the story.
    ArticleFactory(url="https://a.example/story", canonical_url="https://a.example/story",
                   status=Article.Status.FAILED, failure_reason="HTTP 404")
    head = '<link rel="canonical" href="https://a.example/story">'
    amp = fetched(news_page("Order", paragraphs(STORY), head=head), url="https://a.example/amp/story")
    assert extract_one(amp.pk) is True
    amp.refresh_from_db()
    assert amp.status == Article.Status.EXTRACTED
    assert amp.canonical_url == "https://a.example/amp/story"


def test_wire_copies_join_one_story_cluster_and_others_do_not():
    copy_a = fetched(news_page("Freedonia orders Chatter", f"<p>{WIRE}</p>"), url="https://a.example/x")
    edited = WIRE.replace("was reviewing", "is reviewing").replace("on Tuesday", "")
    copy_b = fetched(news_page("Chatter told to suspend accounts", f"<p>(Wire) — {edited} Read more.</p>"),
                     url="https://b.example/y")
    other = fetched(news_page("Unrelated", paragraphs(STORY)), url="https://c.example/z")
    for article in (copy_a, other, copy_b):
        extract_one(article.pk)
    copy_a.refresh_from_db(), copy_b.refresh_from_db(), other.refresh_from_db()
    assert copy_a.cluster_id is not None
    assert copy_a.cluster_id == copy_b.cluster_id
    assert other.cluster_id is None
    assert StoryCluster.objects.count() == 1


def test_a_corpus_record_is_extracted_from_its_own_text():
    article = ArticleFactory(text=WIRE, status=Article.Status.FETCHED, canonical_url="")
    assert extract_one(article.pk) is True
    article.refresh_from_db()
    assert article.status == Article.Status.EXTRACTED and article.text == WIRE


def test_extraction_queues_annotation_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    from ingestion.tasks import annotate_articles_task

    sent = []
    # The broker is the network edge here: record what would be published.
    monkeypatch.setattr(annotate_articles_task, "delay", lambda *args: sent.append(args))
    article = ArticleFactory(text=WIRE, status=Article.Status.FETCHED, canonical_url="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        extract_one(article.pk)
    assert len(callbacks) == 1
    assert sent == [([article.pk],)]


def test_copies_inside_one_batch_are_stored_once_and_clustered():
    # One batch may hold an exact copy and a wire copy of the same story: the batch must see
    # its own articles as a worker sees the ones stored before.
    html = news_page("Freedonia orders Chatter", f"<p>{WIRE}</p>")
    first = fetched(html, url="https://a.example/x")
    exact = fetched(html, url="https://b.example/x")
    edited = WIRE.replace("was reviewing", "is reviewing").replace("on Tuesday", "")
    wire = fetched(news_page("Chatter told to suspend accounts", f"<p>(Wire) — {edited}</p>"),
                   url="https://c.example/y")
    batch = articles_extract(article_ids=[first.pk, exact.pk, wire.pk])
    assert sorted(batch.done) == [first.pk, wire.pk]
    exact.refresh_from_db(), first.refresh_from_db(), wire.refresh_from_db()
    assert (exact.status, exact.duplicate_of_id) == (Article.Status.SKIPPED, first.pk)
    assert first.cluster_id is not None and first.cluster_id == wire.cluster_id
    assert ArticleEvent.objects.filter(status="extracted").count() == 2


def test_a_bad_page_fails_alone_and_its_batch_goes_on():
    good = fetched(news_page("Order", paragraphs(STORY)))
    bad = fetched(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 10)
    batch = articles_extract(article_ids=[bad.pk, good.pk])
    assert batch.done == [good.pk]
    assert Article.objects.get(pk=bad.pk).failure_code == "binary_content"


def test_postgresql_gets_statistics_on_fingerprints_before_the_first_lookup(monkeypatch):
    # Without them, PostgreSQL plans every candidate lookup as a scan of the whole table.
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    monkeypatch.setattr(extracting, "_fingerprint_statistics", False)
    table = ArticleFingerprint._meta.db_table
    with connection.cursor() as cursor:
        # A fresh database's table: no statistics yet (rolled back with the test).
        cursor.execute("DELETE FROM pg_statistic WHERE starelid = %s::regclass", [table])
        article = ArticleFactory(text=WIRE, status=Article.Status.FETCHED, canonical_url="")
        assert extract_one(article.pk) is True
        cursor.execute("SELECT n_distinct FROM pg_stats WHERE tablename = %s AND attname = 'value'", [table])
        assert cursor.fetchone()[0] == -1  # every value distinct
    assert extracting._fingerprint_statistics is True


# Expiry of near-copy fingerprints ---------------------------------------------------------


def stored(*, created_days_ago: float, extracted_days_ago: float | None, values=(1, 2, 3)) -> Article:
    """An article with fingerprints, created and extracted that many days ago."""
    now = timezone.now()
    article = ArticleFactory(status=Article.Status.EXTRACTED)
    Article.objects.filter(pk=article.pk).update(
        created_at=now - datetime.timedelta(days=created_days_ago),
        extracted_at=None if extracted_days_ago is None else now - datetime.timedelta(days=extracted_days_ago),
    )
    extracting._fingerprints_store([(article.pk, value * 1000 + article.pk) for value in values])
    return article


def has_fingerprints(article: Article) -> bool:
    return ArticleFingerprint.objects.filter(article=article).exists()


def test_fingerprints_of_articles_stored_before_the_window_go_and_the_rest_stay():
    old = stored(created_days_ago=30, extracted_days_ago=30)
    late = stored(created_days_ago=20, extracted_days_ago=2)  # retried for days, extracted lately
    stopped = stored(created_days_ago=20, extracted_days_ago=None)  # never marked extracted
    recent = stored(created_days_ago=1, extracted_days_ago=1)
    assert extracting.fingerprints_expire(days=14, chunk=1) == 2
    assert not has_fingerprints(old) and not has_fingerprints(stopped)
    assert has_fingerprints(late) and has_fingerprints(recent)
    assert Article.objects.filter(pk=old.pk, status=Article.Status.EXTRACTED).exists()  # the article stays
    assert extracting.fingerprints_expire(days=14) == 0  # idempotent


def test_the_scan_stops_at_the_first_article_created_inside_the_window():
    recent = stored(created_days_ago=1, extracted_days_ago=1)
    after = stored(created_days_ago=30, extracted_days_ago=30)  # a later id is never older in practice
    assert extracting.fingerprints_expire(days=14, chunk=1) == 0
    assert has_fingerprints(recent) and has_fingerprints(after)


def test_zero_days_keeps_every_fingerprint(settings):
    settings.INGEST_NEAR_COPY_DAYS = 0
    old = stored(created_days_ago=400, extracted_days_ago=400)
    assert extracting.fingerprints_expire() == 0
    assert has_fingerprints(old)


def test_a_copy_of_an_expired_article_is_a_story_of_its_own():
    first = fetched(news_page("Freedonia orders Chatter", f"<p>{WIRE}</p>"), url="https://a.example/x")
    assert extract_one(first.pk)
    Article.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=20),
        extracted_at=timezone.now() - datetime.timedelta(days=20),
    )
    assert extracting.fingerprints_expire(days=14) == 1
    copy = fetched(news_page("Chatter told to suspend accounts", f"<p>(Wire) — {WIRE} Read more.</p>"),
                   url="https://b.example/y")
    assert extract_one(copy.pk)
    first.refresh_from_db(), copy.refresh_from_db()
    assert first.cluster_id is None and copy.cluster_id is None


def test_beat_runs_the_expiry_daily():
    entry = PeriodicTask.objects.get(name="Expire near-copy fingerprints")
    assert (entry.interval.every, entry.interval.period, entry.enabled) == (1, "days", True)
    assert entry.task in app.tasks
