"""Read-only views of ingestion for pages and the admin."""

from dataclasses import dataclass, field

import redis
from django.conf import settings
from django.db.models import Count

from ingestion.models import Article, IngestRun, Source

QUEUES = ("network", "cpu", "default")
STATUSES = [choice for choice, _ in Article.Status.choices]


@dataclass
class SourceHealth:
    source: Source
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class RunProgress:
    run: IngestRun
    counts: dict[str, int]

    @property
    def done(self) -> int:
        return sum(self.counts.get(status, 0) for status in Article.FINAL_STATUSES)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


@dataclass
class IngestionHealth:
    counts: dict[str, int]
    sources: list[SourceHealth]
    queues: dict[str, int | None]
    recent_failures: list[Article]
    running: list[RunProgress] = field(default_factory=list)

    @property
    def failing_sources(self) -> list[Source]:
        return [row.source for row in self.sources if row.source.is_failing]


def queue_lengths(redis_url: str | None = None) -> dict[str, int | None]:
    """Messages waiting per Celery queue; None when the broker cannot be reached."""
    try:
        client = redis.Redis.from_url(redis_url or settings.CELERY_BROKER_URL, socket_timeout=2)
        return {queue: client.llen(queue) for queue in QUEUES}
    except (redis.RedisError, ValueError):
        return dict.fromkeys(QUEUES)


def _status_counts(rows, key: str) -> dict:
    counts: dict = {}
    for row in rows:
        counts.setdefault(row[key], dict.fromkeys(STATUSES, 0))[row["status"]] = row["n"]
    return counts


def ingestion_health(*, failures: int = 10, redis_url: str | None = None) -> IngestionHealth:
    """Counts by status overall and per source, queue lengths, last errors, runs in progress.

    A fixed number of queries whatever the number of sources and articles.
    """
    by_source = _status_counts(
        Article.objects.values("source_id", "status").annotate(n=Count("id")).order_by(), "source_id"
    )
    overall = dict.fromkeys(STATUSES, 0)
    for counts in by_source.values():
        for status, n in counts.items():
            overall[status] += n
    sources = [
        SourceHealth(source=source, counts=by_source.get(source.pk, dict.fromkeys(STATUSES, 0)))
        for source in Source.objects.all()
    ]
    running = list(IngestRun.objects.filter(status=IngestRun.Status.RUNNING).select_related("source"))
    run_counts = _status_counts(
        Article.objects.filter(run__in=running).values("run_id", "status").annotate(n=Count("id")).order_by(),
        "run_id",
    ) if running else {}
    # A corpus run queued to workers has finished reading its file but its articles are still
    # moving: it shows as in progress until they are all final.
    queued_runs = list(
        IngestRun.objects.filter(status=IngestRun.Status.FINISHED, kind=IngestRun.Kind.CORPUS)
        .filter(articles__status__in=[Article.Status.DISCOVERED, Article.Status.FETCHED, Article.Status.EXTRACTED])
        .distinct()
        .select_related("source")[:10]
    )
    if queued_runs:
        run_counts.update(_status_counts(
            Article.objects.filter(run__in=queued_runs).values("run_id", "status").annotate(n=Count("id")).order_by(),
            "run_id",
        ))
    return IngestionHealth(
        counts=overall,
        sources=sources,
        queues=queue_lengths(redis_url),
        recent_failures=list(
            Article.objects.filter(status=Article.Status.FAILED)
            .select_related("source")
            .order_by("-updated_at")[:failures]
        ),
        running=[
            RunProgress(run=run, counts=run_counts.get(run.pk, {}))
            for run in [*running, *queued_runs]
        ],
    )
