import pytest

from tests.factories import DemandFactory

pytestmark = pytest.mark.django_db


def test_cached_figures_follow_confirmations_at_once(client, world):
    from disputes.services import review_set_state

    dispute = world(1)
    assert client.get("/countries/IN/").context["demand_chart"].table[-1][2] == 1  # 2022: one demand
    candidate = DemandFactory(dispute=dispute, review_state="candidate", date=dispute.demands.last().date)
    assert client.get("/countries/IN/").context["demand_chart"].table[-1][2] == 1
    review_set_state(records=[candidate], state="confirmed")
    assert client.get("/countries/IN/").context["demand_chart"].table[-1][2] == 2


def test_a_repeated_page_reuses_its_figures(client, world, django_assert_max_num_queries):
    world(1)
    client.get("/")
    with django_assert_max_num_queries(0):
        client.get("/")


def test_a_warm_dispute_page_costs_one_query_and_follows_edits(client, world, django_assert_num_queries):
    dispute = world(1)
    client.get(dispute.get_absolute_url())
    with django_assert_num_queries(1):
        html = client.get(dispute.get_absolute_url()).content.decode()
    assert "Seven years in jail" in html
    penalty = dispute.demands.get(accounts_targeted=1178).penalties.get()
    penalty.description = "Ten years in jail"
    penalty.save()
    html = client.get(dispute.get_absolute_url()).content.decode()
    assert "Ten years in jail" in html and "Seven years" not in html


def test_the_timeline_kinds_are_cached_apart(client, world):
    dispute = world(1)
    client.get(dispute.get_absolute_url())
    html = client.get(f"{dispute.get_absolute_url()}?kind=event").content.decode()
    assert 'data-kind="event"' in html and 'data-kind="demand"' not in html


def test_a_warm_list_page_runs_no_query(client, world, django_assert_num_queries):
    world(3)
    client.get("/disputes/?country=IN&platform=twitter")
    with django_assert_num_queries(0):
        html = client.get("/disputes/?country=IN&platform=twitter").content.decode()
    assert "India orders Twitter to withhold accounts 2" in html
    assert "<strong>3</strong> disputes" in html
