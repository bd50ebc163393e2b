"""Accepting a candidate publishes what a curator wrote: the service and its admin page."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from disputes import services
from disputes.models import Dispute, ReviewState
from ingestion import annotating
from tests.factories import ArticleFactory, PlatformFactory
from tests.texts import INDIA_TWITTER

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate():
    """A candidate the annotator proposed from an article, with drafted text."""
    PlatformFactory(name="Twitter", slug="twitter", platform="twitter")
    article = ArticleFactory(title="India orders Twitter to withhold accounts", text=INDIA_TWITTER,
                             published=datetime.date(2021, 2, 10))
    annotating.articles_annotate(article_ids=[article.pk])
    return Dispute.objects.get()


def _accept_url(dispute):
    return reverse("admin:disputes_dispute_accept", args=[dispute.pk])


# The service -------------------------------------------------------------------------


def test_the_annotator_marks_its_text_as_draft(candidate):
    assert set(candidate.drafted_fields) == {"title", "summary"}
    assert "Proposed by the annotator" not in candidate.summary
    assert candidate.outcomes.exists()
    assert all(o.drafted_fields == ["details"] for o in candidate.outcomes.all())


def test_it_refuses_the_drafts_as_they_stand(candidate, curator):
    with pytest.raises(ValidationError) as raised:
        services.dispute_accept(dispute=candidate, user=curator, title=candidate.title, summary=candidate.summary)
    assert {"title", "summary"} <= set(raised.value.error_dict)
    candidate.refresh_from_db()
    assert candidate.review_state == ReviewState.CANDIDATE


def test_it_refuses_drafted_outcome_text_left_unchanged(candidate, curator):
    with pytest.raises(ValidationError) as raised:
        services.dispute_accept(dispute=candidate, user=curator, title="India orders Twitter to withhold 1,178 accounts",
                                summary="In February 2021 India's IT ministry ordered Twitter to withhold 1,178 accounts.")
    assert "__all__" in raised.value.error_dict
    assert Dispute.objects.get().review_state == ReviewState.CANDIDATE


def test_it_publishes_the_curators_text_once(candidate, curator):
    outcomes = {o.pk: f"Twitter's answer {o.pk}, in the curator's words." for o in candidate.outcomes.all()}
    dispute = services.dispute_accept(
        dispute=candidate, user=curator, title="India orders Twitter to withhold 1,178 accounts",
        summary="In February 2021 India's IT ministry ordered Twitter to withhold 1,178 accounts.",
        outcome_details=outcomes, reason="Checked against the article",
    )
    dispute.refresh_from_db()
    assert dispute.review_state == ReviewState.CONFIRMED
    assert dispute.title == "India orders Twitter to withhold 1,178 accounts"
    assert dispute.drafted_fields == []
    assert not dispute.demands.filter(review_state=ReviewState.CANDIDATE).exists()
    for outcome in dispute.outcomes.all():
        assert outcome.details == outcomes[outcome.pk] and outcome.drafted_fields == []
        assert outcome.review_state == ReviewState.CONFIRMED
    assert dispute.history.filter(review_state=ReviewState.CONFIRMED).count() == 1
    assert dispute.history.first().history_user == curator

    with pytest.raises(ValidationError):
        services.dispute_accept(dispute=dispute, user=curator, title="Again", summary="Again")
    assert dispute.history.filter(review_state=ReviewState.CONFIRMED).count() == 1


def test_explicit_approval_publishes_the_drafts(candidate, curator):
    title, summary = candidate.title, candidate.summary
    services.dispute_accept(dispute=candidate, user=curator, title=title, summary=summary, drafts_approved=True)
    candidate.refresh_from_db()
    assert (candidate.title, candidate.summary, candidate.review_state) == (title, summary, ReviewState.CONFIRMED)


def test_it_needs_the_curators_permission(candidate, staff_without_role):
    with pytest.raises(PermissionDenied):
        services.dispute_accept(dispute=candidate, user=staff_without_role, title="T", summary="S",
                                drafts_approved=True)
    assert Dispute.objects.get().review_state == ReviewState.CANDIDATE


def test_confirming_without_the_accept_form_refuses_drafts(candidate, curator):
    with pytest.raises(ValidationError):
        services.dispute_confirm(dispute=candidate, user=curator)
    assert Dispute.objects.get().review_state == ReviewState.CANDIDATE


# The admin page ------------------------------------------------------------------------


def _form_data(page):
    form = page.context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_the_page_prefills_the_drafts(curator_client, candidate):
    page = curator_client.get(_accept_url(candidate))
    assert page.status_code == 200
    assert page.context["form"]["title"].value() == candidate.title
    assert b"Accept and publish" not in page.content  # no preview yet


def test_preview_shows_the_public_page_without_saving(curator_client, candidate):
    data = _form_data(curator_client.get(_accept_url(candidate)))
    data.update(title="India orders Twitter to withhold <1,178> accounts", summary="The curator's summary.",
                drafts_approved="on", _preview="1")
    page = curator_client.post(_accept_url(candidate), data)
    assert page.status_code == 200
    preview = page.context["preview"]
    assert "India orders Twitter to withhold &lt;1,178&gt; accounts" in preview
    assert "asked Twitter to withhold accounts" in preview  # the candidate demand, as a sentence
    assert "The curator&#x27;s summary." in preview or "The curator's summary." in preview
    assert b"Accept and publish" in page.content and b"srcdoc=" in page.content
    candidate.refresh_from_db()
    assert candidate.review_state == ReviewState.CANDIDATE and candidate.summary != "The curator's summary."


def test_accepting_needs_the_preview_of_the_same_text(curator_client, candidate, client):
    data = _form_data(curator_client.get(_accept_url(candidate)))
    data.update(title="India orders Twitter to withhold 1,178 accounts", summary="The curator's summary.",
                drafts_approved="on")
    unpreviewed = curator_client.post(_accept_url(candidate), {**data, "_accept": "1"})
    assert unpreviewed.status_code == 200 and unpreviewed.context["preview"]
    assert Dispute.objects.get().review_state == ReviewState.CANDIDATE

    data["previewed"] = unpreviewed.context["fingerprint"]
    changed = curator_client.post(_accept_url(candidate), {**data, "summary": "Changed after the preview", "_accept": "1"})
    assert changed.status_code == 200
    assert Dispute.objects.get().review_state == ReviewState.CANDIDATE

    done = curator_client.post(_accept_url(candidate), {**data, "_accept": "1"})
    assert done.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.review_state == ReviewState.CONFIRMED and dispute.summary == "The curator's summary."
    assert client.get(dispute.get_absolute_url()).status_code == 200


def test_the_page_shows_errors_for_unapproved_drafts(curator_client, candidate):
    data = _form_data(curator_client.get(_accept_url(candidate)))
    page = curator_client.post(_accept_url(candidate), {**data, "_preview": "1"})
    data["previewed"] = page.context["fingerprint"]
    page = curator_client.post(_accept_url(candidate), {**data, "_accept": "1"})
    assert page.status_code == 200 and page.context["form"].errors["title"]
    assert Dispute.objects.get().review_state == ReviewState.CANDIDATE


def test_staff_without_the_role_cannot_open_or_post(client, staff_without_role, candidate):
    client.force_login(staff_without_role)
    assert client.get(_accept_url(candidate)).status_code == 403
    assert client.post(_accept_url(candidate), {"title": "x", "summary": "y", "_accept": "1"}).status_code == 403
    assert Dispute.objects.get().review_state == ReviewState.CANDIDATE


def test_anonymous_visitors_are_sent_to_login(client, candidate):
    response = client.get(_accept_url(candidate))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_page_posts_with_the_admin_csrf_check(curator, candidate):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(curator)
    assert strict.post(_accept_url(candidate), {"title": "x", "summary": "y", "_preview": "1"}).status_code == 403


def test_accept_selected_routes_drafts_to_the_accept_page(curator_client, candidate):
    queue = reverse("admin:disputes_dispute_changelist") + "?review_state__exact=candidate"
    response = curator_client.post(queue, {"action": "accept_selected", "_selected_action": [candidate.pk]})
    assert response.status_code == 302 and response["Location"] == _accept_url(candidate)
    assert Dispute.objects.get().review_state == ReviewState.CANDIDATE


def test_save_and_accept_goes_to_the_accept_page(curator_client, candidate):
    url = reverse("admin:disputes_dispute_change", args=[candidate.pk])
    page = curator_client.get(url)
    data = {}
    forms = [page.context["adminform"].form] + [
        f for fs in page.context["inline_admin_formsets"] for f in [fs.formset.management_form, *fs.formset.forms]]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = [v.pk if hasattr(v, "pk") else v for v in value] if isinstance(value, list | tuple) else value
    data["title"] = "India orders Twitter to withhold 1,178 accounts"
    response = curator_client.post(url, {**data, "_accept": "Save and accept"})
    assert response.status_code == 302 and response["Location"] == _accept_url(candidate)
    dispute = Dispute.objects.get()
    assert dispute.review_state == ReviewState.CANDIDATE
    assert dispute.drafted_fields == ["summary"]  # the edited title is the curator's now
