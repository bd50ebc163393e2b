import datetime

import pytest
from django.urls import reverse

from disputes.models import ShutdownEvent
from tests.factories import (
    DisputeFactory,
    PartyFactory,
    PlatformFactory,
    PlatformReportFactory,
    ShutdownEventFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    return PlatformReportFactory(
        raw={"Country/Region": "India", "Number of Requests": "10"},
        revised_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        previous_values={"requests": 86},
    )


@pytest.fixture
def nigeria_twitter():
    dispute = DisputeFactory(title="Nigeria suspends Twitter", country="NG", start_date=datetime.date(2021, 6, 4))
    PartyFactory(dispute=dispute, actor=PlatformFactory(platform="twitter"), role="targeted")
    return dispute


def test_curators_see_publisher_figures_read_only(curator_client, report):
    changelist = curator_client.get(reverse("admin:disputes_platformreport_changelist") + "?country=IN")
    assert changelist.status_code == 200
    assert "India" in changelist.content.decode()
    page = curator_client.get(reverse("admin:disputes_platformreport_change", args=[report.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Number of Requests" in html  # the raw row
    assert "86" in html  # the figure before the revision
    assert 'name="requests"' not in html
    response = curator_client.post(reverse("admin:disputes_platformreport_change", args=[report.pk]), {"requests": 1})
    assert response.status_code == 403


def test_the_changelist_filters_by_source_platform_and_revision(curator_client, report):
    url = reverse("admin:disputes_platformreport_changelist")
    for query in ("?source=google", "?platform=google", "?revised=yes", "?dataset=google-summary", "?q=India"):
        response = curator_client.get(url + query)
        assert response.status_code == 200, query
        assert response.context["cl"].result_count == 1, query
    assert curator_client.get(url + "?revised=no").context["cl"].result_count == 0


def test_the_event_page_offers_dispute_autocomplete(curator_client):
    event = ShutdownEventFactory(evidence_urls=["https://example.org/ng"])
    html = curator_client.get(reverse("admin:disputes_shutdownevent_change", args=[event.pk])).content.decode()
    assert "admin-autocomplete" in html
    assert 'href="https://example.org/ng"' in html


def test_only_web_evidence_addresses_are_links(curator_client):
    event = ShutdownEventFactory(evidence_urls=["https://example.org/ng", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>"])
    html = curator_client.get(f"/admin/disputes/shutdownevent/{event.pk}/change/").content.decode()
    assert '<div><a href="https://example.org/ng" rel="noopener noreferrer">https://example.org/ng</a></div>' in html
    assert "<div>JaVaScRiPt:alert(1)</div>" in html
    assert "<div>data:text/html,&lt;b&gt;x&lt;/b&gt;</div>" in html


def test_a_curator_links_an_event_to_a_dispute(curator_client, nigeria_twitter):
    event = ShutdownEventFactory()
    response = curator_client.post(
        reverse("admin:disputes_shutdownevent_change", args=[event.pk]), {"dispute": nigeria_twitter.pk}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.dispute == nigeria_twitter
    assert event.history.first().history_user.username == "carol"


def test_curators_accept_suggestions_in_bulk(curator_client, nigeria_twitter):
    event = ShutdownEventFactory()
    changelist = reverse("admin:disputes_shutdownevent_changelist")
    curator_client.post(changelist, {"action": "refresh_suggestions", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.suggested_dispute == nigeria_twitter
    assert curator_client.get(changelist + "?linked=suggested").context["cl"].result_count == 1
    curator_client.post(changelist, {"action": "link_suggested", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.dispute == nigeria_twitter
    assert ShutdownEvent.objects.filter(dispute__isnull=True).count() == 0


def test_staff_without_the_role_cannot_link(client, staff_without_role, nigeria_twitter):
    event = ShutdownEventFactory()
    client.force_login(staff_without_role)
    response = client.post(
        reverse("admin:disputes_shutdownevent_change", args=[event.pk]), {"dispute": nigeria_twitter.pk}
    )
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.dispute is None
