from django import template

from disputes.admin.review_queue import waiting_counts

register = template.Library()


@register.simple_tag
def review_queue_counts() -> dict:
    """What waits for curators: candidate disputes, facts, and reports on confirmed disputes."""
    return waiting_counts()
