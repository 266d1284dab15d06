"""Store: write each outcome to DuckDB (one transaction per ad) and count it."""

from __future__ import annotations

from typing import Any, assert_never

from crawler.pipelines.context import RunContext, context_for
from crawler.pipelines.dedupe import Outcome, OutcomeKind
from models.jobad import SeenAgain


class StorePipeline:
    def __init__(self, context: RunContext):
        self.context = context

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(context_for(crawler))

    def close_spider(self) -> None:
        self.context.store.close()

    def process_item(self, item: Any) -> Any:
        ctx = self.context
        if isinstance(item, SeenAgain):
            ctx.store.touch(item.source, item.source_key, item.seen_at)
            ctx.stats.inc_value("jobads/unchanged")
            return item
        if not isinstance(item, Outcome):
            raise ctx.drop(f"unexpected item {type(item).__name__}")
        src = item.ad.sources[0]
        if item.kind is OutcomeKind.NEW:
            assert item.signature is not None  # dedupe sets it on new and updated outcomes
            ctx.store.upsert_ad(item.ad, signature=item.signature, seen_at=src.first_seen_at)
            ctx.stats.inc_value("jobads/stored")
        elif item.kind is OutcomeKind.DUPLICATE:
            ctx.store.add_source(
                item.target_ad_id, src, content_hash=item.ad.content_hash, kind=item.duplicate_kind or "near",
                similarity=item.similarity,
            )  # fmt: skip
            ctx.stats.inc_value(f"jobads/duplicates/{item.duplicate_kind}")
        elif item.kind is OutcomeKind.UPDATED:
            if item.target_ad_id == item.ad.ad_id:
                assert item.signature is not None  # dedupe sets it on new and updated outcomes
                ctx.store.upsert_ad(item.ad, signature=item.signature, seen_at=src.last_seen_at)
            else:
                ctx.store.add_source(
                    item.target_ad_id, src, content_hash=item.ad.content_hash, kind="updated", similarity=0.0
                )
            ctx.stats.inc_value("jobads/updated")
        elif item.kind is OutcomeKind.UNCHANGED:
            ctx.store.touch(src.source, src.source_key, src.last_seen_at)
            ctx.stats.inc_value("jobads/unchanged")
        else:
            assert_never(item.kind)
        return item
