"""Benchmark: storing one batch's near-copy fingerprints as the fingerprint index grows.

    .venv/bin/python bench/fingerprints.py [--sizes 1000,20000,100000] [--database-url postgres://...]

Fills the fingerprint table with random fingerprints for growing numbers of articles (220
each, about what bench/ingest.py's pages have), and at each size times 40 times what an
extraction batch does under SQLite's write lock for them: `_fingerprints_store` of 25
articles' fingerprints (one INGEST_BATCH_SIZE batch), with its commit. This is why
INGEST_NEAR_COPY_DAYS bounds the table. The MB column is the database files on SQLite, and
the fingerprint table with its indexes on PostgreSQL. Not a test: figures vary with the
machine. The last line is one JSON object. A --database-url database should be a throwaway
one: the rows stay.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PER_ARTICLE = 220
BATCH = 25
ROUNDS = 40


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,20000,100000", help="articles in the table, ascending")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    workdir = Path(tempfile.mkdtemp(prefix="standoff-bench-"))
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'db.sqlite3'}",
        "STANDOFF_VAR_DIR": str(workdir),
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-not-used-anywhere-else-0123456789",
        "LOG_LEVEL": "WARNING",
    })
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from ingestion.extracting import _fingerprints_store
    from ingestion.models import Article, ArticleFingerprint

    try:
        call_command("migrate", verbosity=0)
        if ArticleFingerprint.objects.exists():
            raise SystemExit("the fingerprint table is not empty: give a fresh database")
        rng = random.Random(1)
        table = connection.ops.quote_name(ArticleFingerprint._meta.db_table)

        def new_articles(n: int) -> list[int]:
            rows = Article.objects.bulk_create(
                Article(url=f"https://bench.example/{rng.getrandbits(64):x}", title="bench", text="bench",
                        status=Article.Status.EXTRACTED)
                for _ in range(n)
            )
            return [row.pk for row in rows]

        def rows_for(ids: list[int]) -> list[tuple[int, int]]:
            return [(pk, rng.getrandbits(61)) for pk in ids for _ in range(PER_ARTICLE)]

        def size_mb() -> float:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT pg_total_relation_size(%s)", [ArticleFingerprint._meta.db_table])
                    return cursor.fetchone()[0] / 1e6
            return sum(p.stat().st_size for p in workdir.glob("db.sqlite3*")) / 1e6

        print(f"{connection.vendor}: one batch of {BATCH} articles' fingerprints ({BATCH * PER_ARTICLE:,} rows), "
              f"stored and committed, median of {ROUNDS}")
        print(f"{'articles in table':>18} {'rows':>12} {'batch ms':>9} {'ms/article':>11} {'MB':>8}")
        results, filled = {}, 0
        for size in sizes:
            while filled < size:  # fill in sorted chunks, outside the timing
                ids = new_articles(min(5000, size - filled))
                rows = sorted(rows_for(ids), key=lambda row: row[1])
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.executemany(f"INSERT INTO {table} (article_id, value) VALUES (%s, %s)", rows)
                filled += len(ids)
            times = []
            for _ in range(ROUNDS):
                rows = rows_for(new_articles(BATCH))
                started = time.perf_counter()
                with transaction.atomic():
                    _fingerprints_store(rows)
                times.append((time.perf_counter() - started) * 1000)
            filled += ROUNDS * BATCH
            batch_ms = statistics.median(times)
            results[size] = batch_ms
            print(f"{size:>18,} {size * PER_ARTICLE:>12,} {batch_ms:>9.1f} {batch_ms / BATCH:>11.2f} {size_mb():>8.0f}",
                  flush=True)
        print(json.dumps({
            "database": connection.vendor,
            "batch_articles": BATCH,
            "batch_ms": {str(size): round(ms, 1) for size, ms in results.items()},
        }))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
