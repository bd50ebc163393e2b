"""Writes that touch several rows: reviewing, merging."""

from django.db import models, transaction
from django.db.models import Q
from simple_history.utils import update_change_reason

from . import rollups
from .models import (
    Actor,
    ActorAlias,
    ActorRedirect,
    Demand,
    Dispute,
    DisputeParty,
    DisputeRedirect,
    Event,
    Outcome,
    PartyRole,
    ReviewState,
    ShutdownEvent,
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


@transaction.atomic
def review_set_state(*, records, state: str, user=None, reason: str = "") -> int:
    """Confirm or reject disputes or facts; each change lands in their history."""
    if state not in ReviewState.values:
        raise ValueError(f"Unknown review state {state!r}")
    changed = 0
    for record in records:
        if record.review_state == state:
            continue
        record.review_state = state
        if reason and isinstance(record, Dispute):
            record.review_note = reason
        record._history_user = user
        record._change_reason = reason or f"Marked {state}"
        record.save()
        changed += 1
    return changed


FACT_MODELS = (Demand, Outcome, Event)


@transaction.atomic
def dispute_confirm(*, dispute: Dispute, user=None, reason: str = "") -> None:
    """Confirm a dispute with the candidate facts proposed for it."""
    review_set_state(records=[dispute], state=ReviewState.CONFIRMED, user=user, reason=reason)
    for model in FACT_MODELS:
        review_set_state(
            records=model.objects.filter(dispute=dispute).candidates(),
            state=ReviewState.CONFIRMED,
            user=user,
            reason=reason or "Confirmed with its dispute",
        )



@transaction.atomic
def dispute_reject(*, dispute: Dispute, user=None, reason: str) -> None:
    """Reject a candidate dispute and the candidate facts proposed for it.

    The rejected facts keep their link to the annotator's claims, so annotating
    the same articles again finds them decided and proposes nothing new.
    """
    review_set_state(records=[dispute], state=ReviewState.REJECTED, user=user, reason=reason)
    for model in FACT_MODELS:
        review_set_state(
            records=model.objects.filter(dispute=dispute).candidates(),
            state=ReviewState.REJECTED,
            user=user,
            reason=reason,
        )

# Platforms' own figures ----------------------------------------------------------


def shutdown_events_suggest_disputes() -> int:
    """Refresh `suggested_dispute` on the platform blocks no curator has linked.

    Only events whose country and platform appear among the disputes' targeted
    platforms are matched one by one. Returns how many events carry a suggestion.
    """
    targeted = set(
        Dispute.objects.exclude(review_state=ReviewState.REJECTED)
        .filter(party_roles__role=PartyRole.TARGETED)
        .values_list("country", "party_roles__actor__platform")
    )
    changed, suggested = [], 0
    events = ShutdownEvent.objects.platform_blocks().filter(dispute__isnull=True)
    for event in events.only("pk", "country", "countries", "services_affected", "start", "end",
                             "status", "suggested_dispute"):
        match = None
        if any((c, p) in targeted for c in event.country_list for p in event.platforms):
            match = event.best_matching_dispute()
        suggested += match is not None
        if event.suggested_dispute_id != (match.pk if match else None):
            event.suggested_dispute = match
            changed.append(event)
    ShutdownEvent.objects.bulk_update(changed, ["suggested_dispute"])
    return suggested
