"""Predictions read from what the pipeline stored (`--from-database`, and the rolled-back
`ingest_corpus --sync` run without it) on a corpus written for these tests; and the dev-set
run when the corpus exists. The metric functions: tests/ingestion/annotation/test_evaluation.py."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from disputes import attach
from disputes.models import Dispute, Evidence
from ingestion import dedupe
from ingestion.annotation.evaluation import pairwise_prf
from ingestion.annotation.nlp import PIPELINE_VERSION
from ingestion.evaluating import evaluate_file, reliability, stored_articles
from ingestion.models import Article, Claim, Source
from tests.factories import ArticleFactory, DisputeFactory
from tests.texts import FOLLOW_UP, FOOTBALL, INDIA_TWITTER

# Pipeline predictions ---------------------------------------------------------------------

# Written for these tests: the public facts of Nigeria's suspension of Twitter in June 2021.
NIGERIA_TWITTER = (
    "Abuja, 5 June 2021. Nigeria's federal government suspended Twitter's operations in the country "
    "indefinitely, two days after the platform deleted a post by President Muhammadu Buhari. "
    "Information minister Lai Mohammed said the company was undermining Nigeria's corporate existence, "
    "and the government ordered telecom operators to block access to Twitter. The attorney general "
    "told prosecutors to charge anyone who kept using the service. Twitter said it was deeply concerned."
)
EMPTY = {"government_actors": [], "demand_types": [], "accounts_targeted": None, "posts_targeted": None,
         "legal_basis": None, "penalties_threatened": [], "outcomes": [], "event_date": None}


def _record(id, text, published, title, *, key=None, group=None, country=None, url=True, **gold):
    return {
        "id": id, "url": f"https://news.example/{id}" if url else None, "outlet": "news.example",
        "published": published, "title": title, "text": text, "language": "en",
        "is_dispute": key is not None, "dispute_key": key, "duplicate_group": group,
        "countries": [country] if country else [], "platforms": ["twitter"] if country else [],
        **EMPTY, **gold, "notes": "",
    }


def _corpus(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


IN_KEY, NG_KEY = "IN-twitter-2021-02-test", "NG-twitter-2021-06-test"
RECORDS = [
    _record("in-1", INDIA_TWITTER, "2021-02-10", "India orders Twitter to withhold accounts", key=IN_KEY,
            group="wire-in", country="IN", demand_types=["withhold_accounts"]),
    _record("in-2", FOLLOW_UP, "2021-02-12", "Twitter only partly complied, says India", key=IN_KEY, country="IN"),
    # A wire copy of in-1 on another outlet: a near copy, stored and clustered with it.
    _record("in-1-wire", "(Agency) - " + INDIA_TWITTER + " Reporting by the agency's Delhi bureau.",
            "2021-02-10", "India orders Twitter to withhold accounts", key=IN_KEY, group="wire-in", country="IN"),
    _record("ng-1", NIGERIA_TWITTER, "2021-06-05", "Nigeria suspends Twitter", key=NG_KEY, group="same-ng",
            country="NG"),
    _record("neg-football", FOOTBALL, "2021-03-03", "Striker banned after brawl"),
    # The same text under another id (and no URL): ingestion stores it once, as ng-1.
    _record("ng-1-again", NIGERIA_TWITTER, "2021-06-05", "Nigeria suspends Twitter", key=NG_KEY,
            group="same-ng", country="NG", url=False),
    # Rejected by ingestion (not a date): nothing stored, scored as an empty prediction.
    _record("bad-date", FOOTBALL + " Extra.", "June 1023", "Broken record"),
]


@pytest.fixture
def corpus(tmp_path):
    return _corpus(tmp_path / "synthetic.jsonl", RECORDS)


def _ingest(path):
    call_command("ingest_corpus", str(path), "--sync", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())


def _evaluate(path, *args, capsys):
    call_command("evaluate_annotations", str(path), "--json", *args)
    return json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_from_database_scores_what_the_pipeline_stored(corpus, tmp_path, capsys):
    _ingest(corpus)
    out = tmp_path / "pred.jsonl"
    metrics = _evaluate(corpus, "--from-database", "--predictions", str(out), capsys=capsys)
    predictions = {p["id"]: p for p in map(json.loads, out.read_text().splitlines())}
    assert list(predictions) == [r["id"] for r in RECORDS]

    articles = {a.external_id: a for a in Article.objects.all()}
    assert "ng-1-again" not in articles and "bad-date" not in articles  # never stored
    # dispute_key: the dispute each article's attachment (Evidence without a fact) points at.
    for record_id in ("in-1", "in-2", "in-1-wire", "ng-1"):
        attached = Evidence.objects.get(article=articles[record_id], demand=None, outcome=None, event=None)
        assert predictions[record_id]["dispute_key"] == attached.dispute.slug
    assert predictions["ng-1-again"]["dispute_key"] == predictions["ng-1"]["dispute_key"]
    assert predictions["neg-football"]["dispute_key"] is None
    assert metrics["dispute_key"] | {"precision": 1, "recall": 1} == {
        "precision": 1, "recall": 1, "f1": 1.0, "tp": 4, "fp": 0, "fn": 0}
    # duplicate_group: the story cluster, and a copy stored once shares its original's group.
    wire = articles["in-1"].cluster_id
    assert wire is not None and articles["in-1-wire"].cluster_id == wire
    assert predictions["in-1"]["duplicate_group"] == predictions["in-1-wire"]["duplicate_group"] == f"cluster-{wire}"
    assert predictions["ng-1"]["duplicate_group"] == predictions["ng-1-again"]["duplicate_group"] is not None
    assert predictions["in-2"]["duplicate_group"] is None
    assert (metrics["duplicate_group"]["tp"], metrics["duplicate_group"]["fp"]) == (2, 0)
    # Fields: the stored annotation's.
    stored = articles["in-1"].annotation.fields
    assert predictions["in-1"]["countries"] == stored["countries"] == ["IN"]
    assert predictions["in-1"]["accounts_targeted"] == stored["accounts_targeted"] == 1178
    assert predictions["neg-football"]["is_dispute"] is False
    assert predictions["bad-date"] == {"id": "bad-date", "is_dispute": False, "countries": [], "platforms": [],
                                       **EMPTY, "dispute_key": None, "duplicate_group": None}
    assert metrics["not_stored"] == ["bad-date"]
    assert metrics["pipeline_versions"] == {PIPELINE_VERSION: 5}
    assert metrics["is_dispute"]["tp"] == 5 and metrics["is_dispute"]["tn"] == 2


@pytest.mark.django_db
def test_records_are_matched_by_id_and_curator_decisions_show(corpus, capsys):
    _ingest(corpus)
    # The same file, its records in another order: each keeps its own article.
    _corpus(corpus, list(reversed(RECORDS)))
    first = {p["id"]: p for p in evaluate_file(corpus, from_database=True)[2]}
    assert first["in-1"]["accounts_targeted"] == 1178 and first["neg-football"]["is_dispute"] is False

    # A curator moves in-2 to a dispute of its own: the figure follows the stored attachment.
    in_2 = Article.objects.get(external_id="in-2")
    elsewhere = DisputeFactory(country="IN")
    Evidence.objects.filter(article=in_2).update(dispute=elsewhere)
    metrics = _evaluate(corpus, "--from-database", capsys=capsys)
    assert (metrics["dispute_key"]["tp"], metrics["dispute_key"]["fn"]) == (2, 2)


@pytest.mark.django_db
def test_from_database_needs_the_file_ingested(corpus):
    with pytest.raises(CommandError, match="was not ingested in this database"):
        call_command("evaluate_annotations", str(corpus), "--from-database")


@pytest.mark.django_db
def test_it_refuses_to_score_a_pipeline_that_annotates_nothing(corpus, settings):
    settings.INGEST_ANNOTATE = False
    with pytest.raises(CommandError, match="INGEST_ANNOTATE is off"):
        call_command("evaluate_annotations", str(corpus))


@pytest.mark.django_db
def test_without_from_database_it_runs_the_pipeline_and_writes_nothing(corpus, capsys):
    stored = _evaluate(corpus, "--predictions", str(corpus.with_suffix(".out")), capsys=capsys)
    assert not Article.objects.exists() and not Dispute.objects.exists() and not Source.objects.exists()
    _ingest(corpus)
    from_database = _evaluate(corpus, "--from-database", capsys=capsys)
    for name in ("is_dispute", "countries", "demand_types", "dispute_key", "duplicate_group"):
        assert stored[name] == from_database[name], name
    assert stored["database_before"] == {"disputes": 0, "articles": 0}


@pytest.mark.django_db
def test_the_figures_come_from_the_production_rules(corpus, monkeypatch, capsys):
    """Evaluation has no rules of its own: changing the pipeline's changes the figures."""
    before = _evaluate(corpus, capsys=capsys)
    assert (before["dispute_key"]["tp"], before["duplicate_group"]["tp"]) == (4, 2)

    # No article ever joins an existing dispute: the three Indian reports part.
    monkeypatch.setattr(attach, "matching_dispute", lambda *args, **kwargs: None)
    # And no two texts are near copies: the wire copy stays alone (the exact copy is still one article).
    monkeypatch.setattr(dedupe, "is_near_duplicate", lambda a, b: False)
    after = _evaluate(corpus, capsys=capsys)
    assert (after["dispute_key"]["tp"], after["duplicate_group"]["tp"]) == (1, 1)


@pytest.mark.django_db
def test_the_report_has_a_reliability_table(corpus, capsys):
    metrics = _evaluate(corpus, capsys=capsys)
    table = metrics["reliability"]
    assert [(row["low"], row["high"]) for row in table][0] == (0.0, 0.5) and table[-1]["high"] == 1.0
    assert sum(row["claims"] for row in table) > 0
    assert all(row["precision"] is None or 0 <= row["precision"] <= 1 for row in table)
    call_command("evaluate_annotations", str(corpus))
    assert "by stated confidence" in capsys.readouterr().out


@pytest.mark.django_db
def test_reliability_bins_claims_by_confidence_and_checks_them_against_gold():
    article = ArticleFactory()
    for value, confidence in (("withhold_accounts", 0.95), ("ban_service", 0.92), ("remove_content", 0.3)):
        Claim.objects.create(article=article, kind="demand", value=value, sentence_start=0, sentence_end=1,
                             quote="x", confidence=confidence)
    Claim.objects.create(article=article, kind="outcome", value="refused", sentence_start=2, sentence_end=3,
                         quote="y", confidence=1.0)
    Claim.objects.create(article=article, kind="count", value="1178", sentence_start=0, sentence_end=1,
                         quote="x", confidence=0.95)  # counts are not in the table
    gold = [{"is_dispute": True, "demand_types": ["withhold_accounts", "remove_content"], "outcomes": ["refused"]}]
    rows = {(r["low"], r["high"]): r for r in reliability(gold, [article])}
    assert (rows[0.9, 1.0]["claims"], rows[0.9, 1.0]["correct"]) == (3, 2)
    assert rows[0.9, 1.0]["mean_confidence"] == pytest.approx((0.95 + 0.92 + 1.0) / 3)
    assert (rows[0.0, 0.5]["claims"], rows[0.0, 0.5]["correct"], rows[0.0, 0.5]["precision"]) == (1, 1, 1.0)
    assert rows[0.5, 0.6]["precision"] is None
    # The same claims on a gold negative are all wrong.
    assert sum(r["correct"] for r in reliability([{"is_dispute": False}], [article])) == 0


@pytest.mark.django_db
def test_a_copy_skipped_in_extraction_stands_for_its_original(tmp_path):
    source = Source.objects.create(kind=Source.Kind.JSONL, url=str(tmp_path / "x.jsonl"), name="x")
    original = ArticleFactory(source=source, external_id="a", text="first text")
    ArticleFactory(source=source, external_id="b", text="", status="skipped", duplicate_of=original,
                   failure_reason="duplicate")
    records = [{"id": "b", "text": "second text"}, {"id": "a", "text": "first text"}, {"id": "c", "text": "new"}]
    assert stored_articles(records, source=source) == [original, original, None]


@pytest.mark.django_db
def test_dev_set_meets_targets(shared_dir, tmp_path):
    """The dev figures of the production path; the rolled-back run and the stored one agree."""
    path = shared_dir / "corpus" / "dev.jsonl"
    if not path.exists():
        pytest.skip(f"corpus not found at {path}")
    metrics, gold, preds = evaluate_file(path)
    assert len(preds) == len(gold) and all(p["id"] == g["id"] for p, g in zip(preds, gold))
    json.dumps(preds)  # predictions are plain JSON
    b = metrics["is_dispute"]
    assert b["f1"] >= 0.90 and b["negatives_rejected"] >= 0.85 and b["mcc"] >= 0.75
    assert metrics["countries"]["f1"] >= 0.90
    assert metrics["platforms"]["f1"] >= 0.85
    assert metrics["demand_types"]["f1"] >= 0.70
    assert metrics["penalties_threatened"]["f1"] >= 0.70
    assert metrics["outcomes"]["f1"] >= 0.60
    assert metrics["accounts_targeted"]["accuracy"] >= 0.80
    assert metrics["dispute_key"]["f1"] >= 0.80
    assert metrics["duplicate_group"]["f1"] >= 0.90
    assert not metrics["not_stored"]

    _ingest(path)
    stored_metrics, _, stored = evaluate_file(path, from_database=True)
    for name in ("dispute_key", "duplicate_group"):  # labels name rows, whose keys may differ
        same = pairwise_prf([p[name] for p in preds], [p[name] for p in stored])
        assert (same["fp"], same["fn"]) == (0, 0), name
    unlabelled = [{k: v for k, v in p.items() if k not in ("dispute_key", "duplicate_group")} for p in preds]
    assert unlabelled == [{k: v for k, v in p.items() if k not in ("dispute_key", "duplicate_group")}
                          for p in stored]
    assert stored_metrics["dispute_key"] == metrics["dispute_key"]
