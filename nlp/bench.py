"""``skillgap bench nlp``: end-to-end throughput (extraction + linking + occupation), cold phrase cache."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from nlp.config import NlpConfig
from nlp.engine import NlpEngine
from nlp.evaluate import ad_text, read_api_ads
from nlp.referential import Referential


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
        start = time.perf_counter()
        n_mentions = 0
        for begin in range(0, len(ads), batch_size):
            n_mentions += sum(len(r.mentions) for r in engine.process(ads[begin : begin + batch_size]))
        elapsed = time.perf_counter() - start
        engine.encoder.close()
    return {
        "n_ads": len(ads),
        "ads_per_s": round(len(ads) / elapsed, 1),
        "model": engine.model_name,
        "_seconds": round(elapsed, 2),
        "_mentions": n_mentions,
    }
