import pytest

pytestmark = pytest.mark.django_db


def test_the_overall_feed_is_atom_with_confirmed_events(client, world):
    world(1)
    response = client.get("/feeds/events/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert "<feed" in xml and "India orders Twitter to withhold accounts 0" in xml
    assert "tag:standoff,2026:demand/" in xml


def test_country_and_platform_feeds(client, world):
    world(1)
    assert b"<entry>" in client.get("/feeds/countries/IN/").content
    assert b"<entry>" not in client.get("/feeds/countries/TR/").content
    assert b"<entry>" in client.get("/feeds/platforms/twitter/").content
    assert b"<entry>" not in client.get("/feeds/platforms/telegram/").content


def test_unknown_feeds_are_404(client, db):
    assert client.get("/feeds/countries/ZZ/").status_code == 404
    assert client.get("/feeds/platforms/myspace/").status_code == 404


@pytest.mark.django_db(transaction=True)  # the page cache's version is bumped on commit
def test_a_newly_confirmed_fact_comes_first(client, world):
    import datetime

    from disputes.services import review_set_state
    from tests.factories import EventFactory

    dispute = world(1)
    old = EventFactory(dispute=dispute, title="Hearing long ago", date=datetime.date(2015, 1, 1), review_state="candidate")
    assert b"Hearing long ago" not in client.get("/feeds/events/").content
    review_set_state(records=[old], state="confirmed")
    xml = client.get("/feeds/events/").content.decode()
    assert xml.index("Hearing long ago") < xml.index("asked Twitter to withhold accounts")
