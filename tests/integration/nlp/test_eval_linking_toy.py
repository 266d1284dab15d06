"""``evaluate_esco_linking`` on the toy referential: the figures added by issue 18 (RP@1, nDCG@100)
next to the published ones, binary and graded gains."""

from __future__ import annotations

import math

import pytest
from nlp_support import HashEncoder

from nlp.esco_eval import evaluate_esco_linking


def test_keeps_the_published_keys_and_adds_rp1_and_ndcg(toy_ref, tmp_path):
    path = tmp_path / "annotations.csv"
    # « weld » ranks « weld metals » first: the gold SQL is second
    path.write_text("sentence,label\nYou will weld and query relational databases,SQL\n", encoding="utf-8")
    result = evaluate_esco_linking(toy_ref, HashEncoder(), path, cache_dir=None)
    assert {"n", "rp@5", "rp@10", "mrr", "model"} <= set(result)  # read by other tools: never renamed
    assert result["n"] == 1 and result["mrr"] == 0.5
    assert result["rp@1"] == 0.0 and result["rp@5"] == 100.0 and result["rp@10"] == 100.0
    assert result["ndcg@100"] == pytest.approx(round(1 / math.log2(3), 4))
    assert result["ndcg_gains"] == "binary"


def test_graded_gains_come_from_the_grade_column(toy_ref, tmp_path):
    path = tmp_path / "graded.csv"
    path.write_text("sentence,label,grade\n"
                    "You will weld and query relational databases,SQL,2\n"
                    "You will weld and query relational databases,weld metals,1\n", encoding="utf-8")
    result = evaluate_esco_linking(toy_ref, HashEncoder(), path, cache_dir=None)
    assert result["ndcg_gains"] == "graded:grade"
    # ranked: weld metals (gain 1), SQL (gain 2); ideal: SQL, weld metals
    expected = (1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3))
    assert result["ndcg@100"] == pytest.approx(round(expected, 4))
    assert result["rp@1"] == 100.0 and result["mrr"] == 1.0  # both graded labels are gold
