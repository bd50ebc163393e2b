"""Redis as the shared cache, with a per-process memory layer for immutable entries.

Pages cache their fragments under keys that embed the data version (disputes/site/caching.py):
such a key names one value for its whole life, so once a process has read it from Redis it
may keep it in memory. A warm page then costs no Redis round trip per fragment, only the one
that reads the data version. Every other key (the version itself, sessions, counters) goes
to Redis alone.

The cache is an optimisation, never a dependency: while Redis is unreachable every read is a
miss and every write a no-op, so pages are computed. A circuit breaker keeps a down Redis from
costing a connect attempt per call, and the outage is logged once when it starts and once when
it ends (not once per request).
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_MISSING = object()
# How long a process keeps an entry it read: the keys never change value, so this only bounds
# memory held by versions that are gone.
LOCAL_SECONDS = 60
# After a failed call, calls skip Redis for this long before one tries it again.
BREAKER_SECONDS = 5.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class _Breaker:
    """The state of one Redis server as this process sees it (shared by its threads, whose
    cache objects are separate: Django keeps one per thread)."""

    def __init__(self, location: str):
        self.location = location
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.error = ""
        # Increments that could not be sent: replayed when Redis is back, so a data version
        # bumped during the outage still invalidates what was cached before it.
        self.missed_incr: dict[str, int] = {}

    def closed(self) -> bool:
        return self.down_since is None or time.monotonic() >= self.retry_at

    def failed(self, exc: Exception) -> None:
        with self.lock:
            self.retry_at = time.monotonic() + BREAKER_SECONDS
            self.error = f"{type(exc).__name__}: {exc}"[:300]
            if self.down_since is not None:
                return
            self.down_since = time.monotonic()
        logger.warning("Cache %s unreachable, pages are computed without it: %s", self.location, self.error)

    def succeeded(self) -> dict[str, int]:
        """Mark the server reachable; returns the increments to replay (once)."""
        with self.lock:
            if self.down_since is None:
                return {}
            seconds = time.monotonic() - self.down_since
            self.down_since, self.error = None, ""
            missed, self.missed_incr = self.missed_incr, {}
        logger.warning("Cache %s reachable again after %.0f s", self.location, seconds)
        return missed


_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker_for(location: str) -> _Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, _Breaker(location))


class LayeredRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._prefixes = tuple(settings.CACHE_IMMUTABLE_PREFIXES)
        self._local = LocMemCache(f"layer-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 2000}})
        self.breaker = _breaker_for(server if isinstance(server, str) else ",".join(server))

    # Reachability ------------------------------------------------------------------------

    def _call(self, fallback, method, *args):
        """super().method(*args), or `fallback` while Redis is unreachable."""
        if not self.breaker.closed():
            return fallback
        try:
            result = getattr(super(), method)(*args)
        except UNREACHABLE as exc:
            self.breaker.failed(exc)
            return fallback
        if self.breaker.down_since is not None:
            self._replay(self.breaker.succeeded())
        return result

    def _replay(self, missed: dict[str, int]) -> None:
        for key, delta in missed.items():
            try:
                self._cache.incr(key, delta)
            except ValueError:  # expired or flushed meanwhile: nothing cached under it
                pass
            except UNREACHABLE as exc:
                self.breaker.failed(exc)
                return

    def ping(self) -> None:
        """Raise if Redis cannot be reached now (for /health/); bypasses the breaker."""
        self._cache.get_client(write=True).ping()

    # The cache API -----------------------------------------------------------------------

    def _layered(self, key) -> bool:
        return isinstance(key, str) and key.startswith(self._prefixes)

    def get(self, key, default=None, version=None):
        if not self._layered(key):
            return self._call(default, "get", key, default, version)
        value = self._local.get(key, _MISSING, version)
        if value is _MISSING:
            value = self._call(_MISSING, "get", key, _MISSING, version)
            if value is _MISSING:
                return default
            self._local.set(key, value, LOCAL_SECONDS, version)
        return value

    def get_many(self, keys, version=None):
        return self._call({}, "get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call(False, "has_key", key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, "add", key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        stored = self._call(_MISSING, "set", key, value, timeout, version) is not _MISSING
        # Only what Redis holds is kept: during an outage keys carry no known version.
        if stored and self._layered(key):
            self._local.set(key, value, LOCAL_SECONDS, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(None, "set_many", data, timeout, version)
        return []

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, "touch", key, timeout, version)

    def incr(self, key, delta=1, version=None):
        result = self._call(_MISSING, "incr", key, delta, version)
        if result is _MISSING:
            with self.breaker.lock:
                full_key = self.make_and_validate_key(key, version=version)
                self.breaker.missed_incr[full_key] = self.breaker.missed_incr.get(full_key, 0) + delta
            raise ValueError(f"Key '{key}' not found (cache unreachable)")
        return result

    def delete(self, key, version=None):
        self._local.delete(key, version)
        return self._call(False, "delete", key, version)

    def delete_many(self, keys, version=None):
        for key in keys:
            self._local.delete(key, version)
        self._call(None, "delete_many", keys, version)

    def clear(self):
        self._local.clear()
        return self._call(False, "clear")
