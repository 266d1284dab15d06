"""Load a referential source into the store as a new version, all or nothing.

Each load hashes the source files; when the same files were already loaded, the load is a
no-op (or simply makes that earlier version current again). Otherwise records are parsed
completely first, then written in one transaction with a new ``version_id``: a failed load
leaves the previous version current and untouched.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import duckdb
import pandas as pd

from models.base import Record
from models.referential import (
    Appellation,
    Block,
    Certification,
    EscoOccupation,
    EscoOccupationSkill,
    Occupation,
    OccupationSkill,
    RomeEscoLink,
    Skill,
    Source,
)
from referentials.base import SourceFiles
from referentials.common import LoadReport, sha256_file
from referentials.schema import COLUMNS
from skillgap.store import transaction

log = logging.getLogger(__name__)

LOADERS = {Source.ROME: "referentials.rome", Source.ESCO: "referentials.esco",
           Source.ESCO_ROME: "referentials.crosswalk", Source.RNCP: "referentials.rncp"}
TABLES: dict[type[Record], str] = {
    Occupation: "core_rome__occupations",
    Appellation: "core_rome__appellations",
    Skill: "core_ref__skills",
    OccupationSkill: "core_rome__occupation_skills",
    EscoOccupation: "core_esco__occupations",
    EscoOccupationSkill: "core_esco__occupation_skills",
    RomeEscoLink: "core_esco__rome_links",
    Certification: "core_rncp__certifications",
    Block: "core_rncp__blocks",
}


class LoadStatus(StrEnum):
    """What a load did with the source's files (the values are those of the JSON outputs)."""

    LOADED = "loaded"  # new files: a new version, now current
    UNCHANGED = "unchanged"  # the current version has these very files: nothing done
    RESTORED = "restored"  # an older version has these files: it is current again


@dataclass
class LoadResult:
    """What one source load did."""

    source: str
    version_id: str
    version_label: str
    status: LoadStatus
    row_counts: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.status = LoadStatus(self.status)  # ValueError for any other status


def _row(record: Record) -> dict:
    row = record.model_dump(mode="json")
    if isinstance(record, Skill):
        row["nature"] = None if record.source != Source.ROME else (
            "savoir" if record.kind.value == "savoir" else
            "macro-competence" if (record.category_label or "").startswith("macro") else "competence")
    return row


#: bumped when a loader starts storing more of the same files: the same files then make a new version
#: (re-running ``referentials load`` fills the new fields) instead of being skipped as unchanged
LOADER_FORMAT = {Source.ESCO: 2}  # 2: ESCO English descriptions


def version_id_of(files: SourceFiles, hashes: dict[str, str]) -> str:
    keyed = sorted(hashes.items())
    if LOADER_FORMAT.get(files.source, 1) > 1:
        keyed.append(("loader-format", str(LOADER_FORMAT[files.source])))
    digest = hashlib.sha256(json.dumps(keyed).encode()).hexdigest()[:12]
    return f"{files.source.value}:{digest}"


def load_source(con: duckdb.DuckDBPyConnection, source: Source, paths: Sequence[Path]) -> LoadResult:
    """Load one source from ``paths`` into the store (see module docstring)."""
    started = time.perf_counter()
    module = importlib.import_module(LOADERS[source])
    files = module.discover([Path(p) for p in paths])
    hashes = {p.name: sha256_file(p) for p in files.files}
    version_id = version_id_of(files, hashes)
    existing = con.execute(
        "SELECT is_current, row_counts, dropped, notes FROM core_meta__referential_versions WHERE version_id = ?",
        [version_id]
    ).fetchone()
    if existing is not None:
        status = LoadStatus.UNCHANGED if existing[0] else LoadStatus.RESTORED
        if not existing[0]:
            with transaction(con):
                _make_current(con, source, version_id)
        return LoadResult(source.value, version_id, files.version_label, status,
                          json.loads(existing[1] or "{}"), json.loads(existing[2] or "{}"),
                          json.loads(existing[3] or "{}"), time.perf_counter() - started)
    report = LoadReport()
    rows: dict[str, list[dict]] = defaultdict(list)
    for record in module.load(files, report=report):
        rows[TABLES[type(record)]].append(_row(record))
    report.log()
    counts = {table: len(table_rows) for table, table_rows in rows.items()}
    with transaction(con):
        for table, table_rows in rows.items():
            _insert(con, table, version_id, table_rows)
        if source == Source.RNCP:
            con.execute(
                "INSERT INTO core_rncp__rome_links SELECT DISTINCT version_id, rncp_code, unnest(rome_codes) "
                "FROM core_rncp__certifications WHERE version_id = ?", [version_id])
            linked = con.execute(
                "SELECT count(*) FROM core_rncp__rome_links WHERE version_id = ?", [version_id]).fetchone()
            assert linked is not None  # count(*) always returns one row
            counts["core_rncp__rome_links"] = linked[0]
        version = {
            "version_id": version_id, "source": source.value, "version_label": files.version_label,
            "file_hashes": json.dumps(hashes), "loaded_at": datetime.now(UTC), "is_current": False,
            "row_counts": json.dumps(counts), "dropped": json.dumps(dict(report.dropped)),
            "notes": json.dumps(dict(report.notes)),
        }  # fmt: skip
        assert set(version) == set(COLUMNS["core_meta__referential_versions"].names)
        con.execute(f"INSERT INTO core_meta__referential_versions ({', '.join(version)}) "
                    f"VALUES ({', '.join('?' * len(version))})", list(version.values()))
        _make_current(con, source, version_id)
    return LoadResult(source.value, version_id, files.version_label, LoadStatus.LOADED, counts, dict(report.dropped),
                      dict(report.notes), time.perf_counter() - started)


def _insert(con: duckdb.DuckDBPyConnection, table: str, version_id: str, table_rows: list[dict]) -> None:
    """Insert the rows of one table: the columns of its model and extras (``referentials.schema.COLUMNS``);
    fields the table does not store are left out, a column no row fills is NULL."""
    columns = list(COLUMNS[table].names)
    frame = pd.DataFrame(table_rows)
    frame["version_id"] = version_id
    for column in columns:
        if column not in frame:
            frame[column] = None
    frame = frame[columns]  # read by DuckDB's replacement scan below
    names = ", ".join(columns)
    con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM frame")


def _make_current(con: duckdb.DuckDBPyConnection, source: Source, version_id: str) -> None:
    con.execute("UPDATE core_meta__referential_versions SET is_current = (version_id = ?) WHERE source = ?",
                [version_id, source.value])
