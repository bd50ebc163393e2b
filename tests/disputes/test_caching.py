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
