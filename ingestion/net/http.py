"""HTTP GET for feeds and article pages, safe and polite.

Every request: a clear User-Agent, connect/read timeouts and an overall deadline, a body limit
enforced while streaming, redirects followed by hand with a safety check on every hop, a content
type check, conditional GET, and a per-host slot from `HostLimiter`. Failures are raised as
`TransientError` (retry later) or `PermanentError` (record and stop).
"""

import contextlib
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import requests
import urllib3
from redis.exceptions import RedisError
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ingestion.errors import IngestError, PermanentError, TransientError
from ingestion.net.urlsafety import check_host_safe, check_url_safe, url_host, url_port

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Feeds are often served with generic XML or even text types; the parser decides.
FEED_TYPES = frozenset(
    {
        "application/rss+xml", "application/atom+xml", "application/rdf+xml",
        "application/xml", "text/xml", "application/feed+json", "text/plain", "text/html",
    }
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_STATUSES = frozenset({408, 425, 429})
CHUNK_SIZE = 64 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    user_agent: str = "StandoffBot/0.1 (+https://github.com/standoff; news ingestion)"
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    # Wall-clock limit for one response: read_timeout alone lets a server drip bytes forever.
    total_timeout: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    # For the tests' own local server only. With `loopback_ports` set, loopback is allowed
    # only on those ports, so a test can show that a redirect to another local port is refused.
    allow_loopback: bool = False
    loopback_ports: frozenset[int] = frozenset()

    def loopback_allowed(self, port: int) -> bool:
        return self.allow_loopback and (not self.loopback_ports or port in self.loopback_ports)


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    redirects: list[str] = field(default_factory=list)


class HostLimiter:
    """No limit: for a single process (sync ingestion, tests of other parts)."""

    @contextlib.contextmanager
    def slot(self, host: str) -> Iterator[None]:
        yield

    @contextlib.contextmanager
    def keeping(self) -> Iterator[None]:
        yield


# KEYS[1] = slot set of one host; ARGV = limit, ttl seconds, token. A sorted set scored by
# expiry: expired members are dropped first, so a worker killed with SIGKILL frees its slot
# after `ttl` at most. Redis's own clock is used so workers' clocks need not agree.
_ACQUIRE_LUA = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
    redis.call('ZADD', KEYS[1], t + tonumber(ARGV[2]), ARGV[3])
    redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 1)
    return 1
end
return 0
"""


@dataclass
class _Kept:
    """A slot kept between requests: its host, its token, and since when (monotonic)."""

    host: str | None = None
    token: str = ""
    since: float = 0.0


class RedisHostLimiter(HostLimiter):
    """At most `limit` concurrent requests per host across all processes sharing `redis`.

    `ttl` is the longest one request can hold a slot: a slot of a worker killed with SIGKILL
    frees itself after that. Within `keeping()`, a slot is kept between consecutive requests to
    the same host (one feed's pages, fetched one after the other) instead of being taken and
    given back around each request, two round trips to Redis each. It is given back when a
    request goes to another host, when `keeping()` ends, and once it has been kept for
    `keep_for` seconds: then, after a pause as long as a waiting worker's poll interval, it
    is taken again, so a worker waiting for this host gets its turn. A kept slot expires
    after `keep_for + ttl`, enough for a request started just before `keep_for` is up.
    """

    def __init__(
        self,
        redis,
        *,
        limit: int,
        ttl: float,
        wait: float = 10.0,
        poll_interval: float = 0.05,
        keep_for: float = 5.0,
        prefix: str = "standoff:host-slots:",
    ):
        self.redis = redis
        self.limit = limit
        self.ttl = ttl
        self.wait = wait
        self.poll_interval = poll_interval
        self.keep_for = keep_for
        self.prefix = prefix
        self._acquire = redis.register_script(_ACQUIRE_LUA)
        self._local = threading.local()  # the kept slot, per thread (a -P threads worker)

    def key(self, host: str) -> str:
        return f"{self.prefix}{host}"

    def held(self, host: str) -> int:
        """Slots in use for `host`, expired ones excluded (for health pages and tests)."""
        now = self.redis.time()
        return self.redis.zcount(self.key(host), now[0] + now[1] / 1e6, "+inf")

    def _take(self, host: str, ttl: float) -> str:
        key = self.key(host)
        token = uuid.uuid4().hex
        deadline = time.monotonic() + self.wait
        while not self._acquire(keys=[key], args=[self.limit, ttl, token]):
            if time.monotonic() >= deadline:
                raise TransientError(
                    f"host {host} already has {self.limit} requests in flight",
                    code="host_busy",
                    retry_after=self.wait,
                )
            time.sleep(self.poll_interval)
        return token

    def _give_back(self, host: str, token: str) -> None:
        self.redis.zrem(self.key(host), token)

    @contextlib.contextmanager
    def slot(self, host: str) -> Iterator[None]:
        kept = getattr(self._local, "kept", None)
        if kept is None:
            token = self._take(host, self.ttl)
            try:
                yield
            finally:
                self._give_back(host, token)
            return
        if kept.host == host and time.monotonic() - kept.since > self.keep_for:
            self._give_back(host, kept.token)
            kept.host = None
            time.sleep(self.poll_interval)  # a waiting worker's turn
        if kept.host != host:
            if kept.host is not None:
                self._give_back(kept.host, kept.token)
                kept.host = None
            kept.token = self._take(host, self.keep_for + self.ttl)
            kept.host, kept.since = host, time.monotonic()
        yield

    @contextlib.contextmanager
    def keeping(self) -> Iterator[None]:
        """Keep slots between the requests made inside; give the last one back at the end."""
        if getattr(self._local, "kept", None) is not None:
            yield  # already keeping
            return
        kept = self._local.kept = _Kept()
        try:
            yield
        finally:
            self._local.kept = None
            if kept.host is not None:
                try:
                    self._give_back(kept.host, kept.token)
                except RedisError:
                    pass  # the slot expires by itself; the pages fetched inside must not be lost


class _VettedConnectionMixin:
    """Re-check the address at connect time and connect to exactly that address.

    `check_url_safe` runs before each request, but a hostile DNS server can answer differently
    on the second lookup (DNS rebinding); resolving once here and dialling the vetted IP closes
    that gap. TLS still uses the host name for SNI and certificate checks.
    """

    policy = FetchPolicy()

    def _new_conn(self):
        host = getattr(self, "_vetted_name", None) or self._dns_host
        self._vetted_name = host
        addresses = check_host_safe(
            host, self.port, allow_loopback=self.policy.loopback_allowed(self.port)
        )
        self._dns_host = addresses[0]
        return super()._new_conn()


def _safe_session(policy: FetchPolicy) -> requests.Session:
    http_conn = type("VettedHTTPConnection", (_VettedConnectionMixin, HTTPConnection),
                     {"policy": policy})
    https_conn = type("VettedHTTPSConnection", (_VettedConnectionMixin, HTTPSConnection),
                      {"policy": policy})
    http_pool = type("VettedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn})
    https_pool = type("VettedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn})

    class VettedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}

    session = requests.Session()
    # No proxies or .netrc from the environment: a proxy would be dialled instead of the
    # vetted address and defeat the check.
    session.trust_env = False
    adapter = VettedAdapter(max_retries=0, pool_connections=32, pool_maxsize=8)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = policy.user_agent
    return session


_sessions: dict[FetchPolicy, requests.Session] = {}


def session_for(policy: FetchPolicy) -> requests.Session:
    """One keep-alive session per policy and process (Celery prefork: one per worker)."""
    if policy not in _sessions:
        _sessions[policy] = _safe_session(policy)
    return _sessions[policy]


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _media_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return media.strip().lower(), charset


def _read_body(response: requests.Response, *, policy: FetchPolicy, started: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise PermanentError(
            f"response declares {int(declared):,} bytes, over the {policy.max_bytes:,} byte limit",
            code="too_large",
        )
    chunks: list[bytes] = []
    size = 0
    # read1 returns what one socket read brings, so a server dripping a byte at a time still
    # reaches the deadline check; decoding gzip here makes the limit bound a compressed bomb's
    # expanded size too.
    while chunk := response.raw.read1(CHUNK_SIZE, decode_content=True):
        size += len(chunk)
        if size > policy.max_bytes:
            raise PermanentError(
                f"response exceeds the {policy.max_bytes:,} byte limit; stopped reading",
                code="too_large",
            )
        if time.monotonic() - started > policy.total_timeout:
            raise TransientError(
                f"response took longer than {policy.total_timeout:g}s", code="timeout"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _get_once(
    url: str, *, policy: FetchPolicy, headers: dict[str, str], limiter: HostLimiter
) -> tuple[requests.Response, bytes]:
    started = time.monotonic()
    session = session_for(policy)
    with limiter.slot(url_host(url)):
        try:
            response = session.get(
                url,
                headers=headers,
                timeout=(policy.connect_timeout, policy.read_timeout),
                allow_redirects=False,
                stream=True,
            )
        except IngestError:
            raise
        except requests.exceptions.Timeout as exc:
            raise TransientError(f"timed out: {exc}", code="timeout") from exc
        except requests.exceptions.ConnectionError as exc:
            # The connect-time safety check surfaces wrapped by urllib3/requests.
            cause = exc
            while cause is not None:
                if isinstance(cause, IngestError):
                    raise cause from exc
                cause = cause.__cause__ or cause.__context__
            raise TransientError(f"connection failed: {exc}", code="connection") from exc
        except requests.exceptions.RequestException as exc:
            raise PermanentError(f"request failed: {exc}", code="request") from exc
        try:
            if response.status_code in REDIRECT_STATUSES or response.status_code == 304:
                return response, b""
            if response.status_code >= 400:
                return response, b""
            try:
                body = _read_body(response, policy=policy, started=started)
            except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as exc:
                raise TransientError(f"reading the body failed: {exc}", code="connection") from exc
            return response, body
        finally:
            response.close()


def fetch(
    url: str,
    *,
    policy: FetchPolicy,
    accept: frozenset[str] = HTML_TYPES,
    etag: str | None = None,
    last_modified: str | None = None,
    limiter: HostLimiter | None = None,
) -> FetchResult:
    """GET `url` following redirects by hand; raise TransientError or PermanentError."""
    limiter = limiter or HostLimiter()
    headers = {"Accept": ", ".join(sorted(accept)) + ", */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    seen = {url}
    redirects: list[str] = []
    while True:
        check_url_safe(current, allow_loopback=policy.loopback_allowed(url_port(current)))
        response, body = _get_once(current, policy=policy, headers=headers, limiter=limiter)
        status = response.status_code
        if status in REDIRECT_STATUSES:
            location = response.headers.get("Location")
            if not location:
                raise PermanentError(f"HTTP {status} redirect without Location", code="redirect")
            target = urljoin(current, location.strip())
            if target in seen:
                raise PermanentError(
                    f"redirect loop: {' -> '.join([*redirects, current, target])}",
                    code="redirect_loop",
                )
            if len(redirects) >= policy.max_redirects:
                raise PermanentError(
                    f"more than {policy.max_redirects} redirects from {url}",
                    code="too_many_redirects",
                )
            redirects.append(current)
            seen.add(target)
            current = target
            continue
        break

    etag_out = response.headers.get("ETag")
    modified_out = response.headers.get("Last-Modified")
    if status == 304:
        return FetchResult(
            url=url, final_url=current, status=304, not_modified=True, redirects=redirects,
            etag=etag_out or etag, last_modified=modified_out or last_modified,
        )
    if status >= 500 or status in TRANSIENT_STATUSES:
        raise TransientError(
            f"HTTP {status} from {current}",
            code=f"http_{status}",
            retry_after=_retry_after(response.headers.get("Retry-After")),
        )
    if status >= 400:
        raise PermanentError(f"HTTP {status} from {current}", code=f"http_{status}")
    if status != 200:
        raise PermanentError(f"unexpected HTTP {status} from {current}", code=f"http_{status}")

    media_type, charset = _media_type(response.headers.get("Content-Type", ""))
    # A missing Content-Type is let through: the extractor sniffs and gives its own reason.
    if media_type and media_type not in accept:
        raise PermanentError(
            f"content type {media_type!r} is not one of {', '.join(sorted(accept))}",
            code="content_type",
        )
    return FetchResult(
        url=url,
        final_url=current,
        status=status,
        content=body,
        content_type=media_type,
        charset=charset,
        etag=etag_out,
        last_modified=modified_out,
        redirects=redirects,
    )
