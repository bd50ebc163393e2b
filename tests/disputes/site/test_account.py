"""Researchers' accounts: API tokens made over HTMX, and the limits they lift."""

import pytest
from django.test import Client
from django.urls import reverse

from disputes.models import ApiToken
from tests.factories import DisputeFactory

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("disputes:account")
CREATE = reverse("disputes:token-create")


def _make_token(client, name="thesis scraper") -> str:
    response = client.post(CREATE, {"name": name}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="token-list"' in html and "<html" not in html  # the swapped partial only
    return html.split('<code class="token">')[1].split("</code>")[0]


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert reverse("login") in client.get(ACCOUNT)["Location"]
    response = client.post(CREATE, {"name": "x"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not ApiToken.objects.exists()


def test_a_researcher_makes_a_token_shown_once_and_stored_hashed(client, researcher):
    client.force_login(researcher)
    key = _make_token(client)
    token = ApiToken.objects.get(user=researcher)
    assert key.startswith(token.prefix) and key not in token.key_hash
    assert key not in client.get(ACCOUNT).content.decode()


def test_a_token_lifts_the_api_page_limit(client, researcher, settings):
    settings.API_PAGE_SIZE_MAX_ANONYMOUS = 10
    DisputeFactory()
    client.force_login(researcher)
    key = _make_token(client)
    anonymous = Client()
    assert anonymous.get("/api/disputes/?page_size=50").status_code == 400
    response = anonymous.get("/api/disputes/?page_size=50", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()["page_size"] == 50
    assert ApiToken.objects.get().last_used_at is not None


def test_a_wrong_or_revoked_token_is_refused(client, researcher):
    client.force_login(researcher)
    key = _make_token(client)
    anonymous = Client()
    assert anonymous.get("/api/disputes/", HTTP_AUTHORIZATION="Bearer so_wrong").status_code == 401
    token = ApiToken.objects.get()
    assert client.post(reverse("disputes:token-revoke", args=[token.pk]), HTTP_HX_REQUEST="true").status_code == 200
    assert anonymous.get("/api/disputes/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_nobody_revokes_someone_elses_token(client, researcher, curator):
    client.force_login(researcher)
    _make_token(client)
    token = ApiToken.objects.get()
    other = Client()
    other.force_login(curator)
    assert other.post(reverse("disputes:token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_writes_need_post_and_csrf(researcher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(researcher)
    assert client.get(CREATE).status_code == 405
    assert client.post(CREATE, {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_htmx_writes_carry_the_token_of_the_page(researcher):
    # The token htmx sends is the one base.html puts in hx-headers for signed-in users.
    client = Client(enforce_csrf_checks=True)
    client.force_login(researcher)
    html = client.get(ACCOUNT).content.decode()
    token = html.split('hx-headers=\'{"x-csrftoken": "')[1].split('"')[0]
    response = client.post(CREATE, {"name": "x"}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert ApiToken.objects.count() == 1


def test_public_pages_make_no_csrf_token_for_anonymous_visitors(client):
    response = client.get(reverse("disputes:home"))
    assert "x-csrftoken" not in response.content.decode()
    assert "csrftoken" not in response.cookies


def test_signing_in_lifts_the_export_limit(client, researcher, settings):
    settings.EXPORT_LIMIT_ANONYMOUS = 2
    for _ in range(3):
        DisputeFactory()
    body = client.get("/disputes/export.json").json()
    assert (body["count"], body["truncated"]) == (2, True)
    csv = client.get("/disputes/export.csv")
    assert csv["X-Export-Truncated"] == "true"
    assert len(b"".join(csv.streaming_content).splitlines()) == 3  # header + 2 rows
    client.force_login(researcher)
    body = client.get("/disputes/export.json").json()
    assert (body["count"], body["truncated"]) == (3, False)


@pytest.mark.parametrize("persona", ["anonymous", "researcher", "curator"])
def test_the_api_is_read_only_for_every_role(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for url in ("/api/disputes/", "/api/demands/", "/api/actors/"):
        for method in (client.post, client.put, client.delete):
            assert method(url).status_code == 405, (persona, url)
