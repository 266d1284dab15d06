"""``POST /ads`` stages ads in the service file; the batch imports them into the store.

The service never writes the store (``api.live``): ``stage_records`` parses each received object
(a France Travail offer or a schema.org JobPosting), drops the unreadable ones with their reason
and keeps the others in ``staged_ads`` (``api.state``). ``import_staged`` — ``skillgap ingest
--staged``, run by ``skillgap weekly`` first — sends them through the crawler's pipelines
(validate → clean → dedupe → store) like ``skillgap ingest`` does with files, records each
outcome (``stored``, ``duplicate``, ``updated``, ``unchanged``, ``dropped`` + reason, with the
ad id) for ``GET /ads/staged/{staging_id}``, and publishes the store.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from scrapy.exceptions import DropItem

from api.models import AdOutcome, AdsStaged
from api.state import ApiState
from crawler.ingest import parse_record
from crawler.parsers.common import RecordError, now_utc
from crawler.pipelines.clean import CleanPipeline
from crawler.pipelines.context import RunContext, Tally
from crawler.pipelines.dedupe import DedupePipeline, Outcome, OutcomeKind
from crawler.pipelines.store import StorePipeline
from crawler.pipelines.validate import ValidatePipeline


def _parse(index: int, obj: Any) -> tuple[Any, str | None]:
    """(item, None) or (None, reason) for one received object."""
    try:
        return parse_record(obj, origin=f"request:{index}", seen_at=now_utc()), None
    except RecordError as e:
        return None, str(e)
    except (ValueError, TypeError, AttributeError, KeyError) as e:
        # an object of the right kind with a field of the wrong type: the client's input
        return None, f"enregistrement invalide ({type(e).__name__}: {e})"[:500]


def _precheck(item: Any, checks: list[ValidatePipeline | CleanPipeline]) -> str | None:
    """Why the store-free pipelines (validate, clean) would drop ``item``, or None."""
    try:
        for pipeline in checks:
            item = pipeline.process_item(item)
    except DropItem as e:
        return str(e)
    return None


def stage_records(records: list[dict[str, Any]], *, state: ApiState, key_id: str | None) -> AdsStaged:
    """Keep the readable records for the next batch; one outcome per record, in order.

    A record is dropped at once when it cannot be parsed or when the pipelines that need no store
    (validate, clean: no title, no description, another language…) would drop it.
    """
    outcomes: list[AdOutcome] = []
    received_at = datetime.now(UTC).isoformat()
    offline = RunContext(stats=Tally(), store=cast(Any, None), deduper=cast(Any, None))
    checks: list[ValidatePipeline | CleanPipeline] = [ValidatePipeline(offline), CleanPipeline(offline)]
    with state.connect() as con:
        for index, obj in enumerate(records):
            item, reason = _parse(index, obj)
            if item is not None:
                reason = _precheck(item, checks)
            if reason is not None:
                outcomes.append(AdOutcome(index=index, status="dropped", reason=reason))
                continue
            cur = con.execute("INSERT INTO staged_ads (received_at, key_id, record, status) VALUES (?, ?, ?, 'staged')",
                              [received_at, key_id, json.dumps(obj, ensure_ascii=False)])
            outcomes.append(AdOutcome(index=index, status="staged", staging_id=cur.lastrowid))
    staged = sum(o.status == "staged" for o in outcomes)
    return AdsStaged(read=len(records), staged=staged, dropped=len(records) - staged, outcomes=outcomes)


def staged_outcome(state: ApiState, staging_id: int) -> AdOutcome | None:
    """What became of a staged ad (``staged`` until the batch imported it)."""
    row = state.one("SELECT status, ad_id, reason FROM staged_ads WHERE staging_id = ?", [staging_id])
    if row is None:
        return None
    return AdOutcome(index=0, status=row[0], ad_id=row[1], reason=row[2], staging_id=staging_id)


def _outcome(item: Any) -> tuple[str, str | None]:
    if isinstance(item, Outcome):
        return "stored" if item.kind is OutcomeKind.NEW else item.kind.value, item.target_ad_id
    return "unchanged", None


def import_staged(store: Path | str, state: ApiState, *, threshold: float = 0.6) -> dict[str, int]:
    """Import the staged ads into the store through the crawler's pipelines, then publish it.

    Args:
        store: the store file (opened for writing: run it in the batch, not beside another writer).
        state: the service file holding the staged ads.
        threshold: near-duplicate similarity threshold (the crawler's default).
    Returns:
        counts: ``read`` and one count per outcome (``stored``, ``duplicate``, ``updated``, ``unchanged``,
        ``dropped``).
    """
    with state.connect() as con:
        pending = con.execute("SELECT staging_id, record FROM staged_ads WHERE imported_at IS NULL "
                              "ORDER BY staging_id").fetchall()
    counts = {"read": len(pending), "stored": 0, "duplicate": 0, "updated": 0, "unchanged": 0, "dropped": 0}
    if not pending:
        return counts
    results: list[tuple[str, str | None, str | None, str, int]] = []
    ctx = RunContext.open(store, stats=Tally(), threshold=threshold)
    pipelines: list[Any] = [ValidatePipeline(ctx), CleanPipeline(ctx), DedupePipeline(ctx), StorePipeline(ctx)]
    try:
        for staging_id, record in pending:
            item, reason = _parse(staging_id, json.loads(record))
            status, ad_id = "dropped", None
            if item is not None:
                try:
                    for pipeline in pipelines:
                        item = pipeline.process_item(item)
                    status, ad_id = _outcome(item)
                except DropItem as e:
                    reason = str(e)
            counts[status] = counts.get(status, 0) + 1
            results.append((status, ad_id, reason, datetime.now(UTC).isoformat(), staging_id))
    finally:
        ctx.store.close()  # flushes and publishes
    with state.connect() as con:
        con.executemany("UPDATE staged_ads SET status = ?, ad_id = ?, reason = ?, imported_at = ? "
                        "WHERE staging_id = ?", results)
    return counts
