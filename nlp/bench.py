"""``skillgap bench nlp``: end-to-end throughput (extraction + linking + occupation), cold phrase
cache; and the encoder alone on the ads' distinct candidate phrases (``encode_phrases_per_s``).

``--against MODEL`` measures a second model in the same run, side by side: both engines are loaded
first, then their timed runs alternate (A, B, A, B … ``--repeat`` times) so that both see the same
machine load; each model's figure is its best run and ``speedup`` is the ratio of the two.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from nlp.config import NlpConfig
from nlp.engine import AdText, NlpEngine
from nlp.evaluate import ad_text, read_api_ads
from nlp.referential import Referential
from nlp.text import fold
from skillgap.store import registered


def copy_rows_of_ad_copies(con: duckdb.DuckDBPyConnection, copies: Sequence[tuple[str, str]]) -> None:
    """Give synthetic copies of ads (``crawler.bench.inflate_ads``: (copy id, original id)) the NLP
    rows of their originals, mention ids renamed (benchmarks only: run on a copy of a store)."""
    if not copies:
        return
    table = pa.table({"new_id": pa.array([c[0] for c in copies], pa.string()),
                      "old_id": pa.array([c[1] for c in copies], pa.string())})
    with registered(con, "_bench_copies", table):
        con.execute("""INSERT INTO core_nlp__mentions SELECT m.* REPLACE (c.new_id AS ad_id,
                          c.new_id || substr(m.mention_id, length(m.ad_id) + 1) AS mention_id)
                        FROM core_nlp__mentions m JOIN _bench_copies c ON c.old_id = m.ad_id""")
        con.execute("""INSERT INTO core_nlp__links SELECT l.* REPLACE (c.new_id AS ad_id,
                          c.new_id || substr(l.mention_id, length(l.ad_id) + 1) AS mention_id)
                        FROM core_nlp__links l JOIN _bench_copies c ON c.old_id = l.ad_id""")
        con.execute("""INSERT INTO core_nlp__occupations SELECT o.* REPLACE (c.new_id AS ad_id)
                        FROM core_nlp__occupations o JOIN _bench_copies c ON c.old_id = o.ad_id""")


def bench_nlp(ref: Referential, config: NlpConfig, ads_path: Path, *, index_cache_dir: Path | None,
              batch_size: int = 256, against: NlpConfig | None = None, repeat: int = 1,
              progress=None) -> dict:
    """ads/s of ``NlpEngine.process`` with the model loaded and warmed, phrase cache empty (best of
    ``repeat`` runs); with ``against``, the same for that configuration, runs interleaved.

    Indexes come from ``index_cache_dir`` (built beforehand if missing); each run's phrases go to a
    fresh temporary cache so that no ad phrase is already known.
    """
    ads = [ad_text(obj, i) for i, obj in enumerate(read_api_ads(ads_path))]
    engines = [_loaded(ref, c, index_cache_dir, ads[:32]) for c in (config, against) if c is not None]
    seconds: list[list[float]] = [[] for _ in engines]
    mentions = 0
    for run in range(repeat):
        for i, engine in enumerate(engines):
            elapsed, mentions = _timed_run(engine, ads, batch_size)
            seconds[i].append(elapsed)
            if progress is not None:
                progress(f"run {run + 1}/{repeat} {engine.model_name}: {len(ads) / elapsed:.1f} ads/s")
    results = [_figures(engine, ads, min(times)) for engine, times in zip(engines, seconds, strict=True)]
    out = {"n_ads": len(ads), **results[0], "_mentions": mentions}
    if len(results) > 1:
        out["against"] = {k: v for k, v in results[1].items() if not k.startswith("_")}
        out["speedup"] = round(results[0]["ads_per_s"] / results[1]["ads_per_s"], 2)
    if repeat > 1:
        out["repeat"] = repeat
        out["_runs_ads_per_s"] = [[round(len(ads) / s, 1) for s in times] for times in seconds]
    return out


def _loaded(ref: Referential, config: NlpConfig, index_cache_dir: Path | None, warm_up: Sequence[AdText]) -> NlpEngine:
    """An engine with its indexes built and a first (untimed) pass over ``warm_up`` done: weights
    loaded, thread pools started; the timed runs then start from cold caches (``_timed_run``)."""
    engine = NlpEngine.create(ref, config, cache_dir=index_cache_dir)
    engine.esco_index()  # indexes built or read, not timed
    _timed_run(engine, warm_up, len(warm_up) or 1)
    return engine


def _timed_run(engine: NlpEngine, ads: Sequence[AdText], batch_size: int) -> tuple[float, int]:
    """Seconds to process ``ads`` with every cache of ad text empty, and the mentions found."""
    kept = engine.encoder, engine.rerank_encoder
    with tempfile.TemporaryDirectory(prefix="skillgap-bench-") as tmp:
        engine.encoder = type(kept[0])(kept[0].inner, Path(tmp))
        if kept[1] is not None:
            engine.rerank_encoder = type(kept[1])(kept[1].inner, Path(tmp))
        engine.clear_caches()
        try:
            start = time.perf_counter()
            n_mentions = 0
            for begin in range(0, len(ads), batch_size):
                n_mentions += sum(len(r.mentions) for r in engine.process(ads[begin : begin + batch_size]))
            elapsed = time.perf_counter() - start
        finally:
            for encoder in (engine.encoder, engine.rerank_encoder):
                if encoder is not None:
                    encoder.close()
            engine.encoder, engine.rerank_encoder = kept
    return elapsed, n_mentions


def _figures(engine: NlpEngine, ads: Sequence[AdText], seconds: float) -> dict:
    phrases = list(dict.fromkeys(fold(c.text) for ad in ads for c in engine.candidates(ad.description or "")))
    encode_seconds = _encode_seconds(engine.encoder.inner, phrases)
    return {
        "ads_per_s": round(len(ads) / seconds, 1),
        "model": engine.model_name,
        "reranker": engine.rerank_encoder.name if engine.rerank_encoder is not None else None,
        "encode_phrases_per_s": round(len(phrases) / encode_seconds),
        "_encoded_phrases": len(phrases),
        "_seconds": round(seconds, 2),
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
