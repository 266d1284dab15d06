"""``skillgap bench gaps``: time to compute the gap reports of every occupation of a store.

The store is copied, optionally inflated to ``n_ads`` with synthetic copies of its ads (ticked
skills, NLP mentions, links and occupations copied with them: ``api.bench.inflate_store`` plus the
NLP tables), then ``compute_gaps`` runs for every occupation that has ads, reusing one block index.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from analysis.gaps import GapContext, compute_gaps
from nlp.embed import Encoder
from skillgap.errors import UserError
from skillgap.store import connect


def _copy_nlp_rows(path: Path) -> None:
    con = connect(path)
    try:
        copies = ("SELECT ad_id AS new_id, regexp_extract(ad_id, '^bench:[0-9]+:(.*)$', 1) AS old_id "
                  "FROM core_ads__job_ads WHERE ad_id LIKE 'bench:%'")
        con.execute(f"""INSERT INTO core_nlp__mentions SELECT m.* REPLACE (c.new_id AS ad_id,
                          c.new_id || substr(m.mention_id, length(m.ad_id) + 1) AS mention_id)
                        FROM core_nlp__mentions m JOIN ({copies}) c ON c.old_id = m.ad_id""")
        con.execute(f"""INSERT INTO core_nlp__links SELECT l.* REPLACE (c.new_id AS ad_id,
                          c.new_id || substr(l.mention_id, length(l.ad_id) + 1) AS mention_id)
                        FROM core_nlp__links l JOIN ({copies}) c ON c.old_id = l.ad_id""")
        con.execute(f"""INSERT INTO core_nlp__occupations SELECT o.* REPLACE (c.new_id AS ad_id)
                        FROM core_nlp__occupations o JOIN ({copies}) c ON c.old_id = o.ad_id""")
    finally:
        con.close()


def bench_gaps(store: Path, encoder: Encoder, *, n_ads: int | None = None) -> dict:
    """Seconds to compute gaps for all occupations with ads (see module docstring)."""
    from api.bench import inflate_store

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "bench.duckdb"
        shutil.copy(store, copy)
        if n_ads:
            inflate_store(copy, n_ads)
            _copy_nlp_rows(copy)
        con = connect(copy, read_only=True)
        counted = con.execute("SELECT count(*) FROM core_ads__job_ads").fetchone()
        assert counted is not None  # count(*) always returns one row
        total = counted[0]
        codes = [r[0] for r in con.execute(
            "SELECT DISTINCT coalesce(o.rome_code, a.rome_code) FROM core_ads__job_ads a "
            "LEFT JOIN core_nlp__occupations o USING (ad_id) WHERE coalesce(o.rome_code, a.rome_code) IS NOT NULL "
            "ORDER BY 1").fetchall()]
        ctx = GapContext(con, encoder)
        started = time.perf_counter()
        ctx.coverage_index()
        index_s = time.perf_counter() - started
        outcomes = {"ok": 0, "refused": 0}
        for code in codes:
            try:
                compute_gaps(ctx, rome_code=code)
                outcomes["ok"] += 1
            except UserError:
                outcomes["refused"] += 1
        seconds = time.perf_counter() - started
        con.close()
    return {"n_ads": total, "n_occupations": len(codes), "reports": outcomes["ok"],
            "refused": outcomes["refused"], "index_s": round(index_s, 2), "seconds": round(seconds, 2),
            "occupations_per_s": round(len(codes) / seconds, 2), "model": encoder.name}
