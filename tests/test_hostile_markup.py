"""Hostile markup from an ingested article, through the real pipeline, to every output.

An article whose title, outlet and sentences carry markup (a script, an image with an error
handler, a `javascript:` link, entities, unbalanced tags, quotes) is ingested from a corpus file
(and once from an RSS feed on the loopback server), annotated by the spaCy annotator, attached
as a candidate dispute with its demand and outcome, edited and accepted by a curator in the
admin. Each output must then carry the text in the exact escaped form of its format:
HTML-escaped in pages, partials and the admin, XML-escaped under type="text" in Atom, unchanged
in JSON, defused in CSV. No output may hold a live link to anything but http(s).
"""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from disputes.models import Actor, Dispute, Evidence, Outcome, ReviewState
from ingestion.extracting import articles_extract
from ingestion.fetching import articles_fetch
from ingestion.models import Article, Source
from ingestion.sources import source_poll
from tests.ingestion.httpserver import LocalServer

pytestmark = pytest.mark.django_db

# What the article brings, in its own title, outlet and sentences (written for this test).
TITLE = "Ministry presses Twitter <script>alert(1)</script> over \"farmers\" & 'protest' posts"
OUTLET = "\u200b@Wire <b>desk"  # a formula sign behind a zero-width space, and an open tag
DEMAND_SENTENCE = (
    "India's IT ministry ordered Twitter to withhold 300 accounts <img src=x onerror=alert(1)> "
    "under Section 69A of the IT Act."
)
OUTCOME_SENTENCE = (
    "Twitter complied and withheld the 300 accounts in India, citing a notice marked "
    "<b><i>\"urgent\" & 'final' &lt;script&gt; &amp; javascript:alert(1)."
)
TEXT = f"{DEMAND_SENTENCE} The ministry warned of a fine and jail terms for the company's officers. {OUTCOME_SENTENCE}"
URL = "https://news.example/2021/02/ministry-presses-twitter"
# Extraction from a web page decodes the entities in the text once more (a quirk of the
# extractor): the feed's article states the outcome with a bare <script>.
PAGE_OUTCOME_SENTENCE = (
    "Twitter complied and withheld the 300 accounts in India, citing a notice marked "
    "<b><i>\"urgent\" & 'final' <script> & javascript:alert(1)."
)
# What the curator types over the proposed title before accepting.
CURATED_TITLE = "-1+1 India <img src=x onerror=alert(2)> vs \"Twitter\" & 'X'"

# The same texts as each format must carry them, written out rather than computed.
HTML = {
    TITLE: "Ministry presses Twitter &lt;script&gt;alert(1)&lt;/script&gt; over &quot;farmers&quot; &amp; &#x27;protest&#x27; posts",
    OUTLET: "\u200b@Wire &lt;b&gt;desk",
    DEMAND_SENTENCE: "India&#x27;s IT ministry ordered Twitter to withhold 300 accounts &lt;img src=x onerror=alert(1)&gt; "
    "under Section 69A of the IT Act.",
    OUTCOME_SENTENCE: "Twitter complied and withheld the 300 accounts in India, citing a notice marked "
    "&lt;b&gt;&lt;i&gt;&quot;urgent&quot; &amp; &#x27;final&#x27; &amp;lt;script&amp;gt; &amp;amp; javascript:alert(1).",
    CURATED_TITLE: "-1+1 India &lt;img src=x onerror=alert(2)&gt; vs &quot;Twitter&quot; &amp; &#x27;X&#x27;",
    PAGE_OUTCOME_SENTENCE: "Twitter complied and withheld the 300 accounts in India, citing a notice marked "
    "&lt;b&gt;&lt;i&gt;&quot;urgent&quot; &amp; &#x27;final&#x27; &lt;script&gt; &amp; javascript:alert(1).",
}
XML_TEXT = {  # XML character data: & < > escaped, quotes left as they are
    CURATED_TITLE: "-1+1 India &lt;img src=x onerror=alert(2)&gt; vs \"Twitter\" &amp; 'X'",
    OUTCOME_SENTENCE: "Twitter complied and withheld the 300 accounts in India, citing a notice marked "
    "&lt;b&gt;&lt;i&gt;\"urgent\" &amp; 'final' &amp;lt;script&amp;gt; &amp;amp; javascript:alert(1).",
    PAGE_OUTCOME_SENTENCE: "Twitter complied and withheld the 300 accounts in India, citing a notice marked "
    "&lt;b&gt;&lt;i&gt;\"urgent\" &amp; 'final' &lt;script&gt; &amp; javascript:alert(1).",
}
RAW = [TITLE, OUTLET, DEMAND_SENTENCE, OUTCOME_SENTENCE, CURATED_TITLE, PAGE_OUTCOME_SENTENCE]
LIVE_MARKUP = ["<script>alert", "<script> &", "<img src=x", "<b><i>", "<b>desk"]
# A link to anything but http(s), in any case and after any blank: the attribute's value, unescaped.
LIVE_LINK = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*(?!https?:|/|#|\?)[a-z][a-z0-9+.-]*:""", re.I)
HOSTILE_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
                "data:text/html,<script>alert(1)</script>"]


def _corpus(tmp_path):
    lines = [
        {"id": "hostile-1", "url": URL, "outlet": OUTLET, "published": "2021-02-04", "language": "en",
         "title": TITLE, "text": TEXT},
        # Ingestion takes only http(s) addresses: a `javascript:` article URL never becomes a link.
        {"id": "hostile-2", "url": "JaVaScRiPt:alert(1)", "title": "x", "text": "Another text entirely."},
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _change_form_data(page) -> dict:
    """Every field of an admin change form as the browser would post it back."""
    data = {}
    forms = [page.context["adminform"].form] + [
        form for fs in page.context["inline_admin_formsets"] for form in [fs.formset.management_form, *fs.formset.forms]
    ]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = [v.pk if hasattr(v, "pk") else v for v in value] if isinstance(value, list | tuple) else value
    return data


def _accept_in_admin(client, dispute, *, title: str, outcome_text: str, summary: str = "") -> None:
    """Accept on the accept page as a curator does: the title typed, the outcome's drafted text
    replaced by the article's sentence (pasted), a preview, then publish."""
    url = reverse("admin:disputes_dispute_accept", args=[dispute.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    outcome = Outcome.objects.get(dispute=dispute)
    data.update({"title": title, f"outcome_{outcome.pk}": outcome_text, "drafts_approved": "on"})
    if summary:
        data["summary"] = summary
    preview = client.post(url, {**data, "_preview": "1"})
    assert preview.context["preview"], preview.context["form"].errors
    done = client.post(url, {**data, "previewed": preview.context["fingerprint"], "_accept": "1"})
    assert done.status_code == 302, done.context["form"].errors


@pytest.fixture
def published(tmp_path, client, curator):
    """The article ingested, annotated and attached; its dispute edited and accepted in the admin."""
    out = StringIO()
    call_command("ingest_corpus", str(_corpus(tmp_path)), "--sync", "--no-progress", stdout=out, stderr=StringIO())
    assert "line 2: not an http(s) URL" in out.getvalue()
    article = Article.objects.get()
    assert article.status == "annotated", article.failure_reason
    dispute = Dispute.objects.get()
    outcome = Outcome.objects.get(dispute=dispute)
    assert (dispute.review_state, outcome.review_state) == (ReviewState.CANDIDATE, ReviewState.CANDIDATE)
    # The annotator drafts the outcome's text in its own words; the quote stays in the evidence.
    assert outcome.details != OUTCOME_SENTENCE and outcome.drafted_fields == ["details"]
    assert dispute.evidence.filter(quote=DEMAND_SENTENCE).exists()

    client.force_login(curator)
    url = reverse("admin:disputes_dispute_change", args=[dispute.pk])
    data = _change_form_data(client.get(url))
    data["title"] = CURATED_TITLE
    response = client.post(url, {**data, "_accept": "Save and accept"})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    _accept_in_admin(client, dispute, title=CURATED_TITLE, outcome_text=OUTCOME_SENTENCE,
                     summary=f"Reported as “{TITLE}” by {OUTLET}.")
    dispute.refresh_from_db()
    outcome.refresh_from_db()
    assert dispute.title == CURATED_TITLE
    assert (dispute.review_state, outcome.review_state) == (ReviewState.CONFIRMED, ReviewState.CONFIRMED)
    client.logout()

    # Rows that bypass the admin's validation (an import, an older row): stored, never linked.
    for n, url in enumerate(HOSTILE_URLS):
        Evidence.objects.create(dispute=dispute, outcome=outcome, source_url=url, outlet=f"Hand-entered {n}" if n else "",
                                review_state=ReviewState.CONFIRMED)
    Actor.objects.filter(platform="twitter").update(website="JaVaScRiPt:alert(1)")
    return dispute


def _public_pages(dispute) -> list[str]:
    platform = Actor.objects.get(platform="twitter")
    return [
        "/", "/disputes/", "/disputes/?q=India", "/disputes/?country=IN", dispute.get_absolute_url(),
        dispute.get_absolute_url() + "?kind=reporting", dispute.get_absolute_url() + "?kind=outcome",
        "/countries/IN/", "/platforms/twitter/", platform.get_absolute_url(), "/compare/",
        "/search/?q=ministry", "/search/?q=ministry&kind=article", "/search/?q=India&kind=dispute",
    ]


def _assert_no_live_markup(body: str, where: str):
    for raw in RAW:
        if any(tag in raw for tag in ("<", ">")):
            assert raw not in body, where
    for markup in LIVE_MARKUP:
        assert markup not in body, (where, markup)
    assert not LIVE_LINK.search(body), (where, LIVE_LINK.search(body))



# Each page and the texts it shows, HTML-escaped.
def _public_pages(dispute) -> dict[str, list[str]]:
    detail = dispute.get_absolute_url()
    listed = [CURATED_TITLE]
    searched = [TITLE, OUTLET, CURATED_TITLE]
    everything = [TITLE, OUTLET, DEMAND_SENTENCE, OUTCOME_SENTENCE, CURATED_TITLE]
    return {
        "/": listed, "/disputes/": listed, "/disputes/?q=India": listed, "/disputes/?country=IN": listed,
        detail: everything, f"{detail}?kind=reporting": everything, f"{detail}?kind=outcome": everything,
        "/countries/IN/": listed, "/platforms/twitter/": listed, "/compare/": [],
        "/search/?q=ministry": searched, "/search/?q=ministry&kind=article": [TITLE, OUTLET],
        "/search/?q=India&kind=dispute": [TITLE, OUTLET, CURATED_TITLE],
    }


def _assert_no_live_markup(body: str, where: str):
    for raw in RAW:
        if "<" in raw:
            assert raw not in body, where
    for markup in LIVE_MARKUP:
        assert markup not in body, (where, markup)
    match = LIVE_LINK.search(body)
    assert match is None, (where, body[max(0, match.start() - 200) : match.end() + 100] if match else "")


@pytest.mark.django_db(transaction=True)  # the page cache's version is bumped on commit
def test_pages_and_partials_carry_the_html_escaped_text(published, client):
    for url, texts in _public_pages(published).items():
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            body = response.content.decode()
            _assert_no_live_markup(body, url)
            if not headers:
                for text in texts:
                    assert HTML[text] in body, (url, text)


def test_partials_swap_in_escaped_text(published, client):
    detail = published.get_absolute_url()
    partial = client.get(f"{detail}?kind=outcome", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and HTML[OUTCOME_SENTENCE] in partial
    table = client.get("/disputes/?q=India", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in table and HTML[CURATED_TITLE] in table


def test_stored_non_web_urls_are_shown_as_text_and_web_ones_as_links(published, client):
    body = client.get(f"{published.get_absolute_url()}?kind=outcome").content.decode()
    assert f'<a href="{URL}" rel="noopener noreferrer">' in body
    for n in range(1, len(HOSTILE_URLS)):
        assert f"Hand-entered {n}" in body and f'">Hand-entered {n}</a>' not in body
    # No outlet: the address itself, as escaped text.
    assert "javascript:alert(1)" in body and 'href="javascript' not in body.lower()


def _atom(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    return response.content.decode()


@pytest.mark.parametrize("url", ["/feeds/events/", "/feeds/countries/IN/", "/feeds/platforms/twitter/"])
def test_atom_feeds_declare_text_and_escape_it_for_xml(published, client, url):
    body = _atom(client, url)
    _assert_no_live_markup(body, url)
    assert 'type="html"' not in body and "&amp;lt;img" not in body.replace(XML_TEXT[CURATED_TITLE], "")
    assert f"<summary type=\"text\">4 February 2021. {XML_TEXT[OUTCOME_SENTENCE]}</summary>" in body
    assert f"<title type=\"text\">{XML_TEXT[CURATED_TITLE]}: Outcome — " in body
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(body).findall("a:entry", ns)
    outcome = next(e for e in entries if "outcome/" in e.find("a:id", ns).text)
    summary = outcome.find("a:summary", ns)
    assert summary.get("type") == "text" and summary.text == f"4 February 2021. {OUTCOME_SENTENCE}"
    assert outcome.find("a:title", ns).text.startswith(f"{CURATED_TITLE}: Outcome — ")
    for entry in entries:
        for element in entry.iter():
            if element.tag in {f"{{{ns['a']}}}{name}" for name in ("title", "summary", "content", "subtitle")}:
                assert element.get("type") == "text"
            if element.get("href"):
                assert element.get("href").startswith("http://testserver/disputes/")


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


def test_csv_downloads_defuse_formulas_and_keep_markup_as_text(published, client):
    rows = _csv(client.get("/disputes/export.csv?country=IN"))
    assert rows[1][rows[0].index("title")] == "'" + CURATED_TITLE

    rows = _csv(client.get("/search/export.csv?q=ministry"))
    header, hits = rows[0], {row[0]: row for row in rows[1:]}
    article, dispute = hits["article"], hits["dispute"]
    assert article[header.index("title")] == TITLE
    assert article[header.index("url")] == URL
    assert article[header.index("country_or_outlet")] == "'" + OUTLET
    assert dispute[header.index("title")] == "'" + CURATED_TITLE
    # The rank is a number (negative under SQLite's bm25): written as one, not defused.
    for row in (article, dispute):
        float(row[header.index("rank")])


def _json(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return json.loads(response.content)


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_json_downloads_and_the_api_carry_the_exact_text(published, client):
    assert _json(client.get("/disputes/export.json?country=IN"))["disputes"][0]["title"] == CURATED_TITLE
    results = {hit["kind"]: hit for hit in _json(client.get("/search/export.json?q=ministry"))["results"]}
    assert (results["article"]["title"], results["article"]["country_or_outlet"]) == (TITLE, OUTLET)
    assert results["article"]["url"] == URL and results["dispute"]["title"] == CURATED_TITLE

    detail = _json(client.get(f"/api/disputes/{published.slug}/"))
    assert detail["title"] == CURATED_TITLE
    assert OUTCOME_SENTENCE in set(_strings(detail))
    outcomes = _json(client.get("/api/outcomes/?country=IN"))
    assert OUTCOME_SENTENCE in set(_strings(outcomes))
    assert CURATED_TITLE in set(_strings(_json(client.get("/api/disputes/?country=IN"))))
    articles = _json(client.get(f"/api/articles/?dispute={published.slug}"))
    (article,) = [a for a in articles["results"] if a["title"] == TITLE]
    assert (article["outlet"], article["url"]) == (OUTLET, URL)
    for url in ("/api/demands/?country=IN", "/api/actors/"):
        strings = set(_strings(_json(client.get(url))))
        assert not any(s.strip().lower().startswith(("javascript:", "data:")) for s in strings), url


def test_the_dataset_release_defuses_csv_and_keeps_json_exact(published, tmp_path):
    out = tmp_path / "release"
    call_command("export_dataset", "--release", "test", "--output", str(out), stdout=StringIO())

    def table(name):
        with open(out / f"{name}.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        return rows, json.loads((out / f"{name}.json").read_text(encoding="utf-8"))

    disputes, disputes_json = table("disputes")
    assert disputes[0]["title"] == "'" + CURATED_TITLE and disputes_json[0]["title"] == CURATED_TITLE
    assert TITLE in disputes[0]["summary"] and disputes[0]["summary"] == disputes_json[0]["summary"]
    outcomes, outcomes_json = table("outcomes")
    assert outcomes[0]["details"] == outcomes_json[0]["details"] == OUTCOME_SENTENCE
    evidence, evidence_json = table("evidence")
    quoted = {row["quote"] for row in evidence}
    assert {DEMAND_SENTENCE, OUTCOME_SENTENCE} <= quoted
    from_article = [row for row in evidence if row["quote"] == OUTCOME_SENTENCE]
    assert from_article[0]["outlet"] == "'" + OUTLET and from_article[0]["url"] == URL
    assert {row["outlet"] for row in evidence_json if row["quote"] == OUTCOME_SENTENCE} == {OUTLET}
    # Stored addresses that are not http(s) leave the release blank, in CSV and JSON alike.
    hand = [row for row in evidence_json if row["outlet"].startswith("Hand-entered") or row["outlet"] == ""]
    assert len(hand) == len(HOSTILE_URLS) and {row["url"] for row in hand} == {""}
    for name in ("disputes", "actors", "demands", "outcomes", "events", "evidence"):
        text = (out / f"{name}.csv").read_text(encoding="utf-8")
        assert "javascript:alert(1)," not in text.lower() and "data:text/html" not in text


def _admin_pages(dispute) -> dict[str, list[str]]:
    outcome = dispute.outcomes.get()
    demand = dispute.demands.get()
    article = Article.objects.get()
    twitter = Actor.objects.get(platform="twitter")
    pages = {
        reverse("admin:disputes_dispute_changelist"): [CURATED_TITLE],
        reverse("admin:disputes_dispute_changelist") + "?q=India": [CURATED_TITLE],
        reverse("admin:disputes_dispute_change", args=[dispute.pk]): [CURATED_TITLE, TITLE, OUTCOME_SENTENCE],
        reverse("admin:disputes_dispute_history", args=[dispute.pk]): [CURATED_TITLE],
        reverse("admin:disputes_outcome_changelist"): [],
        reverse("admin:disputes_outcome_change", args=[outcome.pk]): [OUTCOME_SENTENCE],
        reverse("admin:disputes_demand_change", args=[demand.pk]): [DEMAND_SENTENCE],
        reverse("admin:disputes_evidence_changelist"): [OUTLET],
        reverse("admin:ingestion_article_changelist"): [TITLE, OUTLET],
        reverse("admin:ingestion_article_change", args=[article.pk]): [TITLE, OUTLET],
        reverse("admin:disputes_actor_change", args=[twitter.pk]): [],
    }
    for evidence in dispute.evidence.all():
        pages[reverse("admin:disputes_evidence_change", args=[evidence.pk])] = (
            [evidence.quote] if evidence.quote else []
        )
    return pages


def test_admin_lists_and_change_pages_escape_everything(published, client, curator):
    client.force_login(curator)
    for url, texts in _admin_pages(published).items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        _assert_no_live_markup(body, url)
        for text in texts:
            assert HTML[text] in body, (url, text)


@pytest.mark.django_db(transaction=True)  # the page cache's version is bumped on commit
def test_the_admin_refuses_non_web_addresses(published, client, curator):
    client.force_login(curator)
    outcome = published.outcomes.get()
    add = reverse("admin:disputes_evidence_add")
    for url in [*HOSTILE_URLS, "ftp://files.example/notice.pdf"]:
        response = client.post(add, {"dispute": published.pk, "outcome": outcome.pk, "source_url": url,
                                     "outlet": "Typed in", "quote": "q"})
        assert response.status_code == 200, url
        assert "source_url" in response.context["adminform"].form.errors, url
        _assert_no_live_markup(response.content.decode(), url)
    assert not Evidence.objects.filter(outlet="Typed in").exists()

    twitter = Actor.objects.get(platform="twitter")
    change = reverse("admin:disputes_actor_change", args=[twitter.pk])
    data = _change_form_data(client.get(change))
    for url in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>"]:
        response = client.post(change, {**data, "website": url})
        assert response.status_code == 200 and "website" in response.context["adminform"].form.errors, url
    twitter.refresh_from_db()
    assert twitter.website == "JaVaScRiPt:alert(1)"  # the stored row, untouched by the refused edits

    accepted = client.post(add, {"dispute": published.pk, "outcome": outcome.pk, "source_url": "https://gazette.example/notice",
                                 "outlet": "Typed in", "quote": "q"})
    assert accepted.status_code == 302, accepted.context["adminform"].form.errors
    page = client.get(f"{published.get_absolute_url()}?kind=outcome").content.decode()
    assert '<a href="https://gazette.example/notice" rel="noopener noreferrer">Typed in</a>' in page


# The same article reached through a feed: RSS from the loopback server, then its page.
def _escape_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.fixture
def from_feed(settings, redis_url, curator):
    server = LocalServer().start()
    settings.INGEST_ALLOW_LOOPBACK = True
    settings.INGEST_LOOPBACK_PORTS = [server.port]
    settings.REDIS_URL = settings.CELERY_BROKER_URL = redis_url
    page_url = server.add(
        "/2021/02/ministry-presses-twitter",
        f"<!DOCTYPE html><html lang='en'><head><title>{_escape_xml(TITLE)}</title></head><body>"
        f"<article><h1>{_escape_xml(TITLE)}</h1><p>{_escape_xml(DEMAND_SENTENCE)}</p>"
        "<p>The ministry warned of a fine and jail terms for the company's officers.</p>"
        f"<p>{_escape_xml(OUTCOME_SENTENCE)}</p></article></body></html>",
        content_type="text/html; charset=utf-8",
    )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Policy</title>'
        f"<item><title>{_escape_xml(TITLE)}</title><link>{page_url}</link>"
        "<pubDate>Thu, 04 Feb 2021 08:00:00 GMT</pubDate></item>"
        "<item><title>Bad link</title><link>javascript:alert(1)</link></item></channel></rss>"
    )
    source = Source.objects.create(name="Policy <script>", kind=Source.Kind.RSS,
                                   url=server.add("/feed.xml", feed, content_type="application/rss+xml"))
    try:
        run = source_poll(source_id=source.pk)
        assert run.new == 1, run.problems  # the javascript: entry is skipped by the feed parser
        ids = list(Article.objects.values_list("pk", flat=True))
        articles_fetch(article_ids=ids)
        articles_extract(article_ids=ids, inline_hooks=True)  # annotation and attaching follow inline
    finally:
        server.stop()
    article = Article.objects.get()
    assert article.status == "annotated", article.failure_reason
    dispute = Dispute.objects.get()
    client = Client()
    client.force_login(curator)
    _accept_in_admin(client, dispute, title=dispute.title, outcome_text=PAGE_OUTCOME_SENTENCE)
    dispute.refresh_from_db()
    assert dispute.review_state == ReviewState.CONFIRMED
    return dispute, page_url, client


@pytest.mark.django_db(transaction=True)  # the page cache's version is bumped on commit
def test_a_feed_entry_reaches_every_kind_of_output_escaped(from_feed):
    dispute, page_url, admin_client = from_feed
    article = Article.objects.get()
    assert (article.title, article.url) == (TITLE, page_url)
    assert Outcome.objects.get().details == PAGE_OUTCOME_SENTENCE
    client = Client()
    page = client.get(f"{dispute.get_absolute_url()}?kind=reporting").content.decode()
    _assert_no_live_markup(page, "detail")
    for text in (TITLE, DEMAND_SENTENCE, PAGE_OUTCOME_SENTENCE):
        assert HTML[text] in page, text
    assert f'<a href="{page_url}" rel="noopener noreferrer">' in page
    atom = _atom(client, "/feeds/countries/IN/")
    _assert_no_live_markup(atom, "atom")
    assert f"<summary type=\"text\">4 February 2021. {XML_TEXT[PAGE_OUTCOME_SENTENCE]}</summary>" in atom
    rows = _csv(client.get("/search/export.csv?q=ministry&kind=article"))
    assert rows[1][rows[0].index("title")] == TITLE and rows[1][rows[0].index("url")] == page_url
    assert _json(client.get(f"/api/articles/?dispute={dispute.slug}"))["results"][0]["title"] == TITLE
    change = admin_client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk])).content.decode()
    _assert_no_live_markup(change, "admin")
    assert HTML[TITLE] in change and HTML[PAGE_OUTCOME_SENTENCE] in change
