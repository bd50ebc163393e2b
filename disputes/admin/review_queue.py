"""What waits for a curator, in one list: candidate disputes, candidate facts
(demands with their penalties, outcomes, events) and candidate reports on
confirmed disputes, grouped by dispute, each with its quote in the article's
context and a calibrated confidence (disputes/calibration.py), most confident first."""

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ingestion.models import Claim

from .. import calibration
from ..models import Demand, Dispute, Event, Evidence, Outcome, ReviewState
from ..site.highlight import highlight

# Sentences shown either side of a quote.
CONTEXT_SENTENCES = 2
# However long the sentences, no more than this many characters either side.
CONTEXT_CHARS = 600
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+|\n\s*")


@dataclass
class QueueItem:
    kind: str  # dispute, demand, outcome, event or report
    record: object
    confidence: float | None = None
    raw_confidence: float | None = None
    article: object = None
    context: SafeString | None = None
    form: object = None  # the inline edit form, set by the view for facts
    attach_form: object = None  # for a candidate dispute
    target: object = None  # the dispute it was attached to
    error: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.record.pk}"

    @property
    def waiting(self) -> bool:
        return self.record.review_state == ReviewState.CANDIDATE

    @property
    def decision(self):
        """The history row of the decision (read only for decided items)."""
        return self.record.history.select_related("history_user").first()


@dataclass
class QueueGroup:
    dispute: Dispute
    items: list[QueueItem] = field(default_factory=list)
    sources: list[QueueItem] = field(default_factory=list)  # a candidate dispute's reporting

    @property
    def confidence(self) -> float:
        return max((i.confidence for i in self.items if i.confidence is not None), default=-1.0)


def article_context(text: str, start: int, end: int) -> SafeString:
    """The quoted span marked within the sentences around it, escaped."""
    bounds = sorted({0, len(text), *(m.end() for m in _SENTENCE_BREAK.finditer(text))})
    first = max(bisect_right(bounds, start) - 1 - CONTEXT_SENTENCES, 0)
    last = min(bisect_left(bounds, end) + CONTEXT_SENTENCES, len(bounds) - 1)
    low, high = max(bounds[first], start - CONTEXT_CHARS), min(bounds[last], end + CONTEXT_CHARS)
    marked = highlight(text[low:high], [(start - low, end - low, "evidence")])
    return format_html("{}{}{}", "…" if low > 0 else "", marked, "…" if high < len(text) else "")


def _quote_span(article, quote: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    if start is not None and end is not None and article.text[start:end] == quote:
        return start, end
    at = article.text.find(quote.strip()) if quote.strip() else -1
    return (at, at + len(quote.strip())) if at >= 0 else None


def _fact_context(item: QueueItem) -> None:
    """The first article quoted for the fact, with the quote marked."""
    for evidence in item.record.sources:
        span = _quote_span(evidence.article, evidence.quote, evidence.quote_start, evidence.quote_end)
        if span is not None:
            item.article, item.context = evidence.article, article_context(evidence.article.text, *span)
            return
    if item.record.sources:
        item.article = item.record.sources[0].article


def _report_context(item: QueueItem, article) -> None:
    """A report has no quote of its own: mark the sentence the annotator was surest of."""
    item.article = article
    claims = list(article.body_claims)
    if claims:
        best = max(claims, key=lambda c: (c.confidence, -c.sentence_start))
        item.context = article_context(article.text, best.sentence_start, best.sentence_end)
    elif article.text:
        item.context = article_context(article.text, 0, 0)
    annotation = getattr(article, "annotation", None)
    if annotation is not None:
        item.raw_confidence = annotation.relevance
        item.confidence = calibration.load().apply(calibration.ARTICLE, annotation.relevance)


_SOURCES = Prefetch(
    "evidence",
    queryset=Evidence.objects.filter(article__isnull=False).exclude(review_state=ReviewState.REJECTED)
    .select_related("article").order_by("-review_state", "pk"),
    to_attr="sources",
)
_BODY_CLAIMS = Prefetch("article__claims", queryset=Claim.objects.filter(in_title=False), to_attr="body_claims")


def items_from(kind: str, queryset) -> list[QueueItem]:
    """Queue items of one kind, with everything their rendering reads."""
    table = calibration.load()
    if kind == "report":
        rows = queryset.select_related("dispute", "article__annotation").prefetch_related(_BODY_CLAIMS)
        items = []
        for evidence in rows:
            item = QueueItem("report", evidence)
            _report_context(item, evidence.article)
            items.append(item)
        return items
    if kind == "dispute":
        return [QueueItem("dispute", d) for d in queryset.prefetch_related("party_roles__actor")]
    related = {"demand": ["claim", "made_by", "made_to"], "outcome": ["claim", "demand"], "event": []}[kind]
    prefetch = [_SOURCES] + (["penalties"] if kind == "demand" else [])
    items = []
    for fact in queryset.select_related("dispute", *related).prefetch_related(*prefetch):
        claim = getattr(fact, "claim", None)
        item = QueueItem(kind, fact)
        if claim is not None:
            item.raw_confidence = claim.confidence
            item.confidence = table.apply(claim.kind, claim.confidence)
        _fact_context(item)
        items.append(item)
    return items


MODELS = {"dispute": Dispute, "demand": Demand, "outcome": Outcome, "event": Event, "report": Evidence}


def _base(kind: str):
    return Evidence.objects.reports() if kind == "report" else MODELS[kind].objects.all()


def waiting(kind: str):
    """The records of one kind that wait for a decision."""
    not_rejected = {"dispute__review_state__in": [ReviewState.CANDIDATE, ReviewState.CONFIRMED]}
    if kind == "dispute":
        return Dispute.objects.candidates()
    if kind == "report":
        return Evidence.objects.reports().candidates().filter(dispute__review_state=ReviewState.CONFIRMED)
    return MODELS[kind].objects.candidates().filter(**not_rejected)


def waiting_counts() -> dict[str, int]:
    counts = {kind: waiting(kind).count() for kind in MODELS}
    return {
        "disputes": counts["dispute"],
        "facts": counts["demand"] + counts["outcome"] + counts["event"],
        "reports": counts["report"],
        "total": sum(counts.values()),
    }


def load_items(kind: str, pks) -> list[QueueItem]:
    """Items by primary key whatever their state: a decided item renders as decided."""
    return items_from(kind, _base(kind).filter(pk__in=list(pks)))


def _by_confidence(item: QueueItem):
    return (item.kind != "dispute", -(item.confidence if item.confidence is not None else -1.0), item.record.pk)


def build_groups(items: list[QueueItem]) -> list[QueueGroup]:
    """Items grouped under their dispute (a candidate dispute's own item first),
    with a candidate dispute's reporting as its sources; surest groups first."""
    groups: dict[int, QueueGroup] = {}
    dispute_ids = {i.record.pk if i.kind == "dispute" else i.record.dispute_id for i in items}
    disputes = Dispute.objects.in_bulk(dispute_ids)
    for item in items:
        dispute_id = item.record.pk if item.kind == "dispute" else item.record.dispute_id
        groups.setdefault(dispute_id, QueueGroup(disputes[dispute_id])).items.append(item)
    candidates = [g.dispute.pk for g in groups.values() if g.dispute.review_state == ReviewState.CANDIDATE]
    if candidates:
        for source in items_from("report", Evidence.objects.reports().filter(dispute_id__in=candidates)
                            .exclude(review_state=ReviewState.REJECTED)):
            groups[source.record.dispute_id].sources.append(source)
        for group in groups.values():
            dispute_item = next((i for i in group.items if i.kind == "dispute"), None)
            if dispute_item is not None and group.sources:
                best = max(group.sources, key=lambda s: s.confidence if s.confidence is not None else -1.0)
                dispute_item.confidence, dispute_item.raw_confidence = best.confidence, best.raw_confidence
    for group in groups.values():
        group.items.sort(key=_by_confidence)
    return sorted(groups.values(), key=lambda g: (-g.confidence, -g.dispute.pk))


def review_queue() -> list[QueueGroup]:
    """Everything waiting, grouped by dispute, most confident first."""
    items = [item for kind in MODELS for item in items_from(kind, waiting(kind))]
    return build_groups(items)
