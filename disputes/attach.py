"""Attach an annotated article to a dispute, or propose a new candidate one.

The article joins an existing dispute with the same demanding country and
targeted platform when it is close in time and similar in content; otherwise
it starts a candidate dispute that later similar articles join. Its claims
become candidate demands, penalties and outcomes with their evidence quote,
waiting for a curator. Every write is keyed (claim → fact, article → evidence)
so that attaching again changes nothing.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.text import slugify

from . import vocab
from .matching import matching_dispute
from .models import (
    Actor,
    Demand,
    Dispute,
    DisputeParty,
    Evidence,
    Outcome,
    Penalty,
    Platform,
    Precision,
    ReviewState,
    quote_span,
)
from .vocab import COUNTRY_CODES, country_name

MIN_CLAIM_CONFIDENCE = 0.4


def _event_date(article, fields: dict) -> datetime.date | None:
    """The date the article reports: its event date, publication date or dateline."""
    for value in (fields.get("event_date"), article.published, fields.get("published")):
        if isinstance(value, datetime.date):
            return value
        if value:
            try:
                return datetime.date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    return None


def _platform_actor(platform: str) -> Actor:
    actor = Actor.objects.platforms().filter(platform=platform).order_by("pk").first()
    if actor is None:
        label = Platform(platform).label
        actor = Actor.objects.create(name=label, slug=slugify(label), kind=Actor.Kind.PLATFORM, platform=platform)
    return actor


def _government_actors(article, country: str) -> list[Actor]:
    ids = (
        article.mentions.filter(actor__kind__in=Actor.GOVERNMENT_KINDS, actor__country=country)
        .values_list("actor_id", flat=True)
        .distinct()
    )
    return list(Actor.objects.filter(pk__in=list(ids)[:3]))


def _unique_slug(base: str) -> str:
    slug, n = base, 2
    while Dispute.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _draft_summary(country: str, platform: str, when, demand_types: list[str]) -> str:
    """A first sentence in Standoff's words, for the curator to rewrite or approve."""
    asked = " and to ".join(vocab.demand_verb(t) for t in demand_types[:2]) or "act on content"
    lead = f"In {when:%B %Y}, the government" if when else "The government"
    return f"{lead} of {country_name(country)} asked {Platform(platform).label} to {asked}."


def _propose_dispute(article, country, platform, when, fields) -> Dispute:
    demand_types = [t for t in fields.get("demand_types") or [] if t in Demand.Type.values]
    what = Demand.Type(demand_types[0]).label.lower() if demand_types else "content dispute"
    month = when.strftime("%B %Y") if when else "undated"
    # Title and summary are drafts: accepting asks a curator to rewrite or approve them.
    dispute = Dispute.objects.create(
        title=f"{country_name(country)} and {Platform(platform).label}: {what} ({month})"[:300],
        slug=_unique_slug(slugify(f"{country}-{platform}-{when:%Y-%m} {what}" if when else f"{country}-{platform}-{what}")[:180]),
        country=country,
        start_date=when.replace(day=1) if when else None,
        start_precision=Precision.MONTH,
        summary=_draft_summary(country, platform, when, demand_types),
        drafted_fields=["title", "summary"],
        review_state=ReviewState.CANDIDATE,
    )
    DisputeParty.objects.create(dispute=dispute, actor=_platform_actor(platform), role=DisputeParty.Role.TARGETED)
    for actor in _government_actors(article, country):
        DisputeParty.objects.get_or_create(dispute=dispute, actor=actor, role=DisputeParty.Role.DEMANDING)
    return dispute


def _quote_fields(article, claim) -> dict:
    """The evidence quote, trimmed, with offsets only when they really slice the text to it."""
    fields = {"quote": claim.quote.strip(), "article": article, "outlet": article.outlet, "published": article.published}
    if not claim.in_title and article.text[claim.sentence_start : claim.sentence_end] == claim.quote:
        start, end = quote_span(article.text, claim.sentence_start, claim.sentence_end)
        fields |= {"quote": article.text[start:end], "quote_start": start, "quote_end": end}
    return fields


def _same_sentence(claims, claim, kind):
    return next((c for c in claims if c.kind == kind and c.sentence_start == claim.sentence_start), None)


def _best_claims(claims, kind: str, values) -> dict[str, object]:
    """For each value the annotator decided on, the clearest sentence that states it."""
    best = {}
    for claim in claims:
        if claim.kind == kind and claim.value in values:
            if claim.value not in best or claim.confidence > best[claim.value].confidence:
                best[claim.value] = claim
    return best


def _fact_for(model, dispute, claim, value_field: str, value):
    """An existing fact this claim already backs, or one of the same kind in the dispute.

    A decided one (confirmed or rejected) of the same kind stops a new proposal;
    a candidate collects the evidence of every article that reports it.
    """
    fact = model.objects.filter(claim=claim).first()
    if fact is None:
        fact = model.objects.filter(dispute=dispute, **{value_field: value}).order_by("pk").first()
    return fact


def _propose_facts(article, dispute: Dispute, fields: dict, when) -> None:
    """One candidate per demand type and per outcome the article reports, with its quote.

    Only what the annotator decided for the whole article (its fields) is proposed;
    each is evidenced by the most confident sentence stating it.
    """
    claims = list(article.claims.filter(confidence__gte=MIN_CLAIM_CONFIDENCE, in_title=False))
    roles = list(dispute.party_roles.select_related("actor"))
    target = next((p.actor for p in roles if p.role == DisputeParty.Role.TARGETED), None)
    made_by = next((p.actor for p in roles if p.role == DisputeParty.Role.DEMANDING), None)
    accounts, items = fields.get("accounts_targeted"), fields.get("posts_targeted")
    demand_types = [t for t in fields.get("demand_types") or [] if t in Demand.Type.values]

    demands: list[Demand] = []
    for demand_type, claim in _best_claims(claims, "demand", demand_types).items():
        demand = _fact_for(Demand, dispute, claim, "demand_type", demand_type)
        if demand is None:
            counted = demand_type == Demand.Type.WITHHOLD_ACCOUNTS or len(demand_types) == 1
            legal = _same_sentence(claims, claim, "legal_basis")
            demand = Demand.objects.create(
                claim=claim,
                dispute=dispute,
                demand_type=demand_type,
                made_by=made_by,
                made_to=target,
                accounts_targeted=accounts if counted and isinstance(accounts, int) and accounts >= 0 else None,
                items_targeted=items if counted and isinstance(items, int) and items >= 0 else None,
                legal_basis=(legal.value if legal else fields.get("legal_basis") or "")[:300],
                review_state=ReviewState.CANDIDATE,
                date=when,
            )
        if demand.review_state == ReviewState.CANDIDATE:
            _evidence_once(dispute=dispute, demand=demand, article=article, claim=claim)
        demands.append(demand)

    open_demands = [d for d in demands if d.review_state == ReviewState.CANDIDATE]
    penalties = [p for p in fields.get("penalties_threatened") or [] if p in Penalty.Kind.values]
    for kind, claim in _best_claims(claims, "penalty", penalties).items():
        if not open_demands:
            break
        # The threat backs the nearest demand stated before it (or the first one).
        before = [d for d in open_demands if d.claim and d.claim.article_id == article.pk
                  and d.claim.sentence_start <= claim.sentence_start]
        demand = before[-1] if before else open_demands[0]
        if demand.penalties.filter(kind=kind).exists():
            continue
        amount = _decimal((claim.extra or {}).get("amount"))
        currency = ((claim.extra or {}).get("currency") or "")[:3] if amount is not None else ""
        Penalty.objects.create(
            demand=demand, kind=kind, description=claim.quote.strip()[:500],
            amount=amount if currency else None, currency=currency,
        )

    outcomes = [o for o in fields.get("outcomes") or [] if o in Outcome.Kind.values]
    for kind, claim in _best_claims(claims, "outcome", outcomes).items():
        outcome = _fact_for(Outcome, dispute, claim, "kind", kind)
        if outcome is None:
            demand, unlinked_reason = _answered_demand(article, claim, kind, demands)
            outcome = Outcome.objects.create(
                claim=claim,
                dispute=dispute,
                kind=kind,
                demand=demand,
                unlinked_reason=unlinked_reason,
                actor=target,
                details=_draft_outcome(kind, target, demand, dispute),
                drafted_fields=["details"],
                review_state=ReviewState.CANDIDATE,
                date=when,
            )
        if outcome.review_state == ReviewState.CANDIDATE:
            _evidence_once(dispute=dispute, outcome=outcome, article=article, claim=claim)


# Outcomes that can answer only some demand types; the others (complied, refused, a court
# challenge, talks, a fine, an arrest, a withdrawal) can answer any demand.
_OUTCOME_ANSWERS = {
    Outcome.Kind.SERVICE_BLOCKED: {Demand.Type.BAN_SERVICE, Demand.Type.GEO_BLOCK},
    Outcome.Kind.BAN_LIFTED: {Demand.Type.BAN_SERVICE, Demand.Type.GEO_BLOCK, Demand.Type.THROTTLE},
    Outcome.Kind.SERVICE_THROTTLED: {Demand.Type.THROTTLE, Demand.Type.BAN_SERVICE},
}


def _sentence_gap(article, a, b) -> int:
    """0 for the same sentence, 1 for adjacent ones (nothing but space between), else 2."""
    if a.sentence_start == b.sentence_start:
        return 0
    first, second = sorted((a, b), key=lambda c: c.sentence_start)
    return 1 if not article.text[first.sentence_end : second.sentence_start].strip() else 2


def _answered_demand(article, claim, kind: str, demands: list[Demand]) -> tuple[Demand | None, str]:
    """The demand an outcome answers, when the text says so; else why it is left unlinked.

    The text says so when the outcome's sentence states a demand of a type the
    outcome can answer, or sits next to one, or when the article reports only
    one such demand.
    """
    fits = [d for d in demands if d.demand_type in _OUTCOME_ANSWERS.get(kind, Demand.Type.values)]
    if not fits:
        return None, ("The article reports no demand this outcome could answer." if not demands
                      else "No demand reported with it is of a type this outcome answers.")
    stated_here = [d for d in fits if d.claim and d.claim.article_id == article.pk]
    for gap in (0, 1):
        near = [d for d in stated_here if _sentence_gap(article, d.claim, claim) == gap]
        if len(near) == 1:
            return near[0], ""
        if len(near) > 1:
            return None, "Several demands are stated next to it; a curator picks the one it answers."
    if len(fits) == 1:
        return fits[0], ""
    return None, "Several demands could be answered and none is stated next to it."


# Outcome text in Standoff's words: the curator rewrites or approves it on accepting.
_OUTCOME_DRAFTS = {
    Outcome.Kind.COMPLIED: "{platform} complied{with_demand}.",
    Outcome.Kind.PARTIALLY_COMPLIED: "{platform} complied in part{with_demand}.",
    Outcome.Kind.REFUSED: "{platform} did not comply{with_demand}.",
    Outcome.Kind.CHALLENGED_IN_COURT: "{platform} challenged the demand in court{demand_to}.",
    Outcome.Kind.NEGOTIATING: "{platform} and the authorities of {country} were in talks.",
    Outcome.Kind.FINE_IMPOSED: "{platform} was fined.",
    Outcome.Kind.SERVICE_BLOCKED: "{platform} was blocked in {country}.",
    Outcome.Kind.SERVICE_THROTTLED: "{platform} was slowed down in {country}.",
    Outcome.Kind.STAFF_ARRESTED: "Staff of {platform} were arrested.",
    Outcome.Kind.BAN_LIFTED: "The block on {platform} in {country} was lifted.",
    Outcome.Kind.DEMAND_WITHDRAWN: "The authorities of {country} withdrew the demand{demand_to}.",
}


def _draft_outcome(kind: str, platform: Actor | None, demand: Demand | None, dispute: Dispute) -> str:
    verb = demand.verb_phrase if demand else ""
    return _OUTCOME_DRAFTS[kind].format(
        platform=platform.name if platform else "The platform",
        country=country_name(dispute.country),
        with_demand=f" with the demand to {verb}" if verb else "",
        demand_to=f" to {verb}" if verb else "",
    )


def _evidence_once(*, dispute, article, claim, **fact) -> None:
    if not Evidence.objects.filter(dispute=dispute, article=article, **fact).exists():
        Evidence.objects.create(
            dispute=dispute, **fact, **_quote_fields(article, claim), review_state=ReviewState.CANDIDATE
        )


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount >= 0 else None


@transaction.atomic
def article_attach(*, article) -> Dispute | None:
    """Attach an annotated article to its dispute; None when it reports none."""
    annotation = getattr(article, "annotation", None)
    if annotation is None or not annotation.is_dispute:
        return None
    fields = annotation.fields or {}
    countries, platforms = fields.get("countries") or [], fields.get("platforms") or []
    if not countries or not platforms or countries[0] not in COUNTRY_CODES:
        return None
    country = countries[0]
    platforms = [p for p in platforms if p in Platform.values]
    if not platforms:
        return None
    # The main platform: a named one rather than "other" when there is one.
    main = next((p for p in platforms if p != Platform.OTHER), platforms[0])
    when = _event_date(article, fields)

    attached = Evidence.objects.filter(
        article=article, demand__isnull=True, outcome__isnull=True, event__isnull=True
    ).select_related("dispute").first()
    if attached is not None:
        dispute = attached.dispute
        if dispute.review_state == ReviewState.REJECTED:
            return None  # a curator has decided: propose nothing again
    else:
        dispute = matching_dispute(article, country, platforms, when) or _propose_dispute(
            article, country, main, when, fields
        )
        # A report waits for a curator, on a confirmed dispute as on a candidate.
        Evidence.objects.create(
            dispute=dispute, article=article, outlet=article.outlet, published=article.published or when,
            review_state=ReviewState.CANDIDATE,
        )
        if dispute.review_state == ReviewState.CANDIDATE and when and (not dispute.start_date or when < dispute.start_date):
            dispute.start_date, dispute.start_precision = when.replace(day=1), Precision.MONTH
            dispute.save(update_fields=["start_date", "start_precision", "updated_at"])
    _propose_facts(article, dispute, fields, when)
    return dispute
