"""``skillgap serve``, ``skillgap apikey create|revoke``, ``skillgap api warm|import-staged``,
``skillgap bench api``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.state import ApiState
from app.options import StoreOption


def serve_cmd(host: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
              port: Annotated[int, typer.Option(help="Port.")] = 8000,
              store: StoreOption = None,
              workers: Annotated[int, typer.Option(
                  help="Processus uvicorn (1 : un seul processus calcule et garde le modèle en mémoire).")] = 1,
              ) -> None:
    """Lance l'API HTTP (documentation interactive sur /docs).

    Le service lit le dernier instantané publié du magasin, en lecture seule : il continue de
    répondre pendant que le lot (ingest, process, weekly) écrit, et passe aux nouvelles données
    dès que le lot les publie.
    """
    import uvicorn

    from api.main import create_app
    from api.settings import ApiSettings

    if workers != 1:
        raise typer.BadParameter("un seul processus : le calcul des écarts et le modèle vivent dans un processus",
                                 param_hint="--workers")
    settings = ApiSettings(store=store) if store else ApiSettings()
    typer.echo(f"skillgap API sur http://{host}:{port} (documentation : http://{host}:{port}/docs) — "
               f"magasin {settings.store}",
               err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def apikey_create_cmd(label: Annotated[str, typer.Option("--label", help="Utilisateur ou service qui portera la clé.")],
                      store: StoreOption = None) -> None:
    """Crée une clé d'API (stockée hachée) et l'affiche une seule fois."""
    from api.keys import create_key

    key = create_key(_state(store), label=label)
    typer.echo("clé créée (elle ne sera plus affichée) ; en-tête X-API-Key :", err=True)
    typer.echo(key)


def _state(store: Path | None) -> ApiState:
    from api.settings import ApiSettings

    return (ApiSettings(store=store) if store else ApiSettings()).api_state_file()


def apikey_revoke_cmd(key_id: Annotated[str, typer.Argument(help="Identifiant de la clé (les 12 caractères "
                                                                 "hexadécimaux après sgk_).")],
                      store: StoreOption = None) -> None:
    """Révoque une clé d'API (effet immédiat, même service lancé)."""
    from api.keys import revoke_key
    from skillgap.errors import NotFoundError

    if not revoke_key(_state(store), key_id):
        raise NotFoundError(f"clé d'API inconnue ou déjà révoquée : {key_id}")
    typer.echo(f"clé {key_id} révoquée", err=True)


def import_staged_cmd(store: StoreOption = None) -> None:
    """Importe dans le magasin les offres reçues par POST /ads, puis publie le magasin (lot)."""
    from api.ingest import import_staged
    from app.options import store_or_default

    counts = import_staged(store_or_default(store), _state(store))
    typer.echo(json.dumps(counts))


def warm_cmd(rome: Annotated[list[str] | None, typer.Option(
                 "--rome", help="Codes ROME (défaut : tous ceux des offres).")] = None,
             region: Annotated[list[str] | None, typer.Option(
                 "--region", help="Régions en plus du total national.")] = None,
             store: StoreOption = None) -> None:
    """Calcule et met en cache les écarts et modules servis par l'API (lot hebdomadaire)."""
    from api.compute import warm_cache
    from app.options import check_region, store_or_default
    from skillgap.store import writing

    for code in region or []:
        check_region(code)
    with writing(store_or_default(store)) as con:
        counts = warm_cache(con, _state(store), [r.upper() for r in rome] if rome else None,
                            region_codes=(None, *(region or [])))
    typer.echo(json.dumps(counts))


def bench_api_cmd(store: StoreOption = None,
                  rome: Annotated[str, typer.Option("--rome", help="Métier demandé.")] = "M1801",
                  n_ads: Annotated[int, typer.Option(
                      "--ads", help="Offres stockées pendant la mesure (copies synthétiques ajoutées).")] = 100_000,
                  rate: Annotated[float, typer.Option(help="Requêtes par seconde (boucle ouverte).")] = 50.0,
                  duration: Annotated[float, typer.Option(help="Durée de la mesure en secondes.")] = 30.0,
                  concurrency: Annotated[int, typer.Option(help="Connexions clientes simultanées au plus.")] = 16,
                  port: Annotated[int, typer.Option(help="Port du serveur de mesure (boucle locale).")] = 8765) -> None:
    """Latence de GET /occupations/{rome}/gaps (p50/p95/p99) sur une copie du magasin portée à --ads offres."""
    from api.bench import bench_api
    from app.options import store_or_default

    result = bench_api(store_or_default(store), rome_code=rome.upper(), n_ads=n_ads, rate=rate, duration_s=duration,
                       concurrency=concurrency, port=port, progress=lambda m: typer.echo(m, err=True))
    typer.echo(json.dumps(result))


def bench_app_cmd(store: StoreOption = None,
                  rome: Annotated[str, typer.Option("--rome", help="Métier des pages mesurées.")] = "M1801",
                  rncp: Annotated[str | None, typer.Option("--rncp", help="Certification de la page mesurée.")] = None,
                  n_ads: Annotated[int, typer.Option(
                      "--ads", help="Offres stockées pendant la mesure (copies synthétiques ajoutées).")] = 100_000,
                  rate: Annotated[float, typer.Option(help="Requêtes par seconde et par page.")] = 10.0,
                  duration: Annotated[float, typer.Option(help="Durée de la mesure par page, en secondes.")] = 10.0,
                  port: Annotated[int, typer.Option(help="Port du serveur de mesure (boucle locale).")] = 8766) -> None:
    """Latence (p50/p95) des pages principales de l'application web sur une copie du magasin portée à --ads offres."""
    from app.options import store_or_default
    from web.bench import bench_app

    result = bench_app(store_or_default(store), rome_code=rome.upper(), rncp_code=rncp.upper() if rncp else None,
                       n_ads=n_ads, rate=rate, duration_s=duration, port=port,
                       progress=lambda m: typer.echo(m, err=True))
    typer.echo(json.dumps(result))


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add this package's commands to the CLI."""
    app.command("serve")(serve_cmd)
    apikey = typer.Typer(help="Clés d'API (écriture ; lecture si SKILLGAP_API_READ_OPEN=false).", no_args_is_help=True)
    apikey.command("create")(apikey_create_cmd)
    apikey.command("revoke")(apikey_revoke_cmd)
    app.add_typer(apikey, name="apikey")
    api = typer.Typer(help="Cache des résultats servis par l'API.", no_args_is_help=True)
    api.command("warm")(warm_cmd)
    api.command("import-staged")(import_staged_cmd)
    app.add_typer(api, name="api")
    groups["bench"].command("api")(bench_api_cmd)
    groups["bench"].command("app")(bench_app_cmd)
