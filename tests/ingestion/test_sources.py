import datetime

import pytest
from django.utils import timezone

from ingestion.models import Article, IngestRun, Source
from ingestion.sources import source_backoff, source_poll, sources_poll_due
from tests.factories import SourceFactory
from tests.ingestion.conftest import rss
from tests.ingestion.httpserver import LocalServer, Route

pytestmark = pytest.mark.django_db


def feed_source(url: str, **kwargs) -> Source:
    return SourceFactory(url=url, kind=Source.Kind.RSS, **kwargs)


def test_it_discovers_entries_and_queues_their_fetch(
    ingest_settings, http_server, django_capture_on_commit_callbacks
):
    url = http_server.add(
        "/feed.xml",
        rss([("One", "https://news.example/1?utm_source=rss"), ("Two", "https://news.example/2")]),
        content_type="application/rss+xml",
    )
    source = feed_source(url)
    with django_capture_on_commit_callbacks() as callbacks:
        run = source_poll(source_id=source.pk)
    assert (run.status, run.new, run.duplicates) == (IngestRun.Status.FINISHED, 2, 0)
    assert sorted(Article.objects.values_list("canonical_url", flat=True)) == [
        "https://news.example/1", "https://news.example/2",
    ]
    assert set(Article.objects.values_list("status", flat=True)) == {"discovered"}
    [queued] = callbacks  # one fetch batch for both
    assert sorted(queued.args[1]) == sorted(Article.objects.values_list("pk", flat=True))
    source.refresh_from_db()
    assert source.last_success_at and source.consecutive_failures == 0
    assert source.next_poll_at > timezone.now() + datetime.timedelta(minutes=59)


def test_polling_twice_adds_nothing_and_uses_conditional_get(ingest_settings, http_server):
    body = rss([("One", "https://news.example/1")])

    def responder(headers):
        if headers.get("If-None-Match") == '"f1"':
            return 304, {"ETag": '"f1"'}, b""
        return 200, {"ETag": '"f1"', "Content-Type": "application/rss+xml"}, body

    http_server.routes["/feed"] = Route(responder=responder)
    source = feed_source(http_server.url("/feed"))
    source_poll(source_id=source.pk)
    second = source_poll(source_id=source.pk, force=True)
    assert Article.objects.count() == 1
    assert second.new == 0
    source.refresh_from_db()
    assert source.last_poll_note == "not modified (304)"
    assert http_server.hits[1].headers["If-None-Match"] == '"f1"'


def test_the_same_article_in_two_feeds_is_stored_once(ingest_settings, http_server):
    first = feed_source(http_server.add("/a", rss([("X", "https://news.example/x")])))
    second = feed_source(http_server.add("/b", rss([("X", "https://news.example/x#top")])))
    source_poll(source_id=first.pk)
    run = source_poll(source_id=second.pk)
    assert Article.objects.count() == 1
    assert (run.new, run.duplicates) == (0, 1)


def test_a_feed_with_thousands_of_entries_loses_none(ingest_settings, http_server):
    items = [(f"Story {n}", f"https://news.example/{n}") for n in range(3000)]
    source = feed_source(http_server.add("/big", rss(items)))
    run = source_poll(source_id=source.pk)
    assert run.new == 3000
    assert Article.objects.count() == 3000


def test_duplicates_and_linkless_entries_are_counted(ingest_settings, http_server):
    body = rss([("A", "https://news.example/a"), ("A again", "https://news.example/a"), ("No link", "")])
    source = feed_source(http_server.add("/f", body))
    run = source_poll(source_id=source.pk)
    assert run.new == 1
    assert run.problems == {"duplicate in feed": 1, "no link": 1}
    source.refresh_from_db()
    assert "no link: 1" in source.last_poll_note


def test_a_malformed_feed_is_recorded_on_the_source_and_backs_off(ingest_settings, http_server):
    source = feed_source(http_server.add("/bad", b"<rss><channel><item><title>oops"))
    run = source_poll(source_id=source.pk)
    assert run.status == IngestRun.Status.FAILED
    source.refresh_from_db()
    assert source.consecutive_failures == 1
    assert "malformed feed" in source.last_error
    assert source.next_poll_at > timezone.now() + datetime.timedelta(hours=1, minutes=59)


def test_an_unreachable_feed_fails_politely_and_recovers(ingest_settings, http_server):
    # Like a real feed without internet: nothing listens at the address.
    dead = LocalServer().start()
    url = dead.url("/feed")
    dead.stop()
    ingest_settings.INGEST_LOOPBACK_PORTS = [http_server.port, dead.port]
    source = feed_source(url)
    for expected in (1, 2, 3):
        source_poll(source_id=source.pk, force=True)
        source.refresh_from_db()
        assert source.consecutive_failures == expected
        assert "connection" in source.last_error
    assert source.next_poll_at > timezone.now() + datetime.timedelta(hours=7, minutes=59)
    # It comes back: the next success clears the failure count and the back-off.
    source.url = http_server.add("/feed", rss([("A", "https://news.example/a")]))
    source.save()
    source_poll(source_id=source.pk, force=True)
    source.refresh_from_db()
    assert (source.consecutive_failures, source.last_error) == (0, "")


def test_backoff_is_exponential_and_capped(settings):
    settings.INGEST_SOURCE_MAX_BACKOFF = 6 * 3600
    source = Source(poll_interval=datetime.timedelta(minutes=30))
    waits = []
    for failures in (0, 1, 2, 3, 4, 10):
        source.consecutive_failures = failures
        waits.append(source_backoff(source=source))
    assert waits == [
        datetime.timedelta(minutes=30), datetime.timedelta(hours=1), datetime.timedelta(hours=2),
        datetime.timedelta(hours=4), datetime.timedelta(hours=6), datetime.timedelta(hours=6),
    ]


def test_a_source_that_is_not_due_is_not_polled(ingest_settings, http_server):
    source = feed_source(http_server.add("/f", rss([])), next_poll_at=timezone.now() + datetime.timedelta(hours=1))
    assert source_poll(source_id=source.pk) is None
    assert http_server.hits == []


def test_a_disabled_source_is_not_polled(ingest_settings, http_server):
    source = feed_source(http_server.add("/f", rss([])), enabled=False)
    assert source_poll(source_id=source.pk, force=True) is None


def test_a_poll_in_progress_blocks_a_second_one(ingest_settings, http_server):
    source = feed_source(http_server.add("/f", rss([])))
    Source.objects.filter(pk=source.pk).update(poll_lease_until=timezone.now() + datetime.timedelta(minutes=1))
    assert source_poll(source_id=source.pk) is None


def test_due_sources_are_queued(ingest_settings, django_capture_on_commit_callbacks):
    due = feed_source("https://a.example/feed")
    feed_source("https://b.example/feed", next_poll_at=timezone.now() + datetime.timedelta(hours=1))
    feed_source("https://c.example/feed", enabled=False)
    SourceFactory(kind=Source.Kind.JSONL, url="/tmp/corpus.jsonl")
    with django_capture_on_commit_callbacks() as callbacks:
        assert sources_poll_due() == [due.pk]
    assert len(callbacks) == 1


def test_the_default_feeds_fail_politely_without_internet(ingest_settings, monkeypatch):
    import socket

    from django.core.management import call_command

    def offline(host, port):
        # The network edge: what the resolver of a machine without internet answers.
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr("ingestion.net.urlsafety.resolve_host", offline)
    call_command("load_sources", stdout=__import__("io").StringIO())
    for source in Source.objects.feeds():
        run = source_poll(source_id=source.pk)
        assert run.status == IngestRun.Status.FAILED
    for source in Source.objects.feeds():
        assert source.consecutive_failures == 1
        assert "cannot resolve host" in source.last_error
        assert source.next_poll_at > timezone.now() + datetime.timedelta(hours=1, minutes=59)
    assert Article.objects.count() == 0
