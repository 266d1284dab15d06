"""``/modules``: a stored candidate module and the draft of its « fiche module complémentaire »."""

from __future__ import annotations

import importlib
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.deps import ConDep, ReadAccess
from api.errors import ERROR_RESPONSES, ApiError
from models.analysis import CandidateModule

router = APIRouter(prefix="/modules", tags=["modules"], dependencies=[ReadAccess], responses=ERROR_RESPONSES)
ModuleId = Annotated[str, Path(pattern=r"^MOD-[A-Za-z][0-9]{4}-[0-9a-f]{8}$", examples=["MOD-M1805-60c7ae25"],
                               description="id stable d'un module (GET /occupations/{rome_code}/modules)")]
MEDIA = {"md": "text/markdown", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@router.get("/{module_id}", response_model=CandidateModule)
def get_module(con: ConDep, module_id: ModuleId) -> CandidateModule:
    """Un module candidat enregistré (dernier calcul)."""
    from analysis.modules import load_module

    module = load_module(con, module_id)
    if module is None:
        raise ApiError(404, f"module inconnu : {module_id} (calculez d'abord GET /occupations/{{rome_code}}/modules)")
    return module


@router.post("/{module_id}/draft", response_class=Response,
             responses={200: {"content": {m: {"schema": {"type": "string"}} for m in MEDIA.values()},
                              "description": "la fiche (Markdown ou DOCX)"},
                        501: {"description": "génération de fiches absente de cette installation"}})
def module_draft(con: ConDep, module_id: ModuleId,
                 format: Annotated[Literal["md", "docx"], Query(description="md ou docx")] = "md"  # noqa: A002
                 ) -> Response:
    """Brouillon de « fiche module complémentaire » pour un acheteur régional (champs à compléter marqués)."""
    try:
        draft_module = importlib.import_module("reports.module_draft")
    except ModuleNotFoundError as e:
        raise ApiError(501, "génération de fiches module indisponible (reports.module_draft absent)") from e
    if not hasattr(draft_module, "render_draft"):
        raise ApiError(501, "génération de fiches module indisponible (reports.module_draft.render_draft absent)")
    content, media_type = draft_module.render_draft(con, module_id, format)
    extension = "md" if format == "md" else "docx"
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{module_id}.{extension}"'})
