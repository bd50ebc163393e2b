"""The metric functions on tiny hand-made inputs (plain Python, no database)."""

import math

import pytest

from ingestion.annotation.evaluation import (
    binary_metrics,
    count_accuracy,
    format_report,
    load_jsonl,
    mcc,
    pairwise_prf,
    score,
    set_prf,
)


def test_pairwise_f1():
    gold = ["a", "a", "b", None]
    pred = ["x", "x", "x", None]
    m = pairwise_prf(gold, pred)
    assert (m["tp"], m["fp"], m["fn"]) == (1, 2, 0)
    assert m["precision"] == pytest.approx(1 / 3)
    assert m["recall"] == 1.0
    assert m["f1"] == pytest.approx(0.5)


def test_pairwise_ignores_null_labels():
    assert pairwise_prf([None, None], [None, None])["tp"] == 0
    assert pairwise_prf(["a", "a"], [None, None])["fn"] == 1


def test_mcc():
    assert mcc(tp=2, fp=1, fn=0, tn=1) == pytest.approx(2 / math.sqrt(12))
    assert mcc(tp=5, fp=0, fn=0, tn=5) == pytest.approx(1.0)
    assert mcc(tp=0, fp=0, fn=0, tn=4) == 0.0  # empty marginal


def test_binary_metrics():
    m = binary_metrics([True, True, False, False, False], [True, False, True, False, False])
    assert (m["tp"], m["fp"], m["fn"], m["tn"]) == (1, 1, 1, 2)
    assert m["negatives_rejected"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(0.5)


def test_set_prf_micro_average():
    m = set_prf([["IN"], ["TR", "EU"]], [["IN", "PK"], ["TR"]])
    assert (m["tp"], m["fp"], m["fn"]) == (2, 1, 1)
    assert m["f1"] == pytest.approx(2 / 3)


def test_count_accuracy_only_where_gold_has_number():
    m = count_accuracy([1178, None, 250], [1178, 5, 200])
    assert m == {"accuracy": 0.5, "correct": 1, "n": 2}


def test_score_scores_list_fields_on_gold_disputes_only():
    gold = [
        {"is_dispute": True, "countries": ["IN"], "platforms": ["twitter"], "accounts_targeted": 10,
         "dispute_key": "k1", "duplicate_group": None},
        {"is_dispute": False, "countries": [], "platforms": [], "accounts_targeted": None,
         "dispute_key": None, "duplicate_group": None},
    ]
    pred = [
        {"is_dispute": True, "countries": ["IN"], "platforms": ["twitter", "other"], "accounts_targeted": 10,
         "dispute_key": "D1", "duplicate_group": None},
        {"is_dispute": True, "countries": ["US"], "platforms": ["google"], "accounts_targeted": None,
         "dispute_key": "D2", "duplicate_group": None},
    ]
    m = score(gold, pred)
    assert m["countries"]["f1"] == 1.0  # the negative's wrong country is not a list-field error
    assert m["platforms"]["precision"] == 0.5
    assert m["accounts_targeted"]["accuracy"] == 1.0
    assert m["is_dispute"]["negatives_rejected"] == 0.0
    assert "is_dispute" in format_report(m | {"n_articles": 2, "n_disputes": 1})


def test_load_jsonl_reports_broken_lines(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a"}\n{broken\n\n[1, 2]\n{"id": "b"}\n', encoding="utf-8")
    loaded = load_jsonl(path)
    assert [r["id"] for r in loaded.records] == ["a", "b"]
    assert len(loaded.errors) == 2
    assert loaded.errors[0].startswith("line 2:") and loaded.errors[1].startswith("line 4:")
