"""Canonical URLs and URL safety.

Not a URLconf: this app has no views. `canonical_url` is the identity of an article's page;
`check_url_safe` is the gate every outgoing request passes (see `fetch.py`, which also re-checks
at connect time so a second DNS answer cannot differ from the vetted one).
"""

import ipaddress
import re
import socket
from collections.abc import Callable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from ingestion.errors import PermanentError, TransientError, UnsafeURLError

# Query parameters that identify a campaign or a click, never the page itself. Kept
# conservative on purpose: dropping a parameter that selects content (`cid`, `src`, `id` on some
# sites) would merge two articles into one and lose one, while keeping a tracking parameter only
# costs a duplicate fetch that the content hash then catches.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid",
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "ocid", "cmpid", "smid",
        "ref", "ref_src", "ref_url", "referrer", "xtor", "__twitter_impression",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "_ga", "_gl")
DEFAULT_PORTS = {"http": 80, "https": 443}
ALLOWED_SCHEMES = frozenset(DEFAULT_PORTS)

# Characters that never need percent-encoding in a path or query (RFC 3986 unreserved plus the
# sub-delims that servers treat literally); decoding them makes `%7E` and `~` the same URL.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/:@!$'()*+,;-._~?"

Resolver = Callable[[str, int], list[str]]


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _normalise_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if not host:
        raise ValueError("URL has no host")
    if ":" in host:  # an IPv6 literal: print it in its compressed form
        return f"[{ipaddress.IPv6Address(host).compressed}]"
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host  # leave odd hosts alone: the fetch fails on them with a clear error


def _remove_dot_segments(path: str) -> str:
    output: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(output) > 1:
                output.pop()
        elif segment != ".":
            output.append(segment)
    if path.endswith(("/.", "/..")):
        output.append("")
    return "/".join(output)


def canonical_url(url: str) -> str:
    """Return the normalised form of an http(s) URL; raise ValueError if it is not one.

    Drops tracking parameters, fragments, credentials and default ports, lower-cases scheme and
    host, sorts the query and normalises percent-encoding. A trailing slash is kept except on
    an empty path: many sites serve different pages at `/a` and `/a/`.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = _normalise_host(parts.hostname or "")
    port = parts.port  # raises ValueError on a non-numeric port
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe=_PATH_SAFE) or "/"
    path = _remove_dot_segments(path)
    query_pairs = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(key)
    ]
    # Sorting makes `?b=1&a=2` and `?a=2&b=1` one URL; stable, so repeated keys keep order.
    query_pairs.sort(key=lambda pair: pair[0])
    query = urlencode(query_pairs, safe=_QUERY_SAFE, quote_via=quote)
    return urlunsplit((scheme, netloc, path, query, ""))


def url_host(url: str) -> str:
    """Lower-cased host of a URL (the key for per-host politeness)."""
    return _normalise_host(urlsplit(url).hostname or "")


def url_port(url: str) -> int:
    """Port a URL connects to (explicit, or the scheme's default); 0 when unknowable."""
    try:
        parts = urlsplit(url)
        return parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    except ValueError:
        return 0


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def ip_refusal(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why `address` may not be contacted, or None when it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return ip_refusal(str(embedded), allow_loopback=allow_loopback)
    # 0.0.0.0 and :: reach the local machine on Linux, so they are refused even for tests.
    if ip.is_unspecified:
        return f"{ip} is unspecified"
    if ip.is_loopback:
        return None if allow_loopback else f"{ip} is a loopback address"
    for label, flag in (
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return f"{ip} is a {label} address"
    if not ip.is_global:  # e.g. 100.64.0.0/10 carrier-grade NAT
        return f"{ip} is not a global address"
    return None


def resolve_host(host: str, port: int) -> list[str]:
    """All addresses `host` resolves to (IPv4 and IPv6), in resolver order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    return addresses


_IPV6_LITERAL = re.compile(r"^\[(.+)\]$")


def check_host_safe(
    host: str, port: int, *, allow_loopback: bool = False, resolver: Resolver | None = None
) -> list[str]:
    """Resolve `host` and return its addresses; raise UnsafeURLError if any is refused.

    A name that cannot be resolved raises PermanentError, or TransientError when the resolver
    says the failure is temporary.

    Every address must pass, not just the first: the connection may use any of them.
    """
    host = _IPV6_LITERAL.sub(r"\1", host)
    try:
        addresses = (resolver or resolve_host)(host, port)
    except socket.gaierror as exc:
        # "Temporary failure" is what an offline machine or a flaky resolver says: retry later.
        # Any other answer means the name does not exist, which retrying cannot change.
        if exc.errno == socket.EAI_AGAIN:
            raise TransientError(f"cannot resolve host {host!r} now: {exc}", code="dns") from exc
        raise PermanentError(f"cannot resolve host {host!r}: {exc}", code="dns") from exc
    except (OSError, UnicodeError) as exc:
        raise PermanentError(f"cannot resolve host {host!r}: {exc}", code="dns") from exc
    if not addresses:
        raise UnsafeURLError(f"host {host!r} resolves to no address")
    for address in addresses:
        refusal = ip_refusal(address, allow_loopback=allow_loopback)
        if refusal:
            raise UnsafeURLError(f"host {host!r} resolves to {refusal}")
    return addresses


def check_url_safe(
    url: str, *, allow_loopback: bool = False, resolver: Resolver | None = None
) -> list[str]:
    """Refuse non-http(s) URLs and hosts resolving to non-public addresses.

    Returns the vetted addresses. `allow_loopback` exists for the tests' local server only.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeURLError(f"malformed URL {url!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UnsafeURLError(f"scheme {scheme or '(none)'!r} is not allowed, only http/https")
    if not parts.hostname:
        raise UnsafeURLError(f"URL {url!r} has no host")
    return check_host_safe(
        parts.hostname,
        port or DEFAULT_PORTS[scheme],
        allow_loopback=allow_loopback,
        resolver=resolver,
    )
