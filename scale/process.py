"""``skillgap process --engine spark``: the store's ads through Spark, the NLP rows back into the store.

1. the stored ads are written as the ``ads`` dataset under ``datasets_dir`` (``export_parquet``),
   unless ``ads_from`` names an ads dataset already there (a cluster's ``s3a://…/ads``);
2. ``scale.spark.run_nlp`` writes the NLP datasets under ``datasets_dir`` (same layout);
3. with ``load``, they are stored (``import_parquet``, NLP rows only), replacing those ads' rows.

Spark processes every ad of the dataset (as ``--reprocess`` does locally).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from nlp.engine import NlpEngine
from scale import datasets
from scale.exchange import export_parquet, import_parquet
from scale.spark import require_spark, run_nlp, session
from skillgap.errors import UserError


def is_local(path: str) -> bool:
    return "://" not in path or path.startswith("file://")


def process_on_spark(con: duckdb.DuckDBPyConnection, engine: NlpEngine, *, cache_dir: Path | None,
                     datasets_dir: str, master: str = "local[2]", ads_from: str | None = None,
                     batch_size: int = 256, partitions: int | None = None, load: bool = True) -> dict:
    """Run the NLP stage on Spark (see the module docstring); returns counts."""
    from nlp.process import result_tables

    require_spark()
    if ads_from is None:
        if not is_local(datasets_dir):
            raise UserError(f"--datasets {datasets_dir} : les offres du magasin s'exportent vers un dossier local ; "
                            "sur un cluster, lancez scale/job.py (scale/README.md)")
        export_parquet(con, Path(datasets_dir), nlp=False)
        ads_from = f"{datasets_dir.rstrip('/')}/ads"
    spark = session(master)
    try:
        result = run_nlp(spark, ads_from, datasets_dir, engine, cache_dir=cache_dir, batch_size=batch_size,
                         partitions=partitions)
    finally:
        spark.stop()
    counts = {"n_ads": result["rows"]["processed_ads"],
              "n_skipped": None, "n_mentions": result["rows"]["mentions"], "n_links": result["rows"]["links"],
              "spark_seconds": result["seconds"], "partitions": result["partitions"], "datasets": datasets_dir}
    if is_local(datasets_dir):
        root = Path(datasets_dir.removeprefix("file://"))
        schemas = {name: t.schema.append(pa.field("month", pa.string()))
                   for name, t in result_tables(engine, []).items()}
        datasets.write_schema(root, schemas, result["rows"], written_by="skillgap process --engine spark")
        if load:
            imported = import_parquet(con, root, ads=False)
            counts["loaded_seconds"] = imported["seconds"]
            skipped = datasets.read(con, root, "processed_ads")
            counts["n_skipped"] = None if skipped is None else \
                skipped.num_rows - skipped.column("skipped_reason").null_count
    return counts
