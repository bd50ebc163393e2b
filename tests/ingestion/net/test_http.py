import threading
import time

import pytest
import redis

from ingestion.errors import PermanentError, TransientError, UnsafeURLError
from ingestion.net.http import FEED_TYPES, FetchPolicy, RedisHostLimiter, fetch
from tests.ingestion.httpserver import LocalServer, Route

PAGE = "<html><body><p>Hello</p></body></html>"


def test_it_fetches_a_page_with_a_clear_user_agent(http_server, policy):
    url = http_server.add("/a", PAGE, headers={"ETag": '"v1"'})
    result = fetch(url, policy=policy)
    assert result.status == 200
    assert result.content == PAGE.encode()
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.etag == '"v1"'
    assert http_server.hits_for("/a")[0].headers["User-Agent"].startswith("StandoffBot/")


def test_it_refuses_loopback_without_the_flag(http_server):
    url = http_server.add("/a", PAGE)
    with pytest.raises(UnsafeURLError, match="loopback"):
        fetch(url, policy=FetchPolicy())
    assert http_server.hits == []


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"])
def test_it_refuses_a_redirect_to_an_internal_address(http_server, policy, target):
    url = http_server.redirect("/r", target)
    with pytest.raises(UnsafeURLError):
        fetch(url, policy=policy)


def test_it_refuses_a_redirect_to_another_loopback_service():
    # Two local servers: loopback is allowed for the first one's port only, as in the tests'
    # settings, so a redirect to 127.0.0.1:<other> must be refused before any request.
    first, other = LocalServer().start(), LocalServer().start()
    try:
        other.add("/secret", "internal")
        url = first.redirect("/r", other.url("/secret"))
        policy = FetchPolicy(allow_loopback=True, loopback_ports=frozenset({first.port}))
        with pytest.raises(UnsafeURLError, match="127.0.0.1"):
            fetch(url, policy=policy)
        assert other.hits == []
    finally:
        first.stop()
        other.stop()


def test_it_follows_relative_redirects(http_server, policy):
    http_server.add("/final", PAGE)
    http_server.redirect("/b", "/final", status=301)
    url = http_server.redirect("/a", http_server.url("/b"))
    result = fetch(url, policy=policy)
    assert result.final_url == http_server.url("/final")
    assert result.redirects == [url, http_server.url("/b")]


def test_it_detects_redirect_loops(http_server, policy):
    http_server.redirect("/a", "/b")
    http_server.redirect("/b", "/a")
    with pytest.raises(PermanentError, match="redirect loop") as info:
        fetch(http_server.url("/a"), policy=policy)
    assert info.value.code == "redirect_loop"
    assert len(http_server.hits) == 2


def test_it_limits_redirect_chains(http_server, policy):
    for n in range(10):
        http_server.redirect(f"/{n}", f"/{n + 1}")
    with pytest.raises(PermanentError) as info:
        fetch(http_server.url("/0"), policy=policy)
    assert info.value.code == "too_many_redirects"
    assert len(http_server.hits) == policy.max_redirects + 1


def test_it_refuses_a_declared_oversized_body_without_reading_it(http_server, policy):
    url = http_server.add("/big", "x", headers={"Content-Length": str(50 * 1024 * 1024)})
    with pytest.raises(PermanentError, match="over the") as info:
        fetch(url, policy=policy)
    assert info.value.code == "too_large"


def test_it_stops_reading_an_undeclared_oversized_body(http_server, policy):
    total = 200 * 1024 * 1024  # far larger than the 1 MiB limit

    def endless():
        for _ in range(total // 65536):
            yield b"a" * 65536

    http_server.routes["/stream"] = Route(body=endless, headers={"Content-Type": "text/html"})
    with pytest.raises(PermanentError, match="stopped reading") as info:
        fetch(http_server.url("/stream"), policy=policy)
    assert info.value.code == "too_large"
    time.sleep(0.2)
    assert http_server.bytes_sent["/stream"] < total / 10


@pytest.mark.parametrize(("status", "code"), [(404, "http_404"), (410, "http_410"), (403, "http_403")])
def test_client_errors_are_permanent(http_server, policy, status, code):
    url = http_server.add("/x", "nope", status=status)
    with pytest.raises(PermanentError) as info:
        fetch(url, policy=policy)
    assert info.value.code == code
    assert not info.value.transient


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_and_rate_limits_are_transient(http_server, policy, status):
    url = http_server.add("/x", "busy", status=status, headers={"Retry-After": "7"})
    with pytest.raises(TransientError) as info:
        fetch(url, policy=policy)
    assert info.value.retry_after == 7
    assert info.value.transient


def test_it_refuses_content_that_is_not_html(http_server, policy):
    url = http_server.add("/img", b"\x89PNG....", content_type="image/png")
    with pytest.raises(PermanentError, match="image/png") as info:
        fetch(url, policy=policy)
    assert info.value.code == "content_type"


def test_feeds_accept_xml_types(http_server, policy):
    url = http_server.add("/feed", "<rss/>", content_type="application/rss+xml")
    assert fetch(url, policy=policy, accept=FEED_TYPES).content == b"<rss/>"


def test_it_sends_conditional_headers_and_handles_304(http_server, policy):
    def responder(headers):
        if headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Content-Type": "text/html"}, PAGE.encode()

    http_server.routes["/c"] = Route(responder=responder)
    first = fetch(http_server.url("/c"), policy=policy)
    second = fetch(
        http_server.url("/c"), policy=policy, etag=first.etag, last_modified="Wed, 01 Jan 2025 00:00:00 GMT"
    )
    assert not first.not_modified
    assert second.not_modified and second.status == 304 and second.content == b""
    assert http_server.hits[1].headers["If-Modified-Since"] == "Wed, 01 Jan 2025 00:00:00 GMT"


def test_read_timeouts_are_transient(http_server):
    url = http_server.add("/slow", PAGE, delay=1.5)
    policy = FetchPolicy(read_timeout=0.3, allow_loopback=True)
    with pytest.raises(TransientError) as info:
        fetch(url, policy=policy)
    assert info.value.code == "timeout"


def test_a_dripping_server_hits_the_total_deadline(http_server):
    def drip():
        for _ in range(100):
            time.sleep(0.05)
            yield b"<p>x</p>"

    http_server.routes["/drip"] = Route(body=drip, headers={"Content-Type": "text/html"})
    policy = FetchPolicy(read_timeout=1, total_timeout=0.5, allow_loopback=True)
    with pytest.raises(TransientError, match="longer than") as info:
        fetch(http_server.url("/drip"), policy=policy)
    assert info.value.code == "timeout"


def test_connection_refused_is_transient(http_server, policy):
    server = LocalServer().start()
    url = server.url("/gone")
    server.stop()
    policy = FetchPolicy(allow_loopback=True)
    with pytest.raises(TransientError) as info:
        fetch(url, policy=policy)
    assert info.value.code == "connection"


@pytest.fixture
def redis_client(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    return client


def test_the_host_limiter_caps_concurrent_requests_per_host(http_server, policy, redis_client):
    url = http_server.add("/slow", PAGE, delay=0.3)
    limiter = RedisHostLimiter(redis_client, limit=2, ttl=30, wait=20)
    errors = []

    def worker():
        try:
            fetch(url, policy=policy, limiter=limiter)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(http_server.hits_for("/slow")) == 6
    assert http_server.peak_in_flight["/slow"] == 2
    assert limiter.held("127.0.0.1") == 0


def test_a_slot_held_by_a_killed_worker_expires(http_server, policy, redis_client):
    url = http_server.add("/a", PAGE)
    limiter = RedisHostLimiter(redis_client, limit=1, ttl=0.5, wait=0.2)
    # A worker killed with SIGKILL leaves its slot taken and never releases it.
    assert limiter._acquire(keys=[limiter.key("127.0.0.1")], args=[1, 0.5, "killed-worker"])
    with pytest.raises(TransientError) as info:
        fetch(url, policy=policy, limiter=limiter)
    assert info.value.code == "host_busy"
    time.sleep(0.6)
    assert fetch(url, policy=policy, limiter=limiter).status == 200


def test_a_kept_slot_serves_consecutive_requests_to_one_host(http_server, policy, redis_client):
    url = http_server.add("/a", PAGE)
    worker = RedisHostLimiter(redis_client, limit=1, ttl=30, wait=0.2)
    other = RedisHostLimiter(redis_client, limit=1, ttl=30, wait=0.2)
    taken = []
    real_take = worker._take
    worker._take = lambda host, ttl: taken.append(host) or real_take(host, ttl)
    with worker.keeping():
        for _ in range(3):
            assert fetch(url, policy=policy, limiter=worker).status == 200
        # Kept between requests: the host's only slot stays taken.
        assert worker.held("127.0.0.1") == 1
        with pytest.raises(TransientError) as info:
            fetch(url, policy=policy, limiter=other)
        assert info.value.code == "host_busy"
    assert taken == ["127.0.0.1"]
    assert worker.held("127.0.0.1") == 0
    assert fetch(url, policy=policy, limiter=other).status == 200


def test_a_kept_slot_is_given_back_for_a_request_to_another_host(http_server, policy, redis_client):
    first = http_server.add("/a", PAGE)
    second = first.replace("127.0.0.1", "localhost")
    worker = RedisHostLimiter(redis_client, limit=1, ttl=30, wait=0.2)
    with worker.keeping():
        fetch(first, policy=policy, limiter=worker)
        fetch(second, policy=policy, limiter=worker)
        assert (worker.held("127.0.0.1"), worker.held("localhost")) == (0, 1)
    assert worker.held("localhost") == 0


def test_a_worker_waiting_for_a_kept_slot_gets_its_turn(http_server, policy, redis_client):
    url = http_server.add("/slow", PAGE, delay=0.05)
    keeper = RedisHostLimiter(redis_client, limit=1, ttl=30, wait=5, keep_for=0.1)
    waiter = RedisHostLimiter(redis_client, limit=1, ttl=30, wait=5, poll_interval=0.01)
    order = []

    def keep_fetching():
        with keeper.keeping():
            for _ in range(8):
                fetch(url, policy=policy, limiter=keeper)
                order.append("keeper")

    thread = threading.Thread(target=keep_fetching)
    thread.start()
    while not order:
        time.sleep(0.005)
    fetch(url, policy=policy, limiter=waiter)
    order.append("waiter")
    thread.join()
    assert order.index("waiter") < len(order) - 1  # not left waiting until the keeper was done
    assert http_server.peak_in_flight["/slow"] == 1


def test_a_slot_kept_by_a_killed_worker_expires(http_server, policy, redis_client):
    url = http_server.add("/a", PAGE)
    killed = RedisHostLimiter(redis_client, limit=1, ttl=0.3, wait=0.2, keep_for=0.2)
    other = RedisHostLimiter(redis_client, limit=1, ttl=0.3, wait=0.1)
    keeping = killed.keeping()
    keeping.__enter__()  # and never left: the worker died holding the slot
    fetch(url, policy=policy, limiter=killed)
    with pytest.raises(TransientError):
        fetch(url, policy=policy, limiter=other)
    time.sleep(0.6)  # keep_for + ttl
    assert fetch(url, policy=policy, limiter=other).status == 200
