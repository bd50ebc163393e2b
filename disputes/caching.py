"""Caching of the expensive, slowly changing parts of the pages (headline
figures, charts, the compare matrix, menu choices).

Keys carry a data version that every save or delete of a disputes model bumps,
so a confirmed fact shows at once in this process. Bulk updates send no
signals (merges use them), so entries also expire after CACHE_SECONDS. With
the default per-process memory cache other web processes see a change within
CACHE_SECONDS; point CACHES at Redis to share both the entries and the version.
"""

import hashlib

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

VERSION_KEY = "standoff:data-version"
CACHE_SECONDS = 600


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_data_version(sender=None, **kwargs) -> None:
    if sender is not None and sender._meta.app_label != "disputes":
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def cached(name: str, func, *args, key: str = ""):
    """func(*args), computed once per data version (and at most CACHE_SECONDS).

    Arguments are part of the key (their str(), or `key` when given)."""
    suffix = key or ":".join(map(str, args))
    digest = hashlib.md5(suffix.encode(), usedforsecurity=False).hexdigest()
    cache_key = f"standoff:{name}:{data_version()}:{digest}"
    value = cache.get(cache_key)
    if value is None:
        value = func(*args)
        cache.set(cache_key, value, CACHE_SECONDS)
    return value


def lazy_items(keys, load) -> dict:
    """A context dict whose values are loaded (once, all together) only if a
    template reads one: pages whose fragments come from the cache skip it."""
    data = SimpleLazyObject(load)
    return {k: SimpleLazyObject(lambda k=k: data[k]) for k in keys}
