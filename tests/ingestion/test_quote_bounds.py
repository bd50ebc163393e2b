"""Quotes are clean sentences of the article: trimmed, without the index's date line,
share buttons or teaser lines, and with offsets that slice the text to them."""

import datetime

import pytest

from disputes.models import Evidence
from ingestion import annotating
from ingestion.annotation.annotate import quote_bounds
from ingestion.models import Claim
from tests.factories import ActorFactory, ArticleFactory, PlatformFactory


def _quote(text: str) -> str | None:
    bounds = quote_bounds(text, 0, len(text))
    return text[bounds[0]:bounds[1]] if bounds else None


@pytest.mark.parametrize(
    "sentence, quote",
    [
        (" date 2022-03-01 The regulator fined the platform.", "The regulator fined the platform."),
        ("date 2022-03-01   The regulator fined the platform.\n\n", "The regulator fined the platform."),
        ("Share on Facebook Share on WhatsApp The court ordered the app blocked.", "The court ordered the app blocked."),
        ("Tweet | Email | The court ordered the app blocked.", "The court ordered the app blocked."),
        ("  The court ordered the app blocked.\n", "The court ordered the app blocked."),
        ("Shares in the company fell after the order.", "Shares in the company fell after the order."),
        ("Facebook, Twitter and YouTube were blocked.", "Facebook, Twitter and YouTube were blocked."),
        ("Read-only access was imposed on the app.", "Read-only access was imposed on the app."),
    ],
)
def test_it_trims_a_sentence_to_what_the_article_says(sentence, quote):
    assert _quote(sentence) == quote


@pytest.mark.parametrize(
    "chrome",
    ["READ: Minister orders the platform to remove posts\n", "Also read - Court bans the app", "Advertisement",
     "Share this article", "Facebook | Twitter | Email", "Skip to main content", " \n\n ",
     "This article is more than 4 years old"],
)
def test_a_sentence_that_is_only_chrome_gives_no_quote(chrome):
    assert _quote(chrome) is None


def test_offsets_are_those_of_the_whole_text():
    text = "Headline\n date 2022-03-01 The regulator fined the platform."
    start, end = quote_bounds(text, 9, len(text))
    assert text[start:end] == "The regulator fined the platform."


# Written for this test: an article with the chrome scraped pages keep.
CHROME_ARTICLE = (
    " date 2022-03-04 Kenya's Communications Authority has ordered Facebook to remove 120 posts "
    "that it says incite violence before the election.\n"
    "Share on Facebook Share on Twitter Officials warned that Facebook could be suspended in "
    "Kenya if the company did not comply within a week.\n"
    "READ: Regulator orders Facebook to block accounts of election critics\n\n"
    "Facebook said it had removed some of the posts.  \n"
)


@pytest.mark.django_db
def test_the_annotator_quotes_no_chrome():
    ActorFactory(name="Communications Authority", slug="ca-kenya", kind="regulator", country="KE")
    PlatformFactory(name="Facebook", slug="facebook", platform="facebook")
    article = ArticleFactory(title="Kenya orders Facebook to remove posts", text=CHROME_ARTICLE,
                             published=datetime.date(2022, 3, 4), status="extracted")

    annotating.articles_annotate(article_ids=[article.pk])

    claims = Claim.objects.filter(article=article, in_title=False)
    assert claims.exists()
    teaser = CHROME_ARTICLE.index("READ:")
    for claim in claims:
        assert CHROME_ARTICLE[claim.sentence_start:claim.sentence_end] == claim.quote
        assert claim.quote == claim.quote.strip()
        assert not claim.quote.startswith(("date", "Share", "READ"))
        assert not teaser <= claim.sentence_start < teaser + 70
    quoted = Evidence.objects.filter(article=article, quote_start__isnull=False)
    assert quoted.exists()
    for evidence in quoted:
        assert CHROME_ARTICLE[evidence.quote_start:evidence.quote_end] == evidence.quote
        assert evidence.quote == evidence.quote.strip()
        assert "date 2022" not in evidence.quote and "Share on" not in evidence.quote
