"""Writes about the platforms' figures: suggesting the dispute a shutdown event belongs to."""

from disputes.models import Dispute, PartyRole, ReviewState, ShutdownEvent


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
