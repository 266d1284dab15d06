"""``skillgap eval occupation-normalisation``: French occupation normalisation, ROME 4.0 appellation
label → ESCO occupation, scored against the official ESCO ↔ ROME crosswalk (issue 18).

Input: the label of each ROME 4.0 appellation of the store (« Abatteur / Abatteuse de carrière »),
read in both genders (``nlp.text.gender_forms``) and folded (case, accents) as the title → fiche model
reads titles. Gold: the ESCO occupation(s) France Travail's crosswalk maps *that appellation* to (the
file maps at appellation level: ``classification 2 ID`` is an appellation OGR code, stable from ROME
v3 to 4.0; FR_20230607 maps each of its 11,118 appellations to exactly one ESCO occupation, with a
SKOS relation). Appellations the crosswalk does not name (new in ROME 4.0) are left out, and so are
those whose gold occupation is missing from the loaded ESCO (``n_gold_unknown``).

System: every ESCO occupation is indexed by its French preferred label (and the two halves of a
« masculin/féminin » label) and alternative labels, from ESCO's own ``occupations_fr`` only: nothing
derived from the crosswalk is indexed (its labels column is not read). An appellation's score for an
occupation is the best cosine between one of its gender forms and one of the occupation's labels; all
occupations are ranked (exact, numpy). With a re-ranker (``[rerank]``, ``--rerank``), the best
``occupation_top_n`` occupations are scored the same way by the second encoder and ranked by the
weighted mean (``occupation_weight``), as titles are in ``skillgap process`` (``nlp.rerank``).

success@K = share of appellations with a gold occupation in the top K; MRR = mean of 1 / rank of
the first gold occupation in the full ranking. ``gold_label_exact_share`` says how often a folded
gender form of the appellation is literally one of its gold occupation's labels (the easy part).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from models.referential import EscoOccupation, Source
from nlp.embed import Encoder
from nlp.esco_eval import reciprocal_rank
from nlp.index import LabelIndex
from nlp.referential import Referential
from nlp.rerank import RerankConfig, combine
from nlp.text import fold, gender_forms

KS = (1, 5, 10)
_CHUNK = 512  # appellations scored at a time (a chunk × labels float32 block)


@dataclass(frozen=True)
class Crosswalk:
    """The crosswalk file read by ``referentials.crosswalk``: appellation code → {ESCO URI: relation}."""

    path: Path
    version_id: str  # as ``skillgap referentials load`` names the version of these very files
    version_label: str
    links: dict[str, dict[str, str]]


def read_crosswalk(path: Path | None = None) -> Crosswalk:
    """The crosswalk file (or the folder holding it; default: the bundled one), with the loader of
    ``skillgap referentials load`` (same rows, same version id)."""
    from referentials import crosswalk
    from referentials.bundled import default_paths
    from referentials.common import LoadReport, sha256_file
    from referentials.loading import version_id_of

    files = crosswalk.discover([path] if path is not None else default_paths()[Source.ESCO_ROME])
    links: dict[str, dict[str, str]] = {}
    for link in crosswalk.load(files, report=LoadReport()):
        links.setdefault(link.appellation_code, {})[link.esco_uri] = link.relation
    version_id = version_id_of(files, {p.name: sha256_file(p) for p in files.files})
    return Crosswalk(files.files[0], version_id, files.version_label, links)


def esco_occupation_texts(occupations: Sequence[EscoOccupation]) -> tuple[list[str], list[str]]:
    """(folded labels, ESCO URIs), grouped by occupation in URI order: preferred label, its halves
    when written « masculin/féminin », alternative labels (ESCO's own labels only)."""
    texts: list[str] = []
    keys: list[str] = []
    for occupation in sorted(occupations, key=lambda o: o.esco_uri):
        labels = [occupation.label, *occupation.label.split("/"), *occupation.alt_labels]
        for text in dict.fromkeys(fold(label).strip() for label in labels):
            if text:
                texts.append(text)
                keys.append(occupation.esco_uri)
    return texts, keys


def appellation_queries(label: str) -> list[str]:
    """The folded gender forms of an appellation label.

    >>> appellation_queries("Abatteur / Abatteuse de carrière")
    ['abatteur de carriere', 'abatteuse de carriere']
    """
    return list(dict.fromkeys(fold(form) for form in gender_forms(label)))


@dataclass(frozen=True)
class _Scorer:
    """Best cosine of each query group with each key's labels, every key at once."""

    vectors: np.ndarray  # label rows, grouped by key (``esco_occupation_texts`` order)
    starts: np.ndarray  # first row of each key

    @classmethod
    def of(cls, index: LabelIndex, keys: Sequence[str]) -> _Scorer:
        starts = [i for i, key in enumerate(keys) if i == 0 or key != keys[i - 1]]
        vectors = np.array(index.vectors(), dtype=np.float32)  # a copy: FAISS's buffer goes with the index
        return cls(vectors, np.asarray(starts, dtype=np.int64))

    def scores(self, query_vectors: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
        """(n_groups, n_keys): for each group of query rows (``groups[i]`` = group of row i), the best
        cosine of one of its rows with one of each key's labels."""
        per_key = np.maximum.reduceat(query_vectors @ self.vectors.T, self.starts, axis=1)
        out = np.full((n_groups, per_key.shape[1]), -2.0, dtype=np.float32)
        np.maximum.at(out, groups, per_key)
        return out


def gold_items(
    appellations: pd.DataFrame, cw: Crosswalk, known: set[str]
) -> tuple[list[tuple[str, str, dict[str, str]]], Counter[str]]:
    """(appellation code, label, {gold URI: relation}) of the appellations the crosswalk maps to a
    loaded ESCO occupation, by code; and the counts of those left out."""
    items: list[tuple[str, str, dict[str, str]]] = []
    left_out: Counter[str] = Counter()
    for code, label in zip(appellations.appellation_code, appellations.label, strict=True):
        links = cw.links.get(str(code))
        if not links:
            left_out["no_crosswalk_link"] += 1
            continue
        gold = {uri: rel for uri, rel in links.items() if uri in known}
        if not gold:
            left_out["gold_unknown"] += 1
            continue
        items.append((str(code), label, gold))
    return sorted(items), left_out


def evaluate_occupation_normalisation(
    ref: Referential, occupations: Sequence[EscoOccupation], cw: Crosswalk, encoder: Encoder, *,
    cache_dir: Path | None, reranker: Encoder | None = None, rerank: RerankConfig | None = None,
    limit: int | None = None, seed: int = 0, store_crosswalk_version: str | None = None,
) -> dict:
    """success@1/5/10 and MRR of ranking every ESCO occupation for each ROME appellation label."""
    started = time.perf_counter()
    texts, keys = esco_occupation_texts(occupations)
    uris = list(dict.fromkeys(keys))
    items, left_out = gold_items(ref.appellations, cw, set(uris))
    n_candidates = len(items)
    if limit is not None and limit < len(items):
        items = sorted(random.Random(seed).sample(items, limit))

    def scorer(model: Encoder) -> _Scorer:  # exact index: every occupation is ranked
        return _Scorer.of(LabelIndex.build(name="esco-occupations-fr", texts=texts, keys=keys, encoder=model,
                                           version_key=ref.version_key, cache_dir=cache_dir, ann_min_rows=1 << 30),
                          keys)

    first = scorer(encoder)
    second = scorer(reranker) if reranker is not None else None
    rerank = rerank or RerankConfig()
    label_sets: dict[str, set[str]] = {}
    for text, key in zip(texts, keys, strict=True):
        label_sets.setdefault(key, set()).add(text)

    hits = dict.fromkeys(KS, 0)
    mrr = 0.0
    by_relation: dict[str, list[int]] = {}  # relation → [n, hits@1]
    exact = 0
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        queries = [appellation_queries(label) for _, label, _ in chunk]
        flat = [q for qs in queries for q in qs]
        groups = np.repeat(np.arange(len(chunk)), [len(qs) for qs in queries])
        scores = first.scores(encoder.encode(flat), groups, len(chunk))
        rescored = second.scores(reranker.encode(flat), groups, len(chunk)) if second and reranker else None
        orders = np.argsort(-scores, axis=1, kind="stable")
        for row, ((_, _, gold), forms) in enumerate(zip(chunk, queries, strict=True)):
            ranked = _ranking(orders[row], scores[row], None if rescored is None else rescored[row], uris, rerank)
            gold_set = set(gold)
            for k in KS:
                hits[k] += bool(gold_set & set(ranked[:k]))
            mrr += reciprocal_rank(ranked, gold_set)
            relation = "+".join(sorted(set(gold.values())))
            counts = by_relation.setdefault(relation, [0, 0])
            counts[0] += 1
            counts[1] += ranked[0] in gold_set
            exact += any(f in label_sets[uri] for uri in gold for f in forms)
    n = max(len(items), 1)
    result: dict = {"n": len(items)}
    result |= {f"success@{k}": round(hits[k] / n, 4) for k in KS}
    result |= {
        "mrr": round(mrr / n, 4), "model": encoder.name,
        "n_candidates": n_candidates, "n_appellations": len(ref.appellations),
        "n_no_crosswalk_link": left_out["no_crosswalk_link"], "n_gold_unknown": left_out["gold_unknown"],
        "n_esco_occupations": len(uris), "n_esco_labels": len(texts),
        "success@1_by_relation": {rel: round(h / m, 4) for rel, (m, h) in sorted(by_relation.items())},
        "n_by_relation": {rel: m for rel, (m, _) in sorted(by_relation.items())},
        "gold_label_exact_share": round(exact / n, 4),
        "crosswalk_file": cw.path.name, "crosswalk_version": cw.version_label, "crosswalk_version_id": cw.version_id,
        "crosswalk_is_store_version": store_crosswalk_version == cw.version_id,
        "referential_version": ref.version_key, "limit": limit, "seed": seed,
    }
    if reranker is not None:
        result |= {"reranker": reranker.name, "rerank_top_n": rerank.top_n, "rerank_weight": rerank.weight}
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def _ranking(order: np.ndarray, first: np.ndarray, second: np.ndarray | None, uris: Sequence[str],
             rerank: RerankConfig) -> list[str]:
    """Every URI, best first: the first stage's order, its top ``rerank.top_n`` re-ordered by the
    weighted mean of both stages when a second stage is given (``nlp.rerank.combine``)."""
    if second is None:
        return [uris[i] for i in order.tolist()]
    top = order[: rerank.top_n].tolist()
    final = combine({uris[i]: float(first[i]) for i in top}, {uris[i]: float(second[i]) for i in top}, rerank)
    return [*final, *(uris[i] for i in order[rerank.top_n :].tolist())]
