"""Links to the outside world from stored data (article, evidence and actor URLs).

Every page, admin screen and API field that turns a stored URL into a link goes through
`safe_href`, so a `javascript:` or `data:` address from an article or a curator is shown as
text, never followed.
"""

import re
from urllib.parse import urlsplit

from django.utils.html import format_html
from django.utils.safestring import mark_safe

# Browsers drop tab and newline anywhere in a URL and strip C0 controls and spaces at its ends
# ("java\tscript:" runs as "javascript:"), so the scheme is judged on the URL as they read it.
_DROPPED_ANYWHERE = re.compile(r"[\t\n\r]")
_STRIPPED_AT_ENDS = "".join(chr(c) for c in range(0x21))
LINK_SCHEMES = frozenset({"http", "https"})


def safe_href(value) -> str:
    """The URL as a browser would follow it if it is http(s) with a host, else ""."""
    if not isinstance(value, str):
        return ""
    url = _DROPPED_ANYWHERE.sub("", value).strip(_STRIPPED_AT_ENDS)
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return ""
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        return ""
    return url


def external_link(url, text="", *, new_tab: bool = False):
    """An escaped <a> to an http(s) URL, or the escaped text (the URL itself by default)."""
    label = text or url or ""
    href = safe_href(url)
    if not href:
        return format_html("{}", label)
    target = ' target="_blank"' if new_tab else ""
    return format_html('<a href="{}" rel="noopener noreferrer"{}>{}</a>', href, mark_safe(target), label)
