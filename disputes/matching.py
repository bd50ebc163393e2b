"""Which dispute an article belongs to: the one rule, used by the attach step.

A dated article joins a dispute of its country and platform whose span it falls
in or near; an undated one the most similar dispute from a year its text mentions.
"""

import datetime
import re

from .models import Dispute, DisputeParty, Evidence, ReviewState

# Reports of one dispute lie within this many days of another report or of the
# dispute's own dates; further apart they are another episode.
MAX_GAP_DAYS = 120
_WORD = re.compile(r"[a-z]{4,}")
_STOPWORDS = frozenset(
    "that this with from have were their which said after would about there been into government "
    "platform company social media order ordered".split()
)


def _words(*texts: str) -> set[str]:
    return {w for t in texts for w in _WORD.findall((t or "").lower()) if w not in _STOPWORDS}


def _article_words(article) -> set[str]:
    return _words(article.title, *article.claims.values_list("quote", flat=True)[:20])


def _similarity(article_words: set[str], dispute: Dispute) -> float:
    """Share of the dispute's vocabulary that the article's headline and claims use."""
    dispute_words = _words(dispute.title, dispute.summary)
    for title in Evidence.objects.filter(dispute=dispute, article__isnull=False).values_list(
        "article__title", flat=True
    )[:20]:
        dispute_words |= _words(title)
    if not article_words or not dispute_words:
        return 0.0
    return len(article_words & dispute_words) / min(len(article_words), len(dispute_words))


def _span(dispute: Dispute) -> tuple[datetime.date, datetime.date] | None:
    """First and last date known of a dispute: its own dates and its reports'."""
    dates = [d for d in (dispute.start_date, dispute.end_date) if d]
    dates += [d for d in Evidence.objects.filter(dispute=dispute).values_list("published", flat=True) if d]
    return (min(dates), max(dates)) if dates else None


def matching_dispute(article, country: str, platforms: list[str], when: datetime.date | None) -> Dispute | None:
    """The non-rejected dispute of this country and a shared platform the article belongs to.

    A dated article joins a dispute whose span it falls in or near; an undated
    one joins the most similar dispute from a year its text mentions.
    """
    candidates = (
        Dispute.objects.exclude(review_state=ReviewState.REJECTED)
        .filter(
            country=country,
            party_roles__role=DisputeParty.Role.TARGETED,
            party_roles__actor__platform__in=platforms,
        )
        .distinct()
    )
    years = {int(y) for y in re.findall(r"\b(20[0-3]\d)\b", article.text)}
    article_words = _article_words(article)
    best, best_score = None, -1.0
    gap = datetime.timedelta(days=MAX_GAP_DAYS)
    for dispute in candidates:
        span = _span(dispute)
        if when is not None:
            if span is None or not (span[0] - gap <= when <= span[1] + gap):
                continue
            distance = 0 if span[0] <= when <= span[1] else min(abs((when - span[0]).days), abs((when - span[1]).days))
            score = 1 - distance / MAX_GAP_DAYS + _similarity(article_words, dispute)
        else:
            if span is not None and years and not any(span[0].year - 1 <= y <= span[1].year + 1 for y in years):
                continue
            score = _similarity(article_words, dispute)
        if score > best_score:
            best, best_score = dispute, score
    return best
