"""What the pipelines of one run share: stats, the open store, the dedupe index, the seen records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from scrapy.exceptions import DropItem

from crawler.dedupe import THRESHOLD, Deduper
from crawler.storage import AdStore, SeenSource

DEFAULT_LANGUAGES = ("fr",)


class Stats(Protocol):
    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...

    def get_stats(self) -> dict[str, Any]: ...


class Tally:
    """Stats collector for runs without Scrapy (``skillgap ingest``); same method names."""

    def __init__(self) -> None:
        self._values: Counter = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self._values[key] += count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def get_stats(self) -> dict[str, Any]:
        return dict(self._values)


@dataclass
class RunContext:
    """Shared state of one crawl or import."""

    stats: Stats
    store: AdStore
    deduper: Deduper
    seen: dict[tuple[str, str], SeenSource] = field(default_factory=dict)
    languages: tuple[str, ...] = DEFAULT_LANGUAGES

    @classmethod
    def open(
        cls, store_path: Path | str, *, stats: Stats, threshold: float, languages: tuple[str, ...] = DEFAULT_LANGUAGES
    ) -> RunContext:
        store = AdStore.open(store_path)
        deduper = store.load_deduper(Deduper(threshold=threshold))
        return cls(stats=stats, store=store, deduper=deduper, seen=store.seen_sources(), languages=languages)

    def drop(self, reason: str) -> DropItem:
        """Count a dropped item by reason; returns the exception to raise."""
        self.stats.inc_value(f"jobads/dropped/{reason}")
        return DropItem(reason)

    def field(self, name: str, state: str) -> None:
        """Count a dubious field (``missing`` or ``invalid``) of an item that is kept."""
        self.stats.inc_value(f"jobads/field/{name}/{state}")


_CONTEXT_ATTR = "_skillgap_jobads_context"


def context_for(crawler: Any) -> RunContext:
    """The run context of a Scrapy crawler, opened on first use (settings ``JOBADS_*``)."""
    context = getattr(crawler, _CONTEXT_ATTR, None)
    if context is None:
        settings = crawler.settings
        store_path = settings.get("JOBADS_STORE")
        if not store_path:
            from skillgap.settings import get_settings

            store_path = get_settings().store
        context = RunContext.open(
            store_path,
            stats=crawler.stats,
            threshold=settings.getfloat("JOBADS_NEAR_DUPLICATE_THRESHOLD", THRESHOLD),
            languages=tuple(settings.getlist("JOBADS_LANGUAGES", list(DEFAULT_LANGUAGES))),
        )
        setattr(crawler, _CONTEXT_ATTR, context)
    return context
