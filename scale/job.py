"""The driver script for ``spark-submit`` on a cluster (see scale/README.md, « Sur un cluster »).

    spark-submit … scale/job.py --store skillgap.duckdb --ads s3a://bucket/skillgap/ads \
        --out s3a://bucket/skillgap [--partitions 400] [--batch-size 256]

``--store`` is a store file holding the referentials (shipped with ``--files``; only read);
``--ads`` an ads dataset of the layout (``skillgap export parquet``); the NLP datasets go under
``--out``. The master is the one ``spark-submit`` gives. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> dict:
    from nlp.engine import NlpEngine
    from nlp.runtime import prepare
    from scale.spark import run_nlp, session

    parser = argparse.ArgumentParser(prog="scale/job.py", description="NLP de skillgap sur Spark (cluster).")
    parser.add_argument("--store", type=Path, required=True, help="magasin DuckDB avec les référentiels (lu)")
    parser.add_argument("--ads", required=True, help="jeu de données des offres (dossier ou s3a://…/ads)")
    parser.add_argument("--out", required=True, help="dossier (ou s3a://…) des jeux NLP écrits")
    parser.add_argument("--model", default=None, help="modèle d'embedding (défaut : nlp/config.toml)")
    parser.add_argument("--partitions", type=int, default=None, help="partitions des offres (défaut : 2 × cœurs)")
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args(argv)
    ref, config, _ = prepare(args.store, args.model)
    cache = Path(tempfile.mkdtemp(prefix="skillgap-driver-cache-"))  # executors build their own, once per worker
    engine = NlpEngine.create(ref, config, cache_dir=cache)
    spark = session("")
    try:
        result = run_nlp(spark, args.ads, args.out, engine, cache_dir=None, batch_size=args.batch_size,
                         partitions=args.partitions)
    finally:
        spark.stop()
    print(json.dumps(result, ensure_ascii=False, default=str))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
