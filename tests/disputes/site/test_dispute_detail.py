import datetime

import pytest

from disputes.models import Precision
from tests.factories import DemandFactory, EventFactory, EvidenceFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


def test_it_shows_demands_with_legal_basis_threat_and_answers(client, world):
    dispute = world(1)
    response = client.get(dispute.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Withhold accounts: 1,178 accounts" in html
    assert "Section 69A" in html
    assert "Seven years in jail" in html
    assert "Answered by" in html and "Partially complied" in html
    assert f"Permanent link: <a href=\"http://testserver{dispute.get_absolute_url()}\"" in html
    assert "Standoff. “India orders Twitter to withhold accounts 0.”" in html


def test_syndicated_copies_show_once_with_the_other_outlets(client, world):
    dispute = world(1)
    response = client.get(dispute.get_absolute_url())
    assert "and 1 other outlet" in response.content.decode()
    [story] = response.context["demands"][0].stories
    assert story.others == 1 and story.other_outlets == ["copy.example"]
    reports = [e for e in response.context["timeline"] if e.kind == "reporting"]
    assert len(reports) == 2  # the syndicated story once, the outcome's source once


def test_candidate_facts_stay_hidden(client, world):
    dispute = world(1)
    DemandFactory(dispute=dispute, review_state="candidate", legal_basis="Secret candidate law")
    OutcomeFactory(dispute=dispute, review_state="candidate", details="Candidate outcome text")
    EventFactory(dispute=dispute, review_state="candidate", title="Candidate event title")
    html = client.get(dispute.get_absolute_url()).content.decode()
    assert "Secret candidate law" not in html
    assert "Candidate outcome text" not in html
    assert "Candidate event title" not in html


def test_candidate_disputes_are_not_public(client, world):
    dispute = world(1)
    dispute.review_state = "candidate"
    dispute.save()
    assert client.get(dispute.get_absolute_url()).status_code == 404


def test_the_timeline_respects_date_precision(client, world):
    dispute = world(1)
    EventFactory(dispute=dispute, title="Vague June event", date=datetime.date(2021, 6, 1),
                 date_precision=Precision.MONTH)
    EventFactory(dispute=dispute, title="Precise June event", date=datetime.date(2021, 6, 3))
    html = client.get(dispute.get_absolute_url()).content.decode()
    assert '<time datetime="2021-06">June 2021</time>' in html
    assert '<time datetime="2021-06-03">3 June 2021</time>' in html
    assert html.index("Vague June event") < html.index("Precise June event")


def test_the_timeline_filters_by_kind_in_place(client, world):
    dispute = world(1)
    response = client.get(f"{dispute.get_absolute_url()}?kind=event", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<ol class="timeline" id="timeline"')
    assert 'data-kind="event"' in html and 'data-kind="demand"' not in html
    assert "HX-Request" in response["Vary"]


def test_the_timeline_filter_works_as_a_plain_get(client, world):
    dispute = world(1)
    html = client.get(f"{dispute.get_absolute_url()}?kind=demand").content.decode()
    assert "<html" in html
    assert 'data-kind="demand"' in html and 'data-kind="outcome"' not in html
    assert 'value="demand" required id="id_kind_1" checked' in html or 'value="demand" id="id_kind_1" checked' in html


def test_a_bad_timeline_kind_is_a_400(client, world):
    dispute = world(1)
    assert client.get(f"{dispute.get_absolute_url()}?kind=%3Cx%3E").status_code == 400


def test_evidence_shows_quote_outlet_and_link(client, world):
    dispute = world(1)
    EvidenceFactory(dispute=dispute, quote="We will not comply", outlet="daily.example",
                    source_url="https://daily.example/story")
    html = client.get(dispute.get_absolute_url()).content.decode()
    assert "“We will not comply”" in html
    assert 'href="https://daily.example/story"' in html


def test_related_disputes_share_country_or_platform(client, world):
    dispute = world(2)
    related = client.get(dispute.get_absolute_url()).context["related"]
    assert [d.title for d in related] == ["India orders Twitter to withhold accounts 1"]


def test_it_rejects_post(client, world):
    assert client.post(world(1).get_absolute_url()).status_code == 405


def test_topics_link_to_the_filtered_list(client, world):
    from disputes.models import Topic

    dispute = world(1)
    dispute.topics.add(Topic.objects.get(slug="protests"))
    html = client.get(dispute.get_absolute_url()).content.decode()
    assert '<a class="tag" href="/disputes/?topic=protests">Protests</a>' in html
