import json

import pytest

from ingestion.net.http import FetchPolicy
from tests.ingestion.httpserver import LocalServer


@pytest.fixture
def http_server():
    """A local HTTP server on 127.0.0.1 serving the test's feeds and pages."""
    server = LocalServer().start()
    yield server
    server.stop()


@pytest.fixture
def policy(http_server) -> FetchPolicy:
    """Loopback allowed only on the test server's own port, with short timeouts."""
    return FetchPolicy(
        connect_timeout=2,
        read_timeout=2,
        total_timeout=5,
        max_bytes=1024 * 1024,
        allow_loopback=True,
        loopback_ports=frozenset({http_server.port}),
    )


@pytest.fixture
def ingest_settings(settings, http_server, redis_url):
    """Settings for services: the local server is reachable, politeness uses the test Redis."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    settings.INGEST_ALLOW_LOOPBACK = True
    settings.INGEST_LOOPBACK_PORTS = [http_server.port]
    settings.INGEST_CONNECT_TIMEOUT = 2
    settings.INGEST_READ_TIMEOUT = 2
    settings.INGEST_TOTAL_TIMEOUT = 5
    settings.INGEST_MAX_BYTES = 1024 * 1024
    settings.REDIS_URL = redis_url
    settings.CELERY_BROKER_URL = redis_url
    return settings


@pytest.fixture(scope="session")
def dev_corpus(shared_dir) -> list[dict]:
    """The hand-labelled development corpus, read at run time (it is third-party text)."""
    path = shared_dir / "corpus" / "dev.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


STORY = (
    "The communications ministry ordered the platform to remove the posts within a day. "
    "The company said it would review the request under its policies and local law. "
)


def news_page(title: str, body: str, *, head: str = "", lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title>{head}</head>'
        "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>Copyright</footer></body></html>"
    )


def paragraphs(text: str, count: int = 6) -> str:
    return "".join(f"<p>{text} Paragraph {n}.</p>" for n in range(count))


def rss(items: list[tuple[str, str]], title: str = "Policy feed") -> bytes:
    body = "".join(
        f"<item><title>{item_title}</title><link>{link}</link>"
        "<pubDate>Thu, 04 Feb 2021 08:00:00 GMT</pubDate></item>"
        for item_title, link in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"{body}</channel></rss>"
    ).encode()
