"""``skillgap eval coverage``: does coverage mean something?

For ROME fiches that have RNCP-linked certifications (a seeded sample, or all), every
certification with blocks is ranked by how well its blocks cover the fiche's skills
(``CoverageIndex.certification_scores``); the ranking is compared with the real RNCP ↔ ROME
links. recall@10 = |top-10 ∩ linked| / min(10, |linked|); MAP over the whole ranking.
With ``calibrate``, the coverage thresholds of the model are derived as documented in
``analysis.coverage`` and reported with the separation they give (share of a fiche's skills
called covered by its linked certifications vs by as many unrelated ones).
"""

from __future__ import annotations

import logging

import duckdb
import numpy as np

from analysis.coverage import CoverageIndex, build_index
from nlp.embed import Encoder
from referentials import queries

log = logging.getLogger(__name__)


def _average_precision(ranked: np.ndarray, gold: set[str]) -> float:
    hits = np.isin(ranked, list(gold))
    if not hits.any():
        return 0.0
    precision_at_hits = np.cumsum(hits)[hits] / (np.flatnonzero(hits) + 1)
    return float(precision_at_hits.sum() / len(gold))


def evaluate_coverage(
    con: duckdb.DuckDBPyConnection, encoder: Encoder, *, n_fiches: int | None = 150, seed: int = 0,
    calibrate: bool = False, progress=None,
) -> dict:
    """Ranking metrics (and calibrated thresholds when asked) — see module docstring."""
    index = build_index(con, encoder)
    links = queries.certifications_by_rome_code(con)
    known = set(index.rncp_codes)
    fiches = set(queries.rome_occupations(con).rome_code)
    gold_by_fiche = {code: certs & known for code, certs in links.items() if code in fiches and certs & known}
    codes = sorted(gold_by_fiche)
    rng = np.random.default_rng(seed)
    if n_fiches is not None and n_fiches < len(codes):
        codes = sorted(rng.choice(codes, n_fiches, replace=False).tolist())
    recalls, aps, positives, negatives = [], [], [], []
    for i, code in enumerate(codes):
        skills = queries.skills_of_occupation(con, code)
        if skills.empty:
            continue
        vectors = encoder.encode(skills.label.tolist())
        gold = gold_by_fiche[code]
        ranked = index.certification_scores(vectors).sort_values(ascending=False, kind="stable").index.to_numpy()
        recalls.append(len(set(ranked[:10]) & gold) / min(10, len(gold)))
        aps.append(_average_precision(ranked, gold))
        if calibrate:
            pos, neg = _best_matches(index, vectors, gold, known, rng)
            positives.extend(pos)
            negatives.extend(neg)
        if progress:
            progress(i + 1, len(codes))
    result = {"n_fiches": len(recalls), "recall@10": round(float(np.mean(recalls)), 4),
              "map": round(float(np.mean(aps)), 4), "model": encoder.name,
              "rncp_version": index.blocks.rncp_version, "n_certifications": len(index.rncp_codes)}
    if calibrate:
        negatives_arr, positives_arr = np.array(negatives), np.array(positives)
        covered, partial = float(np.quantile(negatives_arr, 0.95)), float(np.quantile(negatives_arr, 0.80))
        result |= {"covered_threshold": round(covered, 4), "partial_threshold": round(partial, 4),
                   "covered_rate_linked": round(float((positives_arr >= covered).mean()), 4),
                   "covered_rate_unrelated": round(float((negatives_arr >= covered).mean()), 4)}
    return result


def _best_matches(index: CoverageIndex, vectors: np.ndarray, gold: set[str], known: set[str],
                  rng: np.random.Generator) -> tuple[list[float], list[float]]:
    """Best-match similarity of each skill against the linked certifications and against as many others."""
    others = sorted(known - gold)
    unrelated = set(rng.choice(others, min(len(gold), len(others)), replace=False).tolist())
    result = []
    for certs in (gold, unrelated):
        _, item_vectors = index.blocks.for_certifications(certs)
        result.append((vectors @ item_vectors.T).max(axis=1).tolist())
    return result[0], result[1]
