import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_the_country_platform_matrix(client, world):
    world(2)
    response = client.get("/compare/")
    assert response.status_code == 200
    [(code, name, [cell])] = response.context["rows"]
    assert (code, cell.disputes, cell.demands, cell.answered, cell.complied) == ("IN", 2, 4, 2, 2)
    assert "Confirmed disputes by country and platform" in response.content.decode()


def test_it_switches_metric_in_place(client, world):
    world(1)
    response = client.get("/compare/?metric=compliance", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.strip().startswith('<div id="matrix"')
    assert "100%" in html


def test_a_bad_metric_is_a_400(client, db):
    assert client.get("/compare/?metric=%3Cb%3E").status_code == 400
