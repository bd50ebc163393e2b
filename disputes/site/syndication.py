"""Atom feeds of confirmed demands, outcomes and events: overall, per country, per platform."""

import datetime
import re

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed

from disputes.models import Platform
from disputes.vocab import COUNTRY_CODES, country_name

from . import selectors
from .caching import cached

# Atom's text constructs. Titles and summaries here are plain text (curated, or quoted from
# articles), so they are declared type="text": a reader shows `<img onerror=…>` in a quote as
# those characters. Django writes summaries as type="html", which makes readers parse them.
TEXT_CONSTRUCTS = frozenset({"title", "subtitle", "summary", "rights"})
# Characters XML 1.0 cannot carry; Django refuses to write them, which would fail the feed.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _PlainTextHandler:
    """Wraps the XML writer: text constructs are declared text, and characters XML cannot
    hold are dropped. Everything is still XML-escaped by the writer itself."""

    def __init__(self, handler):
        self._handler = handler

    def addQuickElement(self, name, contents=None, attrs=None):
        if name in TEXT_CONSTRUCTS:
            attrs = {**(attrs or {}), "type": "text"}
        if contents:
            contents = _XML_INVALID.sub("", contents)
        self._handler.addQuickElement(name, contents, attrs)

    def __getattr__(self, name):
        return getattr(self._handler, name)


class PlainTextAtomFeed(Atom1Feed):
    def add_root_elements(self, handler):
        super().add_root_elements(_PlainTextHandler(handler))

    def add_item_elements(self, handler, item):
        super().add_item_elements(_PlainTextHandler(handler), item)


def _country_items(code: str, limit: int):
    return selectors.recently_confirmed(limit, country=code)


def _platform_items(platform: str, limit: int):
    return selectors.recently_confirmed(limit, platform=platform)


KIND_LABEL = {"demand": "Demand", "outcome": "Outcome", "event": "Event"}


class EventFeed(Feed):
    """Newly confirmed facts first; an edited fact comes back as updated."""

    feed_type = PlainTextAtomFeed
    title = "Standoff: newly confirmed events"
    subtitle = "Demands, outcomes and other events in disputes between governments and platforms."
    link = "/disputes/"
    limit = 50

    def items(self, obj=None):
        return cached("feed", selectors.recently_confirmed, self.limit)

    def item_title(self, entry):
        fact = entry.obj
        label = {"event": "title", "demand": "sentence"}.get(entry.kind)
        label = getattr(fact, label) if label else str(fact)
        return f"{fact.dispute.title}: {KIND_LABEL[entry.kind]} — {label}"

    def item_description(self, entry):
        fact = entry.obj
        text = getattr(fact, "description", "") or getattr(fact, "details", "")
        # An undated fact has no date to lead with: never a bare ". text".
        return ". ".join(part for part in (entry.date_display, text.strip()) if part)

    def item_link(self, entry):
        return f"{entry.obj.dispute.get_absolute_url()}#{entry.anchor}"

    def item_guid(self, entry):
        return f"tag:standoff,2026:{entry.kind}/{entry.obj.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        if entry.date is None:
            return entry.obj.created_at
        return datetime.datetime.combine(entry.date, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, entry):
        return entry.obj.updated_at


class CountryEventFeed(EventFeed):
    def get_object(self, request, code):
        if code.upper() not in COUNTRY_CODES:
            raise Http404("No such country")
        return code.upper()

    def title(self, code):
        return f"Standoff: newly confirmed events in {country_name(code)}"

    def link(self, code):
        return f"/countries/{code}/"

    def items(self, code):
        return cached("feed-country", _country_items, code, self.limit)


class PlatformEventFeed(EventFeed):
    def get_object(self, request, platform):
        if platform not in Platform.values:
            raise Http404("No such platform")
        return platform

    def title(self, platform):
        return f"Standoff: newly confirmed events involving {dict(Platform.choices)[platform]}"

    def link(self, platform):
        return f"/platforms/{platform}/"

    def items(self, platform):
        return cached("feed-platform", _platform_items, platform, self.limit)
