"""The per-country rollups stay equal to a recomputation from the data,
whatever curators do: confirm, edit, merge, delete."""

import datetime

import pytest

from disputes import rollups
from disputes.models import CountryRollup, Dispute
from tests.disputes.conftest import build_dispute
from tests.factories import ActorFactory, DemandFactory, OutcomeFactory, PartyFactory

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(CountryRollup.objects.values_list("country", "metric", "key", "sub", "n"))


def assert_true_to_the_data():
    kept = snapshot()
    rollups.rebuild()
    assert kept == snapshot()


def test_a_confirmed_world_is_rolled_up(world):
    world(2)
    assert sum(n for _, metric, *_, n in snapshot() if metric == "status") == 2
    assert_true_to_the_data()


def test_confirming_and_rejecting_facts_moves_the_sums(world):
    from disputes.services import review_set_state

    dispute = world(1)
    candidate = DemandFactory(dispute=dispute, review_state="candidate", date=datetime.date(2023, 1, 5))
    assert ("IN", "demands", "2023", candidate.demand_type, 1) not in snapshot()
    review_set_state(records=[candidate], state="confirmed")
    assert ("IN", "demands", "2023", candidate.demand_type, 1) in snapshot()
    assert_true_to_the_data()
    review_set_state(records=[candidate], state="rejected")
    assert ("IN", "demands", "2023", candidate.demand_type, 1) not in snapshot()
    assert_true_to_the_data()


def test_confirming_a_candidate_dispute_counts_it_and_its_facts(twitter, ministry):
    from disputes.services import dispute_confirm

    dispute = build_dispute(0, twitter=twitter, ministry=ministry, review_state="candidate")
    assert snapshot() == []
    dispute_confirm(dispute=dispute)
    assert any(metric == "status" for _, metric, *_ in snapshot())
    assert_true_to_the_data()


def test_moving_a_dispute_to_another_country_moves_its_figures(world):
    dispute = world(2)
    dispute.country = "PK"
    dispute.save()
    assert {c for c, *_ in snapshot()} == {"IN", "PK"}
    assert_true_to_the_data()


def test_merges_and_deletions_keep_the_sums_true(world, twitter, django_user_model):
    from disputes.services import actor_merge, dispute_merge

    first = world(3)
    second, third = Dispute.objects.exclude(pk=first.pk).order_by("pk")
    second.country = "PK"
    second.save()
    dispute_merge(source=second, target=first)
    assert_true_to_the_data()

    x = ActorFactory(name="X Corp", slug="x-corp", kind="platform", platform="twitter")
    PartyFactory(dispute=third, actor=x, role="demanding")
    OutcomeFactory(dispute=third, actor=x, kind="refused")
    actor_merge(source=x, target=twitter)
    assert_true_to_the_data()

    third.demands.first().delete()  # its outcomes lose their demand
    assert_true_to_the_data()
    first.delete()
    assert_true_to_the_data()
    third.delete()
    assert snapshot() == []


def test_the_country_page_shows_the_rollups(client, world):
    world(2)
    response = client.get("/countries/IN/")
    assert response.context["dispute_count"] == 2
    [actor] = response.context["government"]
    assert actor.slug == "meity" and actor.dispute_count == 2
    assert response.context["outcome_chart"].table == [("Twitter / X", [2], 2)]
    assert [row[0] for row in response.context["delay_chart"].table][:1] == ["< 1 week"]
