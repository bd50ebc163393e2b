from django.db import models


class Source(models.Model):
    """Where articles come from: a feed polled on a schedule, or a corpus file."""

    class Kind(models.TextChoices):
        FEED = "feed", "RSS / Atom feed"
        JSONL = "jsonl", "JSON Lines corpus"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FEED)
    url = models.CharField(max_length=2000, help_text="Feed URL, or a path for a corpus file.")
    language = models.CharField(max_length=8, blank=True, default="en")
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Article(models.Model):
    """One news article, from discovery through extraction and annotation."""

    class Status(models.TextChoices):
        DISCOVERED = "discovered"
        FETCHED = "fetched"
        EXTRACTED = "extracted"
        ANNOTATED = "annotated"
        FAILED = "failed"
        SKIPPED = "skipped"

    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    url = models.CharField(max_length=2000, blank=True)
    canonical_url = models.CharField(max_length=2000, blank=True)
    outlet = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    author = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    published = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DISCOVERED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published", "-id"]
        get_latest_by = "created_at"

    def __str__(self):
        return self.title or self.url or f"Article {self.pk}"


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
