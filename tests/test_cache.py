"""The layered Redis cache (config/cache.py) and the per-request data version."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from config.cache import LayeredRedisCache


@pytest.fixture
def layered(redis_url):
    backend = LayeredRedisCache(redis_url.rsplit("/", 1)[0] + "/3", {})
    backend.clear()
    yield backend
    backend.clear()


def test_an_immutable_entry_is_read_from_redis_once_then_from_memory(layered, redis_url):
    other_process = LayeredRedisCache(redis_url.rsplit("/", 1)[0] + "/3", {})
    layered.set("standoff:fragment:home:7:abc", {"disputes": 3}, 600)
    assert other_process.get("standoff:fragment:home:7:abc") == {"disputes": 3}
    layered.delete("standoff:fragment:home:7:abc")  # gone from Redis, not from that process
    assert other_process.get("standoff:fragment:home:7:abc") == {"disputes": 3}
    assert layered.get("standoff:fragment:home:7:abc") is None


def test_other_keys_always_go_to_redis(layered, redis_url):
    other_process = LayeredRedisCache(redis_url.rsplit("/", 1)[0] + "/3", {})
    layered.set("standoff:data-version", 7, None)
    assert other_process.get("standoff:data-version") == 7
    layered.incr("standoff:data-version")
    assert other_process.get("standoff:data-version") == 8


def test_a_missing_key_is_not_remembered_as_missing(layered):
    assert layered.get("template.cache.rows.x", "default") == "default"
    layered.set("template.cache.rows.x", "", 600)  # an empty fragment is a value too
    assert layered.get("template.cache.rows.x", "default") == ""


def test_every_cached_template_fragment_varies_on_the_data_version():
    # The memory layer keeps template fragments: one that did not name the data version
    # would keep its first rendering after the data changed.
    templates = Path(settings.BASE_DIR, "templates")
    tags = [
        (path.name, tag)
        for path in templates.rglob("*.html")
        for tag in re.findall(r"{%\s*cache\s[^%]*%}", path.read_text())
    ]
    assert tags
    assert [tag for tag in tags if "data_version" not in tag[1]] == []


@pytest.mark.django_db(transaction=True)  # the version is bumped on commit
def test_a_request_reads_the_data_version_once_and_sees_its_own_change():
    from django.core.signals import request_finished, request_started

    from disputes.site import caching

    request_started.send(sender=None)
    try:
        first = caching.data_version()
        caching.cache.incr(caching.VERSION_KEY)  # another process confirms something
        assert caching.data_version() == first  # one version for the whole page
        caching.bump_data_version()  # this request's own change
        assert caching.data_version() == first + 2
    finally:
        request_finished.send(sender=None)
    caching.cache.incr(caching.VERSION_KEY)
    assert caching.data_version() == first + 3  # outside a request: read each time
