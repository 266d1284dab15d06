"""Dedupe: decide whether an ad is new, a duplicate (exact or near) of a stored canonical ad,
a source record seen before unchanged, or a seen record whose content changed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from crawler.dedupe import Fingerprint, signature_of
from crawler.pipelines.context import RunContext, context_for
from crawler.storage import SeenSource
from models.jobad import JobAd, SeenAgain


class OutcomeKind(StrEnum):
    """What became of one ad; the values are the strings written and counted before this enum existed."""

    NEW = "new"
    DUPLICATE = "duplicate"
    UNCHANGED = "unchanged"
    UPDATED = "updated"


@dataclass(frozen=True)
class Outcome:
    """What the store pipeline must write for one ad."""

    ad: JobAd
    kind: OutcomeKind  # a plain string of one of the values is accepted; any other kind raises ValueError
    target_ad_id: str
    duplicate_kind: str | None = None  # exact | near, for duplicates
    similarity: float = 1.0
    signature: Fingerprint | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", OutcomeKind(self.kind))


class DedupePipeline:
    def __init__(self, context: RunContext):
        self.context = context

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupePipeline:
        return cls(context_for(crawler))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, SeenAgain):
            return item
        return decide(self.context, item)


def decide(ctx: RunContext, ad: JobAd) -> Outcome:
    """The outcome of one clean ad against everything stored or seen so far in this run."""
    src = ad.sources[0]
    key = (src.source, src.source_key)
    seen = ctx.seen.get(key)
    if seen is not None and seen.raw_hash == src.raw_hash:
        return Outcome(ad, OutcomeKind.UNCHANGED, seen.ad_id)
    signature = signature_of(ad.title, ad.description, num_perm=ctx.deduper.num_perm)
    if seen is not None:
        # the same source record, edited since: the ad it is canonical for follows the edit
        if seen.ad_id == ad.ad_id:
            ctx.deduper.add(ad.ad_id, ad.content_hash or "", signature, ad.department_code)
        ctx.seen[key] = SeenSource(seen.ad_id, src.raw_hash, src.lastmod_at, src.url)
        return Outcome(ad, OutcomeKind.UPDATED, seen.ad_id, signature=signature)
    match = ctx.deduper.find(ad.content_hash or "", signature, ad.department_code)
    if match is not None:
        ctx.deduper.add_hash(ad.content_hash or "", match.ad_id)
        ctx.seen[key] = SeenSource(match.ad_id, src.raw_hash, src.lastmod_at, src.url)
        return Outcome(ad, OutcomeKind.DUPLICATE, match.ad_id, match.kind, match.similarity, signature)
    ctx.deduper.add(ad.ad_id, ad.content_hash or "", signature, ad.department_code)
    ctx.seen[key] = SeenSource(ad.ad_id, src.raw_hash, src.lastmod_at, src.url)
    return Outcome(ad, OutcomeKind.NEW, ad.ad_id, signature=signature)
