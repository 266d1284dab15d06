"""``skillgap ingest``: files of France Travail API objects or schema.org JobPosting objects
(JSON, JSON lines, CSV; gzip allowed) through the same pipelines as the spiders."""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem

from crawler.dedupe import THRESHOLD
from crawler.parsers.common import RecordError, now_utc
from crawler.parsers.france_travail import is_france_travail_offer, parse_offer
from crawler.parsers.jsonld import is_job_posting, parse_job_posting
from crawler.pipelines.clean import CleanPipeline
from crawler.pipelines.context import RunContext, Tally
from crawler.pipelines.dedupe import DedupePipeline
from crawler.pipelines.store import StorePipeline
from crawler.pipelines.validate import ValidatePipeline
from crawler.summary import summarise
from skillgap.errors import InputFileError

log = logging.getLogger(__name__)
PROGRESS_EVERY = 500


def _open_bytes(path: Path) -> gzip.GzipFile | io.BufferedReader:
    if not path.is_file():
        raise InputFileError(path, "fichier introuvable")
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")  # the caller closes it


def _decode(raw: bytes, tally: Tally) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        tally.inc_value("jobads/field/encoding/invalid")
        return raw.decode("cp1252", errors="replace")


def read_records(path: Path, tally: Tally) -> Iterator[tuple[str, Any]]:
    """(origin 'file:line', decoded object or an ``InputFileError``) for every record of a file."""
    name = path.name.removesuffix(".gz").lower()
    with _open_bytes(path) as f:
        try:
            if name.endswith(".csv"):
                yield from _csv_records(path, f, tally)
            elif name.endswith((".jsonl", ".ndjson")):
                for n, raw in enumerate(f, start=1):
                    if raw.strip():
                        yield from _json_line(path, n, _decode(raw, tally))
            elif name.endswith(".json"):
                yield from _json_document(path, _decode(f.read(), tally))
            else:
                raise InputFileError(path, "format inconnu : .json, .jsonl, .ndjson ou .csv (éventuellement .gz)")
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            raise InputFileError(path, f"lecture impossible : {e}") from e


def _json_line(path: Path, n: int, text: str) -> Iterator[tuple[str, Any]]:
    try:
        yield f"{path}:{n}", json.loads(text)
    except json.JSONDecodeError as e:
        yield f"{path}:{n}", InputFileError(path, f"JSON invalide ({e.msg}, colonne {e.colno})", line=n)


def _json_document(path: Path, text: str) -> Iterator[tuple[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputFileError(path, f"JSON invalide : {e.msg}", line=e.lineno) from e
    if isinstance(data, dict) and isinstance(data.get("resultats"), list):
        data = data["resultats"]  # a saved search response
    elif isinstance(data, dict) and "@graph" in data:
        data = data["@graph"]
    for i, obj in enumerate(data if isinstance(data, list) else [data]):
        yield f"{path}[{i}]", obj


def _csv_records(path: Path, f: gzip.GzipFile | io.BufferedReader, tally: Tally) -> Iterator[tuple[str, Any]]:
    text = io.TextIOWrapper(f, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        yield from _csv_rows(path, text, tally)
    finally:
        text.detach()  # the caller closes the underlying file


def _csv_rows(path: Path, text: io.TextIOWrapper, tally: Tally) -> Iterator[tuple[str, Any]]:
    for n, row in enumerate(csv.DictReader(text), start=2):
        obj: dict[str, Any] = {}
        for key, value in row.items():
            if key is None or value is None or value == "":
                continue
            if "\udc80" <= max(value) and any("\udc80" <= c <= "\udcff" for c in value):
                value = value.encode("utf-8", "surrogateescape").decode("cp1252", errors="replace")
                tally.inc_value("jobads/field/encoding/invalid")
            if value[:1] in "[{":
                try:
                    value = json.loads(value)
                except json.JSONDecodeError:
                    pass  # a text cell that happens to start with a bracket
            target = obj
            *parents, leaf = key.split(".")
            for part in parents:
                target = target.setdefault(part, {})
            target[leaf] = value
        yield f"{path}:{n}", obj


def parse_record(obj: Any, *, origin: str, seen_at: Any):
    """France Travail offer or JobPosting object → ``ScrapedAd``; RecordError otherwise."""
    if is_job_posting(obj):
        return parse_job_posting(obj, url=None, seen_at=seen_at, origin=origin)
    if is_france_travail_offer(obj):
        return parse_offer(obj, seen_at=seen_at, origin=origin)
    raise RecordError("ni offre France Travail (id, intitule) ni JobPosting schema.org")


def ingest(paths: list[Path], *, store: Path, threshold: float = THRESHOLD) -> dict[str, Any]:
    """Import files into the store; returns the summary (see ``crawler.summary``)."""
    for path in paths:
        if not Path(path).is_file():
            raise InputFileError(path, "fichier introuvable")
    tally = Tally()
    ctx = RunContext.open(store, stats=tally, threshold=threshold)
    pipelines = [ValidatePipeline(ctx), CleanPipeline(ctx), DedupePipeline(ctx), StorePipeline(ctx)]
    started = time.perf_counter()
    seen_at = now_utc()
    try:
        for path in paths:
            for origin, obj in read_records(Path(path), tally):
                _process(ctx, pipelines, origin, obj, seen_at)
                read = tally.get_value("jobads/read", 0)
                if read % PROGRESS_EVERY == 0:
                    log.info("%d annonces lues (%.0f/s)", read, read / (time.perf_counter() - started))
    finally:
        ctx.store.close()
    return summarise(tally.get_stats(), elapsed_s=time.perf_counter() - started)


def _process(ctx: RunContext, pipelines: list, origin: str, obj: Any, seen_at: Any) -> None:
    if isinstance(obj, InputFileError):
        ctx.stats.inc_value("jobads/read")
        ctx.drop("invalid JSON")
        log.warning("%s", obj)
        return
    try:
        item = parse_record(obj, origin=origin, seen_at=seen_at)
    except RecordError as e:
        ctx.stats.inc_value("jobads/read")
        ctx.drop("unknown record" if e.field is None else f"invalid {e.field}")
        log.warning("%s : %s", origin, e)
        return
    try:
        for pipeline in pipelines:
            item = pipeline.process_item(item)
    except DropItem as e:
        log.debug("%s: dropped (%s)", origin, e)
