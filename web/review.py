"""Sign-in of reviewers and their decisions on the skills of an occupation (``api.reviews``)."""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.deps import ConDep, RomeCodeDep, StateDep
from api.errors import ApiError
from api.keys import verify_key
from api.reviews import add_review, audit_trail
from models.review import VERDICT_LABELS, ReviewCreate
from web.auth import COOKIE, SESSION_S, Reviewer, request_reviewer, session_cookie
from web.pages import ExportDep, TableDep, export_or
from web.render import render
from web.tables import Table

router = APIRouter()


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _local(target: str | None, default: str) -> str:
    """A redirect target inside the application only (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/app"):
        return default
    return target


@router.get("/connexion", name="web_login")
def login_page(request: Request, suite: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    return render(request, "login.html", suite=_local(suite, "/app/"), error=None)


@router.post("/connexion")
async def login(request: Request, state: StateDep) -> Response:
    form = await _form(request)
    target = _local(form.get("suite"), "/app/")
    key_id = verify_key(state, form.get("cle", "").strip())
    if key_id is None:
        return render(request, "login.html", suite=target, status=401,
                      error="Clé invalide ou révoquée. Demandez une clé à l'administrateur (skillgap apikey create).")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, session_cookie(state, key_id), max_age=SESSION_S, path="/app", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    return response


@router.post("/deconnexion", name="web_logout")
async def logout(request: Request) -> Response:
    response = RedirectResponse("/app/", status_code=303)
    response.delete_cookie(COOKIE, path="/app")
    return response


def _reviewer(request: Request, form: dict[str, str] | None = None) -> Reviewer:
    reviewer = request_reviewer(request)
    if reviewer is None:
        raise ApiError(401, "connexion requise : seuls les relecteurs connectés avec une clé peuvent relire")
    if form is not None and not hmac.compare_digest(form.get("csrf", ""), reviewer.csrf):
        raise ApiError(403, "formulaire expiré ou d'une autre origine : rechargez la page et recommencez")
    return reviewer


@router.get("/metiers/{rome_code}/relecture", name="web_review_form")
def review_form(request: Request, rome_code: RomeCodeDep,
                skill_key: Annotated[str, Query(max_length=500)], skill_label: Annotated[str, Query(max_length=500)],
                suite: Annotated[str | None, Query(max_length=1000)] = None) -> Response:
    """The form for one skill (a fragment for htmx, else a page)."""
    reviewer = _reviewer(request)
    template = "_review_form.html" if request.headers.get("hx-request") else "review.html"
    return render(request, template, rome_code=rome_code, skill_key=skill_key, skill_label=skill_label,
                  suite=_local(suite, f"/app/metiers/{rome_code}"), csrf=reviewer.csrf, error=None,
                  verdicts=VERDICT_LABELS)


@router.post("/metiers/{rome_code}/relectures", name="web_review_post")
async def post_review(request: Request, state: StateDep, rome_code: RomeCodeDep) -> Response:
    form = await _form(request)
    reviewer = _reviewer(request, form)
    target = _local(form.get("suite"), f"/app/metiers/{rome_code}")
    try:
        review = ReviewCreate(skill_key=form.get("skill_key", ""), skill_label=form.get("skill_label", ""),
                              verdict=form.get("verdict", ""),  # type: ignore[arg-type]
                              merged_into_key=form.get("merged_into_key") or None,
                              corrected_status=form.get("corrected_status") or None,  # type: ignore[arg-type]
                              corrected_block_code=(form.get("corrected_block_code") or "").strip().upper() or None,
                              comment=form.get("comment", ""))
    except ValidationError as e:
        message = "; ".join(str(err.get("msg", "")).removeprefix("Value error, ") for err in e.errors())
        return render(request, "review.html", rome_code=rome_code, skill_key=form.get("skill_key", ""),
                      skill_label=form.get("skill_label", ""), suite=target, csrf=reviewer.csrf,
                      error=f"décision non enregistrée : {message}", verdicts=VERDICT_LABELS, status=422)
    add_review(state, rome_code, review, key_id=reviewer.key_id)
    return RedirectResponse(target, status_code=303)


@router.get("/relectures", name="web_reviews")
def reviews_page(request: Request, con: ConDep, state: StateDep,
                 rome_code: Annotated[str | None, Query(pattern=r"^[A-Za-z][0-9]{4}$")] = None,
                 export: ExportDep = None, table: TableDep = None) -> Response:
    """Every decision (the audit trail), newest first."""
    decisions = audit_trail(state, rome_code.upper() if rome_code else None)
    rows = [{"review_id": d.review_id, "decided_at": d.decided_at, "reviewer": d.key_label or d.key_id,
             "key_id": d.key_id, "rome_code": d.rome_code, "skill_label": d.skill_label, "skill_key": d.skill_key,
             "verdict": VERDICT_LABELS[d.verdict], "merged_into_key": d.merged_into_key,
             "corrected_status": d.corrected_status, "corrected_block_code": d.corrected_block_code,
             "comment": d.comment} for d in decisions]
    tables = {"relectures": Table("relectures", "Relectures", [
        ("review_id", "n°"), ("decided_at", "date"), ("reviewer", "relecteur"), ("key_id", "clé"),
        ("rome_code", "métier"), ("skill_label", "compétence"), ("skill_key", "identifiant"),
        ("verdict", "décision"), ("merged_into_key", "fusionnée dans"), ("corrected_status", "statut corrigé"),
        ("corrected_block_code", "bloc corrigé"), ("comment", "commentaire")], rows)}
    if (response := export_or(tables, export, table, filename="relectures")) is not None:
        return response
    return render(request, "reviews.html", rows=rows, rome_code=rome_code, tables=tables)
