"""``/signals``: emerging and declining skills (quasi-Poisson trends, appearance tests, BH-corrected)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.compute import cached_result
from api.deps import ComputerDep, ConDep, FiltersDep, FormatDep, PageDep, ReadAccess, SettingsDep, SnapshotDep
from api.errors import ERROR_RESPONSES, ApiError
from api.models import SignalPage
from api.output import CSV_RESPONSE_DOC, csv_response
from referentials import queries

router = APIRouter(prefix="/signals", tags=["signals"], dependencies=[ReadAccess], responses=ERROR_RESPONSES)


@router.get("", response_model=SignalPage, responses={200: CSV_RESPONSE_DOC})
def list_signals(con: ConDep, snapshot: SnapshotDep, computer: ComputerDep, settings: SettingsDep, filters: FiltersDep,
                 page: PageDep, fmt: FormatDep,
                 kind: Annotated[Literal["emerging", "declining"] | None,
                                 Query(description="les deux par défaut")] = None,
                 rome_code: Annotated[str | None, Query(pattern=r"^[A-Za-z][0-9]{4}$", examples=["M1805"])] = None,
                 period: Annotated[Literal["week", "month"], Query(description="pas des séries")] = "month"):
    """Signaux faibles : compétences émergentes ou en déclin, par métier (tous par défaut)."""
    if rome_code is not None:
        rome_code = rome_code.upper()
        if queries.occupation(con, rome_code) is None:
            raise ApiError(404, f"code ROME inconnu : {rome_code}")
    params = {"kind": kind, "rome_code": rome_code, "region_code": filters.region_code,
              "date_from": filters.date_from, "date_to": filters.date_to, "period": period}
    result, entry = cached_result(con, snapshot, computer, "signals", params,
                                  compute_on_miss=settings.api_compute_on_miss)
    signals = result.pop("signals")
    window = signals[page.offset : page.offset + page.limit]
    if fmt == "csv":
        return csv_response(window, filename="signaux")
    return JSONResponse({"total": len(signals), "limit": page.limit, "offset": page.offset, "items": window,
                         "context": result,
                         "cache": {"computed_at": entry.computed_at.isoformat(), "compute_s": entry.compute_s}})
