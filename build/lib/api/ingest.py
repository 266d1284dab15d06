"""``POST /ads``: in-memory records through the crawler's pipelines (validate → clean → dedupe → store)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem

from api.models import AdOutcome, AdsCreated
from crawler.ingest import parse_record
from crawler.parsers.common import RecordError, now_utc
from crawler.pipelines.clean import CleanPipeline
from crawler.pipelines.context import RunContext, Tally
from crawler.pipelines.dedupe import DedupePipeline, Outcome
from crawler.pipelines.store import StorePipeline
from crawler.pipelines.validate import ValidatePipeline

#: one import at a time per process (the deduper must see the previous import's ads)
WRITE_LOCK = threading.Lock()


def _outcome(index: int, item: Any) -> AdOutcome:
    if isinstance(item, Outcome):
        status = {"new": "stored"}.get(item.kind, item.kind)
        return AdOutcome(index=index, status=status, ad_id=item.target_ad_id)
    return AdOutcome(index=index, status="unchanged", ad_id=None)


def ingest_records(records: list[dict[str, Any]], *, store: Path, threshold: float = 0.6) -> AdsCreated:
    """Store France Travail offers / JobPosting objects like ``skillgap ingest`` does with files.

    Args:
        records: decoded JSON objects.
        store: the store file (opened on the process's shared database instance).
        threshold: near-duplicate similarity threshold (the crawler's default).
    Returns:
        counts and one outcome per record, in order (dropped ones with their reason).
    """
    outcomes: list[AdOutcome] = []
    with WRITE_LOCK:
        ctx = RunContext.open(store, stats=Tally(), threshold=threshold)
        pipelines = [ValidatePipeline(ctx), CleanPipeline(ctx), DedupePipeline(ctx), StorePipeline(ctx)]
        seen_at = now_utc()
        try:
            for index, obj in enumerate(records):
                try:
                    item = parse_record(obj, origin=f"request:{index}", seen_at=seen_at)
                except RecordError as e:
                    outcomes.append(AdOutcome(index=index, status="dropped", reason=str(e)))
                    continue
                except (ValueError, TypeError, AttributeError, KeyError) as e:
                    # an object of the right kind with a field of the wrong type: the client's input
                    outcomes.append(AdOutcome(index=index, status="dropped",
                                              reason=f"enregistrement invalide ({type(e).__name__}: {e})"[:500]))
                    continue
                try:
                    for pipeline in pipelines:
                        item = pipeline.process_item(item)
                except DropItem as e:
                    outcomes.append(AdOutcome(index=index, status="dropped", reason=str(e)))
                    continue
                outcomes.append(_outcome(index, item))
        finally:
            ctx.store.close()
    count = {s: sum(o.status == s for o in outcomes) for s in ("stored", "duplicate", "dropped")}
    return AdsCreated(read=len(records), stored=count["stored"], duplicates=count["duplicate"],
                      dropped=count["dropped"], outcomes=outcomes)
