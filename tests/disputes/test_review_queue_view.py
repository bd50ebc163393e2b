"""The review queue page (/admin/review/): everything waiting, decided in place."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from disputes import calibration, services
from disputes.admin import review_queue
from disputes.models import Demand, Dispute, Evidence, Outcome, ReviewState
from ingestion import annotating
from tests.factories import ArticleFactory, DisputeFactory, PartyFactory, PlatformFactory
from tests.texts import FOLLOW_UP, INDIA_TWITTER

pytestmark = pytest.mark.django_db

QUEUE = reverse("review:queue")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def waiting(curator):
    """A confirmed India–Twitter dispute with a new report and its facts waiting,
    and a candidate dispute proposed by another article."""
    PlatformFactory(name="Twitter", slug="twitter", platform="twitter")
    first = ArticleFactory(title="India orders Twitter to withhold accounts", text=INDIA_TWITTER,
                           published=datetime.date(2021, 2, 10))
    annotating.articles_annotate(article_ids=[first.pk])
    confirmed = Dispute.objects.get()
    services.dispute_accept(dispute=confirmed, user=curator, title=confirmed.title, summary=confirmed.summary,
                            drafts_approved=True)
    Evidence.objects.filter(dispute=confirmed).update(review_state=ReviewState.CONFIRMED)
    follow = ArticleFactory(title="Twitter only partly complied, <i>India</i> says", text=FOLLOW_UP,
                            published=datetime.date(2021, 2, 12))
    annotating.articles_annotate(article_ids=[follow.pk])
    candidate = DisputeFactory(title="Brazil and Telegram: hand over user data", slug="br-telegram",
                               country="BR", review_state=ReviewState.CANDIDATE)
    return {"confirmed": confirmed, "report": Evidence.objects.reports().candidates().get(article=follow),
            "candidate": candidate}


def _url(action, kind, pk):
    return reverse(f"review:{action}", args=[kind, pk])


def test_a_curator_sees_everything_waiting_grouped_by_dispute(curator_client, waiting):
    report = waiting["report"]
    fact = Outcome.objects.candidates().get()
    page = curator_client.get(QUEUE)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="group-{waiting["confirmed"].pk}"' in html and f'id="group-{waiting["candidate"].pk}"' in html
    assert f'id="item-report-{report.pk}"' in html and f'id="item-outcome-{fact.pk}"' in html
    assert f'id="item-dispute-{waiting["candidate"].pk}"' in html
    # The fact's quote, marked inside the sentences around it; titles escaped.
    assert '<mark class="evidence">' in html
    assert "&lt;i&gt;India&lt;/i&gt;" in html and "<i>India</i>" not in html
    assert "% likely right" in html
    assert 'hx-headers=\'{"x-csrftoken": "' in html
    assert "review_queue.js" in html and "<kbd>j</kbd>" in html


def test_confirmed_items_and_rejected_disputes_are_not_waiting(curator_client, waiting):
    services.dispute_reject(dispute=waiting["candidate"], reason="Not a dispute")
    Evidence.objects.filter(pk=waiting["report"].pk).update(review_state=ReviewState.CONFIRMED)
    html = curator_client.get(QUEUE).content.decode()
    assert "item-dispute-" not in html and "item-report-" not in html


def test_items_are_sorted_by_calibrated_confidence(waiting, monkeypatch):
    dispute = waiting["confirmed"]
    low, high = Outcome.objects.candidates().get(), Demand.objects.filter(dispute=dispute).first()
    Demand.objects.filter(pk=high.pk).update(review_state=ReviewState.CANDIDATE)
    low.claim.confidence, high.claim.confidence = 0.4, 0.9
    low.claim.save(), high.claim.save()
    table = calibration.Calibration({
        "outcome": [calibration.Block(0.4, 0.4, 5, 0.2)],
        "demand": [calibration.Block(0.4, 0.9, 5, 0.7)],
        calibration.ARTICLE: [calibration.Block(0.0, 1.0, 5, 0.5)],
    })
    monkeypatch.setattr(calibration, "load", lambda: table)
    group = next(g for g in review_queue.review_queue() if g.dispute.pk == dispute.pk)
    assert [(i.kind, i.confidence) for i in group.items] == [("demand", 0.7), ("report", 0.5), ("outcome", 0.2)]


def test_staff_without_the_role_get_403(client, staff_without_role, waiting):
    client.force_login(staff_without_role)
    report, candidate = waiting["report"], waiting["candidate"]
    assert client.get(QUEUE).status_code == 403
    assert client.post(_url("accept", "report", report.pk), **HTMX).status_code == 403
    assert client.post(_url("reject", "report", report.pk), {"reason": "x"}, **HTMX).status_code == 403
    assert client.post(reverse("review:attach", args=[candidate.pk]),
                       {f"dispute-{candidate.pk}-target": waiting["confirmed"].pk}, **HTMX).status_code == 403
    report.refresh_from_db()
    assert report.review_state == ReviewState.CANDIDATE


def test_attaching_needs_the_merge_permission(client, curator, waiting):
    from django.contrib.auth.models import Permission

    curator.user_permissions.clear()
    curator.groups.clear()
    curator.user_permissions.add(*Permission.objects.filter(codename__in=["change_dispute", "change_evidence"]))
    client.force_login(curator)
    candidate = waiting["candidate"]
    response = client.post(reverse("review:attach", args=[candidate.pk]),
                           {f"dispute-{candidate.pk}-target": waiting["confirmed"].pk}, **HTMX)
    assert response.status_code == 403
    assert Dispute.objects.filter(pk=candidate.pk).exists()


def test_anonymous_visitors_are_sent_to_login(client, waiting):
    for response in (client.get(QUEUE), client.post(_url("accept", "report", waiting["report"].pk))):
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert Evidence.objects.get(pk=waiting["report"].pk).review_state == ReviewState.CANDIDATE


def test_get_is_not_a_decision(curator_client, waiting):
    assert curator_client.get(_url("accept", "report", waiting["report"].pk)).status_code == 405


def test_accepting_a_report_swaps_in_its_decided_state_and_keeps_history(curator_client, waiting):
    report = waiting["report"]
    response = curator_client.post(_url("accept", "report", report.pk), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<article class="queue-item queue-report is-decided" id="item-report-{report.pk}"')
    assert "Confirmed by carol: Accepted in the review queue" in html and "<form" not in html
    report.refresh_from_db()
    assert report.review_state == ReviewState.CONFIRMED
    row = report.history.first()
    assert row.history_user.username == "carol" and row.history_change_reason == "Accepted in the review queue"
    assert Evidence.objects.public().filter(pk=report.pk).exists()


def test_edit_then_accept_saves_the_curators_fields_and_the_quote(curator_client, waiting):
    outcome = Outcome.objects.candidates().get()
    prefix = f"outcome-{outcome.pk}"
    data = {"edit": "1", f"{prefix}-kind": "partially_complied", f"{prefix}-date": "2021-02-12",
            f"{prefix}-date_precision": "day", f"{prefix}-accounts_withheld": "500",
            f"{prefix}-details": "Twitter withheld about 500 of the accounts."}
    response = curator_client.post(_url("accept", "outcome", outcome.pk), data, **HTMX)
    assert response.status_code == 200 and b"Confirmed by carol: Edited and accepted" in response.content
    outcome.refresh_from_db()
    assert (outcome.review_state, outcome.accounts_withheld) == (ReviewState.CONFIRMED, 500)
    assert outcome.details == "Twitter withheld about 500 of the accounts."
    assert outcome.history.first().history_change_reason == "Edited and accepted in the review queue"
    assert outcome.history.first().history_user.username == "carol"
    assert set(outcome.evidence.values_list("review_state", flat=True)) == {ReviewState.CONFIRMED}


def test_an_invalid_edit_shows_its_errors_and_decides_nothing(curator_client, waiting):
    outcome = Outcome.objects.candidates().get()
    prefix = f"outcome-{outcome.pk}"
    data = {"edit": "1", f"{prefix}-kind": "no-such-kind", f"{prefix}-date_precision": "day"}
    response = curator_client.post(_url("accept", "outcome", outcome.pk), data, **HTMX)
    assert response.status_code == 200
    assert b"Correct the fields below" in response.content and b"<details class=\"queue-edit\" open>" in response.content
    outcome.refresh_from_db()
    assert outcome.review_state == ReviewState.CANDIDATE


def test_rejecting_keeps_the_reason(curator_client, waiting):
    outcome = Outcome.objects.candidates().get()
    response = curator_client.post(_url("reject", "outcome", outcome.pk), {"reason": "Misread the quote"}, **HTMX)
    assert b"Rejected by carol: Misread the quote" in response.content
    outcome.refresh_from_db()
    assert outcome.review_state == ReviewState.REJECTED
    assert outcome.history.first().history_change_reason == "Misread the quote"
    assert set(outcome.evidence.values_list("review_state", flat=True)) == {ReviewState.REJECTED}


def test_rejecting_without_a_reason_is_an_error(curator_client, waiting):
    report = waiting["report"]
    response = curator_client.post(_url("reject", "report", report.pk), {"reason": "  "}, **HTMX)
    assert response.status_code == 200
    assert b'role="alert"' in response.content and b"Say why" in response.content
    report.refresh_from_db()
    assert report.review_state == ReviewState.CANDIDATE


def test_accepting_a_candidate_dispute_redraws_its_group(curator_client, waiting):
    candidate = waiting["candidate"]
    response = curator_client.post(_url("accept", "dispute", candidate.pk), **HTMX)
    html = response.content.decode()
    assert html.strip().startswith(f'<section class="queue-group" id="group-{candidate.pk}">')
    assert "Confirmed by carol" in html
    candidate.refresh_from_db()
    assert candidate.review_state == ReviewState.CONFIRMED
    assert candidate.history.first().history_user.username == "carol"


def test_attaching_merges_the_candidate_into_the_chosen_dispute(curator_client, waiting):
    confirmed = waiting["confirmed"]
    candidate = DisputeFactory(title="India and Twitter: withhold accounts (February 2021)", slug="in-tw-cand",
                               country="IN", review_state=ReviewState.CANDIDATE)
    PartyFactory(dispute=candidate, actor=confirmed.party_roles.get(role="targeted").actor, role="targeted")
    response = curator_client.post(reverse("review:attach", args=[candidate.pk]),
                                   {f"dispute-{candidate.pk}-target": confirmed.pk}, **HTMX)
    assert response.status_code == 200 and b"was attached to" in response.content
    assert not Dispute.objects.filter(pk=candidate.pk).exists()
    assert confirmed.history.first().history_change_reason == "Merged dispute 'in-tw-cand' into this one"
    assert confirmed.history.first().history_user.username == "carol"


def test_attaching_only_to_a_dispute_of_the_same_country(curator_client, waiting):
    candidate = waiting["candidate"]  # Brazil; the confirmed one is India's
    response = curator_client.post(reverse("review:attach", args=[candidate.pk]),
                                   {f"dispute-{candidate.pk}-target": waiting["confirmed"].pk}, **HTMX)
    assert b'role="alert"' in response.content
    assert Dispute.objects.filter(pk=candidate.pk).exists()


def test_every_write_needs_the_csrf_token(curator, waiting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    report = waiting["report"]
    assert client.post(_url("accept", "report", report.pk), **HTMX).status_code == 403
    assert Evidence.objects.get(pk=report.pk).review_state == ReviewState.CANDIDATE
    client.get(QUEUE)  # sets the cookie, as the page does
    token = client.cookies["csrftoken"].value
    response = client.post(_url("accept", "report", report.pk), HTTP_X_CSRFTOKEN=token, **HTMX)
    assert response.status_code == 200
    assert Evidence.objects.get(pk=report.pk).review_state == ReviewState.CONFIRMED


def test_without_htmx_a_decision_returns_to_the_queue(curator_client, waiting):
    report = waiting["report"]
    response = curator_client.post(_url("accept", "report", report.pk))
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}#item-report-{report.pk}"


def test_the_admin_home_links_to_the_queue_with_its_count(curator_client, waiting):
    counts = review_queue.waiting_counts()
    assert counts["reports"] == 1 and counts["disputes"] == 1 and counts["facts"] >= 1
    html = curator_client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{QUEUE}"><strong>{counts["total"]} items waiting in the review queue</strong></a>' in html
    assert f'<a href="{QUEUE}">{counts["facts"]} candidate fact' in html
    assert "demand/?review_state__exact=candidate" not in html


def test_the_page_reads_the_same_number_of_queries_however_long_the_queue(curator_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import DemandFactory, EventFactory, EvidenceFactory, OutcomeFactory, PenaltyFactory

    def grow(n):
        for _ in range(n):
            confirmed = DisputeFactory(country="IN")
            EvidenceFactory(dispute=confirmed, article=ArticleFactory(text=INDIA_TWITTER), source_url="",
                            review_state=ReviewState.CANDIDATE)
            demand = DemandFactory(dispute=confirmed, review_state=ReviewState.CANDIDATE)
            PenaltyFactory(demand=demand)
            OutcomeFactory(dispute=confirmed, demand=demand, review_state=ReviewState.CANDIDATE)
            EventFactory(dispute=confirmed, review_state=ReviewState.CANDIDATE)
            candidate = DisputeFactory(country="IN", review_state=ReviewState.CANDIDATE)
            PartyFactory(dispute=candidate)
            EvidenceFactory(dispute=candidate, article=ArticleFactory(text=FOLLOW_UP), source_url="",
                            review_state=ReviewState.CANDIDATE)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert curator_client.get(QUEUE).status_code == 200
        return len(captured)

    grow(1)
    few = queries()
    grow(4)
    assert queries() == few


def test_accepting_a_drafted_dispute_opens_its_accept_page(curator_client):
    PlatformFactory(name="Twitter", slug="twitter", platform="twitter")
    article = ArticleFactory(title="India orders Twitter to withhold accounts", text=INDIA_TWITTER,
                             published=datetime.date(2021, 2, 10))
    annotating.articles_annotate(article_ids=[article.pk])
    dispute = Dispute.objects.candidates().get()
    assert dispute.drafted_fields

    response = curator_client.post(_url("accept", "dispute", dispute.pk), **HTMX)
    assert response["HX-Redirect"] == reverse("admin:disputes_dispute_accept", args=[dispute.pk])
    assert Dispute.objects.candidates().filter(pk=dispute.pk).exists()


def test_accepting_a_proposed_dispute_confirms_its_facts_quotes_and_reports(curator_client):
    PlatformFactory(name="Twitter", slug="twitter", platform="twitter")
    article = ArticleFactory(title="India orders Twitter to withhold accounts", text=INDIA_TWITTER,
                             published=datetime.date(2021, 2, 10))
    annotating.articles_annotate(article_ids=[article.pk])
    dispute = Dispute.objects.candidates().get()
    # The curator has rewritten the drafts (on the accept page, or in the change form).
    Dispute.objects.filter(pk=dispute.pk).update(drafted_fields=[])
    Outcome.objects.filter(dispute=dispute).update(drafted_fields=[])
    demands = list(dispute.demands.candidates())
    assert demands and f'id="item-demand-{demands[0].pk}"'.encode() in curator_client.get(QUEUE).content

    response = curator_client.post(_url("accept", "dispute", dispute.pk), **HTMX)
    html = response.content.decode()
    assert f'id="item-demand-{demands[0].pk}"' in html and "Confirmed by carol" in html
    assert not dispute.demands.candidates().exists()
    quotes = Evidence.objects.filter(dispute=dispute, demand__isnull=False)
    assert quotes and set(quotes.values_list("review_state", flat=True)) == {ReviewState.CONFIRMED}
    # The article that proposed it was read with it: its report is accepted too.
    assert Evidence.objects.reports().get(dispute=dispute).review_state == ReviewState.CONFIRMED
