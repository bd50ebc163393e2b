import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from disputes.models import Evidence


class SourceQuerySet(models.QuerySet):
    def feeds(self):
        return self.filter(kind__in=[Source.Kind.RSS, Source.Kind.ATOM])

    def due(self, now: datetime.datetime | None = None):
        """Enabled feeds whose next poll time has come (or was never set)."""
        now = now or timezone.now()
        return self.feeds().filter(enabled=True).filter(
            Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
        )


class Source(models.Model):
    """Where articles come from: a feed polled on a schedule, or a corpus file."""

    class Kind(models.TextChoices):
        RSS = "rss", "RSS 2.0 feed"
        ATOM = "atom", "Atom feed"
        JSONL = "jsonl", "JSON Lines corpus"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RSS)
    url = models.CharField(max_length=2000, help_text="Feed URL, or a path for a corpus file.")
    language = models.CharField(max_length=8, blank=True, default="en")
    enabled = models.BooleanField(default=True)
    poll_interval = models.DurationField(
        default=datetime.timedelta(hours=1), help_text="Time between polls while healthy."
    )
    # Conditional GET: sent back to the feed so an unchanged feed costs a 304.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Entries the last poll dropped, with why ("no link: 3"); not an error.
    last_poll_note = models.CharField(max_length=500, blank=True)
    next_poll_at = models.DateTimeField(
        null=True, blank=True, help_text="Includes the back-off while the source is failing."
    )
    # Set while a poll runs so a second poll of the same feed cannot start; expires on its own
    # if the worker dies.
    poll_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            # poll_due_sources_task: enabled feeds whose next_poll_at has passed.
            models.Index(fields=["enabled", "next_poll_at"], name="ingestion_source_due_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_failing(self) -> bool:
        return self.consecutive_failures > 0


class StoryCluster(models.Model):
    """Syndicated near-copies of one story (one wire report on many outlets)."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"Story cluster {self.pk}"


class IngestRun(models.Model):
    """One poll of a feed or one corpus import: what it found and how far it got."""

    class Kind(models.TextChoices):
        POLL = "poll"
        CORPUS = "corpus"

    class Status(models.TextChoices):
        RUNNING = "running"
        FINISHED = "finished"
        FAILED = "failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0, help_text="Entries or lines read.")
    new = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0, help_text="Broken lines or entries.")
    # {"line 3": "invalid JSON: ..."}, {"no link": 2}: why records were rejected.
    problems = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        get_latest_by = "started_at"
        indexes = [
            # ingestion_health: runs still in progress.
            models.Index(fields=["status", "started_at"], name="ingestion_run_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} run {self.pk} ({self.status})"


class ArticleQuerySet(models.QuerySet):
    # Articles whose text was extracted: what search and the API can show at all.
    READABLE_STATUSES = ("extracted", "annotated")

    def public(self):
        """What anonymous visitors see: the articles of evidence a curator accepted."""
        return self.filter(pk__in=Evidence.objects.public().values("article_id"))

    def archive(self):
        """The unreviewed archive, for signed-in researchers: every article with its text."""
        return self.filter(status__in=self.READABLE_STATUSES)

    def for_user(self, user):
        """Public articles for anonymous visitors, the archive for signed-in researchers."""
        return self.archive() if user.is_authenticated else self.archive().public()

    def final(self):
        return self.filter(status__in=Article.FINAL_STATUSES)

    def due_for_dispatch(self, now: datetime.datetime):
        """Unfinished articles with no live lease and no message believed in flight.

        The dispatch sweep sends these their step's message again: a send that failed while
        the broker was down left `queued_until` empty, and a message lost in the broker (or in
        a worker cut off from it) lets it pass.
        """
        return (
            self.filter(status__in=Article.PIPELINE_STATUSES)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .filter(Q(queued_until__isnull=True) | Q(queued_until__lt=now))
        )


class Article(models.Model):
    """One news article, from discovery through extraction and annotation."""

    class Status(models.TextChoices):
        DISCOVERED = "discovered"
        FETCHED = "fetched"
        EXTRACTED = "extracted"
        ANNOTATED = "annotated"
        FAILED = "failed"
        SKIPPED = "skipped"

    # An extracted article still waits for annotation; these are the ends of the line.
    FINAL_STATUSES = (Status.ANNOTATED, Status.FAILED, Status.SKIPPED)
    # Each of these waits for a step: fetch, extract, annotate.
    PIPELINE_STATUSES = (Status.DISCOVERED, Status.FETCHED, Status.EXTRACTED)

    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    run = models.ForeignKey(
        IngestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # Id of the record in its source (a corpus line's "id", a feed entry's guid).
    external_id = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=2000, blank=True)
    canonical_url = models.CharField(max_length=2000, blank=True)
    final_url = models.CharField(max_length=2000, blank=True, help_text="After redirects.")
    outlet = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    author = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    published = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DISCOVERED)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_code = models.CharField(max_length=40, blank=True)
    failure_reason = models.TextField(blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    cluster = models.ForeignKey(
        StoryCluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # A worker holds the row while working on it; a killed worker's lease simply expires.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    # Until then a message for the article's next step is believed queued; empty when its send
    # failed. The database is the truth and the message a hint: past this, the sweep re-sends.
    queued_until = models.DateTimeField(null=True, blank=True, editable=False)
    fetched_at = models.DateTimeField(null=True, blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-id"]
        get_latest_by = "created_at"
        constraints = [
            models.UniqueConstraint(
                fields=["canonical_url"],
                condition=~Q(canonical_url=""),
                name="ingestion_article_unique_canonical_url",
            ),
            # Duplicates keep their URL but not the hash, so the hash names one stored text.
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=~Q(content_hash=""),
                name="ingestion_article_unique_content_hash",
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="ingestion_article_unique_external_id",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["failed", "skipped"]) | ~Q(failure_reason=""),
                name="ingestion_article_failure_has_reason",
            ),
        ]
        indexes = [
            # ingestion_health and the admin's status filter: counts by status per source.
            models.Index(fields=["source", "status"], name="ingestion_article_status_idx"),
            # dispatch_due_articles_task: unfinished articles whose message is not in flight.
            models.Index(fields=["status", "queued_until"], name="ingestion_article_due_idx"),
        ]

    def __str__(self):
        return self.title or self.url or f"Article {self.pk}"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES


class FetchedPage(models.Model):
    """A downloaded page waiting for its extraction (tasks take ids only); dropped after it.

    Its own table, not a column of Article: SQLite rewrites a whole row on every UPDATE, so a
    page on the article was copied again by each lease, state and text update. Not compressed:
    zlib cost more than writing.
    """

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="page")
    html = models.BinaryField()
    charset = models.CharField(max_length=40, blank=True, help_text="From the Content-Type header.")
    final_url = models.CharField(max_length=2000, blank=True, help_text="After redirects.")

    def __str__(self):
        return f"Page of article {self.article_id} ({len(self.html):,} bytes)"


class ArticleFingerprint(models.Model):
    """Sampled shingle hashes of an article's text, to find near-duplicate candidates."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="fingerprints")
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["value", "article"], name="ingestion_fingerprint_unique"
            ),
        ]
        # The unique index on (value, article) serves the candidate lookup `value IN (...)`.

    def __str__(self):
        return f"{self.value} of article {self.article_id}"


class ArticleEvent(models.Model):
    """One status change or recorded error of an article: its history for curators."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=Article.Status.choices)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The article admin's history inline.
            models.Index(fields=["article", "created_at"], name="ingestion_event_article_idx"),
        ]

    def __str__(self):
        return f"{self.article_id} → {self.status}"


# Annotation -----------------------------------------------------------------------------
# What the spaCy step found in an article. Stored so that curators see why an
# article was proposed, and so that `reannotate` can refresh older versions.


class ArticleAnnotation(models.Model):
    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="annotation")
    pipeline_version = models.CharField(max_length=40)
    language = models.CharField(max_length=8, blank=True)
    processing = models.CharField(
        max_length=12, blank=True, help_text="full: the English model ran; ruler_only: gazetteer only."
    )
    relevance = models.FloatField(default=0.0)
    is_dispute = models.BooleanField(default=False)
    fields = models.JSONField(default=dict, blank=True, help_text="Predicted fields in the corpus schema.")
    annotated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(relevance__gte=0, relevance__lte=1), name="annotation_relevance_range"
            ),
        ]
        indexes = [
            # reannotate: annotations made by an older pipeline version.
            models.Index(fields=["pipeline_version"], name="annotation_version_idx"),
        ]

    def __str__(self):
        return f"{self.article} ({self.relevance:.2f})"


class Mention(models.Model):
    """An entity found in an article, linked to an actor, a platform or a country."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    label = models.CharField(max_length=20)
    text = models.CharField(max_length=300)
    start_char = models.PositiveIntegerField()
    end_char = models.PositiveIntegerField()
    in_title = models.BooleanField(default=False)
    actor = models.ForeignKey(
        "disputes.Actor", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions"
    )
    platform = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["in_title", "start_char"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_char__gte=models.F("start_char")), name="mention_span_valid"
            ),
        ]

    def __str__(self):
        return f"{self.text} [{self.label}]"


class Claim(models.Model):
    """A finding tied to the sentence that states it: a demand, a penalty, an outcome..."""

    class Kind(models.TextChoices):
        DEMAND = "demand"
        PENALTY = "penalty"
        OUTCOME = "outcome"
        COUNT = "count"
        LEGAL_BASIS = "legal_basis", "Legal basis"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    value = models.CharField(max_length=300)
    extra = models.JSONField(default=dict, blank=True)
    in_title = models.BooleanField(default=False)
    sentence_start = models.PositiveIntegerField()
    sentence_end = models.PositiveIntegerField()
    quote = models.TextField()
    confidence = models.FloatField(default=0.5)

    class Meta:
        ordering = ["in_title", "sentence_start"]
        constraints = [
            # Re-annotating finds the same claim again instead of adding a copy.
            models.UniqueConstraint(
                fields=["article", "kind", "value", "in_title", "sentence_start"], name="claim_unique_per_sentence"
            ),
            models.CheckConstraint(
                condition=models.Q(sentence_end__gte=models.F("sentence_start")), name="claim_span_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__gte=0, confidence__lte=1), name="claim_confidence_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"
