"""Stored URLs become links only when they are http(s) as a browser reads them."""

import pytest

from disputes.site.links import external_link, safe_href


@pytest.mark.parametrize("url", [
    "https://news.example/a?b=1&c=2",
    "http://news.example/",
    "HTTPS://News.Example/Path",
])
def test_web_addresses_pass(url):
    assert safe_href(url) == url


def test_blanks_and_tabs_are_dropped_as_a_browser_does():
    assert safe_href("  https://news.example/a\n") == "https://news.example/a"
    assert safe_href("https://news.\texample/a") == "https://news.example/a"


@pytest.mark.parametrize("url", [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://files.example/a",
    "//news.example/a",
    "/disputes/",
    "https:alert(1)",
    "http://[::1",
    "",
    None,
    42,
])
def test_anything_else_is_not_a_link(url):
    assert safe_href(url) == ""


def test_the_link_is_escaped():
    html = external_link('https://news.example/?q="><script>', "<b>Title</b>")
    assert html == ('<a href="https://news.example/?q=&quot;&gt;&lt;script&gt;" rel="noopener noreferrer">'
                    "&lt;b&gt;Title&lt;/b&gt;</a>")


def test_an_unsafe_url_is_shown_as_escaped_text():
    assert external_link("javascript:alert('x')") == "javascript:alert(&#x27;x&#x27;)"
    assert external_link("javascript:alert(1)", "<i>Outlet</i>") == "&lt;i&gt;Outlet&lt;/i&gt;"


def test_a_new_tab_is_asked_for_only_when_wanted():
    assert 'target="_blank"' in external_link("https://a.example/", "a", new_tab=True)
    assert "target" not in external_link("https://a.example/", "a")
