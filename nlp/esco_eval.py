"""``skillgap eval esco-linking``: rank all ESCO skills for English job-ad sentences (TECH / HOUSE /
TECHWOLF sets of Decorte et al.), sentence level as published.

Gold = the ESCO preferred labels of a sentence other than ``LABEL NOT PRESENT`` / ``UNDERSPECIFIED``.
Each skill is indexed by its English preferred and alternative labels; the sentence and its
sub-phrases (pieces between commas / « and » / « or », and windows of 2, 3 and 4 words; sizes
chosen on the TECH / HOUSE validation sets) are the queries; a skill's
score is ``max(sentence cosine, best sub-phrase cosine − phrase_penalty)``. With a re-ranker
(``[rerank]``, ``--rerank``), the best ``top_n`` skills are scored the same way by the second
encoder and ranked by the weighted mean of both scores (``nlp.rerank``).
RP@K = |top-K ∩ gold| / min(K, |gold|); MRR = mean of 1 / rank of the first gold label.
"""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import numpy as np

from nlp.embed import Encoder
from nlp.index import LabelIndex
from nlp.referential import Referential
from nlp.rerank import KeyRows, RerankConfig, combine
from skillgap.errors import InputFileError

NOT_SCORED = {"LABEL NOT PRESENT", "UNDERSPECIFIED"}
_PIECES = re.compile(r"\s*(?:[,;:()/]|\band\b|\bor\b|\bwith\b|\bincluding\b|\bsuch as\b)\s*", re.IGNORECASE)


def read_annotations(path: Path) -> dict[str, set[str]]:
    """sentence → gold labels, from ``sentence,span,sub_span,label`` or ``sentence,label`` CSVs."""
    gold: dict[str, set[str]] = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"sentence", "label"} <= set(reader.fieldnames):
                raise InputFileError(path, "colonnes « sentence » et « label » requises", line=1)
            for row in reader:
                labels = gold.setdefault(row["sentence"], set())
                if row["label"] and row["label"] not in NOT_SCORED:
                    labels.add(row["label"])
    except OSError as e:
        raise InputFileError(path, f"lecture impossible : {e}") from e
    return {s: labels for s, labels in gold.items() if labels}


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


def evaluate_esco_linking(
    ref: Referential, encoder: Encoder, path: Path, *, cache_dir: Path | None, phrase_penalty: float = 0.05,
    search_k: int = 200, reranker: Encoder | None = None, rerank: RerankConfig | None = None,
) -> dict:
    """RP@5 / RP@10 / MRR of ``encoder`` (then ``reranker`` over its top candidates, when given)."""
    gold = read_annotations(path)
    index = esco_en_index(ref, encoder, cache_dir)
    second = KeyRows(esco_en_index(ref, reranker, cache_dir)) if reranker is not None else None
    rerank = rerank or RerankConfig()
    rp5 = rp10 = mrr = rerank_seconds = 0.0
    for sentence, labels in gold.items():
        queries = [sentence, *sub_phrases(sentence)]
        per_query = index.best_per_key(encoder.encode(queries), search_k)
        best: dict[str, float] = dict(per_query[0])
        for scores in per_query[1:]:
            for key, score in scores.items():
                if score - phrase_penalty > best.get(key, -2.0):
                    best[key] = score - phrase_penalty
        if second is not None:
            assert reranker is not None  # ``second`` is built from it
            started = time.perf_counter()
            keys = [k for k, _ in sorted(best.items(), key=lambda kv: -kv[1])[: rerank.top_n]]
            sims = second.best_per_key(reranker.encode(queries), keys)
            rescored = np.maximum(sims[0], sims[1:].max(axis=0, initial=-2.0) - phrase_penalty)
            best = combine(best, dict(zip(keys, rescored.tolist(), strict=True)), rerank)
            rerank_seconds += time.perf_counter() - started
        ranked = [k for k, _ in sorted(best.items(), key=lambda kv: -kv[1])]
        rp5 += len(labels & set(ranked[:5])) / min(5, len(labels))
        rp10 += len(labels & set(ranked[:10])) / min(10, len(labels))
        mrr += next((1 / r for r, k in enumerate(ranked, start=1) if k in labels), 0.0)
    n = max(len(gold), 1)
    result = {"n": len(gold), "rp@5": round(100 * rp5 / n, 2), "rp@10": round(100 * rp10 / n, 2),
              "mrr": round(mrr / n, 4), "model": encoder.name}
    if reranker is not None:
        result |= {"reranker": reranker.name, "rerank_top_n": rerank.top_n, "rerank_weight": rerank.weight,
                   "rerank_ms_per_sentence": round(1000 * rerank_seconds / n, 2)}
    return result
