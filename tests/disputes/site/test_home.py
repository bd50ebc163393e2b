import pytest

from tests.factories import ArticleFactory, DisputeFactory

pytestmark = pytest.mark.django_db


def test_it_shows_headline_figures_and_latest_events(client, world):
    world(2)
    DisputeFactory(title="A candidate nobody confirmed", review_state="candidate")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "confirmed disputes" in html
    assert "Latest confirmed events" in html
    assert "India orders Twitter to withhold accounts 0" in html
    assert "A candidate nobody confirmed" not in html
    assert response.context["figures"]["disputes"] == 2
    assert response.context["figures"]["countries"] == 1
    assert response.context["figures"]["platforms"] == 1


def test_it_rejects_post(client):
    assert client.post("/").status_code == 405


def test_the_health_panel_renders_alone_for_htmx_and_as_a_page_without(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("curator", is_staff=True))
    ArticleFactory(status="failed", failure_reason="HTTP 404")
    ArticleFactory(status="annotated")
    partial = client.get("/ingestion-health/", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert b"<html" not in partial.content
    assert b'id="health-panel"' in partial.content
    assert b'class="warn"><th scope="row">Failed</th><td class="num">1</td>' in partial.content
    page = client.get("/ingestion-health/")
    assert b"<html" in page.content and b'id="health-panel"' in page.content
    assert "HX-Request" in page["Vary"]


def test_the_health_panel_is_for_staff_only(client, django_user_model):
    # What ingestion is doing is the curators' business; it changes nothing public.
    assert "health-heading" not in client.get("/").content.decode()
    assert client.get("/ingestion-health/").status_code == 302  # to the admin login
    client.force_login(django_user_model.objects.create_user("researcher"))
    assert "health-heading" not in client.get("/").content.decode()
    assert client.get("/ingestion-health/").status_code == 302


def test_the_home_page_asks_the_panel_to_refresh_itself(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("curator", is_staff=True))
    html = client.get("/").content.decode()
    assert 'hx-get="/ingestion-health/"' in html
    assert "every 60s" in html
    # Without JavaScript the panel is one link away.
    assert 'href="/ingestion-health/"' in html


def test_recent_demands_count_confirmed_demands_of_confirmed_disputes_only(db):
    import datetime

    from disputes.site.selectors import home_figures
    from tests.factories import DemandFactory

    today = datetime.date(2026, 11, 27)
    recent, old = datetime.date(2026, 3, 1), datetime.date(2025, 11, 1)
    confirmed = DisputeFactory(review_state="confirmed")
    DemandFactory(dispute=confirmed, date=recent)
    DemandFactory(dispute=confirmed, date=recent, review_state="candidate")
    DemandFactory(dispute=confirmed, date=old)
    for state in ("candidate", "rejected"):  # a confirmed fact of an unconfirmed dispute stays out
        DemandFactory(dispute=DisputeFactory(review_state=state), date=recent)
    assert home_figures(today)["recent_demands"] == 1
