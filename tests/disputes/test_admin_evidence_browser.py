"""The evidence admin in real Chromium: a quote picked by selecting it in the article
text, and a busy dispute's change page that fits the window."""

import pytest
from playwright.sync_api import expect

from disputes.models import Evidence
from tests.factories import ArticleFactory, DemandFactory, EvidenceFactory, OutcomeFactory

pytestmark = pytest.mark.browser

# Written for this test; the emoji counts as one character in Python, two in JavaScript.
TEXT = "Kampala 🙂 12 January 2021.\n\nThe commission ordered internet providers to block Facebook.\n\nIt did."
QUOTE = "The commission ordered internet providers to block Facebook."


@pytest.fixture
def admin_page(page, live_server, transactional_db, client, curator):
    client.force_login(curator)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.set_viewport_size({"width": 1280, "height": 900})
    return page


def _select(page, text: str):
    """Select `text` inside the picker as a curator's drag would, then release the mouse."""
    page.evaluate(
        """(wanted) => {
            const picker = document.querySelector("[data-quote-picker]");
            const walker = document.createTreeWalker(picker, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(wanted);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, Math.max(0, at - 2));  // a stray space and newline too
                range.setEnd(node, at + wanted.length);
                getSelection().removeAllRanges();
                getSelection().addRange(range);
                picker.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                return;
            }
            throw new Error("text not found");
        }""",
        text,
    )


def test_selecting_in_the_article_text_fills_the_quote_and_its_offsets(admin_page, live_server):
    page = admin_page
    demand = DemandFactory()
    evidence = EvidenceFactory(dispute=demand.dispute, demand=demand, source_url="",
                               article=ArticleFactory(text=TEXT), quote="It did.",
                               quote_start=TEXT.index("It did."), quote_end=len(TEXT))

    page.goto(f"{live_server.url}/admin/disputes/demand/{demand.pk}/change/")
    page.get_by_text("Select the quote in the article text").click()
    _select(page, QUOTE)
    start = TEXT.index(QUOTE)
    expect(page.locator('#id_evidence-0-quote')).to_have_value(QUOTE)
    expect(page.locator('#id_evidence-0-quote_start')).to_have_value(str(start))
    expect(page.locator('#id_evidence-0-quote_end')).to_have_value(str(start + len(QUOTE)))
    page.locator('input[name="_continue"]').click()
    expect(page.locator("ul.messagelist li.success")).to_be_visible()

    evidence.refresh_from_db()
    assert (evidence.quote, evidence.quote_start, evidence.quote_end) == (QUOTE, start, start + len(QUOTE))


def test_a_dispute_with_many_facts_and_reports_fits_the_window(admin_page, live_server):
    page = admin_page
    demand = DemandFactory(legal_basis="Section 12 of a very long and carefully named communications act " * 3)
    dispute = demand.dispute
    for n in range(12):
        DemandFactory(dispute=dispute)
        OutcomeFactory(dispute=dispute, demand=demand)
        article = ArticleFactory(title=f"Report {n} " + "with a long headline " * 6, text=TEXT * 20)
        EvidenceFactory(dispute=dispute, article=article, source_url="")
        EvidenceFactory(dispute=dispute, demand=demand, article=article, source_url="", quote=QUOTE,
                        quote_start=TEXT.index(QUOTE), quote_end=TEXT.index(QUOTE) + len(QUOTE))
    assert Evidence.objects.filter(dispute=dispute).count() == 24

    page.goto(f"{live_server.url}/admin/disputes/dispute/{dispute.pk}/change/")
    reporting = page.locator("#evidence-group > fieldset > details")
    expect(reporting).not_to_have_attribute("open", "")
    width, height = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert width <= 1280
    assert height < 9000
