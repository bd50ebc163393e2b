"""Each page costs a fixed number of queries, whatever the amount of data.

The same page is measured on a world of one dispute and on one of six; both
counts are pinned, so an N+1 regression fails here.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

# Transactional: the page cache's version is bumped on commit, which the test transaction never does.
pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    # url: queries
    "/": 7,  # the recent-demand count is two cheap counts (see selectors._recent_demands)
    "/disputes/": 5,
    "/disputes/?country=IN&platform=twitter&demand_type=withhold_accounts&q=withhold": 5,
    "/disputes/india-orders-0/": 9,
    "/countries/IN/": 8,  # 2 for the rollups, 3 for the platforms' own figures beside the disputes
    "/platforms/twitter/": 9,
    "/actors/meity/": 7,
    "/compare/": 3,
    # per kind: the page of hits with their rows, text, citing disputes and total
    "/search/?q=withhold": 2,
    "/api/disputes/": 3,
    "/api/disputes/india-orders-0/": 7,
    "/api/demands/": 3,
    "/api/outcomes/": 2,
    "/api/actors/": 3,
    "/api/articles/": 2,
    "/feeds/events/": 3,
}
# Pages for staff only: two more queries read the session and its user.
STAFF_PAGES = {
    "/ingestion-health/": 7,
}


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("url, expected", [*PAGES.items(), *STAFF_PAGES.items()])
def test_query_count_is_pinned_and_flat(client, world, url, expected, django_user_model):
    from disputes.models import Dispute

    if url in STAFF_PAGES:
        client.force_login(django_user_model.objects.create_user("curator", is_staff=True))
    world(1)
    Dispute.objects.filter(pk=Dispute.objects.order_by("pk").first().pk).update(slug="india-orders-0")
    small = count(client, url)
    world(5)
    large = count(client, url)
    assert (small, large) == (expected, expected)
