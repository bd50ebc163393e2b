"""Confidence calibration: isotonic fit, reliability bins, the stored table and
the command that makes it through the ingestion pipeline."""

import json
import random

import pytest
from django.core.management import call_command

from disputes import calibration
from disputes.calibration import Block, Calibration, claim_is_correct, fit, reliability
from tests.texts import FOOTBALL, INDIA_TWITTER


def test_fit_is_monotone_and_pools_violations():
    # 0.5 does better than 0.6 here: the two pool into one block at their joint rate.
    pairs = [(0.4, False)] * 3 + [(0.4, True)] + [(0.5, True)] * 3 + [(0.6, True), (0.6, False)] + [(0.9, True)] * 4
    blocks = fit(pairs)
    assert blocks == [Block(0.4, 0.4, 4, 0.25), Block(0.5, 0.6, 5, 0.8), Block(0.9, 0.9, 4, 1.0)]


def test_fit_never_decreases_on_noisy_data():
    rng = random.Random(7)
    pairs = [(s, rng.random() < s * 0.8) for s in (rng.choice([0.3, 0.4, 0.5, 0.65, 0.75, 0.9, 1.0]) for _ in range(500))]
    precisions = [b.precision for b in fit(pairs)]
    assert precisions == sorted(precisions)
    assert sum(b.n for b in fit(pairs)) == 500


def test_fit_matches_observed_precision_on_what_it_was_fitted_on():
    pairs = [(0.65, i < 8) for i in range(10)] + [(0.9, i < 19) for i in range(20)]
    table = Calibration({"demand": fit(pairs)})
    assert table.apply("demand", 0.65) == 0.8
    assert table.apply("demand", 0.9) == 0.95


def test_apply_between_below_and_unknown():
    table = Calibration({"demand": [Block(0.4, 0.5, 10, 0.3), Block(0.9, 1.0, 10, 0.9)]})
    assert table.apply("demand", 0.7) == 0.3  # between blocks: the lower one
    assert table.apply("demand", 0.1) == 0.3  # below the first
    assert table.apply("demand", 1.0) == 0.9
    assert table.apply("outcome", 0.9) is None and table.apply("demand", None) is None


def test_the_table_round_trips_through_json():
    table = Calibration({"demand": [Block(0.4, 0.5, 10, 0.3)]})
    again = Calibration.from_json(json.loads(json.dumps(table.to_json(corpus="x.jsonl"))))
    assert again.table == table.table


def test_reliability_bins():
    pairs = [(0.45, False), (0.45, True), (0.65, True), (0.95, True), (1.0, False)]
    bins = reliability(pairs, edges=(0.5, 0.9))
    assert [(b.low, b.high, b.n) for b in bins] == [(0.0, 0.5, 2), (0.5, 0.9, 1), (0.9, 1.0, 2)]
    assert bins[0].precision == 0.5 and bins[2].mean_stated == pytest.approx(0.975)


def test_claims_are_right_when_the_label_agrees():
    record = {"is_dispute": True, "demand_types": ["withhold_accounts"], "outcomes": ["refused"],
              "penalties_threatened": ["jail_term"], "accounts_targeted": 1178, "posts_targeted": None,
              "legal_basis": "Section 69A of the IT Act"}
    assert claim_is_correct("demand", "withhold_accounts", {}, record)
    assert not claim_is_correct("demand", "ban_service", {}, record)
    assert claim_is_correct("count", "accounts", {"number": 1178}, record)
    assert not claim_is_correct("count", "posts", {"number": 1178}, record)
    assert claim_is_correct("legal_basis", "Section 69A", {}, record)
    assert not claim_is_correct("demand", "withhold_accounts", {}, {**record, "is_dispute": False})


def test_the_committed_table_covers_the_fact_kinds():
    table = calibration.load()
    for kind in ("demand", "outcome", "penalty", calibration.ARTICLE):
        precisions = [b.precision for b in table.table[kind]]
        assert precisions == sorted(precisions) and all(0 <= p <= 1 for p in precisions)


@pytest.mark.django_db(transaction=True)
def test_the_command_scores_what_the_pipeline_stored(tmp_path):
    from ingestion.models import Article
    from tests.factories import PlatformFactory

    PlatformFactory(name="Twitter", slug="twitter", platform="twitter")
    corpus = tmp_path / "mini.jsonl"
    records = [
        {"id": "in-1", "url": "https://news.example/in-1", "outlet": "news.example", "published": "2021-02-10",
         "title": "India orders Twitter to withhold accounts", "text": INDIA_TWITTER, "language": "en",
         "is_dispute": True, "countries": ["IN"], "platforms": ["twitter"], "demand_types": ["withhold_accounts"],
         "accounts_targeted": 1178, "posts_targeted": None, "legal_basis": "Section 69A of the IT Act",
         "penalties_threatened": ["jail_term"], "outcomes": ["partially_complied"]},
        {"id": "neg-1", "url": "https://news.example/neg-1", "outlet": "news.example", "published": "2021-03-03",
         "title": "Striker banned for three matches", "text": FOOTBALL, "language": "en", "is_dispute": False,
         "countries": [], "platforms": [], "demand_types": [], "penalties_threatened": [], "outcomes": []},
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records))
    output = tmp_path / "table.json"
    from io import StringIO

    out = StringIO()
    call_command("calibrate_confidence", str(corpus), output=output, stdout=out)
    report = out.getvalue()
    assert "kind" in report and "observed" in report and "demand" in report
    data = json.loads(output.read_text())
    assert data["records"] == 2 and data["kinds"]["article"]["n"] == 2
    assert data["kinds"]["demand"]["blocks"][-1]["precision"] == 1.0
    assert not Article.objects.exists()  # rolled back: the database is as it was
