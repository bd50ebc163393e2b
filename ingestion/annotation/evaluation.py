"""Score the annotator against the hand-labelled corpus (JSON Lines, schema in the corpus
README).

Metrics
-------
* List fields (countries, platforms, government_actors, demand_types,
  penalties_threatened, outcomes): per-article sets, micro-averaged P/R/F1 over the
  articles whose gold ``is_dispute`` is true.
* ``is_dispute``: P/R/F1 over all articles, share of gold negatives rejected, and the
  Matthews correlation coefficient.
* Counts (accounts_targeted, posts_targeted): exact-match accuracy over the articles where
  gold has a number.
* ``dispute_key`` and ``duplicate_group``: pairwise P/R/F1 — a pair of articles is
  positive when both carry the same (non-null) label.

Predictions are read from the database, as the pipeline stored them (``evaluate_file``):
the evaluation has no rules of its own, so a change to the annotator, the dispute matching
(``disputes.attach``) or the near-copy clustering (``ingestion.extracting``) shows in the
figures. The metric helpers import no Django. Usage: ``manage.py evaluate_annotations``.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from disputes.vocab import demand_types_for_corpus  # plain Python, no Django

LIST_FIELDS = ("countries", "platforms", "government_actors", "demand_types", "penalties_threatened", "outcomes")
COUNT_FIELDS = ("accounts_targeted", "posts_targeted")
CLUSTER_FIELDS = ("dispute_key", "duplicate_group")


def shared_dir() -> Path:
    """Where ``corpus/`` lives: $STANDOFF_SHARED_DIR, else the ``shared`` folder beside the
    project checkout (as Django's ``Path(settings.BASE_DIR).parent / "shared"``)."""
    env = os.environ.get("STANDOFF_SHARED_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared"


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------
@dataclass
class LoadResult:
    records: list[dict]
    errors: list[str]


def load_jsonl(path: str | Path) -> LoadResult:
    """Read records, skipping (and reporting with line numbers) lines that do not parse."""
    records: list[dict] = []
    errors: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"line {lineno}: invalid JSON ({exc.msg})")
                continue
            if not isinstance(obj, dict):
                errors.append(f"line {lineno}: not a JSON object")
                continue
            records.append(obj)
    return LoadResult(records, errors)


# --------------------------------------------------------------------------------------
# Metric primitives
# --------------------------------------------------------------------------------------
def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def set_prf(gold: Iterable[Iterable], pred: Iterable[Iterable]) -> dict:
    """Micro-averaged P/R/F1 of per-item sets."""
    tp = fp = fn = 0
    for g, p in zip(gold, pred, strict=True):
        gs, ps = set(g or ()), set(p or ())
        tp += len(gs & ps)
        fp += len(ps - gs)
        fn += len(gs - ps)
    return prf(tp, fp, fn)


def mcc(tp: int, fp: int, fn: int, tn: int) -> float:
    """Matthews correlation; 0.0 when a marginal is empty (the usual convention)."""
    denom = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return (tp * tn - fp * fn) / denom if denom else 0.0


def _pairs(labels: Sequence) -> set[tuple[int, int]]:
    return {(i, j) for i, j in combinations(range(len(labels)), 2)
            if labels[i] is not None and labels[i] == labels[j]}


def pairwise_prf(gold: Sequence, pred: Sequence) -> dict:
    """Pairwise clustering P/R/F1: pairs of items that share a non-null label."""
    gp, pp = _pairs(gold), _pairs(pred)
    return prf(len(gp & pp), len(pp - gp), len(gp - pp))


def binary_metrics(gold: Sequence[bool], pred: Sequence[bool]) -> dict:
    tp = sum(g and p for g, p in zip(gold, pred))
    fp = sum((not g) and p for g, p in zip(gold, pred))
    fn = sum(g and not p for g, p in zip(gold, pred))
    tn = sum((not g) and not p for g, p in zip(gold, pred))
    out = prf(tp, fp, fn)
    out["tn"] = tn
    out["negatives_rejected"] = tn / (tn + fp) if tn + fp else 0.0
    out["mcc"] = mcc(tp, fp, fn, tn)
    return out


def count_accuracy(gold: Sequence, pred: Sequence) -> dict:
    scored = [(g, p) for g, p in zip(gold, pred) if g is not None]
    correct = sum(1 for g, p in scored if p == g)
    return {"accuracy": correct / len(scored) if scored else 0.0, "correct": correct, "n": len(scored)}


# --------------------------------------------------------------------------------------
# Predictions: what the pipeline stored for each record
# --------------------------------------------------------------------------------------
SCHEMA_FIELDS = ("is_dispute", *LIST_FIELDS, *COUNT_FIELDS, "legal_basis", "event_date")
# Claim kinds whose values are scored against a list field of the corpus.
CLAIM_FIELDS = {"demand": "demand_types", "penalty": "penalties_threatened", "outcome": "outcomes"}
RELIABILITY_BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def stored_articles(records: Sequence[dict], *, source) -> list:
    """Each record's stored article (None when it was not stored), matched by the corpus
    ``id`` as ingestion matches it (then same text, same URL); a copy skipped in extraction
    stands for its original, which carries the annotation and attachment."""
    from ingestion.corpus import corpus_record_known, corpus_record_parse

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
    from django.db.models import Case, When

    from disputes.models import Evidence
    from ingestion.models import ArticleAnnotation

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
    from ingestion.models import Claim

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
    from ingestion.models import Source

    return Source.objects.filter(kind=Source.Kind.JSONL, url=str(Path(path).resolve())).first()


def score(gold: Sequence[dict], pred: Sequence[dict]) -> dict:
    """All metrics; ``gold`` and ``pred`` are aligned lists of corpus-schema dicts."""
    if len(gold) != len(pred):
        raise ValueError("gold and predictions differ in length")
    metrics: dict = {"n_articles": len(gold)}
    positives = [i for i, g in enumerate(gold) if g.get("is_dispute")]
    metrics["n_disputes"] = len(positives)
    metrics["is_dispute"] = binary_metrics([bool(g.get("is_dispute")) for g in gold],
                                           [bool(p.get("is_dispute")) for p in pred])
    for name in LIST_FIELDS:
        # Standoff's demand types are finer than the corpus's: scored as their corpus values.
        as_corpus = demand_types_for_corpus if name == "demand_types" else lambda values: values or []
        metrics[name] = set_prf([gold[i].get(name) or [] for i in positives],
                                [as_corpus(pred[i].get(name)) for i in positives])
    for name in COUNT_FIELDS:
        metrics[name] = count_accuracy([gold[i].get(name) for i in positives],
                                       [pred[i].get(name) for i in positives])
    for name in CLUSTER_FIELDS:
        metrics[name] = pairwise_prf([g.get(name) for g in gold], [p.get(name) for p in pred])
    # Extras (not in the targets): exact event dates, and legal bases matched loosely
    # (one normalised string containing the other), where gold has a value.
    metrics["event_date"] = count_accuracy([gold[i].get("event_date") for i in positives],
                                           [pred[i].get("event_date") for i in positives])
    metrics["legal_basis"] = count_accuracy(
        [_norm(gold[i].get("legal_basis")) for i in positives],
        [_loose(_norm(gold[i].get("legal_basis")), _norm(pred[i].get("legal_basis"))) for i in positives])
    return metrics


def _norm(value: str | None) -> str | None:
    return re.sub(r"\W+", " ", value).strip().lower() if value else None


def _loose(gold: str | None, pred: str | None) -> str | None:
    """The gold string when the prediction matches it loosely, else the prediction."""
    if gold and pred and (pred in gold or gold in pred):
        return gold
    return pred


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
    from django.conf import settings
    from django.db import transaction

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
        from django.core.management import call_command

        from disputes.models import Dispute
        from ingestion.models import Article

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
    from ingestion.models import ArticleAnnotation

    versions = ArticleAnnotation.objects.filter(article__in={a.pk for a in articles if a is not None})
    return dict(Counter(versions.values_list("pipeline_version", flat=True)))


def format_report(metrics: dict) -> str:
    """Readable per-field table."""
    lines = [f"articles: {metrics['n_articles']}   gold disputes: {metrics['n_disputes']}", ""]
    lines.append(f"{'field':<22}{'P':>7}{'R':>7}{'F1':>7}   extra")
    lines.append("-" * 72)
    b = metrics["is_dispute"]
    lines.append(f"{'is_dispute':<22}{b['precision']:>7.3f}{b['recall']:>7.3f}{b['f1']:>7.3f}   "
                 f"neg rejected {b['negatives_rejected']:.3f}  MCC {b['mcc']:.3f}  "
                 f"(tp {b['tp']} fp {b['fp']} fn {b['fn']} tn {b['tn']})")
    for name in LIST_FIELDS:
        m = metrics[name]
        lines.append(f"{name:<22}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}   "
                     f"(tp {m['tp']} fp {m['fp']} fn {m['fn']})")
    for name in COUNT_FIELDS:
        m = metrics[name]
        lines.append(f"{name:<22}{'':>7}{'':>7}{'':>7}   exact {m['accuracy']:.3f} ({m['correct']}/{m['n']})")
    for name in CLUSTER_FIELDS:
        m = metrics[name]
        lines.append(f"{name + ' (pairs)':<22}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}   "
                     f"(tp {m['tp']} fp {m['fp']} fn {m['fn']})")
    for name, how in (("event_date", "exact"), ("legal_basis", "loose")):
        if name in metrics:
            m = metrics[name]
            lines.append(f"{name + ' (extra)':<22}{'':>7}{'':>7}{'':>7}   {how} {m['accuracy']:.3f} ({m['correct']}/{m['n']})")
    if metrics.get("reliability"):
        lines += ["", "claims (demand, penalty, outcome) by stated confidence:",
                  f"{'confidence':<14}{'claims':>8}{'right':>8}{'precision':>11}"]
        for row in metrics["reliability"]:
            precision = f"{row['precision']:.3f}" if row["precision"] is not None else "-"
            lines.append(f"{row['low']:.1f}-{row['high']:.1f}{'':<7}{row['claims']:>8}{row['correct']:>8}{precision:>11}")
    if metrics.get("not_stored"):
        lines.append(f"records with no stored article (scored as empty): {', '.join(map(str, metrics['not_stored']))}")
    versions = metrics.get("pipeline_versions") or {}
    if len(versions) > 1:
        lines.append("annotated by several pipeline versions: "
                     + ", ".join(f"{v} ({n})" for v, n in sorted(versions.items())))
    before = metrics.get("database_before") or {}
    if any(before.values()):
        lines.append(f"the database already held {before['disputes']} disputes and {before['articles']} articles, "
                     "which the records met as in production")
    if metrics.get("load_errors"):
        lines.append(f"load errors: {len(metrics['load_errors'])}")
    return "\n".join(lines)
