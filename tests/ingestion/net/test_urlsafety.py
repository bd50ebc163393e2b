import socket

import pytest

from ingestion.errors import PermanentError, TransientError, UnsafeURLError
from ingestion.net.urlsafety import canonical_url, check_url_safe, ip_refusal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://Example.COM/a?utm_source=x&utm_medium=y&id=3",
         "https://example.com/a?id=3"),
        ("https://example.com/a?fbclid=abc&gclid=def&ref=home", "https://example.com/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a/", "https://example.com/a/"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/%7Euser/a%2fb", "https://example.com/~user/a/b"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("https://example.com./a", "https://example.com/a"),
        ("  https://example.com/a?q=hello world  ", "https://example.com/a?q=hello%20world"),
    ],
)
def test_it_normalises_urls(raw, expected):
    assert canonical_url(raw) == expected


def test_it_keeps_content_parameters_that_merely_look_like_tracking():
    # Dropping `cid` could merge two different articles; a duplicate is the cheaper mistake.
    assert canonical_url("https://example.com/story?cid=12") == "https://example.com/story?cid=12"


@pytest.mark.parametrize("raw", ["ftp://example.com/a", "javascript:alert(1)", "/relative", ""])
def test_it_rejects_non_http_urls(raw):
    with pytest.raises(ValueError):
        canonical_url(raw)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.1.2.3", "::1", "10.0.0.1", "172.16.5.4", "192.168.1.1",
        "169.254.169.254", "fe80::1", "fc00::1", "224.0.0.1", "ff02::1", "0.0.0.0", "::",
        "240.0.0.1", "100.64.0.1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
        "2002:a9fe:a9fe::1", "64:ff9b::a9fe:a9fe",
    ],
)
def test_it_refuses_non_public_addresses(address):
    assert ip_refusal(address) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_it_accepts_public_addresses(address):
    assert ip_refusal(address) is None


def test_loopback_flag_allows_loopback_only():
    assert ip_refusal("127.0.0.1", allow_loopback=True) is None
    assert ip_refusal("::ffff:127.0.0.1", allow_loopback=True) is None
    assert ip_refusal("10.0.0.1", allow_loopback=True) is not None
    assert ip_refusal("169.254.169.254", allow_loopback=True) is not None
    # 0.0.0.0 reaches the local machine, but it is not the test server's address.
    assert ip_refusal("0.0.0.0", allow_loopback=True) is not None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/", "http://localhost:8000/", "http://[::1]/", "http://169.254.169.254/latest",
        "http://2130706433/", "http://0x7f.1/", "http://[::ffff:7f00:1]/", "http://10.1.2.3/",
    ],
)
def test_check_url_safe_refuses_local_targets_after_resolution(url):
    with pytest.raises(UnsafeURLError):
        check_url_safe(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://x/", "ftp://example.com/", "http:///nohost"])
def test_check_url_safe_refuses_other_schemes_and_missing_hosts(url):
    with pytest.raises(UnsafeURLError):
        check_url_safe(url)


def _resolver(answers):
    # The network edge: DNS answers are injected so no query leaves the machine.
    return lambda host, port: answers[host]


def test_check_url_safe_refuses_a_name_resolving_to_metadata_address():
    resolver = _resolver({"evil.example": ["169.254.169.254"]})
    with pytest.raises(UnsafeURLError, match="link-local"):
        check_url_safe("https://evil.example/x", resolver=resolver)


def test_check_url_safe_refuses_when_any_address_is_private():
    resolver = _resolver({"mixed.example": ["93.184.216.34", "10.0.0.7"]})
    with pytest.raises(UnsafeURLError, match="private"):
        check_url_safe("https://mixed.example/", resolver=resolver)


def test_check_url_safe_returns_vetted_public_addresses():
    resolver = _resolver({"news.example": ["93.184.216.34"]})
    assert check_url_safe("https://news.example/a", resolver=resolver) == ["93.184.216.34"]


def test_a_name_that_does_not_exist_is_a_permanent_error():
    def failing(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(PermanentError, match="cannot resolve") as info:
        check_url_safe("https://nowhere.invalid/", resolver=failing)
    assert info.value.code == "dns" and not info.value.transient


def test_a_temporary_resolver_failure_is_transient():
    # What an offline machine answers: the default feeds back off and retry instead of dying.
    def offline(host, port):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    with pytest.raises(TransientError, match="cannot resolve") as info:
        check_url_safe("https://www.eff.org/rss/updates.xml", resolver=offline)
    assert info.value.code == "dns"


def test_check_url_safe_allows_loopback_with_the_flag():
    assert check_url_safe("http://127.0.0.1:8000/", allow_loopback=True) == ["127.0.0.1"]
