from django import template

from disputes.models import Demand, Dispute, Outcome

register = template.Library()


@register.simple_tag
def review_queue_counts() -> dict:
    """What waits for curators: candidate disputes and candidate facts."""
    return {
        "disputes": Dispute.objects.candidates().count(),
        "facts": Demand.objects.candidates().count() + Outcome.objects.candidates().count(),
    }
