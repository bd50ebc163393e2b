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
