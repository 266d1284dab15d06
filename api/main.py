"""The FastAPI application: ``create_app(settings)``.

The lifespan opens the newest published snapshot of the store read-only (``api.live``: each
request gets a cursor; the service moves to a new snapshot when the batch publishes one, so it
keeps answering while ``skillgap ingest`` / ``process`` / ``weekly`` write), opens the service's
own file (``api.state``: keys, result cache, staged ads) and starts the compute worker, which
loads the embedding encoder once. Nothing happens at import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api import errors
from api.compute import Computer, EncoderFactory, default_encoder_factory
from api.keys import import_store_keys
from api.live import LiveStore
from api.routes import ads, certifications, meta, modules, occupations, signals
from api.settings import ApiSettings, get_api_settings

DESCRIPTION = """
Compétences demandées dans les offres d'emploi, leur couverture par les blocs de compétences RNCP,
modules complémentaires candidats et signaux faibles.

- Lecture ouverte par défaut (``SKILLGAP_API_READ_OPEN=false`` pour exiger une clé), écriture avec
  l'en-tête ``X-API-Key`` (``skillgap apikey create``).
- Listes paginées (``limit``, ``offset``, ``total``) ; CSV avec ``?format=csv`` ou ``Accept: text/csv``.
- Toutes les erreurs ont la forme ``{"error": {"status", "code", "message", "details"}}``.
- Écarts, modules, signaux et veille sont servis depuis un cache invalidé par tout changement des
  offres, des traitements NLP, des référentiels, du modèle ou des paramètres d'analyse.
"""


def create_app(settings: ApiSettings | None = None, *, encoder_factory: EncoderFactory | None = None) -> FastAPI:
    """The API over ``settings.store``.

    Args:
        settings: service settings (default ``get_api_settings()``, i.e. the environment).
        encoder_factory: builds the embedding encoder on the compute thread (default: the model
            named by ``settings.api_model`` with the persistent phrase cache). Tests pass a small one.
    """
    settings = settings or get_api_settings()
    factory = encoder_factory or default_encoder_factory(settings.api_model)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        live = LiveStore(settings.store)
        state = settings.api_state_file()
        with live.cursor() as (con, _):
            import_store_keys(state, con)
        computer = Computer(live, state, factory)
        app.state.settings, app.state.live, app.state.api_state, app.state.computer = settings, live, state, computer
        try:
            yield
        finally:
            computer.close()
            live.close()

    app = FastAPI(title="skillgap", description=DESCRIPTION, version="1", lifespan=lifespan,
                  openapi_tags=_TAGS)
    errors.install(app)
    for module in (occupations, certifications, signals, ads, modules, meta):
        app.include_router(module.router)
    from web.app import mount

    mount(app)  # the web application at /app/ (web/README.md)
    return app


_TAGS: list[dict[str, Any]] = [
    {"name": "occupations", "description": "Fiches ROME 4.0, compétences, écarts de couverture, modules candidats"},
    {"name": "certifications", "description": "Certifications RNCP / RS : blocs, métiers liés, veille"},
    {"name": "signals", "description": "Compétences émergentes et en déclin"},
    {"name": "ads", "description": "Offres d'emploi stockées ; import (clé d'API)"},
    {"name": "modules", "description": "Modules complémentaires candidats et fiches"},
    {"name": "service", "description": "État et versions"},
]
