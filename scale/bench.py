"""``skillgap bench spark``: ads/s of the local engine, Spark ``local[1]`` and ``local[2]`` on the same ads.

The ads are the store's, repeated (new ids ``<id>~<k>``) up to ``n_ads``, written once as an ads
dataset. Each engine processes all of them with the same code and batch size; times exclude the
driver's engine creation (encoder + indexes, reported apart) and, for Spark, the session start
(reported apart), but include the executors' own engine creation (the cost a cluster pays per
worker). Memory: peak resident set of each Python worker and of the driver JVM (which hosts the
executor in local mode), from the kernel (Linux).
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from crawler import queries as ad_queries
from nlp.engine import AdText, NlpEngine
from scale import datasets
from skillgap.errors import InsufficientDataError
from skillgap.store import connect


def repeated_ads(store: Path, n_ads: int) -> pa.Table:
    """The store's ads (export columns), repeated with new ids up to ``n_ads`` rows."""
    con = connect(store, read_only=True)
    try:
        ads = ad_queries.export_tables(con)["ads"]
    finally:
        con.close()
    if ads.num_rows == 0:
        raise InsufficientDataError(f"magasin {store} : aucune offre à mesurer (lancez d'abord skillgap ingest)")
    parts: list[pa.Table] = []
    k = 0
    while sum(p.num_rows for p in parts) < n_ads:
        ids = ads.column("ad_id") if k == 0 else pc.binary_join_element_wise(ads.column("ad_id"), f"~{k}", "")
        parts.append(ads.set_column(ads.column_names.index("ad_id"), "ad_id", ids))
        k += 1
    return pa.concat_tables(parts).slice(0, n_ads)


def _local(engine: NlpEngine, ads: pa.Table, batch_size: int) -> dict:
    texts = [AdText(a or "", t or "", d or "") for a, t, d in zip(ads.column("ad_id").to_pylist(),
             ads.column("title").to_pylist(), ads.column("description").to_pylist(), strict=True)]
    engine.clear_caches()
    started = time.perf_counter()
    for i in range(0, len(texts), batch_size):
        engine.process(texts[i : i + batch_size])
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "ads_per_s": round(len(texts) / seconds, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def bench_spark(store: Path, engine: NlpEngine, *, cache_dir: Path | None, n_ads: int = 10_000,
                masters: tuple[str, ...] = ("local[1]", "local[2]"), batch_size: int = 256,
                progress: Callable[[str], None] | None = None) -> dict:
    """Run the three engines on the same ``n_ads`` ads; returns ads/s and ratios (see the module docstring)."""
    from scale.spark import jvm_peak_rss_kb, require_spark, run_nlp, session

    require_spark()
    say = progress or (lambda _line: None)
    ads = repeated_ads(store, n_ads)
    distinct = {a.split("~")[0] for a in ads.column("ad_id").to_pylist()}
    result: dict = {"n_ads": ads.num_rows, "distinct_ads": len(distinct)}
    with tempfile.TemporaryDirectory(prefix="skillgap-bench-spark-") as tmp:
        root = Path(tmp)
        datasets.write(root, "ads", datasets.with_partitions(ads, datasets.DATASETS["ads"].partitions,
                                                             datasets.months(ads)))
        say(f"local : {ads.num_rows} annonces…")
        result["local"] = _local(engine, ads, batch_size)
        for master in masters:
            say(f"spark {master} : {ads.num_rows} annonces…")
            started = time.perf_counter()
            spark = session(master, app_name=f"skillgap-bench-{master}")
            start_s = time.perf_counter() - started
            try:
                cores = spark.sparkContext.defaultParallelism
                run = run_nlp(spark, str(root / "ads"), str(root / master.replace("[", "_").replace("]", "")),
                              engine, cache_dir=cache_dir, batch_size=batch_size, partitions=max(2, 2 * cores))
                jvm = jvm_peak_rss_kb(spark)
            finally:
                spark.stop()
            result[master] = {
                "seconds": run["seconds"], "ads_per_s": round(ads.num_rows / run["seconds"], 1),
                "session_start_s": round(start_s, 1), "partitions": run["partitions"],
                "workers_time": run["workers_time"],
                "python_worker_peak_rss_mb": sorted(round(v / 1024) for v in run["worker_peak_rss_kb"].values()),
                "driver_jvm_peak_rss_mb": None if jvm is None else round(jvm / 1024),
            }
    base = result["local"]["ads_per_s"]
    result["ratios"] = {m: round(result[m]["ads_per_s"] / base, 2) for m in masters}
    return result
