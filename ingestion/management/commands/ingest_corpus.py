"""python manage.py ingest_corpus FILE.jsonl [--sync] [--wait]"""

import json
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from ingestion import corpus, extracting, pipeline
from ingestion.models import Article, IngestRun


def _lines(handle, limit: int):
    """The file's lines, or None for a line over `limit` bytes (skipped without
    holding it in memory)."""
    while raw := handle.readline(limit + 1):
        if len(raw) > limit:
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(1 << 20)
            yield None
        else:
            yield raw


class Command(BaseCommand):
    help = (
        "Import a JSON Lines corpus (id, url, outlet, published, title, text) through the "
        "ingestion pipeline. Queued to the workers by default; --sync runs it here, no broker."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--sync", action="store_true", help="Run in this process, without a broker.")
        parser.add_argument("--wait", action="store_true", help="Queued mode: wait for the workers to finish.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, file: Path, sync: bool, wait: bool, no_progress: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        path = str(file.resolve())
        source = corpus.corpus_source(path=path)
        run = IngestRun.objects.create(kind=IngestRun.Kind.CORPUS, source=source)
        outcomes: Counter = Counter()
        problems: dict[str, str] = {}
        new_ids: list[int] = []
        with file.open("rb") as handle:
            total = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        status = IngestRun.Status.FAILED
        sent = 0  # new_ids[:sent] are extracted (--sync) or queued
        try:
            # Streamed, not read whole: a corpus may be larger than memory.
            limit = settings.INGEST_MAX_RECORD_BYTES
            with file.open("rb") as handle, tqdm(
                _lines(handle, limit), total=total, desc=file.name, unit="line", disable=no_progress,
                file=self.stderr._out,
            ) as progress:
                for number, raw in enumerate(progress, start=1):
                    if raw is None:
                        outcomes["rejected"] += 1
                        problems[f"line {number}"] = f"record longer than {limit:,} bytes"
                    elif raw.strip():
                        self._line(number, raw, source, run, outcomes, problems, new_ids)
                    if len(new_ids) - sent >= settings.INGEST_BATCH_SIZE:
                        sent = self._extract(new_ids, sent, sync)
            sent = self._extract(new_ids, sent, sync)
            status = IngestRun.Status.FINISHED
        finally:
            # Even when interrupted, the run stops showing as in progress and keeps its counts.
            IngestRun.objects.filter(pk=run.pk).update(
                status=status, finished_at=timezone.now(),
                total=sum(outcomes.values()), new=outcomes["new"], duplicates=outcomes["duplicate"],
                rejected=outcomes["rejected"], problems=problems,
            )
        if not sync and wait and new_ids:
            self._wait(new_ids, no_progress)
        self._summary(file, outcomes, problems, new_ids, finished=sync or wait)

    @staticmethod
    def _extract(new_ids: list[int], sent: int, sync: bool) -> int:
        """Extract the records stored since the last batch, here or on the workers."""
        batch = new_ids[sent:]
        if batch and sync:
            extracting.articles_extract(article_ids=batch, inline_hooks=True)
        elif batch:
            pipeline.articles_dispatch(article_ids=batch, status=Article.Status.FETCHED)
        return len(new_ids)

    def _line(self, number, raw, source, run, outcomes, problems, new_ids) -> None:
        """Import one line; a broken one is recorded with its number and skipped."""
        try:
            decoded = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            outcomes["rejected"] += 1
            problems[f"line {number}"] = f"invalid JSON: {exc}"[:300]
            return
        try:
            record = corpus.corpus_record_parse(decoded)
        except ValueError as exc:
            outcomes["rejected"] += 1
            problems[f"line {number}"] = str(exc)[:300]
            return
        outcome = corpus.corpus_record_ingest(source=source, run=run, record=record)
        outcomes[outcome.outcome] += 1
        if outcome.outcome != "new":
            return
        new_ids.append(outcome.article_id)

    def _wait(self, ids: list[int], no_progress: bool) -> None:
        with tqdm(total=len(ids), desc="workers", unit="article", disable=no_progress, file=self.stderr._out) as bar:
            done = 0
            while done < len(ids):
                done = Article.objects.filter(pk__in=ids).final().count()
                bar.update(done - bar.n)
                time.sleep(0.5)

    def _summary(self, file, outcomes, problems, new_ids, *, finished: bool) -> None:
        articles = Article.objects.filter(pk__in=new_ids)
        write = self.stdout.write
        write(f"{file.name}: {sum(outcomes.values())} records")
        write(f"  new:        {outcomes['new']}")
        write(f"  duplicate:  {outcomes['duplicate']} (already stored: same id, URL or text)")
        if finished:
            skipped = articles.filter(status=Article.Status.SKIPPED).count()
            write(f"  clustered:  {articles.exclude(cluster=None).count()} (in a story cluster of near-copies)")
            if skipped:
                write(f"  skipped:    {skipped} (duplicate text found during extraction)")
            failed = Counter(articles.filter(status=Article.Status.FAILED).values_list("failure_reason", flat=True))
            write(f"  failed:     {sum(failed.values())}")
            for reason, count in failed.most_common():
                write(f"    {count} × {reason}")
        else:
            write(f"  queued:     {len(new_ids)} to the cpu workers; clusters and failures appear "
                  "in the admin's ingestion health page as they finish")
        write(f"  rejected:   {outcomes['rejected']}")
        for where, why in problems.items():
            write(f"    {where}: {why}")
