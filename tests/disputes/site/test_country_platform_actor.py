import pytest

from tests.factories import DisputeFactory

pytestmark = pytest.mark.django_db


def test_the_country_page_has_charts_actors_and_the_figures_slot(client, world):
    world(2)
    response = client.get("/countries/IN/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>India</h1>" in html
    for slug in ("demands-by-year", "outcomes-by-platform", "delay"):
        assert f'data-chart="{slug}"' in html
    assert "Show the numbers" in html
    assert "Ministry of Electronics and IT" in html
    assert "No platform-reported figures yet" in html
    chart = response.context["demand_chart"]
    assert [(label, total) for label, _, total in chart.table] == [("2021", 2), ("2022", 2)]


def test_country_codes_are_canonical(client, db):
    assert client.get("/countries/in/").status_code == 301
    assert client.get("/countries/in/")["Location"] == "/countries/IN/"
    assert client.get("/countries/ZZ/").status_code == 404
    assert client.get("/countries/%3Cscript%3E/").status_code == 404


def test_a_country_without_disputes_still_renders(client, db):
    response = client.get("/countries/FR/")
    assert response.status_code == 200
    assert b"No confirmed data for this chart yet" in response.content


def test_the_country_dispute_list_pages_in_place(client, world):
    world(30)
    response = client.get("/countries/IN/?page=2", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().strip().startswith('<div id="dispute-page">')
    assert client.get("/countries/IN/?page=x").status_code == 200  # falls back to page 1


def test_the_platform_page_shows_compliance_by_country(client, world):
    world(1)
    response = client.get("/platforms/twitter/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="compliance-by-country"' in html
    table = response.context["outcome_chart"].table
    assert table == [("India", [1], 1)]
    assert "No platform-reported figures yet" in html


def test_unknown_platforms_are_404(client, db):
    assert client.get("/platforms/myspace/").status_code == 404


def test_the_actor_page_shows_demands_made(client, world, ministry):
    world(1)
    response = client.get("/actors/meity/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Demands made" in html
    assert "1,178 accounts" in html


def test_actor_ids_redirect_to_the_slug(client, ministry):
    response = client.get(f"/actors/{ministry.pk}/")
    assert response.status_code == 301
    assert response["Location"] == "/actors/meity/"
    assert client.get("/actors/999999/").status_code == 404
    assert client.get("/actors/nobody/").status_code == 404


def test_actor_pages_hide_candidate_disputes(client, world, ministry):
    from tests.factories import PartyFactory

    candidate = DisputeFactory(title="Unconfirmed quarrel", review_state="candidate")
    PartyFactory(dispute=candidate, actor=ministry)
    assert b"Unconfirmed quarrel" not in client.get("/actors/meity/").content


def test_the_delay_chart_buckets_days_from_demand_to_first_outcome(client, world):
    import datetime

    from tests.factories import OutcomeFactory

    dispute = world(1)
    late = dispute.demands.get(demand_type="remove_content")
    OutcomeFactory(dispute=dispute, demand=late, date=late.date + datetime.timedelta(days=400))
    OutcomeFactory(dispute=dispute, demand=late, date=late.date + datetime.timedelta(days=500))
    table = client.get("/countries/IN/").context["delay_chart"].table
    assert [(label, values) for label, values, _ in table] == [
        ("< 1 week", [1]), ("< 1 month", [0]), ("< 3 months", [0]), ("< 1 year", [0]), ("> 1 year", [1]),
    ]
