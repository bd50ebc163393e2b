"""The review queue in real Chromium, driven from the keyboard: articles are
ingested through the pipeline onto the demo India–Twitter dispute, a curator
accepts one report, edits then accepts a fact, rejects the other report, and
the public page follows exactly those decisions."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from disputes.models import Dispute, Evidence, Outcome, ReviewState
from tests.texts import FOLLOW_UP, FOOTBALL, INDIA_TWITTER

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parents[2] / "test-results"
INDIA_TWITTER_PAGE = "/disputes/india-twitter-2021-farmers-protest-accounts/"
CURRENT = re.compile(r"\bis-current\b")


def _record(id, outlet, published, title, text):
    return {"id": id, "url": f"https://{outlet}/{id}", "outlet": outlet, "published": published,
            "title": title, "text": text}


@pytest.fixture
def ingested(live_server, transactional_db, tmp_path):
    from disputes.demo import demo_load

    demo_load()
    corpus = tmp_path / "queue.jsonl"
    records = [
        _record("q-1", "delhi.example", "2021-02-10", "India orders Twitter to withhold 1,178 accounts", INDIA_TWITTER),
        _record("q-2", "wire.example", "2021-02-12", "Twitter only partly complied, India says", FOLLOW_UP),
        _record("q-3", "sport.example", "2021-03-03", "Striker banned for three matches", FOOTBALL),
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records))
    call_command("ingest_corpus", str(corpus), sync=True, no_progress=True, stdout=open("/dev/null", "w"))
    return live_server.url


def settled(page):
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def go_to(page, item_id):
    """Press j or k until the item is the current one, as a curator would."""
    ids = page.eval_on_selector_all(".queue-item", "els => els.map(e => e.id)")
    current = page.eval_on_selector(".queue-item.is-current", "e => e.id")
    step = ids.index(item_id) - ids.index(current)
    for _ in range(abs(step)):
        page.keyboard.press("j" if step > 0 else "k")
    expect(page.locator(f"#{item_id}")).to_have_class(CURRENT)


def test_a_curator_clears_the_queue_from_the_keyboard(page, ingested, curator):
    dispute = Dispute.objects.get(slug=INDIA_TWITTER_PAGE.strip("/").split("/")[-1])
    accepted = Evidence.objects.reports().candidates().get(article__external_id="q-1")
    rejected = Evidence.objects.reports().candidates().get(article__external_id="q-2")
    fact = Outcome.objects.candidates().get(dispute=dispute)
    assert page.goto(ingested + INDIA_TWITTER_PAGE).ok
    expect(page.locator(f"#outcome-{fact.pk}")).to_have_count(0)

    page.goto(ingested + "/admin/login/?next=/admin/")
    page.fill("#id_username", "carol")
    page.fill("#id_password", "pw-carol-123")
    page.click("input[type=submit]")
    link = page.get_by_role("link", name="3 items waiting in the review queue")
    expect(link).to_be_visible()
    link.click()
    expect(page.locator(".queue-item")).to_have_count(3)
    expect(page.locator(".queue-item.is-current")).to_have_count(1)
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "review-queue.png", full_page=True)

    # Accept a report: a.
    go_to(page, f"item-report-{accepted.pk}")
    page.keyboard.press("a")
    expect(page.locator(f"#item-report-{accepted.pk} .queue-decision")).to_have_text(
        "Confirmed by carol: Accepted in the review queue")
    settled(page)

    # Edit then accept the fact: e opens the form, Enter saves and accepts.
    go_to(page, f"item-outcome-{fact.pk}")
    page.keyboard.press("e")
    kind = page.locator(f"#id_outcome-{fact.pk}-kind")
    expect(kind).to_be_focused()
    page.keyboard.type("Partially")  # a select's type-ahead
    expect(kind).to_have_value("partially_complied")
    page.locator(f"#id_outcome-{fact.pk}-accounts_withheld").focus()
    page.keyboard.type("500")
    page.keyboard.press("Enter")
    expect(page.locator(f"#item-outcome-{fact.pk} .queue-decision")).to_have_text(
        "Confirmed by carol: Edited and accepted in the review queue")
    settled(page)

    # Reject the other report: r goes to the reason, Enter sends it.
    go_to(page, f"item-report-{rejected.pk}")
    page.keyboard.press("r")
    expect(page.locator(f"#reason-report-{rejected.pk}")).to_be_focused()
    page.keyboard.type("Restates the ministry's claim; adds nothing")
    page.keyboard.press("Enter")
    expect(page.locator(f"#item-report-{rejected.pk} .queue-decision")).to_have_text(
        "Rejected by carol: Restates the ministry's claim; adds nothing")
    page.screenshot(path=RESULTS / "review-queue-decided.png", full_page=True)

    fact.refresh_from_db()
    assert (fact.kind, fact.accounts_withheld, fact.review_state) == ("partially_complied", 500, ReviewState.CONFIRMED)
    public_reports = set(Evidence.objects.public().reports().filter(dispute=dispute).values_list("pk", flat=True))
    assert accepted.pk in public_reports and rejected.pk not in public_reports
    assert not Evidence.objects.filter(dispute=dispute).candidates().exists()

    # The public page: the accepted fact, and no other fact than those confirmed.
    page.goto(ingested + INDIA_TWITTER_PAGE)
    expect(page.locator(f"#outcome-{fact.pk}")).to_contain_text("Partially complied")
    shown = set(page.eval_on_selector_all("[id^=outcome-]", "els => els.map(e => e.id)"))
    confirmed = {f"outcome-{pk}" for pk in Outcome.objects.confirmed().filter(dispute=dispute).values_list("pk", flat=True)}
    assert shown == confirmed
