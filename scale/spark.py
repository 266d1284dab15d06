"""The NLP stage on Spark: the ads dataset in, the NLP datasets out, with the local engine's code.

Every executor runs ``NlpEngine.process`` (the local engine's per-batch function) and
``nlp.process.result_tables`` (the rows the local engine stores) inside ``mapInArrow``: there is
no second implementation of the NLP. What the executors need — the referential, the NLP config,
the run's timestamp — travels once as a broadcast variable (``EngineSpec``); each Python worker
builds the engine (encoder + FAISS indexes) on its first batch and keeps it for every later task
(``spark.python.worker.reuse``, on by default), never per row. The indexes come from
``cache_dir`` when the executors can read it (local mode: the driver builds them first), else
each worker builds them once in a private temporary folder.

pyspark is the optional extra ``[spark]`` (pyspark 4, Java 17): it is imported inside functions
only, so the runtime install never needs it (``require_spark`` says what is missing, in French).
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from nlp.config import NlpConfig
from nlp.engine import AdText, NlpEngine
from nlp.referential import Referential
from scale import datasets
from skillgap.errors import UserError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: the envelope column naming the dataset of each output row (and the worker statistics rows)
DATASET_COLUMN = "dataset"
WORKER_STATS = "_worker"


def require_spark() -> None:
    """A one-line French error when pyspark or Java is missing."""
    from importlib.util import find_spec

    if find_spec("pyspark") is None:
        raise UserError("--engine spark a besoin de l'extra [spark] (pyspark absent) : "
                        "pip install 'skillgap[spark]' ou make setup-spark")
    if not java_available():
        raise UserError("--engine spark a besoin de Java 17 (commande java introuvable, JAVA_HOME vide) : "
                        "installez openjdk-17-jre-headless")


def java_available() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and (Path(home) / "bin" / "java").is_file()))


def session(master: str = "local[2]", *, app_name: str = "skillgap", conf: dict[str, str] | None = None,
            ) -> SparkSession:
    """A Spark session for the NLP and the aggregations. ``master`` is ``local[N]`` for tests and one
    machine; under ``spark-submit`` pass ``master=""`` to keep the cluster's."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers run this interpreter (venv)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    settings = {
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "8",
        "spark.sql.sources.partitionColumnTypeInference.enabled": "false",  # month=2025-03 stays text
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.python.worker.reuse": "true",
    } | (conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@dataclass(frozen=True)
class EngineSpec:
    """What an executor needs to build the engine (broadcast once per job)."""

    ref: Referential
    config: NlpConfig
    cache_dir: str | None
    batch_size: int
    processed_at: datetime

    @property
    def key(self) -> str:
        return hashlib.sha1(f"{self.ref.version_key}|{self.config.model_dump_json()}|{self.cache_dir}".encode()
                            ).hexdigest()


#: the engine of this Python worker, built on its first batch (key → engine)
_ENGINES: dict[str, NlpEngine] = {}


def worker_engine(spec: EngineSpec) -> NlpEngine:
    """The engine of this process for ``spec``, built once."""
    engine = _ENGINES.get(spec.key)
    if engine is None:
        shared = Path(spec.cache_dir) if spec.cache_dir else None
        cache = shared if shared is not None and shared.is_dir() else Path(tempfile.mkdtemp(prefix="skillgap-nlp-"))
        engine = NlpEngine.create(spec.ref, spec.config, cache_dir=cache)
        _ENGINES.clear()
        _ENGINES[spec.key] = engine
    return engine


def envelope_schema(engine: NlpEngine) -> pa.Schema:
    """The rows ``mapInArrow`` returns: every column of the NLP datasets (nullable), the dataset of
    the row, its month, and the worker statistics (pid, peak resident memory)."""
    from nlp.process import result_tables

    fields: dict[str, pa.Field] = {}
    for table in result_tables(engine, []).values():
        for f in table.schema:
            fields.setdefault(f.name, f.with_nullable(True))
    extra = [pa.field(DATASET_COLUMN, pa.string()), pa.field("month", pa.string()),
             pa.field("worker_pid", pa.int64()), pa.field("worker_peak_rss_kb", pa.int64()),
             pa.field("worker_engine_s", pa.float64()), pa.field("worker_nlp_s", pa.float64())]
    return pa.schema([*fields.values(), *extra])


def _envelope(schema: pa.Schema, name: str, table: pa.Table, months: dict[str, str]) -> pa.RecordBatch:
    n = table.num_rows
    columns = []
    for f in schema:
        if f.name == DATASET_COLUMN:
            columns.append(pa.array([name] * n, pa.string()))
        elif f.name == "month":
            columns.append(pa.array([months.get(a, datasets.UNDATED) for a in table.column("ad_id").to_pylist()],
                                    pa.string()))
        elif f.name in table.column_names:
            columns.append(table.column(f.name).combine_chunks().cast(f.type))
        else:
            columns.append(pa.nulls(n, f.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def nlp_batches(spec_var: Any, schema: pa.Schema) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The function ``mapInArrow`` runs on each partition of the ads (ad_id, title, description, month)."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from nlp.process import result_tables

        started = time.perf_counter()
        spec: EngineSpec = spec_var.value
        engine = worker_engine(spec)
        engine_s = time.perf_counter() - started
        nlp_s = 0.0

        def flush(ads: list[AdText], months: dict[str, str]) -> Iterator[pa.RecordBatch]:
            nonlocal nlp_s
            began = time.perf_counter()
            tables = result_tables(engine, engine.process(ads), processed_at=spec.processed_at)
            nlp_s += time.perf_counter() - began
            for name, table in tables.items():
                if table.num_rows:
                    yield _envelope(schema, name, table, months)

        pending: list[AdText] = []
        months: dict[str, str] = {}
        for batch in batches:
            rows = batch.to_pydict()
            for ad_id, title, description, month in zip(rows["ad_id"], rows["title"], rows["description"],
                                                         rows["month"], strict=True):
                pending.append(AdText(ad_id, title or "", description or ""))
                months[ad_id] = month
                if len(pending) >= spec.batch_size:
                    yield from flush(pending, months)
                    pending, months = [], {}
        if pending:
            yield from flush(pending, months)
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        stats = {"worker_pid": [os.getpid()], "worker_peak_rss_kb": [peak_kb], DATASET_COLUMN: [WORKER_STATS],
                 "worker_engine_s": [engine_s], "worker_nlp_s": [nlp_s]}
        yield pa.RecordBatch.from_arrays([pa.array(stats.get(f.name, [None]), f.type) for f in schema], schema=schema)

    return run


def jvm_peak_rss_kb(spark: SparkSession) -> int | None:
    """Peak resident memory of the driver JVM (the executor too in local mode), from /proc (Linux)."""
    try:
        jvm: Any = spark.sparkContext._jvm
        pid = int(jvm.java.lang.ProcessHandle.current().pid())
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, AttributeError):
        return None
    return None


def run_nlp(spark: SparkSession, ads_path: str, out: str, engine: NlpEngine, *, cache_dir: Path | None,
            batch_size: int = 256, partitions: int | None = None, processed_at: datetime | None = None) -> dict:
    """Read the ads dataset at ``ads_path``, run the NLP on the executors, write the NLP datasets
    under ``out`` (``scale.datasets`` layout: ``out/<dataset>/month=…``). ``engine`` is the driver's,
    built with ``cache_dir``: its referential and config are shipped, and executors that can read
    ``cache_dir`` (local mode) load its indexes from there.

    Returns rows per dataset, the partitions and the seconds of the job; ``worker_peak_rss_kb``:
    the peak resident memory of each Python worker (pid → kB); ``workers_time``: tasks, and seconds
    summed over the workers spent getting the engine and in the NLP (``result_tables`` included).
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    started = time.perf_counter()
    at = processed_at or datetime.now().replace(microsecond=0)
    engine.esco_index()  # built lazily: in the cache folder before any executor looks for it
    spec = EngineSpec(ref=engine.ref, config=engine.config, cache_dir=str(cache_dir) if cache_dir else None,
                      batch_size=batch_size, processed_at=at)
    spec_var = spark.sparkContext.broadcast(spec)
    schema = envelope_schema(engine)
    ads = spark.read.option("basePath", ads_path).parquet(ads_path).select("ad_id", "title", "description", "month")
    n = partitions or max(2, spark.sparkContext.defaultParallelism * 2)
    ads = ads.repartition(n, "ad_id")
    rows = ads.mapInArrow(nlp_batches(spec_var, schema), from_arrow_schema(schema)).persist(StorageLevel.DISK_ONLY)
    counts = {r[DATASET_COLUMN]: r["count"] for r in rows.groupBy(DATASET_COLUMN).count().collect()}
    written = {}
    for name, empty in _empty(engine).items():
        columns = empty.column_names
        part = rows.filter(F.col(DATASET_COLUMN) == name).select(*columns, "month")
        part.write.mode("overwrite").partitionBy("month").parquet(f"{out.rstrip('/')}/{name}")
        written[name] = int(counts.get(name, 0))
    stats = rows.filter(F.col(DATASET_COLUMN) == WORKER_STATS).groupBy("worker_pid").agg(
        F.max("worker_peak_rss_kb").alias("rss"), F.sum("worker_engine_s").alias("engine_s"),
        F.sum("worker_nlp_s").alias("nlp_s"), F.count("*").alias("tasks")).collect()
    workers = {int(r["worker_pid"]): int(r["rss"]) for r in stats}
    timing = {"tasks": sum(int(r["tasks"]) for r in stats),
              "engine_s": round(sum(float(r["engine_s"]) for r in stats), 1),
              "nlp_s": round(sum(float(r["nlp_s"]) for r in stats), 1)}
    rows.unpersist()
    spec_var.unpersist()
    return {"rows": written, "partitions": n, "seconds": round(time.perf_counter() - started, 2),
            "worker_peak_rss_kb": workers, "workers_time": timing, "processed_at": at.isoformat()}


def _empty(engine: NlpEngine) -> dict[str, pa.Table]:
    from nlp.process import result_tables

    return result_tables(engine, [])
