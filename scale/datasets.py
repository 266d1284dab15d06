"""The Parquet exchange layout: one folder per dataset, Hive partitions, one schema file.

```
DIR/_schema.json                                    layout version, per dataset: partitions, columns, rows
DIR/ads/month=2025-03/source=france_travail/*.parquet
DIR/ad_sources/month=2025-03/source=jobposting/*.parquet
DIR/ticked_skills/month=2025-03/*.parquet
DIR/processed_ads|mentions|links|occupations/month=2025-03/*.parquet
```

``month`` is the ``YYYY-MM`` of the ad's ``created_at`` (``undated`` without date), the same for
every row of an ad in every dataset (a month of ads and its NLP rows are one set of folders);
``source`` is the first source, alphabetical, that published the ad (``unknown`` without one).
The columns are those of the owners' tables (``crawler.schema`` / ``nlp.schema``: the datasets
are their ``DATASETS``), read and written only through their functions, plus the partitions.

Written by ``skillgap export parquet`` (pyarrow) and by the Spark engine (``scale.spark``: same
names, same Hive layout); read back by DuckDB (``read``: ``read_parquet`` with Hive partitions)
and by Spark (``spark.read.parquet``).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from skillgap.errors import UserError

LAYOUT_VERSION = 1
SCHEMA_FILE = "_schema.json"
UNDATED = "undated"
NO_SOURCE = "unknown"


@dataclass(frozen=True)
class Dataset:
    name: str
    owner: str
    partitions: tuple[str, ...]


DATASETS = {d.name: d for d in (
    Dataset("ads", "crawler", ("month", "source")),
    Dataset("ad_sources", "crawler", ("month", "source")),
    Dataset("ticked_skills", "crawler", ("month",)),
    Dataset("processed_ads", "nlp", ("month",)),
    Dataset("mentions", "nlp", ("month",)),
    Dataset("links", "nlp", ("month",)),
    Dataset("occupations", "nlp", ("month",)),
)}
NLP_DATASETS = tuple(n for n, d in DATASETS.items() if d.owner == "nlp")


def months(ads: pa.Table) -> pa.Table:
    """(ad_id, month, source) of every ad of the ``ads`` dataset (its ``created_at`` and ``source``)."""
    created = ads.column("created_at").cast(pa.timestamp("us"))
    month = pc.fill_null(pc.strftime(created, format="%Y-%m"), UNDATED)
    source = pc.fill_null(ads.column("source"), NO_SOURCE) if "source" in ads.column_names else \
        pa.array([NO_SOURCE] * ads.num_rows, pa.string())
    return pa.table({"ad_id": ads.column("ad_id"), "month": month, "source": source})


def with_partitions(table: pa.Table, partitions: tuple[str, ...], of_ads: pa.Table) -> pa.Table:
    """``table`` with the partition columns it lacks, taken from ``of_ads`` (``months``) by ``ad_id``;
    rows of an ad absent from ``of_ads`` go to ``month=undated`` / ``source=unknown``."""
    missing = [p for p in partitions if p not in table.column_names]
    con = duckdb.connect()
    try:
        con.register("_rows", table)
        con.register("_months", of_ads)
        added = "".join(f", m.{p}" for p in missing)
        joined = con.sql(f"SELECT r.*{added} FROM _rows r LEFT JOIN _months m USING (ad_id)").to_arrow_table() \
            if missing else table
    finally:
        con.close()
    for p in partitions:
        i = joined.column_names.index(p)
        joined = joined.set_column(i, p, pc.fill_null(joined.column(p), UNDATED if p == "month" else NO_SOURCE))
    return joined


def write(root: Path, name: str, table: pa.Table) -> int:
    """Replace the dataset ``name`` under ``root`` by ``table`` (its partition columns included)."""
    folder = root / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    partitions = DATASETS[name].partitions
    schema = pa.schema([(p, pa.string()) for p in partitions])
    ds.write_dataset(table, folder, format="parquet", partitioning=ds.partitioning(schema, flavor="hive"),
                     basename_template="part-{i}.parquet", existing_data_behavior="overwrite_or_ignore",
                     max_rows_per_group=128 * 1024)
    return table.num_rows


def write_schema(root: Path, schemas: dict[str, pa.Schema], rows: dict[str, int], *, written_by: str) -> Path:
    """The schema file: layout version, who wrote it, and per dataset its partitions, columns, rows."""
    path = root / SCHEMA_FILE
    old = json.loads(path.read_text(encoding="utf-8")).get("datasets", {}) if path.is_file() else {}
    entries = dict(old)
    for name, schema in schemas.items():
        partitions = DATASETS[name].partitions
        entries[name] = {
            "owner": DATASETS[name].owner, "partitions": list(partitions), "rows": rows.get(name),
            "columns": [{"name": f.name, "type": str(f.type)} for f in schema if f.name not in partitions],
            "written_by": written_by, "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    path.write_text(json.dumps({"layout_version": LAYOUT_VERSION, "datasets": entries}, indent=1, ensure_ascii=False),
                    encoding="utf-8")
    return path


def layout(root: Path) -> dict:
    """The schema file of ``root``, or a one-line French error naming what is wrong."""
    path = root / SCHEMA_FILE
    if not path.is_file():
        raise UserError(f"{root} : pas de jeux de données Parquet ici ({SCHEMA_FILE} absent ; "
                        "créez-les avec skillgap export parquet --out DOSSIER)")
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise UserError(f"{path} : fichier de schéma illisible ({e})") from e
    if found.get("layout_version") != LAYOUT_VERSION:
        raise UserError(f"{path} : version de disposition {found.get('layout_version')!r} inconnue "
                        f"(attendue : {LAYOUT_VERSION})")
    return found


def files(root: Path, name: str) -> list[Path]:
    return sorted((root / name).glob("**/*.parquet"))


def read(con: duckdb.DuckDBPyConnection, root: Path, name: str) -> pa.Table | None:
    """The dataset ``name`` of ``root`` read by DuckDB (Hive partitions as text columns); None when
    it has no file."""
    if not files(root, name):
        return None
    types = ", ".join(f"'{p}': 'VARCHAR'" for p in DATASETS[name].partitions)
    glob = str(root / name / "**" / "*.parquet").replace("'", "''")
    return con.sql(f"SELECT * FROM read_parquet('{glob}', hive_partitioning = true, union_by_name = true, "
                   f"hive_types = {{{types}}})").to_arrow_table()
