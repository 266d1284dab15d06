"""``skillgap bench gaps``: time to compute the gap reports of every occupation of a store.

The store is copied, optionally inflated to ``n_ads`` with synthetic copies of its ads (ticked
skills, NLP mentions, links and occupations copied with them: ``crawler.bench.inflate_ads`` and
``nlp.bench.copy_rows_of_ad_copies``), then ``compute_gaps`` runs for every occupation that has ads,
reusing one block index.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from analysis.gaps import GapContext, compute_gaps
from crawler import queries as ad_queries
from models.queries import GapQuery
from nlp import queries as nlp_queries
from nlp.embed import Encoder
from skillgap.errors import UserError
from skillgap.store import connect


def bench_gaps(store: Path, encoder: Encoder, *, n_ads: int | None = None) -> dict:
    """Seconds to compute gaps for all occupations with ads (see module docstring)."""
    from crawler.bench import bench_ad_copies, inflate_ads
    from nlp.bench import copy_rows_of_ad_copies

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "bench.duckdb"
        shutil.copy(store, copy)
        if n_ads:
            with connect(copy) as write:
                inflate_ads(write, n_ads, store=store)
                copy_rows_of_ad_copies(write, bench_ad_copies(write))
        con = connect(copy, read_only=True)
        total = ad_queries.count_ads(con)
        codes = nlp_queries.occupations_of_ads(con)
        ctx = GapContext(con, encoder)
        started = time.perf_counter()
        ctx.coverage_index()
        index_s = time.perf_counter() - started
        outcomes = {"ok": 0, "refused": 0}
        for code in codes:
            try:
                compute_gaps(ctx, GapQuery(rome_code=code))
                outcomes["ok"] += 1
            except UserError:
                outcomes["refused"] += 1
        seconds = time.perf_counter() - started
        con.close()
    return {"n_ads": total, "n_occupations": len(codes), "reports": outcomes["ok"],
            "refused": outcomes["refused"], "index_s": round(index_s, 2), "seconds": round(seconds, 2),
            "occupations_per_s": round(len(codes) / seconds, 2), "model": encoder.name}
