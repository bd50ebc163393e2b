"""A worker killed with SIGKILL mid-task loses nothing: real redis-server, real celery worker.

The worker and the test share a SQLite file (pytest-django's test database lives in memory and
cannot be shared with another process), so this test drives everything through subprocesses.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from tests.ingestion.conftest import STORY, news_page, paragraphs, rss
from tests.ingestion.httpserver import LocalServer

REPO = Path(__file__).resolve().parents[2]
ARTICLES = 30
FINAL = ("annotated", "failed", "skipped")

pytestmark = pytest.mark.slow


def _env(tmp_path: Path, redis_url: str, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STANDOFF_VAR_DIR=str(tmp_path),
        REDIS_URL=redis_url,
        INGEST_ALLOW_LOOPBACK="1",
        INGEST_LOOPBACK_PORTS=str(port),
        # Short limits so a killed worker's lease and unacked messages expire within the test;
        # the order visibility > lease > time limit is the one production keeps.
        INGEST_CONNECT_TIMEOUT="2",
        INGEST_READ_TIMEOUT="2",
        INGEST_TOTAL_TIMEOUT="3",
        INGEST_TASK_TIME_LIMIT="6",
        INGEST_LEASE_SECONDS="7",
        CELERY_VISIBILITY_TIMEOUT="8",
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        CELERY_UNACKED_RESTORE_THROTTLE="1",
        INGEST_RETRY_BACKOFF="2",
        INGEST_RETRY_BACKOFF_MAX="4",
        INGEST_MAX_RETRIES="30",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env, *args, code: str | None = None) -> str:
    command = [sys.executable, "manage.py", *args] + (["-c", code] if code else [])
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _start_worker(env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "network,cpu,default",
         "--concurrency", "2", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel", "INFO"],
        cwd=REPO, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL reaches the pool children too
    )


def _statuses(db: Path) -> dict[str, int]:
    with sqlite3.connect(db, timeout=30) as connection:
        return dict(connection.execute(
            "SELECT status, COUNT(*) FROM ingestion_article GROUP BY status"
        ).fetchall())


@pytest.fixture
def workers():
    """Started workers; any still running when the test ends is killed with its pool."""
    started: list[subprocess.Popen] = []
    yield started
    for worker in started:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


def test_a_worker_killed_mid_task_loses_nothing(tmp_path, redis_url, workers):
    redis.Redis.from_url(redis_url).flushdb()
    server = LocalServer().start()
    try:
        for n in range(ARTICLES):
            # Slow pages, so the kill lands while requests are in flight.
            server.add(f"/story-{n}", news_page(f"Story {n}", paragraphs(f"Story {n}. {STORY}")), delay=0.4)
        feed = rss([(f"Story {n}", server.url(f"/story-{n}")) for n in range(ARTICLES)])
        feed_url = server.add("/feed.xml", feed, content_type="application/rss+xml")
        env = _env(tmp_path, redis_url, server.port)
        db = tmp_path / "db.sqlite3"
        log = tmp_path / "worker.log"

        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "shell", code=(
            "from ingestion.models import Source; from ingestion.sources import source_poll; "
            f"s = Source.objects.create(name='local', kind='rss', url={feed_url!r}); "
            "print(source_poll(source_id=s.pk).new)"
        ))
        assert _statuses(db) == {"discovered": ARTICLES}

        worker = _start_worker(env, log)
        workers.append(worker)
        deadline = time.monotonic() + 60
        while len([h for h in server.hits if h.path.startswith("/story-")]) < 6:
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            assert worker.poll() is None, log.read_text()[-3000:]
            time.sleep(0.05)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        killed_at = _statuses(db)
        assert sum(n for status, n in killed_at.items() if status not in FINAL) > 0, killed_at

        worker = _start_worker(env, log)
        workers.append(worker)
        try:
            deadline = time.monotonic() + 240
            while sum(n for status, n in _statuses(db).items() if status in FINAL) < ARTICLES:
                assert time.monotonic() < deadline, (_statuses(db), log.read_text()[-3000:])
                assert worker.poll() is None, log.read_text()[-3000:]
                time.sleep(0.5)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
    finally:
        server.stop()

    # Fetched, extracted and annotated (the spaCy step on the cpu queue), each exactly once.
    assert _statuses(db) == {"annotated": ARTICLES}
    with sqlite3.connect(db) as connection:
        finals = connection.execute(
            "SELECT article_id, COUNT(*) FROM ingestion_articleevent "
            f"WHERE status IN ({','.join('?' * len(FINAL))}) GROUP BY article_id",
            FINAL,
        ).fetchall()
        texts = connection.execute("SELECT COUNT(DISTINCT content_hash) FROM ingestion_article").fetchone()[0]
    # Every article reached its final state exactly once.
    assert len(finals) == ARTICLES and {count for _, count in finals} == {1}
    assert texts == ARTICLES
