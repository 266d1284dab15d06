"""``/modules``: a stored candidate module and the draft of its « fiche module complémentaire »."""

from __future__ import annotations

from typing import Annotated, Literal

import duckdb
from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.deps import ConDep, ReadAccess, StateDep
from api.errors import ERROR_RESPONSES, ApiError
from api.state import ApiState
from models.analysis import CandidateModule

router = APIRouter(prefix="/modules", tags=["modules"], dependencies=[ReadAccess], responses=ERROR_RESPONSES)
ModuleId = Annotated[str, Path(pattern=r"^MOD-[A-Za-z][0-9]{4}-[0-9a-f]{8}$", examples=["MOD-M1805-60c7ae25"],
                               description="id stable d'un module (GET /occupations/{rome_code}/modules)")]
MEDIA = {"md": "text/markdown", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@router.get("/{module_id}", response_model=CandidateModule)
def get_module(con: ConDep, state: StateDep, module_id: ModuleId) -> CandidateModule:
    """Un module candidat enregistré (dernier calcul)."""
    from api.compute import load_module

    module = load_module(state, con, module_id)
    if module is None:
        raise ApiError(404, f"module inconnu : {module_id} (calculez d'abord GET /occupations/{{rome_code}}/modules)")
    return module


@router.post("/{module_id}/draft", response_class=Response,
             responses={200: {"content": {m: {"schema": {"type": "string"}} for m in MEDIA.values()},
                              "description": "la fiche (Markdown ou DOCX)"}})
def module_draft(con: ConDep, state: StateDep, module_id: ModuleId,
                 format: Annotated[Literal["md", "docx"], Query(description="md ou docx")] = "md",
                 ) -> Response:
    """Brouillon de « fiche module complémentaire » pour un acheteur régional (champs à compléter marqués)."""
    return draft_response(con, state, module_id, format,
                          missing="calculez d'abord GET /occupations/{rome_code}/modules")


def draft_response(con: duckdb.DuckDBPyConnection, state: ApiState, module_id: str, fmt: Literal["md", "docx"], *,
                   missing: str) -> Response:
    """The draft of a module computed by the service or saved by ``skillgap modules``, as a download
    (404 naming ``missing``, what to do first, when the module is unknown); the API and the web app."""
    from api.compute import load_module
    from reports.module_draft import render_module

    module = load_module(state, con, module_id)
    if module is None:
        raise ApiError(404, f"module inconnu : {module_id} ({missing})")
    content, media_type = render_module(con, module, fmt)
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{module_id}.{fmt}"'})
