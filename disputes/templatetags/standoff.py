"""Template helpers for the researcher pages."""

from functools import cache

from django import template
from django.urls import reverse

register = template.Library()


# reverse() walks the URL resolver each time (~20 µs); a list page links every
# row to its country and platforms, and there are few of either.
@register.filter
@cache
def country_url(code: str) -> str:
    return reverse("disputes:country", args=[code])


@register.filter
@cache
def platform_url(code: str) -> str:
    return reverse("disputes:platform", args=[code])


@register.simple_tag
@cache
def route(name: str) -> str:
    """{% url %} for the argument-free addresses of the chrome every page renders."""
    return reverse(name)
