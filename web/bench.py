"""``skillgap bench app``: p50 / p95 latency of the main pages of ``/app/`` on an inflated store.

Same protocol as ``skillgap bench api`` (``api.bench``): a copy of the store brought to ``n_ads``
ads, a real ``skillgap serve`` on loopback, each page opened once first (a cache miss, reported
as ``first_s``), then an open-loop load of ``rate`` requests per second per page.

The figures in ``web/README.md`` were measured with ``--store /tmp/bench/dev.duckdb`` (bundled
referentials + the processed France Travail dev ads) ``--ads 100000 --rncp RNCP35970``.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from api.bench import _load, served_copy
from skillgap.errors import UserError


def pages_of(rome_code: str, rncp_code: str | None) -> dict[str, str]:
    pages = {"accueil": "/app/", "recherche": "/app/?q=manoeuvre", "metier": f"/app/metiers/{rome_code}",
             "modules": f"/app/metiers/{rome_code}/modules", "signaux": "/app/signaux",
             "methodologie": "/app/methodologie"}
    if rncp_code:
        pages["certification"] = f"/app/certifications/{rncp_code}"
    return pages


def bench_app(store: Path, *, rome_code: str, rncp_code: str | None = None, n_ads: int = 100_000,
              rate: float = 10.0, duration_s: float = 10.0, concurrency: int = 8, port: int = 8766,
              progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Measure (see module docstring); latencies in milliseconds."""
    results: dict[str, Any] = {}
    with served_copy(store, n_ads=n_ads, port=port, progress=progress) as (base, n_stored):
        for name, path in pages_of(rome_code, rncp_code).items():
            t0 = time.perf_counter()
            first = httpx.get(base + path, timeout=1800)
            first_s = time.perf_counter() - t0
            if first.status_code != 200:
                raise UserError(f"GET {path} : {first.status_code} {first.text[:300]}")
            latencies, errors = asyncio.run(_load(base + path, rate=rate, duration_s=duration_s,
                                                  concurrency=concurrency))
            latencies.pop()
            ms = np.array(latencies) * 1000
            results[name] = {"path": path, "first_s": round(first_s, 2), "requests": len(ms), "errors": len(errors),
                             "p50_ms": round(float(np.percentile(ms, 50)), 1),
                             "p95_ms": round(float(np.percentile(ms, 95)), 1)}
            progress(f"{name}: {results[name]}")
    return {"n_ads_stored": n_stored, "rate_per_s_per_page": rate, "duration_s_per_page": duration_s,
            "cpu_count": os.cpu_count(), "pages": results,
            "max_p95_ms": max(r["p95_ms"] for r in results.values())}
