"""``/certifications``: an RNCP / RS certification (blocks, linked occupations) and its watch."""

from __future__ import annotations

from fastapi import APIRouter

from api.compute import cached_result
from api.deps import ComputerDep, ConDep, FormatDep, ReadAccess, RncpCodeDep, SettingsDep, SnapshotDep, WatchQueryDep
from api.errors import ERROR_RESPONSES
from api.models import Block, Certification, OccupationSummary
from api.output import CSV_RESPONSE_DOC, csv_response
from api.routes.occupations import _none
from models.signals import WatchReport
from referentials import queries

router = APIRouter(prefix="/certifications", tags=["certifications"], dependencies=[ReadAccess],
                   responses=ERROR_RESPONSES)


def _list(value) -> list:
    return [] if value is None or (not hasattr(value, "__len__")) else [str(v) for v in value]


@router.get("/{rncp_code}", response_model=Certification)
def get_certification(con: ConDep, rncp_code: RncpCodeDep) -> Certification:
    """Une certification : intitulé, niveau, blocs de compétences (avec leurs compétences si connues), \
métiers liés."""
    from analysis.watch import linked_occupations

    cert = queries.certification(con, rncp_code)
    assert cert is not None  # ``RncpCodeDep`` answers 404 for an unknown code
    blocks = [Block(block_code=b.block_code, label=_none(b.label), competences=_list(b.competences),
                    has_competences=bool(b.has_competences))
              for b in queries.blocks_of_certification(con, rncp_code).itertuples()]
    occupations = queries.rome_occupations(con).set_index("rome_code")
    linked = [OccupationSummary(rome_code=code, label=str(occupations.at[code, "label"]),
                                domain_label=_none(occupations.at[code, "domain_label"]))
              for code in linked_occupations(con, cert) if code in occupations.index]
    return Certification(rncp_code=rncp_code, title=_none(cert.get("title")), level=_none(cert.get("level"), int),
                         is_active=_none(cert.get("is_active"), bool),
                         certifier_names=_list(cert.get("certifier_names")),
                         successor_codes=_list(cert.get("successor_codes")), blocks=blocks, occupations=linked)


@router.get("/{rncp_code}/watch", response_model=WatchReport, responses={200: CSV_RESPONSE_DOC})
def certification_watch(con: ConDep, snapshot: SnapshotDep, computer: ComputerDep, settings: SettingsDep,
                        query: WatchQueryDep, fmt: FormatDep):
    """Veille : compétences des blocs rarement ou de moins en moins demandées, compétences émergentes \
des métiers liés."""
    report, _ = cached_result(con, snapshot, computer, "watch", query, compute_on_miss=settings.api_compute_on_miss)
    if fmt == "csv":
        return csv_response([item.model_dump(mode="json") for item in report.items],
                            filename=f"veille-{query.rncp_code}")
    return report
