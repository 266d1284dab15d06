"""``skillgap export parquet`` / ``skillgap import parquet``: the store ↔ the Parquet layout.

Reads and writes go through the owners (``crawler.queries.export_tables`` /
``crawler.storage.replace_ads``, ``nlp.queries.export_tables`` / ``nlp.process.store_tables``):
this module names no table. Import is how the API and the reports read a layout written
elsewhere (a Spark run on a cluster): DuckDB reads the Parquet files (``scale.datasets.read``)
and the owners store the rows, so every surface works unchanged on the imported store.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from crawler import queries as ad_queries
from nlp import queries as nlp_queries
from scale import datasets
from skillgap.errors import UserError

log = logging.getLogger(__name__)


def export_parquet(con: duckdb.DuckDBPyConnection, out: Path, *, nlp: bool = True) -> dict:
    """Write the stored ads (and, with ``nlp``, the NLP rows) under ``out`` (``scale.datasets``);
    each dataset written is replaced. Returns the rows per dataset and the seconds it took."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    tables = ad_queries.export_tables(con)
    of_ads = datasets.months(tables["ads"])
    if nlp:
        tables |= nlp_queries.export_tables(con)
    rows, schemas = {}, {}
    for name, table in tables.items():
        full = datasets.with_partitions(table, datasets.DATASETS[name].partitions, of_ads)
        rows[name] = datasets.write(out, name, full)
        schemas[name] = full.schema
    datasets.write_schema(out, schemas, rows, written_by="skillgap export parquet")
    return {"out": str(out), **{f"n_{k}": v for k, v in rows.items()},
            "seconds": round(time.perf_counter() - started, 2)}


def read_datasets(con: duckdb.DuckDBPyConnection, root: Path, names: tuple[str, ...]) -> dict[str, pa.Table]:
    """The datasets ``names`` of ``root`` that hold files (read by DuckDB)."""
    datasets.layout(root)
    found = {}
    for name in names:
        table = datasets.read(con, root, name)
        if table is not None:
            found[name] = table
    return found


def import_parquet(con: duckdb.DuckDBPyConnection, root: Path, *, ads: bool = True) -> dict:
    """Store the datasets of ``root`` (replacing the stored rows of the same ads): the ads (with
    ``ads``) and the NLP rows. Returns the rows per dataset."""
    from crawler.storage import replace_ads
    from nlp.process import store_tables

    started = time.perf_counter()
    crawler_names = tuple(n for n, d in datasets.DATASETS.items() if d.owner == "crawler")
    counts: dict[str, int] = {}
    if ads:
        crawler_tables = read_datasets(con, root, crawler_names)
        if "ads" not in crawler_tables:
            raise UserError(f"{root}/ads : jeu de données des offres absent ou vide")
        counts |= replace_ads(con, crawler_tables)
    nlp_tables = read_datasets(con, root, datasets.NLP_DATASETS)
    if nlp_tables:
        processed = nlp_tables.get("processed_ads")
        if processed is None:
            raise UserError(f"{root}/processed_ads : jeu de données absent alors que d'autres résultats NLP "
                            "sont présents")
        store_tables(con, processed.column("ad_id").to_pylist(), nlp_tables)
        counts |= {name: t.num_rows for name, t in nlp_tables.items()}
    log.info("parquet import from %s: %s", root, counts)
    return {"from": str(root), **{f"n_{k}": v for k, v in counts.items()},
            "seconds": round(time.perf_counter() - started, 2)}
