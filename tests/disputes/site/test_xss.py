"""Hostile text in an article title and an actor name is escaped everywhere."""

import pytest

from tests.factories import ArticleFactory, EvidenceFactory, PartyFactory, PlatformFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('actor')</script>"
IMG = '<img src=x onerror="alert(1)">'


@pytest.fixture
def hostile(world, ministry):
    dispute = world(1)
    ministry.name = f"Ministry {SCRIPT}"
    ministry.save()
    platform = PlatformFactory(name=f"Evil {SCRIPT}", slug="evil", platform="other", country="IN")
    PartyFactory(dispute=dispute, actor=platform, role="targeted")
    article = ArticleFactory(title=f"Protest report {IMG}", text=f"protest {IMG} protest", status="annotated",
                             outlet=f"outlet {SCRIPT}")
    EvidenceFactory(dispute=dispute, demand=dispute.demands.first(), article=article, source_url="",
                    quote=f"quoted {IMG}")
    return dispute


def pages(dispute):
    return [
        "/",
        "/disputes/",
        "/disputes/?q=protest",
        dispute.get_absolute_url(),
        dispute.get_absolute_url() + "?kind=reporting",
        "/countries/IN/",
        "/platforms/twitter/",
        "/platforms/other/",
        "/actors/meity/",
        "/actors/evil/",
        "/compare/",
        "/search/?q=protest",
        "/search/?q=protest&kind=article",
        "/feeds/events/",
        "/feeds/countries/IN/",
    ]


def test_hostile_names_and_titles_render_escaped_everywhere(client, hostile):
    seen_script = seen_img = False
    for url in pages(hostile):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert SCRIPT not in body, url
            assert IMG not in body, url
            seen_script |= "&lt;script&gt;alert(" in body
            seen_img |= "&lt;img src=x onerror=" in body
    assert seen_script and seen_img


def test_the_search_snippet_escapes_the_article_text(client, hostile):
    body = client.get("/search/?q=protest&kind=article").content.decode()
    assert "<mark>protest</mark>" in body
    assert "&lt;img" in body and "<img" not in body


def test_hostile_query_text_is_escaped(client, world):
    world(1)
    for url in ("/search/?q=%3Cscript%3Ealert(1)%3C/script%3E", "/disputes/?q=%3Cscript%3Ealert(1)%3C/script%3E"):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
