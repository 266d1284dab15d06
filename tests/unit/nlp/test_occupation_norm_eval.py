"""``skillgap eval occupation-normalisation`` (issue 18): ROME appellation → ESCO occupation, gold from
the crosswalk; hand-made referential and the hashed bag-of-words encoder."""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models.referential import EscoOccupation
from nlp.index import LabelIndex
from nlp.occupation_eval import (
    Crosswalk,
    _ranking,
    _Scorer,
    appellation_queries,
    esco_occupation_texts,
    evaluate_occupation_normalisation,
    gold_items,
    read_crosswalk,
)
from nlp.referential import Referential
from nlp.rerank import RerankConfig

U = "http://data.europa.eu/esco/occupation/"
OCCUPATIONS = [
    EscoOccupation(esco_uri=U + "o1", label="soudeur/soudeuse", alt_labels=("soudeur à l'arc", "soudeuse")),
    EscoOccupation(esco_uri=U + "o2", label="administrateur réseau/administratrice réseau",
                   alt_labels=("administrateur systèmes et réseaux",)),
    EscoOccupation(esco_uri=U + "o3", label="plombier/plombière"),
    EscoOccupation(esco_uri=U + "o4", label="installateur sanitaire/installatrice sanitaire"),
]
APPELLATIONS = pd.DataFrame({
    "appellation_code": ["10", "11", "12", "13", "14"],
    "label": ["Soudeur / Soudeuse à l'arc", "Administrateur / Administratrice systèmes et réseaux",
              "Plombier sanitaire", "Nouvelle appellation", "Gemmologue"],
    "short_label": [None] * 5,
    "rome_code": ["H2913", "M1801", "F1603", "F1603", "B1601"],
})
CROSSWALK = Crosswalk(Path("FR_test_mapping_esco_rome.csv"), "esco_rome:test", "test mapping", {
    "10": {U + "o1": "exactMatch"},
    "11": {U + "o2": "closeMatch"},
    "12": {U + "o4": "broadMatch"},  # « plombier » is closer in words: the gold is 2nd
    "14": {U + "gone": "narrowMatch"},  # not in the loaded ESCO
})  # "13": new in ROME 4.0, no link


def _ref() -> Referential:
    empty = pd.DataFrame()
    return Referential("rome:t+esco:t", empty, APPELLATIONS, empty, empty, empty)


def test_appellations_are_read_in_both_genders_and_folded():
    assert appellation_queries("Soudeur / Soudeuse à l'arc") == ["soudeur a l'arc", "soudeuse a l'arc"]
    assert appellation_queries("Gemmologue") == ["gemmologue"]


def test_esco_texts_are_the_occupations_own_labels_grouped_by_uri():
    texts, keys = esco_occupation_texts(list(reversed(OCCUPATIONS)))
    assert keys == sorted(keys)  # grouped (reduceat needs each key's rows together)
    assert texts[:3] == ["soudeur/soudeuse", "soudeur", "soudeuse"]  # preferred, its halves (no repeat)
    assert "soudeur a l'arc" in texts
    assert len(texts) == len(set(zip(texts, keys, strict=True)))


def test_gold_is_the_appellations_crosswalk_occupation():
    items, left_out = gold_items(APPELLATIONS, CROSSWALK, {o.esco_uri for o in OCCUPATIONS})
    assert [code for code, _, _ in items] == ["10", "11", "12"]
    assert items[2][2] == {U + "o4": "broadMatch"}
    assert left_out == {"no_crosswalk_link": 1, "gold_unknown": 1}


def test_success_and_mrr_by_hand(hash_encoder, tmp_path):
    result = evaluate_occupation_normalisation(_ref(), OCCUPATIONS, CROSSWALK, hash_encoder, cache_dir=tmp_path,
                                               store_crosswalk_version="esco_rome:test")
    assert result["n"] == 3 and result["n_candidates"] == 3
    assert result["success@1"] == round(2 / 3, 4)
    assert result["success@5"] == result["success@10"] == 1.0
    assert result["mrr"] == round((1 + 1 + 1 / 2) / 3, 4)
    assert result["n_no_crosswalk_link"] == 1 and result["n_gold_unknown"] == 1
    assert result["success@1_by_relation"] == {"broadMatch": 0.0, "closeMatch": 1.0, "exactMatch": 1.0}
    assert result["gold_label_exact_share"] == round(2 / 3, 4)  # « soudeur a l'arc », « administrateur … »
    assert result["crosswalk_is_store_version"] is True and result["crosswalk_version_id"] == "esco_rome:test"
    assert result["model"] == "hash-bow-64" and "reranker" not in result
    again = evaluate_occupation_normalisation(_ref(), OCCUPATIONS, CROSSWALK, hash_encoder, cache_dir=tmp_path)
    assert {k: v for k, v in again.items() if k not in ("seconds", "crosswalk_is_store_version")} == {
        k: v for k, v in result.items() if k not in ("seconds", "crosswalk_is_store_version")}  # from the cache


class _KnowsPlumbing:
    """Reads « plombier sanitaire » as « installateur sanitaire »."""

    name = "knows-plumbing"
    dim = 64

    def __init__(self, base) -> None:
        self.base = base

    def encode(self, texts):
        return self.base.encode([t.replace("plombier sanitaire", "installateur sanitaire") for t in texts])


def test_reranker_reorders_the_top_occupations(hash_encoder):
    reranker = _KnowsPlumbing(hash_encoder)
    result = evaluate_occupation_normalisation(_ref(), OCCUPATIONS, CROSSWALK, hash_encoder, cache_dir=None,
                                               reranker=reranker, rerank=RerankConfig(top_n=2, weight=0.7))
    assert result["success@1"] == 1.0 and result["mrr"] == 1.0
    assert result["reranker"] == "knows-plumbing" and result["rerank_top_n"] == 2
    only_top = evaluate_occupation_normalisation(_ref(), OCCUPATIONS, CROSSWALK, hash_encoder, cache_dir=None,
                                                 reranker=reranker, rerank=RerankConfig(top_n=1, weight=0.7))
    assert only_top["success@1"] == round(2 / 3, 4)  # the gold was 2nd: outside a top 1, never re-scored


def test_ranking_keeps_every_key_once():
    uris = ["a", "b", "c", "d"]
    first = np.array([0.9, 0.8, 0.7, 0.1], dtype=np.float32)
    second = np.array([0.0, 0.0, 1.0, 1.0], dtype=np.float32)
    order = np.argsort(-first, kind="stable")
    assert _ranking(order, first, None, uris, RerankConfig(top_n=3)) == ["a", "b", "c", "d"]
    ranked = _ranking(order, first, second, uris, RerankConfig(top_n=3, weight=0.5))
    assert ranked == ["c", "a", "b", "d"]  # « d » scores 1.0 in the second stage but was not in the top 3


def test_scores_match_brute_force_after_the_index_is_gone(hash_encoder, tmp_path):
    """The scorer copies the index's vectors: FAISS frees its buffer with the index (reading it after
    that gave wrong scores)."""
    rng = np.random.default_rng(0)
    words = ["soudeur", "plombier", "chef", "equipe", "reseau", "chantier", "agent", "vente", "conducteur", "engins"]
    texts = [" ".join(rng.choice(words, size=3)) for _ in range(60)]
    keys = [f"k{i // 3:02d}" for i in range(60)]
    index = LabelIndex.build(name="t", texts=texts, keys=keys, encoder=hash_encoder, version_key="v",
                             cache_dir=tmp_path, ann_min_rows=1 << 30)
    scorer = _Scorer.of(index, keys)
    assert not np.shares_memory(scorer.vectors, index.vectors())
    del index
    gc.collect()
    _ = [np.ones((64, 64), dtype=np.float32) for _ in range(50)]  # reuse freed memory
    queries = ["chef equipe", "agent", "conducteur engins", "vente reseau"]
    groups = np.array([0, 0, 1, 2])  # two queries for the first group, none for the last
    got = scorer.scores(hash_encoder.encode(queries[:3] + [queries[0]]), groups, 4)
    sims = hash_encoder.encode(queries[:3] + [queries[0]]) @ hash_encoder.encode(texts).T
    for g in range(3):
        rows = sims[groups == g].max(axis=0)
        want = [rows[3 * j : 3 * j + 3].max() for j in range(20)]
        np.testing.assert_allclose(got[g], want, rtol=1e-5, atol=1e-6)
    assert (got[3] == -2.0).all()


def test_read_crosswalk_as_the_loader_does(tmp_path):
    path = tmp_path / "FR_20990101_mapping_esco_rome.csv"
    path.write_text(
        "Mapping project name,ESCO - ROME\nMapping project version,V9\nMapping project version date,01/01/2099\n\n"
        "classification 1 ID,classification 1 prefered label,classification 2 ID,classification 2 prefered label,"
        "mapping relation\n"
        f"{U}o1,soudeur/soudeuse,10,Soudeur,skos:exactMatch\n"
        f"{U}o4,installateur sanitaire,12,Plombier sanitaire,skos:broadMatch\n", encoding="utf-8")
    cw = read_crosswalk(tmp_path)  # a folder holding one file, as ``--crosswalk`` takes
    assert cw.links == {"10": {U + "o1": "exactMatch"}, "12": {U + "o4": "broadMatch"}}
    assert cw.version_label == "ESCO-ROME mapping V9 (01/01/2099)" and cw.path == path
    assert cw.version_id.startswith("esco_rome:") and cw.version_id == read_crosswalk(path).version_id


@pytest.mark.parametrize("limit, expected", [(2, 2), (10, 3)])
def test_limit_draws_a_seeded_sample(hash_encoder, limit, expected):
    one = evaluate_occupation_normalisation(_ref(), OCCUPATIONS, CROSSWALK, hash_encoder, cache_dir=None,
                                            limit=limit, seed=3)
    two = evaluate_occupation_normalisation(_ref(), OCCUPATIONS, CROSSWALK, hash_encoder, cache_dir=None,
                                            limit=limit, seed=3)
    assert one["n"] == expected and one["n_candidates"] == 3 and one["limit"] == limit
    assert one["mrr"] == two["mrr"]
