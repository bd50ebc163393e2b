import pytest

from tests.factories import DemandFactory

# Transactional: the data version is bumped on commit, which the default test transaction never does.
pytestmark = pytest.mark.django_db(transaction=True)


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


def test_what_ingestion_proposes_keeps_the_pages_cache_warm(world):
    # The annotator writes candidates all day: they show on no public page, so the cached
    # figures stay valid; a curator's confirmation, or taking one back, refreshes them.
    from disputes.models import Demand, Dispute, Evidence, Penalty
    from disputes.services import review_set_state
    from disputes.site.caching import data_version
    from tests.factories import ArticleFactory, DisputeFactory

    confirmed = world(1)
    before = data_version()
    candidate = DisputeFactory(review_state="candidate")
    demand = DemandFactory(dispute=confirmed, review_state="candidate")
    Penalty.objects.create(demand=demand, kind="fine")
    Evidence.objects.create(dispute=candidate, article=ArticleFactory())
    # A report the annotator attaches to a confirmed dispute waits for review: not public either.
    report = Evidence.objects.create(dispute=confirmed, article=ArticleFactory())
    assert data_version() == before

    review_set_state(records=[report], state="confirmed")  # accepting it shows it on the page
    assert data_version() == before + 1
    review_set_state(records=[demand], state="confirmed")
    assert data_version() == before + 2
    again = Demand.objects.get(pk=demand.pk)  # read back, as the admin does
    review_set_state(records=[again], state="candidate")
    assert data_version() == before + 3
    Dispute.objects.get(pk=candidate.pk).delete()  # deletes always count (and cascade)
    assert data_version() > before + 3


def test_the_data_version_moves_on_commit_not_inside_the_writers_transaction(world):
    from django.db import transaction

    from disputes.site.caching import data_version

    dispute = world(1)
    before = data_version()
    with transaction.atomic():
        DemandFactory(dispute=dispute, review_state="confirmed")
        # A reader now would cache what it reads under the version it sees: still the old one.
        assert data_version() == before
    assert data_version() != before


def test_a_cached_value_is_read_under_the_current_version_only():
    from disputes.site.caching import bump_data_version, cached

    calls = []
    assert cached("probe", lambda: calls.append(1) or len(calls)) == 1
    assert cached("probe", lambda: calls.append(1) or len(calls)) == 1
    bump_data_version()  # outside a transaction: at once
    assert cached("probe", lambda: calls.append(1) or len(calls)) == 2
