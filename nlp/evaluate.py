"""Evaluation on France Travail API ads: skills ranking and occupation (``skillgap eval …``).

Only ``intitule`` and ``description`` are read as inputs. ``competences`` (skills) and ``romeCode``
(occupation) are read as gold, after prediction, and never reach the engine.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from nlp.engine import AdText, NlpEngine
from skillgap.errors import InputFileError

SKILL_KS = (5, 10, 20)


def read_api_ads(path: Path) -> Iterator[dict]:
    """France Travail API offer objects, one JSON object a line (.jsonl or .jsonl.gz)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputFileError(path, f"JSON invalide : {e.msg}", line=line_no) from e
    except OSError as e:
        raise InputFileError(path, f"lecture impossible : {e}") from e


def ad_text(obj: dict, index: int) -> AdText:
    """The inputs of one ad: id, title and description only."""
    return AdText(
        ad_id=str(obj.get("id") or f"line-{index}"),
        title=str(obj.get("intitule") or ""),
        description=str(obj.get("description") or ""),
    )


def evaluate_skills(engine: NlpEngine, path: Path) -> dict:
    """recall@5/10/20 and MRR of ranked ROME codes against the ticked codes of each ad."""
    known = set(engine.ranker.codes)
    items, n_gold, n_unknown = [], 0, 0
    for i, obj in enumerate(read_api_ads(path)):
        codes = {c.get("code") for c in obj.get("competences") or [] if c.get("code")}
        if not codes:
            continue
        n_gold += len(codes)
        n_unknown += len(codes - known)
        if codes & known:
            items.append((ad_text(obj, i), codes & known))
    vectors = _mention_vectors(engine, [ad for ad, _ in items])
    fiches = engine.predict_occupations([ad.title for ad, _ in items], vectors)
    recalls = {k: 0.0 for k in SKILL_KS}
    mrr = 0.0
    for (_, gold), fiche, vecs in zip(items, fiches, vectors, strict=True):
        ranked = [c for c, _ in engine.ranker.rank_ad(vecs, fiche.rome_codes, k=100)]
        for k in SKILL_KS:
            recalls[k] += len(gold & set(ranked[:k])) / len(gold)
        mrr += next((1 / r for r, c in enumerate(ranked, start=1) if c in gold), 0.0)
    n = max(len(items), 1)
    return {
        "n_ads": len(items),
        **{f"recall@{k}": round(recalls[k] / n, 4) for k in SKILL_KS},
        "mrr": round(mrr / n, 4),
        "_gold_codes": n_gold,
        "_gold_codes_unmapped": n_unknown,
    }


def _mention_vectors(engine: NlpEngine, ads: list[AdText]) -> list[np.ndarray]:
    """The vectors of each ad's candidate phrases, as ``NlpEngine.process`` computes them."""
    return [engine.encode_candidates(engine.candidates(ad.description)) for ad in ads]


def evaluate_occupations(engine: NlpEngine, path: Path) -> dict:
    """acc@1/@3 at the ROME v3 level (parent of the predicted 4.0 fiche vs parent of ``romeCode``), the
    title and the description read as ``NlpEngine.process`` reads them."""
    items = [(ad_text(obj, i), code) for i, obj in enumerate(read_api_ads(path)) if (code := obj.get("romeCode"))]
    ads = [ad for ad, _ in items]
    fiches = engine.predict_occupations([ad.title for ad in ads], _mention_vectors(engine, ads))
    parent = engine.ref.parent_code
    hit1 = hit3 = exact1 = 0
    for (_, gold), fiche in zip(items, fiches, strict=True):
        parents = list(dict.fromkeys(parent(c) for c in fiche.rome_codes))
        hit1 += bool(parents) and parents[0] == parent(gold)
        hit3 += parent(gold) in parents[:3]
        exact1 += bool(fiche.rome_codes) and fiche.rome_codes[0] == gold
    n = max(len(items), 1)
    return {
        "n_ads": len(items),
        "acc@1": round(hit1 / n, 4),
        "acc@3": round(hit3 / n, 4),
        "_exact_code_acc@1": round(exact1 / n, 4),
    }
