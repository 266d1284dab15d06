"""``/signals``: emerging and declining skills (quasi-Poisson trends, appearance tests, BH-corrected)."""

from __future__ import annotations

from fastapi import APIRouter

from api.compute import cached_result
from api.deps import ComputerDep, ConDep, FormatDep, PageDep, ReadAccess, SettingsDep, SignalQueryDep, SnapshotDep
from api.errors import ERROR_RESPONSES
from api.models import CacheInfo, SignalPage
from api.output import CSV_RESPONSE_DOC, csv_response

router = APIRouter(prefix="/signals", tags=["signals"], dependencies=[ReadAccess], responses=ERROR_RESPONSES)


@router.get("", response_model=SignalPage, responses={200: CSV_RESPONSE_DOC})
def list_signals(con: ConDep, snapshot: SnapshotDep, computer: ComputerDep, settings: SettingsDep,
                 query: SignalQueryDep, page: PageDep, fmt: FormatDep):
    """Signaux faibles : compétences émergentes ou en déclin, par métier (tous par défaut)."""
    report, entry = cached_result(con, snapshot, computer, "signals", query,
                                  compute_on_miss=settings.api_compute_on_miss)
    window = report.signals[page.offset : page.offset + page.limit]
    if fmt == "csv":
        return csv_response([s.model_dump(mode="json") for s in window], filename="signaux")
    return SignalPage(total=len(report.signals), limit=page.limit, offset=page.offset, items=window,
                      context=report.summary(), cache=CacheInfo.of(entry))
