"""Caching of the expensive, slowly changing parts of the pages (headline
figures, charts, the compare matrix, menu choices).

One generation number (the data version) invalidates everything: entries are read and
written with `cache.get(key, version=generation)`, as djangoproject.com's dashboard does,
and a save or delete of a disputes model that a public page can show bumps it once the
transaction commits (a reader that saw the new number before the commit would cache the
old data under it). Candidates, which the annotator proposes all day while ingestion runs,
and the reports it attaches (candidate evidence, on confirmed disputes too) do not bump:
they would keep every page cold. Accepting or taking back a confirmation does (the row
remembers the state it was loaded with, `LoadedReviewState`). Bulk updates send no signals
(merges use them), so entries also expire after CACHE_SECONDS. With the default
per-process memory cache other web processes see a change within CACHE_SECONDS; point
CACHES at Redis to share both the entries and the version.
"""

import hashlib
import uuid
from contextvars import ContextVar

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils.functional import SimpleLazyObject

from disputes.models import ReviewState

VERSION_KEY = "standoff:data-version"
CACHE_SECONDS = 600

# The version a request read first, kept for the rest of it: one cache round trip per page,
# and one consistent version across its fragments. None outside requests (workers, commands),
# which read it each time; _UNREAD inside a request that has not read it yet.
_UNREAD = object()
_request_version: ContextVar = ContextVar("standoff_data_version", default=None)


def request_started(**kwargs) -> None:
    _request_version.set(_UNREAD)


def request_finished(**kwargs) -> None:
    _request_version.set(None)


def _unknown_version() -> str:
    """A version no entry is stored under, for when the cache cannot say which is current
    (it is unreachable): every fragment is then computed, none served stale."""
    return f"unknown-{uuid.uuid4().hex}"


def data_version() -> int | str:
    memo = _request_version.get()
    if memo is not None and memo is not _UNREAD:
        return memo
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY) or _unknown_version()
    if memo is _UNREAD:
        _request_version.set(version)
    return version


# Rows no page shows on their own: rollups change together with a row that bumps, history
# rows record a save that bumps, tokens are private.
_NOT_SHOWN = ("disputerollup", "countryrollup", "apitoken", "historical")


def _reviewed_row(instance):
    """The row whose review state decides whether `instance` is public: itself (evidence
    too), or the demand (a penalty) or dispute (a party) it belongs to; None if there is none."""
    if hasattr(instance, "review_state"):
        return instance
    names = {f.name for f in instance._meta.fields}
    for attr in ("demand", "dispute"):
        if attr in names:
            try:
                parent = getattr(instance, attr)
            except ObjectDoesNotExist:  # deleted with it
                return None
            if parent is not None:
                return parent
    return None


def shows_publicly(sender, instance) -> bool:
    """Whether a write of `instance` can change what a public page shows."""
    if sender._meta.app_label != "disputes" or sender._meta.model_name.startswith(_NOT_SHOWN):
        return False
    row = _reviewed_row(instance) if instance is not None else None
    if row is None:
        return True  # actors, topics, platform reports: always public
    return ReviewState.CONFIRMED in (row.review_state, getattr(row, "_loaded_review_state", None))


def figures_changed(**kwargs) -> None:
    """An import of the platforms' figures wrote in bulk: every figure may have changed."""
    bump_data_version()


def bump_data_version(sender=None, instance=None, signal=None, **kwargs) -> None:
    if sender is not None:
        # Deletes are rare and cascade: reading each deleted row's parent would cost a
        # query per row, so any delete of a shown model counts.
        public = shows_publicly(sender, None if signal is post_delete else instance)
        if hasattr(instance, "review_state"):  # what the row holds from now on
            instance._loaded_review_state = instance.review_state
        if not public:
            return
    # After the commit, never inside the writer's transaction: a request reading the new
    # version before the commit would cache the old data under it. Outside a transaction
    # on_commit runs at once.
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:  # never set, evicted, or the cache is unreachable
        cache.set(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY) or _unknown_version()
    if _request_version.get() is not None:  # this request shows its own change
        _request_version.set(version)


def cached(name: str, func, *args, key: str = ""):
    """func(*args), computed once per data version (and at most CACHE_SECONDS).

    Arguments are part of the key (their str(), or `key` when given)."""
    suffix = key or ":".join(map(str, args))
    digest = hashlib.md5(suffix.encode(), usedforsecurity=False).hexdigest()
    # The prefix marks the key immutable (settings.CACHE_IMMUTABLE_PREFIXES).
    cache_key = f"standoff:fragment:{name}:{digest}"
    generation = data_version()
    value = cache.get(cache_key, version=generation)
    if value is None:
        value = func(*args)
        cache.set(cache_key, value, CACHE_SECONDS, version=generation)
    return value


def lazy_items(keys, load) -> dict:
    """A context dict whose values are loaded (once, all together) only if a
    template reads one: pages whose fragments come from the cache skip it."""
    data = SimpleLazyObject(load)
    return {k: SimpleLazyObject(lambda k=k: data[k]) for k in keys}
