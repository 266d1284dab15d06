"""``skillgap eval esco-linking``: rank all ESCO skills for English job-ad sentences (TECH / HOUSE /
TECHWOLF sets of Decorte et al.), sentence level as published.

Gold = the ESCO preferred labels of a sentence other than ``LABEL NOT PRESENT`` / ``UNDERSPECIFIED``.
Each skill is indexed by its English preferred and alternative labels; the sentence and its
sub-phrases (pieces between commas / « and » / « or », and windows of 2, 3 and 4 words; sizes
chosen on the TECH / HOUSE validation sets) are the queries; a skill's
score is ``max(sentence cosine, best sub-phrase cosine − phrase_penalty)``. With a re-ranker
(``[rerank]``, ``--rerank``), the best ``top_n`` skills are scored the same way by the second
encoder and ranked by the weighted mean of both scores (``nlp.rerank``).
RP@K = |top-K ∩ gold| / min(K, |gold|) (reported for K = 1, 5, 10, ×100 as published); MRR = mean of
1 / rank of the first gold label; nDCG@100 = DCG@100 / ideal DCG@100 with DCG = Σ gain(label at rank r) /
log2(r + 1) (linear gains, the ``trec_eval`` convention) and the ideal DCG over the gold gains sorted, best
first, cut at 100. Gains are binary (1 per gold label) unless the CSV has a numeric ``grade`` (or
``relevance``) column: then a label's gain is its grade (the highest of its rows), and only labels graded
above 0 are gold for RP@K / MRR. The TECH / HOUSE / TECHWOLF files carry no grades (binary nDCG).
"""

from __future__ import annotations

import csv
import math
import re
import time
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import numpy as np

from nlp.embed import Encoder
from nlp.index import LabelIndex
from nlp.referential import Referential
from nlp.rerank import KeyRows, RerankConfig, combine
from skillgap.errors import InputFileError

NOT_SCORED = {"LABEL NOT PRESENT", "UNDERSPECIFIED"}
GRADE_COLUMNS = ("grade", "relevance")  # optional numeric column of graded annotations (first found wins)
NDCG_DEPTH = 100
_PIECES = re.compile(r"\s*(?:[,;:()/]|\band\b|\bor\b|\bwith\b|\bincluding\b|\bsuch as\b)\s*", re.IGNORECASE)


def read_annotations(path: Path) -> dict[str, set[str]]:
    """sentence → gold labels, from ``sentence,span,sub_span,label`` or ``sentence,label`` CSVs."""
    return {s: set(grades) for s, grades in read_graded_annotations(path).items()}


def read_graded_annotations(path: Path) -> dict[str, dict[str, float]]:
    """sentence → {gold label: gain}: 1.0 per label, or its grade when the CSV has a ``grade`` /
    ``relevance`` column (a label's highest grade over its rows; labels graded 0 or less are not gold).
    Sentences without a gold label are left out."""
    gold: dict[str, dict[str, float]] = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"sentence", "label"} <= set(reader.fieldnames):
                raise InputFileError(path, "colonnes « sentence » et « label » requises", line=1)
            column = next((c for c in GRADE_COLUMNS if c in reader.fieldnames), None)
            for line, row in enumerate(reader, start=2):
                labels = gold.setdefault(row["sentence"], {})
                if not row["label"] or row["label"] in NOT_SCORED:
                    continue
                gain = 1.0 if column is None else _grade(row[column], path, line, column)
                labels[row["label"]] = max(gain, labels.get(row["label"], gain))
    except OSError as e:
        raise InputFileError(path, f"lecture impossible : {e}") from e
    return {s: kept for s, labels in gold.items() if (kept := {k: g for k, g in labels.items() if g > 0})}


def graded_column(path: Path) -> str | None:
    """The grade column of an annotation CSV (``GRADE_COLUMNS``), None when its gains are binary."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle), [])
    except OSError as e:
        raise InputFileError(path, f"lecture impossible : {e}") from e
    return next((c for c in GRADE_COLUMNS if c in header), None)


def _grade(value: str | None, path: Path, line: int, column: str) -> float:
    try:
        return float(value or "")
    except ValueError:
        raise InputFileError(path, f"« {column} » doit être un nombre, pas {value!r}", line=line) from None


def rp_at_k(ranked: Sequence[str], gold: Collection[str], k: int) -> float:
    """R-Precision@K: |top-K ∩ gold| / min(K, |gold|), in [0, 1].

    >>> rp_at_k(["a", "x", "b"], {"a", "b", "c"}, 2)
    0.5
    """
    if not gold:
        return 0.0
    return len(set(ranked[:k]) & set(gold)) / min(k, len(gold))


def reciprocal_rank(ranked: Sequence[str], gold: Collection[str]) -> float:
    """1 / rank of the first gold key in ``ranked`` (0 when none is there).

    >>> reciprocal_rank(["x", "y", "a"], {"a"})
    0.3333333333333333
    """
    return next((1 / r for r, k in enumerate(ranked, start=1) if k in gold), 0.0)


def ndcg_at_k(ranked: Sequence[str], gains: Mapping[str, float], k: int = NDCG_DEPTH) -> float:
    """nDCG@K with linear gains: Σ_{r ≤ K} gain(ranked[r]) / log2(r + 1), over the same sum for the gold
    gains sorted best first (the ideal ranking, cut at K). Keys absent from ``gains`` gain 0; a key
    repeated in ``ranked`` counts once (its first rank).

    >>> ndcg_at_k(["a", "x"], {"a": 1.0})
    1.0
    >>> round(ndcg_at_k(["x", "a"], {"a": 1.0}), 4)
    0.6309
    """
    ideal = sorted((g for g in gains.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(r + 1) for r, g in enumerate(ideal, start=1))
    if idcg <= 0:
        return 0.0
    seen: set[str] = set()
    dcg = 0.0
    for r, key in enumerate(ranked[:k], start=1):
        if key not in seen:
            seen.add(key)
            dcg += gains.get(key, 0.0) / math.log2(r + 1)
    return dcg / idcg


def sub_phrases(sentence: str, *, windows: tuple[int, ...] = (2, 3, 4)) -> list[str]:
    """Pieces between separators, and sliding windows of each size in ``windows`` (no duplicates).

    >>> sub_phrases("Java and SQL, cloud", windows=(2,))
    ['Java', 'SQL', 'cloud', 'Java and', 'and SQL,', 'SQL, cloud']
    """
    pieces = [p for p in _PIECES.split(sentence) if p and p.strip()]
    words = sentence.split()
    spans = [" ".join(words[i : i + w]) for w in windows for i in range(max(len(words) - w + 1, 0))]
    return list(dict.fromkeys([*pieces, *spans]))


def esco_en_index(ref: Referential, encoder: Encoder, cache_dir: Path | None) -> LabelIndex:
    texts, keys = [], []
    for row in ref.esco_skills.itertuples(index=False):
        if not row.label_en:
            continue
        alts = row.alt_labels_en if row.alt_labels_en is not None else ()
        for label in dict.fromkeys([row.label_en, *alts]):
            if label:
                texts.append(label)
                keys.append(row.label_en)
    return LabelIndex.build(
        name="esco-skills-en", texts=texts, keys=keys, encoder=encoder, version_key=ref.version_key, cache_dir=cache_dir
    )


def sentence_scores(index: LabelIndex, encoder: Encoder, queries: Sequence[str], *, phrase_penalty: float = 0.05,
                    search_k: int = 200) -> dict[str, float]:
    """Skill → score for one sentence: ``queries`` = the sentence then its sub-phrases; a skill's score is
    ``max(sentence cosine, best sub-phrase cosine − phrase_penalty)`` (sentence and candidate phrases fused)."""
    per_query = index.best_per_key(encoder.encode(list(queries)), search_k)
    best: dict[str, float] = dict(per_query[0])
    for scores in per_query[1:]:
        for key, score in scores.items():
            if score - phrase_penalty > best.get(key, -2.0):
                best[key] = score - phrase_penalty
    return best


def evaluate_esco_linking(
    ref: Referential, encoder: Encoder, path: Path, *, cache_dir: Path | None, phrase_penalty: float = 0.05,
    search_k: int = 200, reranker: Encoder | None = None, rerank: RerankConfig | None = None,
) -> dict:
    """RP@1 / RP@5 / RP@10 / MRR / nDCG@100 of ``encoder`` (then ``reranker`` over its top candidates, when
    given). ``rp@K`` are percentages (×100, as published), ``mrr`` and ``ndcg@100`` in [0, 1];
    ``ndcg_gains`` says ``binary`` or ``graded:<column>``."""
    graded = read_graded_annotations(path)
    column = graded_column(path)
    index = esco_en_index(ref, encoder, cache_dir)
    second = KeyRows(esco_en_index(ref, reranker, cache_dir)) if reranker is not None else None
    rerank = rerank or RerankConfig()
    rp1 = rp5 = rp10 = mrr = ndcg = rerank_seconds = 0.0
    for sentence, gains in graded.items():
        labels = set(gains)
        queries = [sentence, *sub_phrases(sentence)]
        best = sentence_scores(index, encoder, queries, phrase_penalty=phrase_penalty, search_k=search_k)
        if second is not None:
            assert reranker is not None  # ``second`` is built from it
            started = time.perf_counter()
            keys = [k for k, _ in sorted(best.items(), key=lambda kv: -kv[1])[: rerank.top_n]]
            sims = second.best_per_key(reranker.encode(queries), keys)
            rescored = np.maximum(sims[0], sims[1:].max(axis=0, initial=-2.0) - phrase_penalty)
            best = combine(best, dict(zip(keys, rescored.tolist(), strict=True)), rerank)
            rerank_seconds += time.perf_counter() - started
        ranked = [k for k, _ in sorted(best.items(), key=lambda kv: -kv[1])]
        rp1 += rp_at_k(ranked, labels, 1)
        rp5 += rp_at_k(ranked, labels, 5)
        rp10 += rp_at_k(ranked, labels, 10)
        mrr += reciprocal_rank(ranked, labels)
        ndcg += ndcg_at_k(ranked, gains, NDCG_DEPTH)
    n = max(len(graded), 1)
    result = {"n": len(graded), "rp@1": round(100 * rp1 / n, 2), "rp@5": round(100 * rp5 / n, 2),
              "rp@10": round(100 * rp10 / n, 2), "mrr": round(mrr / n, 4),
              f"ndcg@{NDCG_DEPTH}": round(ndcg / n, 4), "ndcg_gains": f"graded:{column}" if column else "binary",
              "model": encoder.name}
    if reranker is not None:
        result |= {"reranker": reranker.name, "rerank_top_n": rerank.top_n, "rerank_weight": rerank.weight,
                   "rerank_ms_per_sentence": round(1000 * rerank_seconds / n, 2)}
    return result
