"""The end-of-run summary: counts from the stats, last line one JSON object."""

from __future__ import annotations

from typing import Any


def summarise(stats: dict[str, Any], *, elapsed_s: float) -> dict[str, Any]:
    """Turn ``jobads/*`` stats (and Scrapy's download stats) into the summary object."""
    dropped = {k.removeprefix("jobads/dropped/"): v for k, v in stats.items() if k.startswith("jobads/dropped/")}
    duplicates = {
        k.removeprefix("jobads/duplicates/"): v for k, v in stats.items() if k.startswith("jobads/duplicates/")
    }
    read = stats.get("jobads/read", 0)
    summary: dict[str, Any] = {
        "read": read,
        "stored": stats.get("jobads/stored", 0),
        "duplicates": sum(duplicates.values()),
        "dropped": sum(dropped.values()),
        "dropped_by_reason": dict(sorted(dropped.items())),
        "duplicates_by_kind": dict(sorted(duplicates.items())),
        "unchanged": stats.get("jobads/unchanged", 0),
        "updated": stats.get("jobads/updated", 0),
        "fields": {
            k.removeprefix("jobads/field/"): v for k, v in sorted(stats.items()) if k.startswith("jobads/field/")
        },
        "elapsed_s": round(elapsed_s, 3),
        "ads_per_s": round(read / elapsed_s, 1) if elapsed_s > 0 else None,
    }
    if "downloader/response_count" in stats:
        pages = stats.get("downloader/response_count", 0)
        summary["fetched"] = pages
        summary["pages_per_s"] = round(pages / elapsed_s, 1) if elapsed_s > 0 else None
        summary["skipped_seen"] = stats.get("jobads/skipped_seen", 0)
        summary["http_status"] = {
            k.rsplit("/", 1)[-1]: v
            for k, v in sorted(stats.items())
            if k.startswith("downloader/response_status_count/")
        }
    return summary
