"""Confidence that means something: the annotator's raw scores mapped to the
precision they had on the hand-labelled dev corpus.

Plain Python (no Django, no sklearn): `fit` runs isotonic regression (pool
adjacent violators) per claim kind, `reliability` bins scores for the report,
and `Calibration` applies the stored table. The table is a small JSON file made
by `manage.py calibrate_confidence`; a score of a kind it does not know is left
uncalibrated (None), never guessed.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE_PATH = Path(__file__).resolve().parent / "data" / "confidence_calibration.json"

# Kinds beyond the claim kinds: `article` maps an article's relevance to whether
# it really reports a dispute (the confidence of a report in the queue).
ARTICLE = "article"


@dataclass(frozen=True)
class Block:
    """Raw scores from `low` to `high` shared one observed precision."""

    low: float
    high: float
    n: int
    precision: float


def fit(pairs: Iterable[tuple[float, bool]]) -> list[Block]:
    """Isotonic regression of correctness on raw score: the non-decreasing step
    function closest (least squares) to the observed hit rates."""
    by_score: dict[float, list[int]] = {}
    for score, correct in pairs:
        hits = by_score.setdefault(float(score), [0, 0])
        hits[0] += bool(correct)
        hits[1] += 1
    # Each block: [low, high, hits, n]; merge backwards while a block is below the one before.
    blocks: list[list] = []
    for score in sorted(by_score):
        hits, n = by_score[score]
        blocks.append([score, score, hits, n])
        while len(blocks) > 1 and blocks[-2][2] / blocks[-2][3] >= blocks[-1][2] / blocks[-1][3]:
            low, _, h, m = blocks.pop(-2)
            blocks[-1] = [low, blocks[-1][1], blocks[-1][2] + h, blocks[-1][3] + m]
    return [Block(low, high, n, round(hits / n, 4)) for low, high, hits, n in blocks]


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    n: int
    mean_stated: float
    precision: float


def reliability(pairs: Sequence[tuple[float, bool]], edges: Sequence[float] = (0.5, 0.6, 0.7, 0.8, 0.9)) -> list[Bin]:
    """Scores cut at `edges` (a bin holds low <= score < high; the last includes 1.0);
    empty bins are left out."""
    bounds = [0.0, *edges, 1.0]
    bins = []
    for i, (low, high) in enumerate(zip(bounds, bounds[1:])):
        last = i == len(bounds) - 2
        inside = [(s, c) for s, c in pairs if low <= s < high or (last and s == high)]
        if inside:
            bins.append(Bin(low, high, len(inside), sum(s for s, _ in inside) / len(inside),
                            sum(c for _, c in inside) / len(inside)))
    return bins


class Calibration:
    """The stored table: per kind, the blocks of `fit`."""

    def __init__(self, table: dict[str, list[Block]]):
        self.table = table

    @classmethod
    def from_json(cls, data: dict) -> Calibration:
        return cls({kind: [Block(**b) for b in spec["blocks"]] for kind, spec in data.get("kinds", {}).items()})

    def to_json(self, **meta) -> dict:
        return {**meta, "kinds": {
            kind: {"n": sum(b.n for b in blocks), "blocks": [b.__dict__ for b in blocks]}
            for kind, blocks in sorted(self.table.items())
        }}

    def apply(self, kind: str, score: float | None) -> float | None:
        """The precision of the block the score falls in; between blocks, the
        lower one (never more confident than the data showed); below the first,
        the first."""
        blocks = self.table.get(kind)
        if not blocks or score is None:
            return None
        i = bisect_right([b.low for b in blocks], score) - 1
        return blocks[max(i, 0)].precision


@lru_cache(maxsize=1)
def load(path: Path = TABLE_PATH) -> Calibration:
    """The committed table; an absent file calibrates nothing."""
    try:
        return Calibration.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return Calibration({})


# Which stored claims are right: the record's hand label says so.


def _norm(text: str) -> str:
    return " ".join((text or "").lower().replace("section ", "s ").split())


def claim_is_correct(kind: str, value: str, extra: dict, record: dict) -> bool:
    """Whether a claim agrees with the labelled record it was found in. A claim
    in a negative article is wrong whatever it says."""
    if not record.get("is_dispute"):
        return False
    if kind == "demand":
        return value in (record.get("demand_types") or [])
    if kind == "penalty":
        return value in (record.get("penalties_threatened") or [])
    if kind == "outcome":
        return value in (record.get("outcomes") or [])
    if kind == "count":
        field = {"accounts": "accounts_targeted", "posts": "posts_targeted"}.get(value)
        return field is not None and record.get(field) is not None and (extra or {}).get("number") == record[field]
    if kind == "legal_basis":
        label, found = _norm(record.get("legal_basis") or ""), _norm(value)
        return bool(label and found) and (found in label or label in found)
    return False
