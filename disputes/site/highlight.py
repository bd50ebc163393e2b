"""Mark spans of an article's text (entities, evidence sentences) as safe HTML."""

from collections.abc import Iterable

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def highlight(text: str, spans: Iterable[tuple[int, int, str]]) -> SafeString:
    """Wrap each run of characters in the CSS classes of the spans covering it.

    Spans may nest or overlap (an entity inside an evidence sentence); the text
    is cut at every span boundary and each piece is escaped on its own.
    """
    spans = [(max(0, s), min(len(text), e), css) for s, e, css in spans if e > s]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        classes = sorted({css for s, e, css in spans if s <= start and end <= e})
        chunk = text[start:end]
        if classes:
            pieces.append(format_html('<mark class="{}">{}</mark>', " ".join(classes), chunk))
        else:
            pieces.append(escape(chunk))
    return mark_safe("".join(pieces))
