"""The publication boundary: nothing machine-made goes public unreviewed.

Every public response (pages, HTMX partials, API lists and details, feeds, CSV/JSON
exports, search, the dataset release) is recorded on the demo data, again after the dev
corpus went through the real pipeline (fetch, extract, annotate, attach), and must not
have changed. Then a curator accepts one report and one fact, and exactly those appear;
taking both back restores every response. Runs on SQLite and on PostgreSQL
(DATABASE_URL); slow-ish, as spaCy annotates 68 articles.
"""

import csv
import io
import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape

from disputes.models import Actor, Demand, Dispute, DisputeParty, Evidence, Outcome, ReviewState
from disputes.services import review_set_state
from disputes.site.dataset import dataset_export

pytestmark = pytest.mark.django_db

SEARCH_WORDS = ["government", "twitter", "ban", "court", "blocked", "police", "tiktok", "telegram"]
HTMX = {"HX-Request": "true"}


def public_urls() -> list[tuple[str, bool]]:
    """(address, as an HTMX request) of every public response, discovered from the data."""
    disputes = list(Dispute.objects.public().order_by("slug"))
    countries = sorted({d.country for d in disputes})
    platforms = sorted(
        set(
            DisputeParty.objects.filter(dispute__in=disputes, role=DisputeParty.Role.TARGETED)
            .exclude(actor__platform="")
            .values_list("actor__platform", flat=True)
        )
    )
    actors = sorted(Actor.objects.filter(party_roles__dispute__in=disputes).values_list("slug", flat=True).distinct())
    urls = [
        "/", "/disputes/", "/disputes/?sort=oldest", "/disputes/?status=resolved", "/disputes/?q=government",
        "/disputes/?demand_type=remove_content", "/disputes/?outcome=complied", "/disputes/export.csv",
        "/disputes/export.json", "/compare/", "/compare/export.csv", "/compare/export.json", "/feeds/events/",
        "/api/", "/api/disputes/?page_size=100", "/api/demands/?page_size=100", "/api/outcomes/?page_size=100",
        "/api/actors/?page_size=100", "/api/articles/?page_size=100",
    ]
    for slug in (d.slug for d in disputes):
        urls += [f"/disputes/{slug}/", f"/disputes/{slug}/?kind=reporting", f"/api/disputes/{slug}/",
                 f"/api/articles/?dispute={slug}", f"/api/demands/?dispute={slug}"]
    for code in countries:
        urls += [f"/countries/{code}/", f"/disputes/?country={code}", f"/feeds/countries/{code}/",
                 f"/api/disputes/?country={code}"]
    for code in platforms:
        urls += [f"/platforms/{code}/", f"/disputes/?platform={code}", f"/feeds/platforms/{code}/"]
    urls += [f"/actors/{slug}/" for slug in actors]
    for word in SEARCH_WORDS:
        urls += [f"/search/?q={word}", f"/search/?q={word}&kind=article", f"/search/export.csv?q={word}",
                 f"/search/export.json?q={word}", f"/api/articles/?q={word}"]
    partials = ["/disputes/", "/disputes/?country=IN", f"/search/?q={SEARCH_WORDS[0]}"]
    partials += [f"/disputes/{d.slug}/?kind=reporting" for d in disputes[:5]]
    return [(url, False) for url in urls] + [(url, True) for url in partials]


def record(urls, release_dir) -> dict:
    """Every response as an anonymous visitor gets it, and the dataset release's tables."""
    cache.clear()  # a cached fragment must not hide a change
    client = Client()
    responses = {}
    for url, htmx in urls:
        response = client.get(url, headers=HTMX if htmx else {})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        responses[url, htmx] = (response.status_code, response.get("Content-Type"), response.get("Location"), body)
    assert all(status in (200, 301, 302) for status, *_ in responses.values())
    release = dataset_export(release="boundary", output=release_dir)
    for name in release.counts:
        for ext in ("csv", "json"):
            responses[f"release:{name}.{ext}", False] = (release_dir / f"{name}.{ext}").read_bytes()
    package = json.loads((release_dir / "datapackage.json").read_text())
    package.pop("created")  # the time of the release, the one part that legitimately moves
    responses["release:datapackage.json", False] = package
    return responses


def changed(before: dict, after: dict) -> set:
    assert before.keys() == after.keys()
    return {key for key in before if before[key] != after[key]}


def ids(responses, url) -> set[int]:
    body = json.loads(responses[url, False][3])
    assert body["count"] == len(body["results"]), url  # one page holds them all
    return {item["id"] for item in body["results"]}


def release_ids(responses, table) -> set[str]:
    return {row["id"] for row in csv.DictReader(io.StringIO(responses[f"release:{table}.csv", False].decode()))}


def test_nothing_the_pipeline_makes_is_public_until_a_curator_accepts_it(shared_dir, tmp_path, django_user_model):
    call_command("load_demo", stdout=StringIO())
    urls = public_urls()
    assert len(urls) > 150
    demo = record(urls, tmp_path / "demo")

    call_command("ingest_corpus", str(shared_dir / "corpus" / "dev.jsonl"), "--sync", "--no-progress",
                 stdout=StringIO(), stderr=StringIO())
    waiting = Evidence.objects.candidates().filter(
        dispute__review_state=ReviewState.CONFIRMED, article__isnull=False,
        demand__isnull=True, outcome__isnull=True, event__isnull=True,
    )
    assert waiting.exists(), "the pipeline attached no report to a confirmed dispute: the test proves nothing"
    ingested = record(urls, tmp_path / "ingested")
    assert changed(demo, ingested) == set()

    # A curator accepts one report and one fact, through the service the admin actions call.
    curator = django_user_model.objects.create_user("carol", is_staff=True)
    report = waiting.select_related("article", "dispute").order_by("pk").first()
    fact = (
        Demand.objects.candidates().filter(dispute__review_state=ReviewState.CONFIRMED).order_by("pk").first()
        or Outcome.objects.candidates().filter(dispute__review_state=ReviewState.CONFIRMED).order_by("pk").first()
    )
    assert fact is not None
    review_set_state(records=[report], state=ReviewState.CONFIRMED, user=curator, reason="Accepted")
    review_set_state(records=[fact], state=ReviewState.CONFIRMED, user=curator, reason="Accepted")
    accepted = record(urls, tmp_path / "accepted")
    diff = changed(ingested, accepted)

    # The report: on its dispute's page, in the article API, in search, in the release.
    page = f"/disputes/{report.dispute.slug}/", False
    assert page in diff and escape(report.article.title).encode() in accepted[page][3]
    assert escape(report.article.title).encode() not in ingested[page][3]
    # The fact is public with the quotes that report it (deciding a fact decides its quotes),
    # and with them the articles quoted.
    fact_quotes = Evidence.objects.filter(**{type(fact)._meta.model_name: fact})
    quotes = {str(pk) for pk in fact_quotes.values_list("pk", flat=True)}
    assert quotes, "the accepted fact has no quote: the test proves less than it says"
    quoted = set(fact_quotes.exclude(article=None).values_list("article_id", flat=True))
    url = "/api/articles/?page_size=100"
    assert ids(accepted, url) - ids(ingested, url) == {report.article_id} | (quoted - ids(ingested, url))
    assert ids(ingested, url) <= ids(accepted, url)
    assert release_ids(accepted, "evidence") - release_ids(ingested, "evidence") == {str(report.pk)} | quotes
    # The fact: in its dispute's API detail and in the list of its kind, and nothing else new.
    kind = "demands" if isinstance(fact, Demand) else "outcomes"
    detail = json.loads(accepted[f"/api/disputes/{fact.dispute.slug}/", False][3])
    before = json.loads(ingested[f"/api/disputes/{fact.dispute.slug}/", False][3])
    assert {x["id"] for x in detail[kind]} - {x["id"] for x in before[kind]} == {fact.pk}
    url = f"/api/{kind}/?page_size=100"
    assert ids(accepted, url) - ids(ingested, url) == {fact.pk}
    assert release_ids(accepted, kind) - release_ids(ingested, kind) == {str(fact.pk)}
    other = "outcomes" if kind == "demands" else "demands"
    assert ids(accepted, f"/api/{other}/?page_size=100") == ids(ingested, f"/api/{other}/?page_size=100")
    # Only pages that can show either item changed: nothing about other disputes.
    touched = {report.dispute.slug, fact.dispute.slug}
    for key in diff:
        address = key[0]
        if address.startswith(("/disputes/", "/api/disputes/")) and "/disputes/" in address:
            slug = address.split("/disputes/")[1].split("/")[0]
            if slug and not slug.startswith(("?", "export")):
                assert slug in touched, address

    # Taking both back restores every response.
    review_set_state(records=[Evidence.objects.get(pk=report.pk)], state=ReviewState.CANDIDATE, user=curator)
    review_set_state(records=[type(fact).objects.get(pk=fact.pk)], state=ReviewState.CANDIDATE, user=curator)
    assert changed(ingested, record(urls, tmp_path / "reverted")) == set()
