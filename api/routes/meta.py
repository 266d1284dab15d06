"""``/health`` and ``/version``."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from fastapi import APIRouter

from api.deps import ComputerDep, ConDep, ReadAccess, SettingsDep
from api.models import Health, Version
from crawler.queries import count_ads
from referentials import queries

router = APIRouter(tags=["service"])


def _package_version() -> str:
    try:
        return package_version("skillgap")
    except PackageNotFoundError:
        return "unknown (not installed)"


@router.get("/health", response_model=Health)
def health(con: ConDep, settings: SettingsDep) -> Health:
    """Le service répond et lit le magasin (toujours ouvert, sans clé)."""
    n_ads = count_ads(con)
    return Health(status="ok", store=str(settings.store), n_ads=n_ads,
                  referentials_loaded=sorted(queries.current_versions(con)))


@router.get("/version", response_model=Version, dependencies=[ReadAccess])
def version(con: ConDep, computer: ComputerDep) -> Version:
    """Versions des référentiels, modèle d'embedding, seuils de couverture et paramètres d'analyse."""
    from analysis.config import get_config

    config = get_config()
    thresholds = config.coverage.thresholds.get(computer.model_name)
    versions = {source: {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in info.items()
                         if k != "file_hashes"}
                for source, info in queries.current_versions(con).items()}
    return Version(version=_package_version(), model_name=computer.model_name,
                   referential_versions=versions, coverage_thresholds=thresholds.model_dump() if thresholds else None,
                   analysis_config=config.model_dump(mode="json", exclude={"coverage": {"thresholds"}}))
