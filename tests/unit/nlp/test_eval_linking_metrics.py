"""Metrics of ``skillgap eval esco-linking`` (issue 18): RP@K, MRR, nDCG@100 (binary and graded)."""

from __future__ import annotations

import math

import pytest

from nlp.esco_eval import graded_column, ndcg_at_k, read_annotations, read_graded_annotations, reciprocal_rank, rp_at_k
from skillgap.errors import InputFileError


def _dcg(gains: list[float]) -> float:
    return sum(g / math.log2(r + 2) for r, g in enumerate(gains))


def test_rp_at_1_is_whether_the_top_label_is_gold():
    assert rp_at_k(["a", "b"], {"a", "c"}, 1) == 1.0
    assert rp_at_k(["b", "a"], {"a", "c"}, 1) == 0.0
    assert rp_at_k([], {"a"}, 1) == 0.0


def test_rp_at_k_divides_by_min_k_and_gold():
    ranked = ["a", "x", "b", "y", "z", "c"]
    assert rp_at_k(ranked, {"a", "b"}, 5) == 1.0  # both gold labels in the top 5: min(5, 2) = 2
    assert rp_at_k(ranked, {"a", "b", "c", "d", "e", "f"}, 5) == 2 / 5
    assert rp_at_k(ranked, set(), 5) == 0.0


def test_reciprocal_rank_of_the_first_gold_label():
    assert reciprocal_rank(["x", "a", "b"], {"a", "b"}) == 0.5
    assert reciprocal_rank(["x", "y"], {"a"}) == 0.0


def test_binary_ndcg_by_hand():
    # gold {a, b, c}, found at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5); ideal = 3 labels at ranks 1-3
    got = ndcg_at_k(["x", "a", "y", "b"], {"a": 1.0, "b": 1.0, "c": 1.0})
    assert got == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3) + 1 / math.log2(4)))
    assert ndcg_at_k(["a", "b", "c", "x"], {"a": 1.0, "b": 1.0, "c": 1.0}) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "y"], {"a": 1.0}) == 0.0


def test_ndcg_ideal_counts_gold_labels_that_were_not_found():
    """A gold label missing from the ranking still counts in the ideal DCG: an nDCG computed over the
    found labels only would give 1.0 here."""
    got = ndcg_at_k(["a", "x"], {"a": 1.0, "b": 1.0})
    assert got == pytest.approx(1 / (1 + 1 / math.log2(3)))
    assert got < 0.62


def test_ndcg_cuts_ranking_and_ideal_at_k():
    ranked = [f"x{i}" for i in range(100)] + ["a"]
    assert ndcg_at_k(ranked, {"a": 1.0}, 100) == 0.0  # rank 101 is past the cut
    assert ndcg_at_k(ranked, {"a": 1.0}, 101) == pytest.approx(1 / math.log2(102))
    gold = {f"g{i}": 1.0 for i in range(150)}  # more gold labels than K: the ideal has K of them
    assert ndcg_at_k(list(gold)[:100], gold, 100) == pytest.approx(1.0)
    assert ndcg_at_k(list(gold)[:50], gold, 100) == pytest.approx(_dcg([1.0] * 50) / _dcg([1.0] * 100))


def test_ndcg_counts_a_repeated_key_once():
    assert ndcg_at_k(["a", "a"], {"a": 1.0, "b": 1.0}) == pytest.approx(ndcg_at_k(["a", "x"], {"a": 1.0, "b": 1.0}))


def test_graded_ndcg_uses_the_grades_as_gains():
    gains = {"a": 3.0, "b": 1.0}
    swapped = ndcg_at_k(["b", "a"], gains)
    assert swapped == pytest.approx((1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3)))
    assert ndcg_at_k(["a", "b"], gains) == pytest.approx(1.0)
    # with binary gains the two orders would tie at 1.0: the grades are what tells them apart
    assert ndcg_at_k(["b", "a"], {"a": 1.0, "b": 1.0}) == pytest.approx(1.0)
    assert swapped < 0.85


def test_graded_annotations_read_the_grade_column(tmp_path):
    path = tmp_path / "graded.csv"
    path.write_text(
        "sentence,span,sub_span,label,grade\n"
        "s1,x,,Java (computer programming),2\n"
        "s1,y,,SQL,1\n"
        "s1,y,,SQL,3\n"  # a label's highest grade counts
        "s1,z,,Python (computer programming),0\n"  # graded 0: not gold
        "s1,w,,LABEL NOT PRESENT,2\n"
        "s2,q,,Python (computer programming),0\n",  # no gold left: sentence dropped
        encoding="utf-8")
    assert graded_column(path) == "grade"
    assert read_graded_annotations(path) == {"s1": {"Java (computer programming)": 2.0, "SQL": 3.0}}
    assert read_annotations(path) == {"s1": {"Java (computer programming)", "SQL"}}


def test_ungraded_annotations_have_binary_gains(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("sentence,label\ns1,SQL\ns1,UNDERSPECIFIED\ns2,LABEL NOT PRESENT\n", encoding="utf-8")
    assert graded_column(path) is None
    assert read_graded_annotations(path) == {"s1": {"SQL": 1.0}}
    assert read_annotations(path) == {"s1": {"SQL"}}


def test_a_grade_that_is_not_a_number_is_an_input_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("sentence,label,relevance\ns1,SQL,high\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="relevance"):
        read_graded_annotations(path)
