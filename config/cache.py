"""Redis as the shared cache, with a per-process memory layer for immutable entries.

Pages cache their fragments under keys that embed the data version (disputes/caching.py):
such a key names one value for its whole life, so once a process has read it from Redis it
may keep it in memory. A warm page then costs no Redis round trip per fragment, only the one
that reads the data version. Every other key (the version itself, sessions, counters) goes
to Redis alone.
"""

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

_MISSING = object()
# How long a process keeps an entry it read: the keys never change value, so this only bounds
# memory held by versions that are gone.
LOCAL_SECONDS = 60


class LayeredRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._prefixes = tuple(settings.CACHE_IMMUTABLE_PREFIXES)
        self._local = LocMemCache(f"layer-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 2000}})

    def _layered(self, key) -> bool:
        return isinstance(key, str) and key.startswith(self._prefixes)

    def get(self, key, default=None, version=None):
        if not self._layered(key):
            return super().get(key, default, version)
        value = self._local.get(key, _MISSING, version)
        if value is _MISSING:
            value = super().get(key, _MISSING, version)
            if value is _MISSING:
                return default
            self._local.set(key, value, LOCAL_SECONDS, version)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        super().set(key, value, timeout, version)
        if self._layered(key):
            self._local.set(key, value, LOCAL_SECONDS, version)

    def delete(self, key, version=None):
        self._local.delete(key, version)
        return super().delete(key, version)

    def clear(self):
        self._local.clear()
        return super().clear()
