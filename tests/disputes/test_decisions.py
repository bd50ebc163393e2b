"""The status rule, and reverting a decision with everything it changed."""

import datetime

import pytest
from django.urls import reverse

from disputes import services
from disputes.models import Dispute, Outcome, ReviewState
from tests.factories import DemandFactory, DisputeFactory, EventFactory, OutcomeFactory, PenaltyFactory

pytestmark = pytest.mark.django_db

CANDIDATE, CONFIRMED, REJECTED = ReviewState.CANDIDATE, ReviewState.CONFIRMED, ReviewState.REJECTED


@pytest.fixture
def ban_case():
    """A candidate ban that was lifted: the Pakistan–TikTok shape."""
    dispute = DisputeFactory(title="Pakistan blocks TikTok", country="PK", review_state=CANDIDATE,
                             start_date=datetime.date(2020, 10, 1), status="active")
    ban = DemandFactory(dispute=dispute, demand_type="ban_service", date=datetime.date(2020, 10, 9),
                        review_state=CANDIDATE)
    PenaltyFactory(demand=ban, kind="ban")
    OutcomeFactory(dispute=dispute, demand=ban, kind="service_blocked", date=datetime.date(2020, 10, 9),
                   review_state=CANDIDATE)
    OutcomeFactory(dispute=dispute, demand=ban, kind="ban_lifted", date=datetime.date(2020, 10, 19),
                   review_state=CANDIDATE)
    EventFactory(dispute=dispute, review_state=CANDIDATE)
    return dispute


# The status rule ---------------------------------------------------------------------------


def test_an_ending_outcome_resolves_the_dispute_with_its_date(ban_case, curator):
    services.dispute_accept(dispute=ban_case, user=curator, title="Pakistan blocks TikTok",
                            summary="The regulator blocked TikTok for ten days.")
    ban_case.refresh_from_db()
    assert ban_case.status == "resolved"
    assert ban_case.end_date == datetime.date(2020, 10, 19)
    assert not ban_case.status_overridden


def test_a_later_block_reopens_what_a_lifted_ban_ended(ban_case):
    OutcomeFactory(dispute=ban_case, demand=ban_case.demands.get(), kind="service_blocked",
                   date=datetime.date(2021, 3, 11), review_state=CANDIDATE)
    assert services.dispute_status_from_facts(ban_case) is None


def test_every_demand_must_be_answered_by_an_ending_outcome(ban_case):
    DemandFactory(dispute=ban_case, demand_type="remove_content", review_state=CANDIDATE)
    assert services.dispute_status_from_facts(ban_case) is None


def test_an_unlinked_ending_outcome_that_comes_last_resolves(ban_case):
    OutcomeFactory(dispute=ban_case, demand=None, kind="demand_withdrawn", date=datetime.date(2020, 11, 2),
                   date_precision="month", review_state=CANDIDATE)
    assert services.dispute_status_from_facts(ban_case) == ("resolved", datetime.date(2020, 11, 2), "month")


def test_rejected_outcomes_do_not_count(ban_case):
    Outcome.objects.filter(kind="ban_lifted").update(review_state=REJECTED)
    assert services.dispute_status_from_facts(ban_case) is None


def test_a_curator_overrides_the_status(ban_case, curator):
    services.dispute_accept(dispute=ban_case, user=curator, title="Pakistan blocks TikTok",
                            summary="The regulator blocked TikTok.", status="dormant")
    ban_case.refresh_from_db()
    assert (ban_case.status, ban_case.status_overridden, ban_case.end_date) == ("dormant", True, None)
    assert services.dispute_status_apply(dispute=ban_case) is False


def test_confirming_applies_the_rule_too(ban_case, curator):
    services.dispute_confirm(dispute=ban_case, user=curator)
    ban_case.refresh_from_db()
    assert (ban_case.review_state, ban_case.status) == (CONFIRMED, "resolved")


# Reverting ---------------------------------------------------------------------------------


def _states(dispute):
    return {
        "dispute": Dispute.objects.get(pk=dispute.pk).review_state,
        "demands": set(dispute.demands.values_list("review_state", flat=True)),
        "outcomes": set(dispute.outcomes.values_list("review_state", flat=True)),
        "events": set(dispute.events.values_list("review_state", flat=True)),
    }


def test_reverting_an_accept_restores_the_dispute_and_its_facts(ban_case, curator):
    before = _states(ban_case)
    services.dispute_accept(dispute=ban_case, user=curator, title="Curator's title", summary="Curator's summary.")
    decision_id = services.dispute_decisions(ban_case.history)[0]
    assert services.decision_revert(decision_id=decision_id, user=curator) >= 5
    assert _states(ban_case) == before
    ban_case.refresh_from_db()
    assert (ban_case.title, ban_case.status, ban_case.end_date) == ("Pakistan blocks TikTok", "active", None)
    assert ban_case.history.first().history_user == curator


def test_reverting_restores_a_penalty_the_decision_deleted(ban_case, curator):
    penalty = ban_case.demands.get().penalties.get()
    from disputes.decisions import decision

    with decision() as decision_id:
        penalty._history_user = curator
        penalty.delete()
    services.decision_revert(decision_id=decision_id, user=curator)
    assert ban_case.demands.get().penalties.filter(kind="ban").exists()


def test_reverting_a_rejection_from_the_history_page_restores_its_facts(ban_case, curator, curator_client):
    services.dispute_reject(dispute=ban_case, user=curator, reason="Looked like a duplicate")
    assert _states(ban_case)["demands"] == {REJECTED}
    original = ban_case.history.filter(review_state=CANDIDATE).first()
    url = reverse("admin:disputes_dispute_simple_history", args=[ban_case.pk, original.history_id])
    page = curator_client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["topics"] = []
    for formset in page.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        data.update({management.add_prefix(k): management[k].value() for k in management.fields})
        for inline_form in formset.formset.forms:
            data.update({inline_form.add_prefix(k): inline_form[k].value() for k in inline_form.fields
                         if inline_form[k].value() is not None})
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert _states(ban_case) == {"dispute": CANDIDATE, "demands": {CANDIDATE}, "outcomes": {CANDIDATE},
                                 "events": {CANDIDATE}}
