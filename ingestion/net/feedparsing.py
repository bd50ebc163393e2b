"""Parse RSS 2.0 / Atom bytes into entry records with feedparser.

Only bytes go in: given a string that looks like a URL, feedparser would fetch it itself and
bypass every check in `fetch.py`.
"""

import calendar
import datetime
import io
from dataclasses import dataclass, field
from urllib.parse import urljoin

import feedparser

from ingestion.errors import PermanentError
from ingestion.net.urlsafety import canonical_url


@dataclass
class FeedEntry:
    url: str
    canonical_url: str
    guid: str
    title: str
    published: datetime.datetime | None
    summary: str


@dataclass
class ParsedFeed:
    title: str
    entries: list[FeedEntry]
    # Entries dropped, with why: {"no link": 3, "duplicate in feed": 2}. Shown on the source.
    skipped: dict[str, int] = field(default_factory=dict)
    # feedparser's complaint about recoverable breakage (its "bozo" flag), if any.
    warning: str = ""


def _entry_time(entry) -> datetime.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime.datetime.fromtimestamp(calendar.timegm(parsed), tz=datetime.UTC)
            except (OverflowError, ValueError):
                continue
    return None


def _entry_link(entry) -> str:
    link = entry.get("link") or ""
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link and entry.get("guidislink"):
        link = entry.get("id") or ""
    return link.strip()


def parse_feed(content: bytes, *, base_url: str = "") -> ParsedFeed:
    """Parse a feed; raise PermanentError when nothing usable can be read from it."""
    if not content.strip():
        raise PermanentError("the feed is empty", code="empty_feed")
    parsed = feedparser.parse(
        io.BytesIO(content), sanitize_html=False, resolve_relative_uris=False
    )
    warning = ""
    if parsed.get("bozo"):
        warning = f"malformed feed: {parsed.get('bozo_exception')}"
    if not parsed.get("version") and not parsed.entries:
        raise PermanentError(
            warning or "not an RSS or Atom feed (no channel or entries found)",
            code="malformed_feed",
        )

    entries: list[FeedEntry] = []
    skipped: dict[str, int] = {}
    seen: set[str] = set()
    for entry in parsed.entries:
        link = _entry_link(entry)
        if not link:
            skipped["no link"] = skipped.get("no link", 0) + 1
            continue
        absolute = urljoin(base_url, link)
        try:
            canonical = canonical_url(absolute)
        except ValueError:
            skipped["link is not http(s)"] = skipped.get("link is not http(s)", 0) + 1
            continue
        if canonical in seen:
            skipped["duplicate in feed"] = skipped.get("duplicate in feed", 0) + 1
            continue
        seen.add(canonical)
        entries.append(
            FeedEntry(
                url=absolute,
                canonical_url=canonical,
                guid=(entry.get("id") or "")[:500],
                title=(entry.get("title") or "").strip()[:500],
                published=_entry_time(entry),
                summary=(entry.get("summary") or "")[:2000],
            )
        )
    if warning and not entries:
        # Broken and nothing usable recovered: an error, not an empty success.
        raise PermanentError(warning, code="malformed_feed")
    return ParsedFeed(
        title=(parsed.feed.get("title") or "").strip(),
        entries=entries,
        skipped=skipped,
        warning=warning,
    )
