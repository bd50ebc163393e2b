import datetime
import time

import pytest

from ingestion.errors import PermanentError
from ingestion.net.feedparsing import parse_feed


def rss(items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Policy feed</title><link>https://news.example/</link>{items}</channel></rss>"
    ).encode()


def item(n: int, *, link: str | None = None, date: str | None = "Thu, 04 Feb 2021 08:00:00 GMT") -> str:
    link = f"https://news.example/story-{n}" if link is None else link
    return (
        f"<item><title>Story {n}</title>"
        + (f"<link>{link}</link>" if link else "")
        + f"<guid isPermaLink='false'>id-{n}</guid>"
        + (f"<pubDate>{date}</pubDate>" if date else "")
        + "<description>Summary</description></item>"
    )


def test_it_parses_rss_entries():
    feed = parse_feed(rss(item(1) + item(2)))
    assert feed.title == "Policy feed"
    assert [entry.url for entry in feed.entries] == [
        "https://news.example/story-1",
        "https://news.example/story-2",
    ]
    assert feed.entries[0].published == datetime.datetime(2021, 2, 4, 8, tzinfo=datetime.UTC)
    assert feed.entries[0].guid == "id-1"
    assert feed.skipped == {} and feed.warning == ""


def test_it_parses_atom_entries_and_resolves_relative_links():
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>Atom feed</title>
      <entry><title>A</title><id>urn:a</id><link rel="alternate" href="/a?utm_source=atom"/>
        <updated>2024-04-24T10:00:00Z</updated></entry>
    </feed>"""
    feed = parse_feed(atom, base_url="https://news.example/feed.atom")
    assert feed.entries[0].url == "https://news.example/a?utm_source=atom"
    assert feed.entries[0].canonical_url == "https://news.example/a"
    assert feed.entries[0].published.year == 2024


def test_entries_without_links_are_skipped_and_counted_and_undated_ones_kept():
    feed = parse_feed(rss(item(1, link="") + item(2, date=None) + item(3, link="mailto:x@y.z")))
    assert [entry.url for entry in feed.entries] == ["https://news.example/story-2"]
    assert feed.entries[0].published is None
    assert feed.skipped == {"no link": 1, "link is not http(s)": 1}


def test_duplicated_entries_inside_one_feed_are_kept_once():
    feed = parse_feed(
        rss(item(1) + item(1) + item(2, link="https://NEWS.example/story-1?utm_campaign=x#c"))
    )
    assert len(feed.entries) == 1
    assert feed.skipped == {"duplicate in feed": 2}


def test_a_feed_with_thousands_of_entries_is_parsed_whole():
    started = time.monotonic()
    feed = parse_feed(rss("".join(item(n) for n in range(5000))))
    assert len(feed.entries) == 5000
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    "content",
    [
        b"<rss><channel><item><title>broken",
        b"this is not xml at all {\"json\": true}",
        b"<html><body><p>A web page, not a feed</p></body></html>",
    ],
)
def test_malformed_xml_gets_a_clear_error(content):
    with pytest.raises(PermanentError) as info:
        parse_feed(content)
    assert info.value.code == "malformed_feed"
    assert str(info.value.reason)


def test_recoverable_breakage_keeps_entries_and_records_a_warning():
    broken = rss(item(1) + "<item><title>AT&T & friends</title><link>https://news.example/att</link></item>")
    feed = parse_feed(broken)
    assert "https://news.example/story-1" in [entry.url for entry in feed.entries]
    assert feed.warning.startswith("malformed feed")


def test_an_empty_body_is_an_error():
    with pytest.raises(PermanentError, match="empty"):
        parse_feed(b"  ")


def test_it_never_fetches_a_url_given_as_content(http_server):
    url = http_server.add("/feed", rss(item(1)), content_type="application/rss+xml")
    with pytest.raises(PermanentError):
        parse_feed(url.encode())
    assert http_server.hits == []
