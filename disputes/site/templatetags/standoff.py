"""Template helpers for the researcher pages."""

from functools import cache
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from disputes.models import UNREVIEWED_LABEL
from disputes.site.links import external_link, safe_href

register = template.Library()

register.filter("safe_href", safe_href)


@register.simple_tag
def source_link(url, text="", new_tab=False):
    """A link to an article or source URL, or plain text when it is not http(s)."""
    return external_link(url, text, new_tab=new_tab)


# reverse() walks the URL resolver each time; a list page links every
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
def route(name: str, *args: str) -> str:
    """{% url %} for the few fixed addresses of the chrome and forms every page renders."""
    return reverse(name, args=args)


@cache
def _dispute_url_prefix() -> str:
    return reverse("disputes:detail", args=["-"])[:-2]


def _dispute_link(dispute) -> str:
    # A slug is [-\w]+, so the address is the reversed prefix plus the slug.
    return f'<a href="{_dispute_url_prefix()}{escape(dispute.slug)}/">{escape(dispute.title)}</a>'


@register.simple_tag
def search_hits(section: str, hits: list) -> str:
    """The <li> of each search hit, rendered in Python: the template per hit
    (links, dates, the disputes an article is evidence for) cost more than the
    search itself. Every value is escaped here; the snippet escapes itself."""
    if not hits:
        return mark_safe(f'<li class="muted">No {"disputes" if section == "dispute" else "articles"} match.</li>')
    items = []
    for hit in hits:
        obj = hit.obj
        if section == "dispute":
            item = f'{_dispute_link(obj)} <span class="muted">{escape(obj.country_name)}, {obj.start_display}</span>'
        else:
            when = f", {obj.published.day} {obj.published:%b %Y}" if obj.published else ""
            item = (
                f'{external_link(obj.canonical_url or obj.url, obj.title or obj.url)}'
                f' <span class="muted">{escape(obj.outlet or "")}{when}</span>'
            )
            if hit.disputes:
                item += f'\n<p class="small">Evidence in {", ".join(_dispute_link(d) for d in hit.disputes)}</p>'
            elif hit.unreviewed:  # only signed-in researchers search the archive
                item += f' <span class="badge unreviewed">{UNREVIEWED_LABEL}</span>'
        items.append(f'<li>\n{item}\n<p class="snippet">{hit.snippet}</p>\n</li>')
    return mark_safe("\n".join(items))
