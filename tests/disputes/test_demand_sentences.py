"""Every demand type reads as a sentence, on the dispute page and in the feeds."""

import pytest
from django.template.loader import render_to_string

from disputes import vocab
from disputes.models import Demand
from disputes.site.selectors import TimelineEntry
from tests.factories import ActorFactory, DemandFactory, DisputeFactory, OutcomeFactory, PlatformFactory

pytestmark = pytest.mark.django_db

CORPUS_DEMAND_TYPES = {
    "remove_content", "withhold_accounts", "geo_block", "ban_service", "throttle", "user_data", "local_presence",
    "data_localisation", "restore_content", "proactive_monitoring", "other",
}


def test_every_type_has_a_verb_phrase_and_a_corpus_value():
    assert [t.value for t in vocab.DEMAND_TYPES] == Demand.Type.values
    for term in vocab.DEMAND_TYPES:
        assert term.verb[0].islower() and not term.verb.endswith(".")
        assert term.verb not in ("other", "local presence", "data localisation", "throttle", "geo-block")
        assert term.corpus in CORPUS_DEMAND_TYPES
    for new in ("divest", "pay_for_news", "transparency_reports", "systemic_risk", "label_content"):
        assert new in Demand.Type.values
        assert vocab.demand_types_for_corpus([new]) == ["other"]


def test_the_corpus_mapping_keeps_corpus_values_and_drops_repeats():
    assert vocab.demand_types_for_corpus(["divest", "ban_service", "pay_for_news", "other"]) == ["other", "ban_service"]
    assert vocab.demand_types_for_corpus(vocab.demand_types_for_corpus(["local_presence"])) == ["local_presence"]


@pytest.mark.parametrize("demand_type", Demand.Type.values)
def test_the_timeline_line_is_a_sentence(demand_type):
    demand = DemandFactory(
        demand_type=demand_type, date=None,
        made_by=ActorFactory(name="Ministry of Information", kind="ministry", country="NG"),
        made_to=PlatformFactory(name="Twitter", slug=f"twitter-{demand_type}", platform="twitter"),
    )
    html = render_to_string("disputes/partials/fact_line.html", {"entry": TimelineEntry("demand", None, "day", demand)})
    text = " ".join(html.split())
    verb = vocab.demand_verb(demand_type).replace("'", "&#x27;")
    assert f"Ministry of Information asked Twitter to {verb}" in text
    assert "to other" not in text and "to local presence" not in text and "_" not in text
    assert demand.sentence == f"Ministry of Information asked Twitter to {vocab.demand_verb(demand_type)}"


def test_feed_items_read_well_for_undated_facts(client):
    dispute = DisputeFactory(title="Nigeria suspends Twitter")
    DemandFactory(dispute=dispute, demand_type="other", date=None, description="Register locally.")
    OutcomeFactory(dispute=dispute, date=None, details="Twitter agreed to the conditions.")
    xml = client.get("/feeds/events/").content.decode()
    assert "asked the platform to meet another demand" in xml
    assert '<summary type="text">Register locally.</summary>' in xml
    assert '<summary type="text">Twitter agreed to the conditions.</summary>' in xml
    assert '<summary type="text">. ' not in xml and "to other" not in xml
