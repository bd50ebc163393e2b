"""Caching of the expensive, slowly changing parts of the pages (headline
figures, charts, the compare matrix, menu choices).

Keys carry a data version that every save or delete of a disputes model bumps,
so a confirmed fact shows at once in this process. Bulk updates send no
signals (merges use them), so entries also expire after CACHE_SECONDS. With
the default per-process memory cache other web processes see a change within
CACHE_SECONDS; point CACHES at Redis to share both the entries and the version.
"""

from django.core.cache import cache

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


def cached(name: str, func, *args):
    """func(*args), computed once per data version (and at most CACHE_SECONDS)."""
    key = f"standoff:{name}:{data_version()}:{':'.join(map(str, args))}"
    value = cache.get(key)
    if value is None:
        value = func(*args)
        cache.set(key, value, CACHE_SECONDS)
    return value
