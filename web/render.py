"""Templates (Jinja2, autoescaped: every ad text is HTML-escaped) and what every page shares."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from models.review import VERDICT_LABELS
from referentials.geo import REGIONS
from web.auth import request_reviewer

HERE = Path(__file__).resolve().parent

STATUS_LABELS = {"covered": "couverte", "partial": "à vérifier (partiellement couverte)", "uncovered": "non couverte"}
BASIS_LABELS = {"competence": "sur la liste de compétences du bloc",
                "title": "sur l'intitulé du bloc",
                "title_part": "sur une partie de l'intitulé du bloc (compétences du bloc inconnues)",
                "review": "décision d'un relecteur"}
PERIODS = {"tout": "toute la période", "trimestre": "dernier trimestre", "mois": "dernier mois",
           "perso": "période personnalisée"}


def percent(value: float | None, digits: int = 1) -> str:
    """A share as French percent text.

    >>> percent(0.1234)
    '12,3\\u202f%'
    """
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}".replace(".", ",") + "\u202f%"


def number(value: float | int | None, digits: int = 0) -> str:
    """A number in French notation (thin space for thousands, comma for decimals).

    >>> number(12345), number(0.5, 2)
    ('12\\u202f345', '0,50')
    """
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(percent=percent, number=number, status_label=lambda s: STATUS_LABELS.get(str(s), str(s)),
                       basis_label=lambda k: BASIS_LABELS.get(str(k), "—"),
                       region_label=lambda c: REGIONS.get(c, c) if c else "toutes les régions")
    env.globals.update(regions=REGIONS, periods=PERIODS, verdict_labels=VERDICT_LABELS)
    return env


def with_params(request: Request, **changes: Any) -> str:
    """The request's URL with some query parameters changed (None removes one)."""
    params = {k: v for k, v in request.query_params.items() if k not in changes}
    params.update({k: str(v) for k, v in changes.items() if v is not None})
    query = urlencode(params)
    return f"{request.url.path}?{query}" if query else request.url.path


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    html = environment().get_template(template).render(
        request=request, reviewer=request_reviewer(request), with_params=lambda **c: with_params(request, **c),
        **context)
    return HTMLResponse(html, status_code=status)


def preset_dates(preset: str, newest: date | None) -> tuple[date | None, date | None]:
    """(from, to) of a period preset, relative to the newest stored ad.

    >>> preset_dates("trimestre", date(2025, 3, 31))
    (datetime.date(2024, 12, 31), datetime.date(2025, 3, 31))
    """
    if newest is None or preset not in ("trimestre", "mois"):
        return None, None
    return newest - timedelta(days=90 if preset == "trimestre" else 30), newest
