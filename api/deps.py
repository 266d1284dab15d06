"""Shared dependencies of the routers (``Annotated`` aliases).

- ``ConDep``: a read-only DuckDB cursor on the newest published snapshot of the store
  (``api.live``), one per request, closed after; ``SnapshotDep``: which snapshot it reads.
- ``StateDep``: the service's own writable file (``api.state``: keys, cache, staged ads).
- ``ComputerDep``: the worker that computes analysis results (``api.compute``).
- ``ReadAccess`` / ``WriteAccess``: API key checks (``X-API-Key``); reads are open unless
  ``SKILLGAP_API_READ_OPEN=false``.
- ``PageDep``, ``FormatDep``, ``RomeCodeDep``, ``RncpCodeDep``, ``FiltersDep``: validated inputs;
  an unknown code is a 404 with the error shape, a bad value a 422.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path as FilePath
from typing import Annotated, Literal

import duckdb
from fastapi import Depends, Path, Query, Request
from fastapi.security import APIKeyHeader

from api.compute import Computer
from api.errors import ApiError, ErrorDetail
from api.keys import verify_key
from api.settings import ApiSettings
from api.state import ApiState
from models.queries import (
    CONTRACT_PATTERN,
    DEPARTMENT_PATTERN,
    NAF_PATTERN,
    AdAttributes,
    GapQuery,
    SignalQuery,
    WatchQuery,
)
from referentials import queries
from referentials.geo import REGIONS

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="clé créée par `skillgap apikey create`")


def get_settings_dep(request: Request) -> ApiSettings:
    return request.app.state.settings


def get_con(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    with request.app.state.live.cursor() as (cursor, snapshot):
        request.state.snapshot = snapshot
        yield cursor


def get_state(request: Request) -> ApiState:
    return request.app.state.api_state


def get_computer(request: Request) -> Computer:
    return request.app.state.computer


SettingsDep = Annotated[ApiSettings, Depends(get_settings_dep)]
ConDep = Annotated[duckdb.DuckDBPyConnection, Depends(get_con)]
StateDep = Annotated[ApiState, Depends(get_state)]


def get_snapshot(request: Request, con: ConDep) -> FilePath:
    """The snapshot the request's cursor reads (a dependency of ``ConDep``, so the same one)."""
    return request.state.snapshot


SnapshotDep = Annotated[FilePath, Depends(get_snapshot)]
ComputerDep = Annotated[Computer, Depends(get_computer)]
ApiKeyHeader = Annotated[str | None, Depends(_api_key_header)]


def _require_key(state: ApiState, key: str | None) -> str:
    if not key:
        raise ApiError(401, "clé d'API requise : en-tête X-API-Key (créez-en une avec `skillgap apikey create`)",
                       headers={"WWW-Authenticate": "X-API-Key"})
    key_id = verify_key(state, key)
    if key_id is None:
        raise ApiError(401, "clé d'API invalide ou révoquée", headers={"WWW-Authenticate": "X-API-Key"})
    return key_id


def read_access(settings: SettingsDep, state: StateDep, key: ApiKeyHeader) -> None:
    if not settings.api_read_open:
        _require_key(state, key)


def write_access(state: StateDep, key: ApiKeyHeader) -> str:
    return _require_key(state, key)


ReadAccess = Depends(read_access)
WriteAccess = Annotated[str, Depends(write_access)]


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


def page_params(settings: SettingsDep,
                limit: Annotated[int, Query(ge=1, le=10_000, description="items per page")] = 50,
                offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="items skipped")] = 0) -> PageParams:
    if limit > settings.api_max_page_size:
        raise ApiError(422, f"limit trop grand : {limit} (maximum {settings.api_max_page_size})",
                       details=[ErrorDetail(location="query.limit",
                                            message=f"doit être ≤ {settings.api_max_page_size}")])
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


def output_format(request: Request,
                  format: Annotated[Literal["json", "csv"] | None,  # the public parameter name
                                    Query(description="json (défaut) ou csv ; ou en-tête Accept: text/csv")] = None
                  ) -> Literal["json", "csv"]:
    if format is not None:
        return format
    accept = request.headers.get("accept", "")
    return "csv" if "text/csv" in accept and "application/json" not in accept else "json"


FormatDep = Annotated[Literal["json", "csv"], Depends(output_format)]


def rome_code_dep(con: ConDep,
                  rome_code: Annotated[str, Path(pattern=r"^[A-Za-z][0-9]{4}$", examples=["M1805"],
                                                 description="code ROME 4.0 (lettre + 4 chiffres)")]) -> str:
    code = rome_code.upper()
    if not queries.occupation_exists(con, code):
        raise ApiError(404, f"code ROME inconnu : {code}")
    return code


def rncp_code_dep(con: ConDep,
                  rncp_code: Annotated[str, Path(pattern=r"^(?i:RNCP|RS)[0-9]{1,6}$", examples=["RNCP31678"],
                                                 description="code RNCP ou RS (ex. RNCP31678)")]) -> str:
    code = rncp_code.upper()
    if not queries.certification_exists(con, code):
        raise ApiError(404, f"certification inconnue : {code}")
    return code


RomeCodeDep = Annotated[str, Depends(rome_code_dep)]
RncpCodeDep = Annotated[str, Depends(rncp_code_dep)]


@dataclass(frozen=True)
class Filters:
    region_code: str | None
    date_from: date | None
    date_to: date | None
    department_code: str | None = None
    contract_type_code: str | None = None
    naf_code: str | None = None

    def ad_attributes(self) -> AdAttributes:
        """The département / contract / NAF filters, as keyword arguments of the typed queries."""
        return {"department_code": self.department_code, "contract_type_code": self.contract_type_code,
                "naf_code": self.naf_code}


def _ci(pattern: str) -> str:
    """A case-insensitive version of a ``models.queries`` pattern (values are upper-cased after)."""
    return "(?i:" + pattern[1:-1] + ")"


def filters_dep(
    region: Annotated[str | None, Query(pattern=r"^[0-9]{2}$", description="code région INSEE (ex. 84)",
                                        examples=["84"])] = None,
    date_from: Annotated[date | None, Query(alias="from", description="début de période AAAA-MM-JJ")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="fin de période AAAA-MM-JJ (incluse)")] = None,
    departement: Annotated[str | None, Query(pattern=f"^{_ci(DEPARTMENT_PATTERN)}$",
                                             description="code département des offres (ex. 69, 2A, 971)",
                                             examples=["69"])] = None,
    contrat: Annotated[str | None, Query(pattern=f"^{_ci(CONTRACT_PATTERN)}$",
                                         description="type de contrat des offres (ex. CDI, CDD, MIS, SAI)",
                                         examples=["CDI"])] = None,
    naf: Annotated[str | None, Query(pattern=f"^{_ci(NAF_PATTERN)}$",
                                     description="code NAF du secteur de l'employeur, ou son début "
                                                 "(comparé en préfixe, ex. 62 ou 62.01Z)",
                                     examples=["62.01Z"])] = None,
) -> Filters:
    if region is not None and region not in REGIONS:
        raise ApiError(422, f"code région inconnu : {region} (code INSEE à 2 chiffres, ex. 84)",
                       details=[ErrorDetail(location="query.region", message="région inconnue")])
    if date_from and date_to and date_from > date_to:
        raise ApiError(422, f"période vide : du {date_from} au {date_to}",
                       details=[ErrorDetail(location="query.from", message="postérieure à 'to'")])
    return Filters(region_code=region, date_from=date_from, date_to=date_to,
                   department_code=departement.upper() if departement else None,
                   contract_type_code=contrat.upper() if contrat else None, naf_code=naf.upper() if naf else None)


FiltersDep = Annotated[Filters, Depends(filters_dep)]


def gap_query(rome_code: RomeCodeDep, filters: FiltersDep,
              all_active: Annotated[bool, Query(description="toutes les certifications actives, "
                                                "pas seulement celles liées")] = False) -> GapQuery:
    """The typed request of ``/occupations/{rome_code}/gaps`` and ``/modules`` (the cache key's input)."""
    return GapQuery(rome_code=rome_code, region_code=filters.region_code, date_from=filters.date_from,
                    date_to=filters.date_to, all_active=all_active, **filters.ad_attributes())


def signal_query(con: ConDep, filters: FiltersDep,
                 kind: Annotated[Literal["emerging", "declining"] | None,
                                 Query(description="les deux par défaut")] = None,
                 rome_code: Annotated[str | None, Query(pattern=r"^[A-Za-z][0-9]{4}$", examples=["M1805"])] = None,
                 period: Annotated[Literal["week", "month"], Query(description="pas des séries")] = "month",
                 ) -> SignalQuery:
    """The typed request of ``/signals``: an unknown ROME code is a 404."""
    code = rome_code.upper() if rome_code else None
    if code is not None and queries.occupation(con, code) is None:
        raise ApiError(404, f"code ROME inconnu : {code}")
    return SignalQuery(kind=kind, rome_codes=None if code is None else (code,), region_code=filters.region_code,
                       date_from=filters.date_from, date_to=filters.date_to, period=period,
                       **filters.ad_attributes())


def watch_query(rncp_code: RncpCodeDep, filters: FiltersDep,
                period: Annotated[Literal["week", "month"], Query(description="pas des séries")] = "month",
                rare_threshold: Annotated[float, Query(gt=0, lt=1, description="part d'offres sous laquelle "
                                                       "un item est rare")] = 0.02) -> WatchQuery:
    """The typed request of ``/certifications/{rncp_code}/watch``."""
    return WatchQuery(rncp_code=rncp_code, region_code=filters.region_code, date_from=filters.date_from,
                      date_to=filters.date_to, period=period, rare_threshold=rare_threshold,
                      **filters.ad_attributes())


GapQueryDep = Annotated[GapQuery, Depends(gap_query)]
SignalQueryDep = Annotated[SignalQuery, Depends(signal_query)]
WatchQueryDep = Annotated[WatchQuery, Depends(watch_query)]
