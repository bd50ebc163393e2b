"""The annotator links each outcome to the demand it answers, or says why not,
and drafts its text in Standoff's words."""

import datetime

import pytest

from disputes.models import Dispute, Outcome
from ingestion import annotating
from tests.factories import ArticleFactory, PlatformFactory
from tests.texts import INDIA_TWITTER

pytestmark = pytest.mark.django_db

# Written for this test: the public facts of Pakistan's ten-day TikTok ban of October 2020.
PAKISTAN_TIKTOK = (
    "Islamabad, 20 October 2020. The Pakistan Telecommunication Authority blocked TikTok on 9 October "
    "after the company failed to remove immoral and indecent videos. "
    "Officials also asked TikTok to appoint a local representative in Pakistan. "
    "The regulator said on Monday that it had lifted the ban on TikTok after the company assured it "
    "would moderate content according to local law."
)


def _outcomes(text, platform="tiktok", name="TikTok"):
    PlatformFactory(name=name, slug=platform, platform=platform)
    article = ArticleFactory(title=f"{name} story", text=text, published=datetime.date(2020, 10, 20))
    annotating.articles_annotate(article_ids=[article.pk])
    dispute = Dispute.objects.get()
    return dispute, list(Outcome.objects.filter(dispute=dispute).select_related("demand", "claim"))


def test_every_outcome_is_linked_or_says_why_not():
    dispute, outcomes = _outcomes(PAKISTAN_TIKTOK)
    assert outcomes
    for outcome in outcomes:
        assert (outcome.demand is None) == bool(outcome.unlinked_reason), outcome
        assert outcome.demand is None or outcome.demand.dispute_id == dispute.pk


def test_a_lifted_ban_answers_the_ban():
    _, outcomes = _outcomes(PAKISTAN_TIKTOK)
    lifted = next(o for o in outcomes if o.kind == "ban_lifted")
    assert lifted.demand is not None and lifted.demand.demand_type == "ban_service"


def test_an_outcome_next_to_its_demand_answers_it():
    _, outcomes = _outcomes(INDIA_TWITTER, "twitter", "Twitter")
    answering = [o for o in outcomes if o.kind in ("partially_complied", "refused", "complied")]
    assert answering and all(o.demand and o.demand.demand_type == "withhold_accounts" for o in answering)


def test_outcome_text_is_a_drafted_sentence_not_a_quote():
    _, outcomes = _outcomes(PAKISTAN_TIKTOK)
    for outcome in outcomes:
        assert outcome.drafted_fields == ["details"]
        assert outcome.details and outcome.details not in PAKISTAN_TIKTOK
        assert outcome.claim.quote not in outcome.details
    lifted = next(o for o in outcomes if o.kind == "ban_lifted")
    assert lifted.details == "The block on TikTok in Pakistan was lifted."


def test_the_unlinked_reason_is_shown_to_curators(curator_client):
    from django.urls import reverse

    _, outcomes = _outcomes(PAKISTAN_TIKTOK)
    outcome = outcomes[0]
    outcome.demand, outcome.unlinked_reason = None, "Several demands could be answered and none is stated next to it."
    outcome.save()
    page = curator_client.get(reverse("admin:disputes_outcome_change", args=[outcome.pk]))
    assert b"Several demands could be answered" in page.content
