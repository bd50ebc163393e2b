import json

import pytest

from tests.factories import ArticleFactory, DisputeFactory

pytestmark = pytest.mark.django_db


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_the_index_lists_endpoints(client, db):
    data = get(client, "/api/")
    assert set(data["endpoints"]) == {"disputes", "demands", "outcomes", "actors", "articles", "openapi"}


def test_the_openapi_document_describes_every_endpoint(client, db):
    doc = get(client, "/api/openapi.json")
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {"/disputes/", "/disputes/{slug}/", "/demands/", "/outcomes/", "/actors/", "/articles/"}
    for path, item in doc["paths"].items():
        for parameter in item["get"]["parameters"]:
            assert parameter["schema"]
    refs = {
        v.split("/")[-1]
        for v in json.dumps(doc).split('"')
        if v.startswith("#/components/schemas/")
    }
    assert refs <= set(doc["components"]["schemas"])


def test_disputes_are_paginated_and_filtered_like_the_pages(client, world):
    world(3)
    DisputeFactory(country="TR")
    DisputeFactory(country="TR", review_state="candidate")
    data = get(client, "/api/disputes/?country=IN&page_size=2")
    assert data["count"] == 3 and len(data["results"]) == 2
    assert data["next"].endswith("page=2") and "country=IN" in data["next"]
    assert data["previous"] is None
    assert data["results"][0]["platforms"] == ["twitter"]
    assert get(client, "/api/disputes/")["count"] == 4


def test_one_dispute_carries_its_facts(client, world):
    dispute = world(1)
    data = get(client, f"/api/disputes/{dispute.slug}/")
    assert data["demands"][0]["accounts_targeted"] == 1178
    assert data["demands"][0]["penalties"][0]["kind"] == "jail_term"
    assert data["outcomes"][0]["kind"] == "partially_complied"
    assert {p["role"] for p in data["parties"]} == {"demanding", "targeted"}
    assert client.get("/api/disputes/nope/").status_code == 404


def test_demands_outcomes_actors_articles(client, world):
    world(2)
    ArticleFactory(status="failed", failure_reason="HTTP 404", title="Not public")
    assert get(client, "/api/demands/?demand_type=withhold_accounts&platform=twitter")["count"] == 2
    assert get(client, "/api/demands/?country=TR")["count"] == 0
    assert get(client, "/api/outcomes/?kind=partially_complied")["count"] == 2
    assert get(client, "/api/actors/?kind=platform")["results"][0]["slug"] == "twitter"
    articles = get(client, "/api/articles/")
    assert articles["count"] == 4 and "Not public" not in json.dumps(articles)
    assert get(client, "/api/articles/?q=withholds")["count"] == 4
    assert get(client, "/api/articles/?q=%2A%2A")["count"] == 0


@pytest.mark.parametrize(
    "url",
    ["/api/disputes/?page=0", "/api/disputes/?page_size=1000", "/api/disputes/?country=ZZ",
     "/api/demands/?date_from=soon", "/api/outcomes/?kind=won", "/api/actors/?kind=wizard",
     "/api/articles/?published_from=x"],
)
def test_bad_parameters_are_a_400_with_errors(client, db, url):
    assert "errors" in get(client, url, status=400)


def test_it_is_read_only(client, db):
    assert client.post("/api/disputes/").status_code == 405
    assert client.delete("/api/disputes/").status_code == 405
