"""Benchmark: the whole ingestion pipeline vs bare trafilatura, both with 2 processes.

    .venv/bin/python bench/ingest.py [--pages 1000] [--database-url postgres://...]

Generates news-shaped pages of 50-150 KB (navigation, scripts, styles, related links,
comments) served from 127.0.0.1, then
1. bare: trafilatura over the same HTML in a pool of 2 processes, twice: the default
   `extract()` (text only) and `bare_extraction(with_metadata=True)` with the pipeline's options;
2. pipeline: a real Celery worker with 2 processes polls one feed listing every page, then
   fetches, extracts, dedupes and stores each page (SQLite by default), in the production
   configuration (tasks of INGEST_BATCH_SIZE articles, default 25), timed from the poll
   until every article is extracted (annotation, measured by bench/annotate.py, is switched off).
Not a test: figures vary with the machine (and with whatever else runs on it: compare the
ratio, and run it more than once). The last line is one JSON object.

Knobs for investigating: BENCH_CONCURRENCY (worker processes, default 2), BENCH_WORKER_ARGS
(extra `celery worker` arguments, e.g. "-P threads"), BENCH_WORKER_LOGLEVEL=INFO (per-task
times in the worker log) and BENCH_KEEP=1 (keep the temporary folder with that log).
"""

import argparse
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.ingestion.httpserver import LocalServer  # noqa: E402

WORDS = (
    "government ministry platform regulator court order accounts posts content removal law "
    "minister company spokesperson statement election users service block ban fine deadline "
    "comply policy review public officials network video social media country week said "
    "national authority request data local office people report critics protest rights "
    "communications information security digital online freedom speech judge ruling appeal "
    "million billion percent month year days hours market internet access telecom operators"
).split()


# Bylines are people's names, as on real pages ("Reporter 12" would not survive trafilatura's
# author cleaning, which drops numbers, and would send every page down its slow author search).
FIRST_NAMES = "Aisha Carlos Deepa Elena Farid Hannah Ivan Julia Kenji Lucia Mehmet Nadia Omar Priya Sven Yara".split()
LAST_NAMES = "Adeyemi Bauer Chen Dubois Estrada Fischer Gupta Haddad Ito Kowalski Mendes Novak Okafor Rossi".split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 24))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def news_page(n: int, rng: random.Random) -> str:
    """A page shaped like a real news article, 50-150 KB."""
    target = rng.randint(50_000, 150_000)
    nav = "".join(f'<li><a href="/section/{rng.choice(WORDS)}-{i}">{rng.choice(WORDS).title()}</a></li>' for i in range(80))
    body = "".join(f"<p>{_paragraph(rng)}</p>" for _ in range(rng.randint(8, 16)))
    related = "".join(
        f'<li><a href="/news/{i}-{rng.choice(WORDS)}"><img src="/img/{i}.jpg" alt="">{_sentence(rng)}</a></li>'
        for i in range(rng.randint(10, 30))
    )
    comments = "".join(
        f'<div class="comment"><span class="user">user{rng.randint(1, 9999)}</span><p>{_paragraph(rng)}</p>'
        f'<a href="#reply">Reply</a> <a href="#like">Like</a></div>'
        for _ in range(rng.randint(5, 40))
    )
    title = _sentence(rng)[:-1]
    author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    head = (
        f'<head><meta charset="utf-8"><title>{title} | The Daily Example</title>'
        f'<meta name="author" content="{author}">'
        f'<meta property="article:published_time" content="2024-0{1 + n % 9}-1{n % 10}T08:00:00Z">'
        f'<link rel="canonical" href="/news/story-{n}"><link rel="stylesheet" href="/main.css">'
        "<style>" + "".join(f".c{i}{{margin:{i}px;color:#{i:06x}}}" for i in range(300)) + "</style>"
        "</head>"
    )
    page = (
        f'<!DOCTYPE html><html lang="en">{head}<body>'
        f'<header><div class="logo">The Daily Example</div><nav><ul>{nav}</ul></nav>'
        '<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div></header>'
        f'<main><article><h1>{title}</h1><div class="byline">By {author}</div>{body}</article>'
        f'<aside class="related"><h2>Related stories</h2><ul>{related}</ul></aside>'
        f'<section class="comments"><h2>Comments</h2>{comments}</section></main>'
        '<footer><p>© The Daily Example. All rights reserved.</p></footer>'
    )
    padding = []
    size = len(page)
    while size < target:  # analytics and ad scripts make up the rest, as on real pages
        chunk = "var " + ";var ".join(f"_{rng.getrandbits(32):x}={rng.getrandbits(48)}" for _ in range(200)) + ";"
        padding.append(f"<script>{chunk}</script>")
        size += len(chunk) + 17
    return page + "".join(padding) + "</body></html>"


def _bare_default(html: str) -> int:
    import trafilatura

    return len(trafilatura.extract(html) or "")


def _bare_metadata(html: str) -> int:
    import trafilatura

    document = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    return len(document.text or "") if document else 0


def bare_throughput(pages: list[str], function) -> float:
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(function, pages[:10])  # warm up imports in both processes
        started = time.perf_counter()
        pool.map(function, pages, chunksize=8)
        return len(pages) / (time.perf_counter() - started)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def pipeline_throughput(pages: list[str], database_url: str | None) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="standoff-bench-"))
    server = LocalServer().start()
    redis_port = _free_port()
    redis_proc = subprocess.Popen(
        [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(redis_port), "--dir", str(workdir),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    worker = None
    try:
        _wait_port(redis_port)
        for n, page in enumerate(pages):
            server.add(f"/news/story-{n}", page)
        items = "".join(
            f"<item><title>Story {n}</title><link>{server.url(f'/news/story-{n}')}</link></item>"
            for n in range(len(pages))
        )
        feed_url = server.add(
            "/feed.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>{items}</channel></rss>',
            content_type="application/rss+xml",
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url or f"sqlite:///{workdir / 'db.sqlite3'}",
            "STANDOFF_VAR_DIR": str(workdir),
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "INGEST_ALLOW_LOOPBACK": "1",
            "INGEST_LOOPBACK_PORTS": str(server.port),
            "LOG_LEVEL": "WARNING",
            # Production mode: with DEBUG on, Django formats and keeps every SQL statement.
            "DEBUG": "0",
            "SECRET_KEY": "benchmark-only-secret-key-not-used-anywhere-else-0123456789",
            # Measure ingestion alone: annotation (its own benchmark) is not chained.
            "INGEST_ANNOTATE": "0",
        }
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "network,cpu,default",
             "--concurrency", os.environ.get("BENCH_CONCURRENCY", "2"),
             *os.environ.get("BENCH_WORKER_ARGS", "").split(), "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--loglevel", os.environ.get("BENCH_WORKER_LOGLEVEL", "WARNING")],
            cwd=REPO, env=env, stdout=(workdir / "worker.log").open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        time.sleep(4)  # let the worker boot before the clock starts
        os.environ.update(env)
        import django

        django.setup()
        from django.db.models import Count

        from ingestion.models import Article, IngestRun, Source
        from ingestion.tasks import poll_source_task

        source = Source.objects.create(name="bench", kind="rss", url=feed_url)
        started = time.perf_counter()
        # The poll runs in the worker, as beat's polls do, not in this process (which serves
        # the pages and would pay its first-use imports inside the timing).
        poll_source_task.delay(source.pk)
        while True:
            done = Article.objects.filter(
                status__in=[Article.Status.EXTRACTED, Article.Status.FAILED, Article.Status.SKIPPED]
            ).count()
            if done >= len(pages):
                break
            if worker.poll() is not None:
                raise RuntimeError((workdir / "worker.log").read_text()[-3000:])
            time.sleep(0.05)  # a count of 1,000 rows: cheap next to the overshoot of a longer sleep
        elapsed = time.perf_counter() - started
        run = IngestRun.objects.get(source=source)
        assert run.new == len(pages), run.problems
        statuses = dict(Article.objects.values_list("status").annotate(n=Count("id")))
        return {"seconds": elapsed, "rate": len(pages) / elapsed, "statuses": statuses}
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        redis_proc.terminate()
        redis_proc.wait(timeout=10)
        server.stop()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print("kept", workdir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    pages = [news_page(n, rng) for n in range(args.pages)]
    sizes = sorted(len(page.encode()) for page in pages)
    print(f"{len(pages)} pages, {sizes[0] / 1024:.0f}-{sizes[-1] / 1024:.0f} KB, median {sizes[len(sizes) // 2] / 1024:.0f} KB")

    bare_default = bare_throughput(pages, _bare_default)
    print(f"bare trafilatura extract(), 2 processes:                 {bare_default:7.1f} pages/s")
    bare_metadata = bare_throughput(pages, _bare_metadata)
    print(f"bare trafilatura with metadata (pipeline's options), 2 p: {bare_metadata:7.1f} pages/s")
    pipeline = pipeline_throughput(pages, args.database_url)
    print(f"pipeline (poll, fetch, extract, dedupe, store), 2 workers: {pipeline['rate']:7.1f} articles/s "
          f"({pipeline['seconds']:.1f} s; {pipeline['statuses']})")
    ratio = pipeline["rate"] / bare_default
    print(f"ratio pipeline / bare extract(): {ratio:.2f}; pipeline / bare with metadata: {pipeline['rate'] / bare_metadata:.2f}")
    print(json.dumps({
        "pages": len(pages),
        "database": "postgresql" if args.database_url else "sqlite",
        "pipeline_articles_per_s": round(pipeline["rate"], 1),
        "bare_extract_per_s": round(bare_default, 1),
        "bare_extract_metadata_per_s": round(bare_metadata, 1),
        "ratio": round(ratio, 3),
        "ratio_vs_metadata": round(pipeline["rate"] / bare_metadata, 3),
        "statuses": pipeline["statuses"],
    }))


if __name__ == "__main__":
    main()
