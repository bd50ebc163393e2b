import datetime

import pytest

from tests.factories import DemandFactory, DisputeFactory, OutcomeFactory, PartyFactory, PlatformFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(world):
    india = world(1)
    facebook = PlatformFactory(name="Facebook", slug="facebook", platform="facebook")
    turkey = DisputeFactory(title="Turkey fines Facebook", country="TR", status="resolved",
                            start_date=datetime.date(2019, 5, 1))
    PartyFactory(dispute=turkey, actor=facebook, role="targeted")
    DemandFactory(dispute=turkey, demand_type="local_presence")
    OutcomeFactory(dispute=turkey, kind="fine_imposed")
    return india, turkey


def titles(response):
    return [d.title for d in response.context["page"].object_list]


def test_it_lists_confirmed_disputes_only(client, mixed):
    DisputeFactory(title="Candidate dispute", review_state="candidate")
    response = client.get("/disputes/")
    assert response.status_code == 200
    assert set(titles(response)) == {"India orders Twitter to withhold accounts 0", "Turkey fines Facebook"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("country=IN", ["India orders Twitter to withhold accounts 0"]),
        ("platform=facebook", ["Turkey fines Facebook"]),
        ("country=IN&platform=twitter&demand_type=withhold_accounts", ["India orders Twitter to withhold accounts 0"]),
        ("demand_type=local_presence", ["Turkey fines Facebook"]),
        ("outcome=fine_imposed", ["Turkey fines Facebook"]),
        ("status=resolved", ["Turkey fines Facebook"]),
        ("date_from=2020-01-01", ["India orders Twitter to withhold accounts 0"]),
        ("date_to=2020-01-01", ["Turkey fines Facebook"]),
        ("q=withholding", ["India orders Twitter to withhold accounts 0"]),
        ("actor=meity", ["India orders Twitter to withhold accounts 0"]),
        ("topic=no-such-topic", []),
        ("country=FR", []),
        ("q=%21%21%21", []),
        ("sort=oldest", ["Turkey fines Facebook", "India orders Twitter to withhold accounts 0"]),
        ("sort=title", ["India orders Twitter to withhold accounts 0", "Turkey fines Facebook"]),
    ],
)
def test_it_filters_and_sorts(client, mixed, query, expected):
    response = client.get(f"/disputes/?{query}")
    assert response.status_code == 200
    if query.startswith("sort="):
        assert titles(response) == expected
    else:
        assert sorted(titles(response)) == sorted(expected)


def test_it_filters_by_topic(client, mixed):
    from disputes.models import Topic

    india, _ = mixed
    india.topics.add(Topic.objects.get(slug="protests"))
    assert titles(client.get("/disputes/?topic=protests")) == [india.title]


@pytest.mark.parametrize(
    "query",
    ["country=ZZ", "platform=myspace", "date_from=yesterday", "page=abc", "page=0", "sort=random",
     "date_from=2022-01-01&date_to=2021-01-01", "status=%3Cscript%3E", "q=" + "x" * 201],
)
def test_bad_parameters_give_400_never_500(client, mixed, query):
    response = client.get(f"/disputes/?{query}")
    assert response.status_code == 400
    assert b"not valid" in response.content


def test_a_page_past_the_end_shows_the_last_page(client, world):
    world(1)
    response = client.get("/disputes/?page=99")
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_htmx_gets_the_browser_partial(client, mixed):
    response = client.get("/disputes/?country=IN", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<div id="dispute-browser"')
    assert "India orders Twitter" in html and "Turkey fines" not in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client, mixed):
    response = client.get(
        "/disputes/?country=IN", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert b"<html" in response.content


def test_the_form_works_without_javascript(client, mixed):
    html = client.get("/disputes/?country=IN").content.decode()
    assert '<form class="filters" method="get" action="/disputes/"' in html
    assert 'hx-push-url="true"' in html
    assert '<option value="IN" selected>India</option>' in html


def test_it_paginates_with_links_that_keep_the_filters(client, world):
    world(30)
    response = client.get("/disputes/?country=IN")
    html = response.content.decode()
    assert len(response.context["page"].object_list) == 25
    assert 'href="?country=IN&amp;page=2"' in html
    assert 'hx-get="?country=IN&amp;page=2"' in html
    assert len(client.get("/disputes/?country=IN&page=2").context["page"].object_list) == 5


def test_the_country_menu_shows_a_country_without_disputes_when_asked(client, mixed):
    html = client.get("/disputes/?country=fr").content.decode()
    assert '<option value="FR" selected>France</option>' in html
    assert '<option value="DE">' not in html  # only countries with disputes otherwise
