"""Evidence in the admin: quotes picked in the article text, whitespace-proof offsets,
errors that name their row at the top of the page, and dispute pages that stay short."""

import lxml.html
import pytest
from django.urls import reverse

from disputes.models import Evidence
from tests.admin_forms import browser_form_data, post_form
from tests.factories import ArticleFactory, DemandFactory, DisputeFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

TEXT = "Nairobi, 4 March 2022.\n\n The regulator ordered the platform to remove 120 posts.\n\nIt complied."
QUOTE = "The regulator ordered the platform to remove 120 posts."


@pytest.fixture
def quoted():
    """A demand with evidence quoting its article exactly."""
    demand = DemandFactory()
    article = ArticleFactory(title="Regulator orders posts removed", outlet="daily.example", text=TEXT)
    start = TEXT.index(QUOTE)
    evidence = EvidenceFactory(dispute=demand.dispute, demand=demand, article=article, source_url="",
                               quote=QUOTE, quote_start=start, quote_end=start + len(QUOTE))
    return evidence


def _set(data, suffix, value):
    return [(name, value if name.endswith(suffix) else v) for name, v in data]


def test_the_model_compares_quotes_word_by_word_and_stores_the_trimmed_slice():
    article = ArticleFactory(text=TEXT)
    start = TEXT.index(QUOTE)
    evidence = Evidence(dispute=DisputeFactory(), article=article, quote=f"\r\n{QUOTE}\r\n",
                        quote_start=start - 1, quote_end=start + len(QUOTE) + 2)
    evidence.full_clean()
    assert (evidence.quote, evidence.quote_start, evidence.quote_end) == (QUOTE, start, start + len(QUOTE))


def test_a_quote_beyond_the_article_is_refused():
    article = ArticleFactory(text=TEXT)
    evidence = Evidence(dispute=DisputeFactory(), article=article, quote="x", quote_start=0, quote_end=len(TEXT) + 5)
    with pytest.raises(Exception, match="only"):
        evidence.full_clean()


def test_the_evidence_page_shows_the_article_text_to_pick_the_quote_from(curator_client, quoted):
    html = curator_client.get(reverse("admin:disputes_evidence_change", args=[quoted.pk])).content.decode()
    doc = lxml.html.document_fromstring(html)
    picker = doc.xpath("//*[@data-quote-picker]")
    assert len(picker) == 1 and picker[0].text_content() == TEXT
    assert doc.xpath("//*[@data-quote-picker]//mark[@class='evidence']")[0].text_content() == QUOTE
    assert "js/quote_picker.js" in html
    assert doc.xpath('//input[@name="quote_start"]') and doc.xpath('//input[@name="quote_end"]')


def test_a_curator_corrects_a_quote_by_its_offsets(curator_client, quoted):
    url = reverse("admin:disputes_demand_change", args=[quoted.demand_id])
    data = browser_form_data(curator_client.get(url).content.decode(), "demand_form")
    assert any(name.endswith("-quote_start") for name, _ in data)  # offsets are editable
    start = TEXT.index("It complied.")
    data = _set(_set(_set(data, "-quote", "It complied."), "-quote_start", str(start)), "-quote_end", str(start + 12))
    assert post_form(curator_client, url, data).status_code == 302
    quoted.refresh_from_db()
    assert (quoted.quote, quoted.quote_start, quoted.quote_end) == ("It complied.", start, start + 12)


def test_a_wrong_quote_is_named_at_the_top_of_the_page(curator_client, quoted):
    url = reverse("admin:disputes_demand_change", args=[quoted.demand_id])
    data = browser_form_data(curator_client.get(url).content.decode(), "demand_form")
    response = post_form(curator_client, url, _set(data, "-quote", "The platform refused."))

    assert response.status_code == 200
    html = response.content.decode()
    top = lxml.html.document_fromstring(html).xpath('//ul[@class="messagelist"]/li[@class="error"]')
    assert len(top) == 1
    message = top[0].text_content()
    assert "Evidence 1" in message and "“Regulator orders posts removed” (daily.example)" in message
    assert str(quoted.demand) in message and "does not match the article text" in message
    assert html.index("messagelist") < html.index('id="demand_form"')
    quoted.refresh_from_db()
    assert quoted.quote == QUOTE


def test_the_dispute_page_folds_its_reporting_and_links_to_all_evidence(curator_client, quoted):
    dispute = quoted.dispute
    report = EvidenceFactory(dispute=dispute, article=ArticleFactory(text=TEXT), source_url="")
    html = curator_client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk])).content.decode()
    doc = lxml.html.document_fromstring(html)

    group = doc.get_element_by_id("evidence-group")
    assert group.xpath('.//fieldset[contains(@class, "collapse")]/details/summary')  # folded until opened
    ids = [i.get("value") for i in group.xpath('.//input[substring(@name, string-length(@name) - 2) = "-id"]') if i.get("value")]
    assert ids == [str(report.pk)]  # the fact's evidence is on the fact's page
    assert group.xpath('.//input[@name="evidence-0-quote_start"]')

    link = f"{reverse('admin:disputes_evidence_changelist')}?dispute__id__exact={dispute.pk}"
    assert doc.xpath(f'//a[@href="{link}"]')
    listing = curator_client.get(link)
    assert listing.status_code == 200
    assert "2 evidence" in listing.content.decode()
