"""Validate: drop ads that cannot be used, count dubious fields and keep the item."""

from __future__ import annotations

import re
from typing import Any

from crawler.pipelines.context import RunContext, context_for
from models.jobad import ScrapedAd, SeenAgain

_ROME_RE = re.compile(r"^[A-N]\d{4}$")
_POSTAL_RE = re.compile(r"^\d{5}$")
_COMMUNE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


class ValidatePipeline:
    def __init__(self, context: RunContext):
        self.context = context

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        return cls(context_for(crawler))

    def process_item(self, item: Any) -> Any:
        ctx = self.context
        ctx.stats.inc_value("jobads/read")
        if isinstance(item, SeenAgain):
            return item
        if not isinstance(item, ScrapedAd):
            raise ctx.drop(f"unexpected item {type(item).__name__}")
        if not item.title:
            raise ctx.drop("no title")
        if not item.description:
            raise ctx.drop("no description")
        for name, value, pattern in (
            ("rome_code", item.rome_code, _ROME_RE),
            ("postal_code", item.postal_code, _POSTAL_RE),
            ("commune_code", item.commune_code, _COMMUNE_RE),
        ):
            if value is not None and not pattern.match(value):
                ctx.field(name, "invalid")
        for name in ("created_at", "company_name"):
            if getattr(item, name) is None:
                ctx.field(name, "missing")
        if item.postal_code is None and item.commune_code is None and item.location_label is None:
            ctx.field("location", "missing")
        return item
