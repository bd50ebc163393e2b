"""Score the annotator on a labelled corpus file with what the pipeline stored for it.

The metrics themselves are plain Python (ingestion.annotation.evaluation); this module reads
the predictions from the database: each record's article as ingestion matched it, its stored
annotation, the dispute it was attached to and its story cluster. Usage:
``manage.py evaluate_annotations``.
"""

from __future__ import annotations

import io
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Case, When

from disputes.models import Dispute, Evidence
from disputes.vocab import demand_types_for_corpus
from ingestion.annotation.evaluation import COUNT_FIELDS, LIST_FIELDS, load_jsonl, score
from ingestion.corpus import corpus_record_known, corpus_record_parse
from ingestion.models import Article, ArticleAnnotation, Claim, Source

SCHEMA_FIELDS = ("is_dispute", *LIST_FIELDS, *COUNT_FIELDS, "legal_basis", "event_date")
# Claim kinds whose values are scored against a list field of the corpus.
CLAIM_FIELDS = {"demand": "demand_types", "penalty": "penalties_threatened", "outcome": "outcomes"}
RELIABILITY_BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def stored_articles(records: Sequence[dict], *, source) -> list:
    """Each record's stored article (None when it was not stored), matched by the corpus
    ``id`` as ingestion matches it (then same text, same URL); a copy skipped in extraction
    stands for its original, which carries the annotation and attachment."""
    articles = []
    for raw in records:
        try:
            record = corpus_record_parse(raw)
        except ValueError:  # ingestion rejects it too
            articles.append(None)
            continue
        article, seen = corpus_record_known(source=source, record=record), set()
        while article is not None and article.duplicate_of_id and article.pk not in seen:
            seen.add(article.pk)
            article = article.duplicate_of
        articles.append(article)
    return articles


def stored_predictions(records: Sequence[dict], articles: Sequence) -> list[dict]:
    """One dict per record in corpus schema: the fields of its stored annotation, the dispute
    its article was attached to or proposed for (``dispute_key``, the dispute's slug) and its
    story cluster (``duplicate_group``)."""
    ids = {a.pk for a in articles if a is not None}
    fields = dict(ArticleAnnotation.objects.filter(article__in=ids).values_list("article_id", "fields"))
    disputes: dict[int, str] = {}
    # The attachment row (no fact) first; a fact's evidence stands in when a curator removed it.
    attachment = Case(When(demand__isnull=True, outcome__isnull=True, event__isnull=True, then=0), default=1)
    for article_id, slug in (
        Evidence.objects.filter(article__in=ids).order_by(attachment, "pk").values_list("article_id", "dispute__slug")
    ):
        disputes.setdefault(article_id, slug)
    # An article outside any cluster is its own group; records sharing one stored article
    # (the same text ingested twice) are then one group, as the pipeline stored them once.
    groups = [None if a is None else f"cluster-{a.cluster_id}" if a.cluster_id else f"article-{a.pk}"
              for a in articles]
    sizes = Counter(groups)
    out = []
    for record, article, group in zip(records, articles, groups, strict=True):
        stored = fields.get(article.pk, {}) if article is not None else {}
        row = {"id": record.get("id")}
        for name in SCHEMA_FIELDS:
            empty = [] if name in LIST_FIELDS else False if name == "is_dispute" else None
            row[name] = stored.get(name, empty)
        row["demand_types"] = demand_types_for_corpus(row.get("demand_types"))
        row["dispute_key"] = disputes.get(article.pk) if article is not None else None
        row["duplicate_group"] = group if group is not None and sizes[group] > 1 else None
        out.append(row)
    return out


def reliability(gold: Sequence[dict], articles: Sequence, bins: Sequence[float] = RELIABILITY_BINS) -> list[dict]:
    """Stated confidence of the stored demand, penalty and outcome claims against how often
    they are right: a claim is right when its record is a gold dispute whose list field holds
    its value. One row per confidence bin [low, high); the last bin includes 1.0."""
    claims: dict[int, list[tuple[str, str, float]]] = {}
    ids = {a.pk for a in articles if a is not None}
    for article_id, kind, value, confidence in Claim.objects.filter(
        article__in=ids, kind__in=list(CLAIM_FIELDS)
    ).values_list("article_id", "kind", "value", "confidence"):
        claims.setdefault(article_id, []).append((kind, value, confidence))
    rows = [{"low": low, "high": high, "claims": 0, "correct": 0, "confidence_sum": 0.0}
            for low, high in zip(bins, bins[1:])]
    for record, article in zip(gold, articles, strict=True):
        for kind, value, confidence in claims.get(article.pk, []) if article is not None else []:
            row = next((r for r in rows if r["low"] <= confidence < r["high"]), rows[-1])
            row["claims"] += 1
            if kind == "demand":
                value = demand_types_for_corpus([value])[0]
            row["correct"] += bool(record.get("is_dispute")) and value in (record.get(CLAIM_FIELDS[kind]) or [])
            row["confidence_sum"] += confidence
    for row in rows:
        total = row.pop("confidence_sum")
        row["precision"] = row["correct"] / row["claims"] if row["claims"] else None
        row["mean_confidence"] = total / row["claims"] if row["claims"] else None
    return rows


def corpus_source_for(path: str | Path):
    """The corpus source `ingest_corpus` made for this file (keyed by its resolved path)."""
    return Source.objects.filter(kind=Source.Kind.JSONL, url=str(Path(path).resolve())).first()


class EvaluationError(Exception):
    """The file cannot be scored as asked (not ingested, or annotation turned off)."""


def evaluate_file(path: str | Path, *, from_database: bool = False) -> tuple[dict, list[dict], list[dict]]:
    """Load, predict and score a corpus file. Returns (metrics, gold, predictions).

    Predictions are what the pipeline stored for the file's records. With `from_database`,
    what an earlier `ingest_corpus FILE` stored; otherwise the file goes through
    `ingest_corpus FILE --sync` here, in a transaction that is rolled back, so the figures
    come from the same extraction, clustering, annotation and dispute attachment as
    production and the database is left as it was. On a database that already holds
    disputes or articles the records meet them, as they would in production.
    """
    loaded = load_jsonl(path)
    for err in loaded.errors:
        print(f"{path}: {err}", file=sys.stderr)
    if from_database:
        source = corpus_source_for(path)
        if source is None:
            raise EvaluationError(f"{path} was not ingested in this database: run `ingest_corpus {path} --sync` first")
        preds, extras = _stored(loaded.records, source)
    else:
        if not settings.INGEST_ANNOTATE:
            raise EvaluationError("INGEST_ANNOTATE is off: the pipeline would annotate nothing")
        with transaction.atomic():
            before = {"disputes": Dispute.objects.count(), "articles": Article.objects.count()}
            call_command("ingest_corpus", str(path), sync=True, no_progress=True, stdout=io.StringIO(),
                         stderr=io.StringIO())
            preds, extras = _stored(loaded.records, corpus_source_for(path))
            extras["database_before"] = before
            transaction.set_rollback(True)
    metrics = score(loaded.records, preds) | extras
    metrics["load_errors"] = loaded.errors
    return metrics, loaded.records, preds


def _stored(records: Sequence[dict], source) -> tuple[list[dict], dict]:
    """Predictions, and what else the report says: the reliability table, the records with no
    stored article, and the pipeline versions that annotated them."""
    articles = stored_articles(records, source=source)
    return stored_predictions(records, articles), {
        "reliability": reliability(records, articles),
        "not_stored": [r.get("id") for r, a in zip(records, articles) if a is None],
        "pipeline_versions": stored_versions(articles),
    }


def stored_versions(articles: Sequence) -> dict[str, int]:
    """How many of these articles each pipeline version annotated: --from-database scores
    the version that ran, which may not be this code's."""
    versions = ArticleAnnotation.objects.filter(article__in={a.pk for a in articles if a is not None})
    return dict(Counter(versions.values_list("pipeline_version", flat=True)))
