"""Writes that touch several rows: reviewing, merging."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from simple_history.utils import update_change_reason

from . import rollups
from .decisions import decision
from .models import (
    ENDING_OUTCOMES,
    Actor,
    ActorAlias,
    ActorRedirect,
    Demand,
    Dispute,
    DisputeParty,
    DisputeRedirect,
    DisputeStatus,
    Event,
    Evidence,
    Outcome,
    Penalty,
    ReviewState,
)


def _repoint_relations(*, model: type[models.Model], source, target, skip=()) -> None:
    """Move every row that refers to `source` over to `target`.

    Walks the model's reverse relations so that a model added later (in any
    app) is carried along by a merge without touching this function.
    """
    for rel in model._meta.related_objects:
        if rel.related_model in skip:
            continue
        if rel.many_to_many:
            through = rel.through
            if not through._meta.auto_created:
                continue  # explicit through models are reverse FKs, handled below
            m2m_field = rel.field.m2m_reverse_field_name()
            owner_field = rel.field.m2m_field_name()
            already = set(through.objects.filter(**{m2m_field: target}).values_list(owner_field, flat=True))
            through.objects.filter(**{m2m_field: source}).filter(**{f"{owner_field}__in": already}).delete()
            through.objects.filter(**{m2m_field: source}).update(**{m2m_field: target})
        elif rel.one_to_many or rel.one_to_one:
            rel.related_model._base_manager.filter(**{rel.field.name: source}).update(
                **{rel.field.name: target}
            )


def _merge_finish(*, source, target, user, redirect):
    """Save the merged record with the reason in its history, delete the other,
    and keep the other's address working through a redirect."""
    name = type(target)._meta.model_name
    target._history_user = user
    target.save()
    update_change_reason(target, f"Merged {name} {source.slug!r} into this one")
    old_slug = source.slug
    source._history_user = user
    source.delete()
    redirect.objects.create(old_slug=old_slug, **{name: target})
    return target


@transaction.atomic
def dispute_merge(*, source: Dispute, target: Dispute, user=None) -> Dispute:
    """Fold `source` into `target`, keeping every fact and the old address."""
    if source.pk == target.pk:
        raise ValueError("A dispute cannot be merged into itself.")
    # Parties both disputes share would break the unique role constraint.
    for party in source.party_roles.all():
        if target.party_roles.filter(actor_id=party.actor_id, role=party.role).exists():
            party.delete()
    target.topics.add(*source.topics.all())
    _repoint_relations(model=Dispute, source=source, target=target)

    dates = [d for d in (source.start_date, target.start_date) if d]
    if dates and min(dates) != target.start_date:
        target.start_date, target.start_precision = source.start_date, source.start_precision
    if source.end_date and (not target.end_date or source.end_date > target.end_date):
        target.end_date, target.end_precision = source.end_date, source.end_precision
    if not target.summary:
        target.summary = source.summary
    return _merge_finish(source=source, target=target, user=user, redirect=DisputeRedirect)


@transaction.atomic
def actor_merge(*, source: Actor, target: Actor, user=None) -> Actor:
    """Fold `source` into `target`: its roles, facts, aliases and address."""
    if source.pk == target.pk:
        raise ValueError("An actor cannot be merged into itself.")
    for party in source.party_roles.all():
        if DisputeParty.objects.filter(dispute_id=party.dispute_id, actor=target, role=party.role).exists():
            party.delete()
    target_aliases = {a.lower() for a in target.aliases.values_list("name", flat=True)}
    for alias in source.aliases.all():
        if alias.name.lower() in target_aliases:
            alias.delete()
    # Rollups name actors by id; bulk repointing sends no signals.
    touched = (
        set(source.party_roles.values_list("dispute_id", flat=True))
        | set(source.demands_made.values_list("dispute_id", flat=True))
        | set(source.demands_received.values_list("dispute_id", flat=True))
        | set(Outcome.objects.filter(Q(actor=source) | Q(demand__made_to=source)).values_list("dispute_id", flat=True))
    )
    # A child of the target must not become its own parent.
    if target.parent_id == source.pk:
        target.parent = source.parent if source.parent_id != target.pk else None
    Actor.objects.filter(parent=source).exclude(pk=target.pk).update(parent=target)
    _repoint_relations(model=Actor, source=source, target=target, skip={Actor})

    if source.name.lower() != target.name.lower() and source.name.lower() not in target_aliases:
        ActorAlias.objects.create(actor=target, name=source.name)
    if not target.country:
        target.country = source.country
    merged = _merge_finish(source=source, target=target, user=user, redirect=ActorRedirect)
    rollups.disputes_refresh(touched)
    return merged


# The evidence that a fact's review decides with it: the quote the curator read.
_EVIDENCE_OF = {Demand: "demand", Outcome: "outcome", Event: "event"}


@transaction.atomic
def review_set_state(*, records, state: str, user=None, reason: str = "") -> int:
    """Confirm or reject disputes, facts or evidence; each change lands in their history.

    A fact's candidate evidence follows the fact: a confirmed fact is public with
    the quote that reports it, never without."""
    if state not in ReviewState.values:
        raise ValueError(f"Unknown review state {state!r}")
    changed = 0
    with decision():
        for record in records:
            if record.review_state == state:
                continue
            if state == ReviewState.CONFIRMED and getattr(record, "drafted_fields", None):
                raise ValidationError(f"“{record}” still has the annotator's draft text: edit or approve it first.")
            record.review_state = state
            if reason and isinstance(record, Dispute):
                record.review_note = reason
            record._history_user = user
            record._change_reason = reason or f"Marked {state}"
            record.save()
            changed += 1
            if type(record) in _EVIDENCE_OF and state != ReviewState.CANDIDATE:
                review_set_state(
                    records=Evidence.objects.filter(**{_EVIDENCE_OF[type(record)]: record}).candidates(),
                    state=state, user=user, reason=reason or f"Marked {state} with its fact",
                )
    return changed


FACT_MODELS = (Demand, Outcome, Event)


def dispute_status_from_facts(dispute: Dispute) -> tuple[str, datetime.date | None, str] | None:
    """The status the dispute's facts give, with its end: the one status rule.

    A dispute is resolved when what answers it last is an ending outcome
    (models.ENDING_OUTCOMES): for every demand, its latest outcome; or, when
    the latest outcome of all answers no demand, that one. Rejected facts do
    not count; undated outcomes count as the earliest. None: the facts do not
    say, and the status stays as it is.
    """
    demand_ids = list(dispute.demands.exclude(review_state=ReviewState.REJECTED).values_list("pk", flat=True))
    outcomes = list(dispute.outcomes.exclude(review_state=ReviewState.REJECTED))
    if not outcomes:
        return None

    def when(outcome):
        return outcome.date or datetime.date.min, outcome.pk

    latest: dict[int | None, Outcome] = {}
    for outcome in sorted(outcomes, key=when):
        latest[outcome.demand_id if outcome.demand_id in demand_ids else None] = outcome
    last = max(outcomes, key=when)
    if latest.get(None) is last and last.kind in ENDING_OUTCOMES:
        ending = [last]
    elif demand_ids and all(d in latest and latest[d].kind in ENDING_OUTCOMES for d in demand_ids):
        ending = [latest[d] for d in demand_ids]
    else:
        return None
    end = max(ending, key=when)
    return DisputeStatus.RESOLVED, end.date, end.date_precision


def dispute_status_apply(*, dispute: Dispute) -> bool:
    """Set the status and end date the facts give, unless a curator chose the
    status by hand. Changes the instance only; the caller saves it."""
    if dispute.status_overridden:
        return False
    found = dispute_status_from_facts(dispute)
    if found is None:
        return False
    dispute.status, end, precision = found
    if end is not None and not (dispute.start_date and end < dispute.start_date):
        dispute.end_date, dispute.end_precision = end, precision
    return True


def dispute_drafts(dispute: Dispute) -> list[str]:
    """What is still as the annotator drafted it, on the dispute and its candidate facts."""
    left = [f"dispute {field}" for field in dispute.drafted_fields or []]
    for model in (Outcome, Event):
        for fact in model.objects.filter(dispute=dispute).candidates():
            left += [f"{model._meta.verbose_name} {fact.pk} {field}" for field in fact.drafted_fields or []]
    return left


def _decide_candidates(*, dispute, state, user, reason):
    """A candidate dispute's proposals are decided with it: its candidate facts
    (with their quotes) and the reports that proposed it."""
    for model in FACT_MODELS:
        review_set_state(
            records=model.objects.filter(dispute=dispute).candidates(), state=state, user=user, reason=reason
        )
    review_set_state(
        records=Evidence.objects.filter(dispute=dispute, demand=None, outcome=None, event=None).candidates(),
        state=state, user=user, reason=reason,
    )


def _dispute_decide(*, dispute, state, user, reason, candidates_reason):
    """Set a dispute's review state and, with it, its candidates' (inside the caller's decision)."""
    review_set_state(records=[dispute], state=state, user=user, reason=reason)
    _decide_candidates(dispute=dispute, state=state, user=user, reason=candidates_reason)


@transaction.atomic
def dispute_confirm(*, dispute: Dispute, user=None, reason: str = "") -> None:
    """Confirm a dispute with the candidate facts proposed for it.

    Refuses while any text is still the annotator's draft: such a dispute is
    accepted with `dispute_accept`, which asks for the curator's text.
    """
    drafts = dispute_drafts(dispute)
    if drafts:
        raise ValidationError(f"Still the annotator's draft: {', '.join(drafts)}.")
    with decision():
        if dispute_status_apply(dispute=dispute):
            dispute._history_user = user
            dispute.save()
        _dispute_decide(dispute=dispute, state=ReviewState.CONFIRMED, user=user, reason=reason,
                        candidates_reason=reason or "Confirmed with its dispute")


@transaction.atomic
def dispute_accept(
    *,
    dispute: Dispute,
    user,
    title: str,
    summary: str,
    status: str | None = None,
    reason: str = "",
    drafts_approved: bool = False,
    outcome_details: dict[int, str] | None = None,
) -> Dispute:
    """Publish a candidate dispute with the title and summary a curator wrote or
    approved, and its candidate facts, as one decision.

    Text the annotator drafted is published only when the curator changed it
    or approved it (`drafts_approved`); `outcome_details` gives the curator's
    text of candidate outcomes by id. `status` overrides the status the facts
    give (the rule in `dispute_status_from_facts`).
    """
    if not user.has_perm("disputes.change_dispute"):
        raise PermissionDenied("Accepting a dispute needs the change permission.")
    # Locked and read again: a second click publishes nothing twice.
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.review_state != ReviewState.CANDIDATE:
        raise ValidationError("Only a candidate dispute can be accepted; this one is already decided.")
    errors = {}
    for field, value in (("title", title), ("summary", summary)):
        value = (value or "").strip()
        if not value:
            errors[field] = "Write it: it is what researchers read first."
        elif dispute.is_draft(field) and value == getattr(dispute, field).strip() and not drafts_approved:
            errors[field] = "This is still the annotator's draft: edit it, or approve it as it stands."
        setattr(dispute, field, value)
    facts = [o for o in Outcome.objects.filter(dispute=dispute).candidates() if o.drafted_fields]
    facts += [e for e in Event.objects.filter(dispute=dispute).candidates() if e.drafted_fields]
    for fact in facts:
        text = (outcome_details or {}).get(fact.pk) if isinstance(fact, Outcome) else None
        if text is not None and text.strip() != fact.details.strip():
            fact.details = text.strip()
        elif not drafts_approved:
            errors.setdefault("__all__", []).append(
                f"The {fact._meta.verbose_name} “{fact}” still reads as the annotator drafted it: edit or approve it."
            )
    if status is not None and status not in DisputeStatus.values:
        errors["status"] = f"Unknown status {status!r}."
    if errors:
        raise ValidationError(errors)

    with decision():
        for fact in facts:
            fact.drafted_fields = []
            fact._history_user = user
            fact._change_reason = "Text approved on accepting"
            fact.full_clean()
            fact.save()
        dispute.drafted_fields = []
        if status is not None:
            dispute.status, dispute.status_overridden = status, True
        else:
            dispute_status_apply(dispute=dispute)
        dispute.review_state = ReviewState.CONFIRMED
        dispute.review_note = reason
        dispute.full_clean()
        dispute._history_user = user
        dispute._change_reason = reason or "Accepted"
        dispute.save()
        _decide_candidates(
            dispute=dispute, state=ReviewState.CONFIRMED, user=user, reason=reason or "Accepted with its dispute"
        )
    return dispute


@transaction.atomic
def dispute_reject(*, dispute: Dispute, user=None, reason: str) -> None:
    """Reject a candidate dispute and the candidate facts proposed for it.

    The rejected facts keep their link to the annotator's claims, so annotating
    the same articles again finds them decided and proposes nothing new.
    """
    with decision():
        _dispute_decide(dispute=dispute, state=ReviewState.REJECTED, user=user, reason=reason,
                        candidates_reason=reason)


# The models whose history rows name the decision that wrote them, parents first.
FACT_MODELS_WITH_PENALTIES = (Demand, Outcome, Event, Penalty)
DECISION_MODELS = (Dispute, *FACT_MODELS_WITH_PENALTIES, Evidence)


def dispute_decisions(history) -> list[uuid.UUID]:
    """The decisions recorded in a dispute's history rows (a dispute's `history`
    or part of it), newest first."""
    rows = history.exclude(history_decision=None).order_by("-history_date")
    return list(dict.fromkeys(rows.values_list("history_decision", flat=True)))


@transaction.atomic
def decision_revert(*, decision_id: uuid.UUID, user=None, reason: str = "", models=DECISION_MODELS) -> int:
    """Put back every row a decision changed (of `models`) as it was just before
    it: a row the decision created is deleted, one it deleted comes back.
    The revert is itself one decision. Returns how many rows it restored."""
    restored = 0
    with decision():
        for model in models:
            first: dict[int, object] = {}
            for record in model.history.filter(history_decision=decision_id).order_by("history_date", "history_id"):
                first.setdefault(record.id, record)
            for pk, record in first.items():
                before = record.prev_record
                current = model._base_manager.filter(pk=pk).first()
                if before is None and record.history_type != "+":
                    continue  # no earlier state known
                if before is None or before.history_type == "-":
                    if current is not None:
                        current._history_user = user
                        current._change_reason = reason or "Reverted a decision"
                        current.delete()
                        restored += 1
                    continue
                row = before.instance
                if current is not None:
                    row._loaded_review_state = getattr(current, "_loaded_review_state", None)
                row._history_user = user
                row._change_reason = reason or "Reverted a decision"
                row.save()
                restored += 1
    return restored

# Platforms' own figures ----------------------------------------------------------
