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

Plain Python, no Django. The predictions are read from the database, as the pipeline stored
them, by ``ingestion.evaluating.evaluate_file``: the evaluation has no rules of its own, so a
change to the annotator, the dispute matching (``disputes.attach``) or the near-copy
clustering (``ingestion.extracting``) shows in the figures.
"""

from __future__ import annotations

import json
import math
import os
import re
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
