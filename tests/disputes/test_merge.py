import pytest
from django.urls import reverse

from disputes.models import Actor, ActorRedirect, Dispute, DisputeRedirect, Evidence
from disputes.services import actor_merge, dispute_merge
from tests.factories import (
    ActorFactory,
    DemandFactory,
    DisputeFactory,
    EventFactory,
    EvidenceFactory,
    OutcomeFactory,
    PartyFactory,
    PlatformFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    twitter = PlatformFactory(platform="twitter")
    keep = DisputeFactory(slug="india-twitter-2021")
    dupe = DisputeFactory(slug="india-twitter-farmers")
    for dispute in (keep, dupe):
        PartyFactory(dispute=dispute, actor=twitter, role="targeted")
    demand = DemandFactory(dispute=dupe, accounts_targeted=1178)
    OutcomeFactory(dispute=dupe, demand=demand)
    EventFactory(dispute=dupe)
    EvidenceFactory(dispute=dupe, demand=demand)
    EvidenceFactory(dispute=dupe)
    return keep, dupe


def test_merging_disputes_keeps_every_fact(pair):
    keep, dupe = pair
    dispute_merge(source=dupe, target=keep)
    assert not Dispute.objects.filter(pk=dupe.pk).exists()
    assert keep.demands.get().accounts_targeted == 1178
    assert keep.outcomes.count() == 1 and keep.events.count() == 1
    assert Evidence.objects.filter(dispute=keep).count() == 2
    assert keep.party_roles.count() == 1  # the shared party is not doubled
    assert DisputeRedirect.objects.get(old_slug="india-twitter-farmers").dispute == keep


def test_the_merged_dispute_address_redirects(client, pair):
    keep, dupe = pair
    dispute_merge(source=dupe, target=keep)
    response = client.get("/disputes/india-twitter-farmers/")
    assert response.status_code == 301
    assert response["Location"] == "/disputes/india-twitter-2021/"


def test_merging_twice_follows_earlier_redirects(pair):
    keep, dupe = pair
    third = DisputeFactory(slug="third")
    dispute_merge(source=dupe, target=third)
    dispute_merge(source=third, target=keep)
    assert set(DisputeRedirect.objects.values_list("old_slug", "dispute__slug")) == {
        ("india-twitter-farmers", "india-twitter-2021"),
        ("third", "india-twitter-2021"),
    }


def test_a_curator_merges_disputes_through_the_admin(curator_client, pair):
    keep, dupe = pair
    url = reverse("admin:disputes_dispute_changelist")
    selected = {"action": "merge_selected", "_selected_action": [keep.pk, dupe.pk]}
    confirm_page = curator_client.post(url, selected)
    assert confirm_page.status_code == 200
    assert b"Choose the record to keep" in confirm_page.content
    response = curator_client.post(url, {**selected, "target": keep.pk, "confirm": "Merge"})
    assert response.status_code == 302
    assert keep.demands.count() == 1
    assert not Dispute.objects.filter(pk=dupe.pk).exists()
    assert "Merged dispute" in keep.history.first().history_change_reason


def test_staff_without_the_role_cannot_merge(client, staff_without_role, pair):
    keep, dupe = pair
    client.force_login(staff_without_role)
    response = client.post(
        reverse("admin:disputes_dispute_changelist"),
        {"action": "merge_selected", "_selected_action": [keep.pk, dupe.pk], "target": keep.pk, "confirm": "1"},
    )
    assert response.status_code == 403
    assert Dispute.objects.filter(pk=dupe.pk).exists()


def test_merging_actors_keeps_roles_facts_aliases_and_address(client):
    meity = ActorFactory(name="Ministry of Electronics and IT", slug="meity")
    it_ministry = ActorFactory(name="IT Ministry", slug="it-ministry")
    it_ministry.aliases.create(name="MeitY")
    official = ActorFactory(kind="official", name="Minister", parent=it_ministry)
    demand = DemandFactory(made_by=it_ministry)
    PartyFactory(dispute=demand.dispute, actor=it_ministry)
    PartyFactory(dispute=demand.dispute, actor=meity)

    actor_merge(source=it_ministry, target=meity)

    assert not Actor.objects.filter(pk=it_ministry.pk).exists()
    demand.refresh_from_db()
    official.refresh_from_db()
    assert demand.made_by == meity and official.parent == meity
    assert set(meity.aliases.values_list("name", flat=True)) == {"MeitY", "IT Ministry"}
    assert demand.dispute.party_roles.filter(actor=meity).count() == 1
    assert ActorRedirect.objects.get(old_slug="it-ministry").actor == meity
    assert client.get("/actors/it-ministry/")["Location"] == "/actors/meity/"


def test_an_actor_cannot_be_merged_into_itself():
    actor = ActorFactory()
    with pytest.raises(ValueError):
        actor_merge(source=actor, target=actor)
