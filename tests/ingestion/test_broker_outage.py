"""A Redis outage mid-run strands no article: real redis-server (AOF on), real workers for both
queues, real beat running the dispatch sweep, default recovery settings and batch size.

Redis is stopped for 10 seconds while a batch of articles from the loopback server is in
flight, gracefully or with SIGKILL, then started again on the same port and directory. Every
article must end exactly once (annotated, skipped as a copy, or failed for a content reason)
within a bounded time. Like test_sigkill, the processes share a database of their own: a SQLite
file, or a throwaway PostgreSQL database when the suite runs on PostgreSQL.
"""

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import free_port
from tests.ingestion.conftest import STORY, news_page, paragraphs, rss
from tests.ingestion.httpserver import LocalServer
from tests.texts import INDIA_TWITTER

REPO = Path(__file__).resolve().parents[2]
UNIQUE, COPIES, MISSING = 104, 4, 4  # 112 articles: 104 stories, 4 exact copies, 4 pages gone
FINAL = ("annotated", "failed", "skipped")
DOWN_SECONDS = 10
# After Redis is back: the sweep runs every 30 s, a message presumed lost is re-sent 90 s after
# it was sent (INGEST_REQUEUE_AFTER), a retry's first backoff is at most 30 s.
BOUND_SECONDS = 180

pytestmark = pytest.mark.slow


class Redis:
    """A redis-server with AOF on that the test stops and starts on the same port and dir."""

    def __init__(self, workdir: Path):
        self.port, self.dir, self.proc = free_port(), workdir, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(self.port),
             "--dir", str(self.dir), "--save", "", "--appendonly", "yes", "--appendfsync", "everysec"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self, how: str) -> None:
        # SIGTERM is redis' graceful shutdown (`redis-cli shutdown`): it flushes the AOF first.
        self.proc.send_signal(signal.SIGKILL if how == "sigkill" else signal.SIGTERM)
        self.proc.wait(timeout=30)


class Database:
    """The processes' own database: a SQLite file, or a PostgreSQL database made for the test."""

    def __init__(self, tmp_path: Path):
        configured = os.environ.get("DATABASE_URL", "")
        self.postgres = configured.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            parts = urlsplit(configured)
            self.name = f"{parts.path.lstrip('/') or 'standoff'}_outage"
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
            self.admin_url = urlunsplit(parts._replace(path="/postgres"))
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', f'CREATE DATABASE "{self.name}"')
        else:
            self.path = tmp_path / "db.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def rows(self, sql: str) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as connection:
                return connection.execute(sql).fetchall()
        with sqlite3.connect(self.path, timeout=30) as connection:
            return connection.execute(sql).fetchall()

    def statuses(self) -> dict[str, int]:
        return dict(self.rows("SELECT status, COUNT(*) FROM ingestion_article GROUP BY status"))

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _env(tmp_path: Path, database: Database, redis_url: str, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST", "DJANGO", "INGEST_", "CELERY_"))}
    # Default recovery settings (retries, leases, sweep, batch size): only the addresses differ.
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database.url,
        STANDOFF_VAR_DIR=str(tmp_path),
        REDIS_URL=redis_url,
        INGEST_ALLOW_LOOPBACK="1",
        INGEST_LOOPBACK_PORTS=str(port),
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env, *args, code: str | None = None) -> str:
    command = [sys.executable, "manage.py", *args] + (["-c", code] if code else [])
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _celery(env, log: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", *args, "--loglevel", "INFO"],
        cwd=REPO, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopping it reaches the pool children
    )


def _pages(server: LocalServer) -> list[str]:
    urls = []
    for n in range(UNIQUE):
        # One story in eight reports a dispute, so annotation proposes candidates with evidence.
        text = f"Report {n}. {INDIA_TWITTER}" if n % 8 == 0 else f"Story {n}. {STORY}"
        urls.append(server.add(f"/story-{n}", news_page(f"Story {n}", paragraphs(text)), delay=0.15))
        if n < COPIES:  # the same page under another address: stored once, the other skipped
            urls.append(server.add(f"/copy-{n}", news_page(f"Story {n}", paragraphs(text)), delay=0.15))
    urls += [server.url(f"/gone-{n}") for n in range(MISSING)]  # 404: failed for a content reason
    return urls


@pytest.fixture
def processes():
    """Started workers and beat; any still running when the test ends is stopped with its pool."""
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.mark.parametrize("how", ["graceful", "sigkill"])
def test_no_article_is_stranded_by_a_redis_outage(tmp_path, processes, how):
    redis = Redis(tmp_path / "redis")
    redis.dir.mkdir()
    redis.start()
    server = LocalServer().start()
    database = Database(tmp_path)
    log = tmp_path / "celery.log"
    try:
        urls = _pages(server)
        feed_url = server.add("/feed.xml", rss([(f"Item {n}", url) for n, url in enumerate(urls)]),
                              content_type="application/rss+xml")
        env = _env(tmp_path, database, redis.url, server.port)
        _manage(env, "migrate", "--noinput", "-v", "0")
        # Workers and beat first (spaCy loads in its own time), then the feed is polled.
        processes.append(_celery(env, log, "worker", "-Q", "network,default", "-n", "network@%h",
                                 "--concurrency", "2", "--without-gossip", "--without-mingle"))
        processes.append(_celery(env, log, "worker", "-Q", "cpu", "-n", "cpu@%h", "--concurrency", "1",
                                 "--without-gossip", "--without-mingle"))
        processes.append(_celery(env, log, "beat", "-s", str(tmp_path / "beat-schedule")))
        _manage(env, "shell", code=(
            "from ingestion.models import Source; from ingestion.sources import source_poll; "
            f"s = Source.objects.create(name='local', kind='rss', url={feed_url!r}); "
            "print(source_poll(source_id=s.pk).new)"
        ))
        total = len(urls)

        def check_alive(what):
            for proc in processes:
                assert proc.poll() is None, (what, log.read_text()[-4000:])

        # Mid-run: some articles fetched, extracted or annotated, most not final yet.
        deadline = time.monotonic() + 120
        while True:
            statuses = database.statuses()
            if statuses.get("extracted", 0) + statuses.get("annotated", 0) >= 10:
                break
            assert time.monotonic() < deadline, (statuses, log.read_text()[-4000:])
            check_alive("before the outage")
            time.sleep(0.2)
        at_stop = database.statuses()
        in_flight = sum(n for status, n in at_stop.items() if status not in FINAL)
        redis.stop(how)
        time.sleep(DOWN_SECONDS)
        redis.start()
        back = time.monotonic()

        while sum(n for status, n in database.statuses().items() if status in FINAL) < total:
            check_alive("after the outage")
            if time.monotonic() - back > BOUND_SECONDS:
                break
            time.sleep(0.5)
        seconds_to_final = time.monotonic() - back
        statuses = database.statuses()
    finally:
        for proc in processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in processes:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        server.stop()
        if redis.proc.poll() is None:
            redis.stop("graceful")

    try:
        lost = sum(n for status, n in statuses.items() if status not in FINAL)
        finals = dict(database.rows(
            "SELECT article_id, COUNT(*) FROM ingestion_articleevent "
            "WHERE status IN ('annotated', 'failed', 'skipped') GROUP BY article_id"
        ))
        per_url = database.rows("SELECT canonical_url, COUNT(*) FROM ingestion_article GROUP BY canonical_url")
        failures = dict(database.rows(
            "SELECT failure_code, COUNT(*) FROM ingestion_article WHERE status = 'failed' GROUP BY failure_code"
        ))
        skipped = dict(database.rows(
            "SELECT failure_code, COUNT(*) FROM ingestion_article WHERE status = 'skipped' GROUP BY failure_code"
        ))
        annotations = database.rows("SELECT COUNT(*), COUNT(DISTINCT article_id) FROM ingestion_articleannotation")[0]
        evidence = database.rows(
            "SELECT COUNT(*) FROM (SELECT article_id, quote_start, demand_id, outcome_id, event_id, dispute_id "
            "FROM disputes_evidence WHERE article_id IS NOT NULL "
            "GROUP BY article_id, quote_start, demand_id, outcome_id, event_id, dispute_id HAVING COUNT(*) > 1) d"
        )[0][0]
        evidence_total = database.rows("SELECT COUNT(*) FROM disputes_evidence WHERE article_id IS NOT NULL")[0][0]
        # What the outage cost: messages that could not be sent or were lost, re-sent by the sweep.
        resent = sum(sum(int(n) for n in re.findall(r": (\d+)", line.split("sent", 1)[1]))
                     for line in log.read_text().splitlines() if "dispatch sweep: sent" in line)
        duplicated = sum(1 for count in finals.values() if count > 1) + sum(c - 1 for _, c in per_url if c > 1)
        print(
            f"\nRedis outage ({how}, {DOWN_SECONDS} s, default settings, batches of 25): "
            f"{total} articles, {in_flight} in flight when Redis stopped ({at_stop}); all final "
            f"{seconds_to_final:.0f} s after Redis came back; {resent} re-sent by the sweep; "
            f"lost {lost}, duplicated {duplicated}; "
            f"{annotations[0]} annotations, {evidence_total} evidence rows"
        )
    finally:
        database.drop()

    assert in_flight > 0, at_stop
    assert lost == 0, (statuses, log.read_text()[-4000:])
    assert seconds_to_final <= BOUND_SECONDS
    # Each article ended exactly once: annotated, skipped as a copy, or failed for a content
    # reason (the missing pages), never for a connection reason.
    assert statuses == {"annotated": UNIQUE, "skipped": COPIES, "failed": MISSING}, statuses
    assert failures == {"http_404": MISSING} and skipped == {"duplicate": COPIES}
    assert len(finals) == total and set(finals.values()) == {1}
    assert len(per_url) == total and duplicated == 0
    assert annotations == (UNIQUE, UNIQUE)
    assert evidence == 0 and evidence_total > 0
