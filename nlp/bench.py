"""``skillgap bench nlp``: end-to-end throughput (extraction + linking + occupation), cold phrase
cache; and the encoder alone on the ads' distinct candidate phrases (``encode_phrases_per_s``)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from nlp.config import NlpConfig
from nlp.engine import NlpEngine
from nlp.evaluate import ad_text, read_api_ads
from nlp.referential import Referential
from nlp.text import fold


def bench_nlp(ref: Referential, config: NlpConfig, ads_path: Path, *, index_cache_dir: Path | None,
              batch_size: int = 256) -> dict:
    """ads/s of ``NlpEngine.process`` with the model loaded and warmed, phrase cache empty.

    Indexes come from ``index_cache_dir`` (built beforehand if missing); phrases go to a fresh
    temporary cache so that no ad phrase is already known.
    """
    ads = [ad_text(obj, i) for i, obj in enumerate(read_api_ads(ads_path))]
    NlpEngine.create(ref, config, cache_dir=index_cache_dir).esco_index()  # indexes built, not timed
    with tempfile.TemporaryDirectory(prefix="skillgap-bench-") as tmp:
        engine = NlpEngine.create(ref, config, cache_dir=index_cache_dir)
        engine.esco_index()
        engine.encoder = type(engine.encoder)(engine.encoder.inner, Path(tmp))
        engine.encoder.inner.encode(["échauffement du modèle"])  # weights loaded
        if engine.rerank_encoder is not None:
            engine.rerank_encoder = type(engine.rerank_encoder)(engine.rerank_encoder.inner, Path(tmp))
            engine.rerank_encoder.inner.encode(["échauffement du modèle"])
        start = time.perf_counter()
        n_mentions = 0
        for begin in range(0, len(ads), batch_size):
            n_mentions += sum(len(r.mentions) for r in engine.process(ads[begin : begin + batch_size]))
        elapsed = time.perf_counter() - start
        engine.encoder.close()
        if engine.rerank_encoder is not None:
            engine.rerank_encoder.close()
    phrases = list(dict.fromkeys(fold(c.text) for ad in ads for c in engine.candidates(ad.description or "")))
    encode_seconds = _encode_seconds(engine.encoder.inner, phrases)
    return {
        "n_ads": len(ads),
        "ads_per_s": round(len(ads) / elapsed, 1),
        "model": engine.model_name,
        "reranker": engine.rerank_encoder.name if engine.rerank_encoder is not None else None,
        "encode_phrases_per_s": round(len(phrases) / encode_seconds),
        "_encoded_phrases": len(phrases),
        "_seconds": round(elapsed, 2),
        "_mentions": n_mentions,
    }


def _encode_seconds(encoder, phrases: list[str], *, repeats: int = 3) -> float:
    """Best of ``repeats`` timings of encoding ``phrases`` (no cache), in batches of 1,024; one
    timing only when it takes more than 5 s (a slow encoder)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for begin in range(0, len(phrases), 1024):
            encoder.encode(phrases[begin : begin + 1024])
        best = min(best, time.perf_counter() - start)
        if best > 5:
            break
    return max(best, 1e-9)
