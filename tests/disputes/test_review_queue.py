"""The curation loop: the annotator proposes, curators decide, public pages follow."""

import datetime

import pytest
from django.urls import reverse

from disputes.models import Demand, Dispute, ReviewState
from ingestion import annotating
from tests.factories import ArticleFactory, DisputeFactory, PartyFactory, PlatformFactory
from tests.texts import INDIA_TWITTER

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:disputes_dispute_changelist") + "?review_state__exact=candidate"


@pytest.fixture
def candidate():
    PlatformFactory(name="Twitter", slug="twitter", platform="twitter")
    article = ArticleFactory(
        title="India orders <b>Twitter</b> to withhold accounts",
        text=INDIA_TWITTER + "\n<script>alert('x')</script>",
        published=datetime.date(2021, 2, 10),
    )
    annotating.articles_annotate(article_ids=[article.pk])
    dispute = Dispute.objects.get()
    assert dispute.review_state == ReviewState.CANDIDATE
    return dispute


def _act(client, action, disputes, **extra):
    return client.post(QUEUE, {"action": action, "_selected_action": [d.pk for d in disputes], **extra})


def test_the_queue_lists_candidates_only(curator_client, candidate):
    confirmed = DisputeFactory(title="Already confirmed")
    index = curator_client.get(reverse("admin:index"))
    assert b"1 candidate dispute" in index.content
    page = curator_client.get(QUEUE)
    assert page.status_code == 200
    assert candidate.title.encode() in page.content
    assert confirmed.title.encode() not in page.content


def test_a_candidate_shows_its_article_with_evidence_and_entities_marked(curator_client, candidate):
    page = curator_client.get(reverse("admin:disputes_dispute_change", args=[candidate.pk]))
    html = page.content.decode()
    assert '<mark class="evidence">' in html or '<mark class="entity' in html
    assert 'class="entity entity-platform' in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<b>Twitter</b>" not in html


def test_accepting_publishes_the_dispute_and_its_facts(client, curator_client, candidate):
    public = reverse("disputes:detail", args=[candidate.slug])
    assert client.get(public).status_code == 404
    accept = _act(curator_client, "accept_selected", [candidate])
    assert accept.status_code == 302  # drafted text: to the accept page
    page = curator_client.get(accept["Location"])
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(title="India orders Twitter to withhold 1,178 accounts", drafts_approved="on", _preview="1")
    data["previewed"] = curator_client.post(accept["Location"], data).context["fingerprint"]
    assert curator_client.post(accept["Location"], {**data, "_accept": "1"}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.review_state == ReviewState.CONFIRMED
    assert not Demand.objects.filter(dispute=candidate, review_state=ReviewState.CANDIDATE).exists()
    page = client.get(public)
    assert page.status_code == 200
    assert b"1178" in page.content.replace(b",", b"")
    record = candidate.history.first()
    assert record.history_user.username == "carol"


def test_rejecting_keeps_the_reason_and_re_annotation_proposes_nothing_again(curator_client, candidate):
    form = _act(curator_client, "reject_with_reason", [candidate])
    assert form.status_code == 200 and b"reason" in form.content
    _act(curator_client, "reject_with_reason", [candidate], reason="Duplicate of a known case", confirm="1")
    candidate.refresh_from_db()
    assert candidate.review_state == ReviewState.REJECTED
    assert candidate.history.first().history_change_reason == "Duplicate of a known case"
    assert set(candidate.demands.values_list("review_state", flat=True)) == {ReviewState.REJECTED}

    annotating.articles_annotate(article_ids=list(candidate.evidence.values_list("article_id", flat=True)[:1]))
    assert Dispute.objects.count() == 1
    assert not Demand.objects.filter(review_state=ReviewState.CANDIDATE).exists()


def test_attaching_moves_the_proposals_into_an_existing_dispute(curator_client, candidate):
    known = DisputeFactory(title="India–Twitter 2021", slug="india-twitter-2021", country="IN")
    PartyFactory(dispute=known, actor=candidate.party_roles.get(role="targeted").actor, role="targeted")
    n_demands = candidate.demands.count()
    _act(curator_client, "attach_to_dispute", [candidate], target=known.pk, confirm="1")
    assert not Dispute.objects.filter(pk=candidate.pk).exists()
    assert known.demands.filter(review_state=ReviewState.CANDIDATE).count() == n_demands
    assert curator_client.get(f"/disputes/{candidate.slug}/").status_code == 301


def test_edit_then_accept(curator_client, candidate):
    url = reverse("admin:disputes_dispute_change", args=[candidate.pk])
    page = curator_client.get(url)
    data = {}
    for form in [page.context["adminform"].form] + [f for fs in page.context["inline_admin_formsets"] for f in [fs.formset.management_form, *fs.formset.forms]]:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = [v.pk if hasattr(v, "pk") else v for v in value] if isinstance(value, list | tuple) else value
    data["title"] = "India orders Twitter to withhold 1,178 accounts"
    response = curator_client.post(url, {**data, "_accept": "Save and accept"})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    candidate.refresh_from_db()
    assert candidate.title.startswith("India orders Twitter")
    # Saved, then published from the accept page (the summary is still a draft).
    assert response["Location"] == reverse("admin:disputes_dispute_accept", args=[candidate.pk])
    assert candidate.review_state == ReviewState.CANDIDATE


@pytest.mark.parametrize("action", ["accept_selected", "reject_with_reason", "attach_to_dispute", "merge_selected"])
def test_staff_without_the_role_cannot_decide(client, staff_without_role, candidate, action):
    client.force_login(staff_without_role)
    response = _act(client, action, [candidate], reason="x", confirm="1")
    assert response.status_code == 403
    candidate.refresh_from_db()
    assert candidate.review_state == ReviewState.CANDIDATE


def test_anonymous_visitors_are_sent_to_login(client, candidate):
    response = _act(client, "accept_selected", [candidate])
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    candidate.refresh_from_db()
    assert candidate.review_state == ReviewState.CANDIDATE
