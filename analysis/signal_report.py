"""``signal_report``: the weak signals of a ``SignalQuery`` — the one function the CLI
(``skillgap signals``), the API (``GET /signals``) and the weekly report call."""

from __future__ import annotations

import duckdb

from analysis.demand import demand_series, exposure_series
from analysis.signals import SignalSettings, assess_series, signals_from_tests
from models.queries import SignalQuery
from models.signals import SignalReport
from referentials import queries
from skillgap.errors import InsufficientDataError

TESTS = "quasi-Poisson log-linear trend (exposure offset) + appearance; Benjamini-Hochberg"


def signal_report(con: duckdb.DuckDBPyConnection, query: SignalQuery,
                  settings: SignalSettings | None = None) -> SignalReport:
    """Emerging / declining skills of the query (raises ``InsufficientDataError`` rather than
    returning nothing when no ad or no series can be tested)."""
    settings = settings or SignalSettings()
    ads = query.ads()
    rows, exposure = demand_series(con, ads, period=query.period), exposure_series(con, ads, period=query.period)
    if exposure.empty:
        raise InsufficientDataError("aucune offre datée ne correspond à ces filtres (métier, région, dates)")
    tested = assess_series(rows, exposure=exposure, settings=settings)
    n_tested = int(tested["support_reason"].isna().sum()) if len(tested) else 0
    n_ads = int(exposure["n_ads"].sum())
    if n_tested == 0:
        raise InsufficientDataError(
            f"pas assez d'offres pour tester une tendance : {n_ads} offre(s), "
            f"{len(tested)} série(s) compétence × métier, aucune n'atteint le support minimal "
            f"({settings.min_ads_with_skill} annonces avec la compétence, {settings.min_periods} périodes)")
    return SignalReport(
        kind=query.kind, rome_codes=None if query.rome_codes is None else list(query.rome_codes),
        region_code=query.region_code, date_from=query.date_from,
        date_to=query.date_to, period=query.period, first_period_start=min(exposure["period_start"]),
        last_period_start=max(exposure["period_start"]), n_ads=n_ads, n_series=len(tested),
        n_series_tested=n_tested, settings=settings.model_dump(), tests=TESTS,
        referential_versions={k: v["version_label"] for k, v in queries.current_versions(con).items()},
        signals=signals_from_tests(tested, kind=query.kind, period=query.period))
