import pytest
from django.core.management import call_command

from disputes.models import Actor, Demand, Dispute, Evidence, Outcome, Penalty

pytestmark = pytest.mark.django_db

TABLES = (Actor, Dispute, Demand, Outcome, Penalty, Evidence)


def _counts():
    return {model.__name__: model.objects.count() for model in TABLES}


def test_it_loads_real_disputes_across_countries_and_platforms():
    call_command("load_demo")
    disputes = Dispute.objects.confirmed()
    assert disputes.count() >= 15
    assert disputes.values("country").distinct().count() >= 10
    platforms = Actor.objects.filter(party_roles__role="targeted").exclude(platform="")
    assert platforms.values("platform").distinct().count() >= 6
    # Every fact names where it was reported.
    for model in (Demand, Outcome):
        assert not model.objects.filter(evidence__isnull=True).exists(), model
    assert not Evidence.objects.filter(source_url="", article__isnull=True).exists()


def test_the_india_twitter_dispute_has_its_known_facts():
    call_command("load_demo")
    demand = Demand.objects.get(
        dispute__country="IN", made_to__platform="twitter", accounts_targeted=1178
    )
    assert demand.demand_type == "withhold_accounts"
    assert "69A" in demand.legal_basis
    assert demand.penalties.filter(kind="jail_term").exists()
    assert demand.made_by.aliases.filter(name="MeitY").exists()


def test_running_it_twice_changes_nothing():
    call_command("load_demo")
    before = _counts()
    history_before = Dispute.history.count()
    call_command("load_demo")
    assert _counts() == before
    assert Dispute.history.count() == history_before


def test_if_empty_leaves_a_curated_database_alone():
    call_command("load_demo")
    Dispute.objects.first().delete()
    call_command("load_demo", if_empty=True)
    assert Dispute.objects.count() == _counts()["Dispute"]
    call_command("load_demo")
    assert Dispute.objects.count() >= 15
