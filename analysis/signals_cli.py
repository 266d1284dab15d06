"""Commands of the weak signals: ``skillgap signals``, ``skillgap watch``, ``skillgap eval signals``.

Thin wrappers: each parses options, calls a function returning data, and prints it.
"""

from __future__ import annotations

import io
import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import typer

from skillgap.cliutil import Fmt
from skillgap.cliutil import check_region as _check_region
from skillgap.cliutil import json_default as _default
from skillgap.cliutil import parse_date as _date
from skillgap.cliutil import store_or_default as _store
from skillgap.errors import InsufficientDataError, NotFoundError

if TYPE_CHECKING:
    from analysis.signals import Period


class Kind(StrEnum):
    emerging = "emerging"
    declining = "declining"


class PeriodOpt(StrEnum):
    week = "week"
    month = "month"


def _emit(records: list[dict], fmt: Fmt, context: dict) -> str:
    if fmt is Fmt.json:
        return json.dumps({"context": context, "rows": records}, ensure_ascii=False, default=_default, indent=1)
    if fmt is Fmt.csv:
        buf = io.StringIO()
        flat = [{k: ("|".join(map(str, v)) if isinstance(v, list) else v) for k, v in r.items()} for r in records]
        pd.DataFrame(flat).assign(**{k: json.dumps(v, default=_default) if isinstance(v, (dict, list)) else v
                                     for k, v in context.items()}).to_csv(buf, index=False)
        return buf.getvalue().rstrip("\n")
    return "\n".join(_text_line(r) for r in records)


def _text_line(r: dict) -> str:
    if "item_label" in r:
        ratio = f" RR/an {r['rate_ratio_per_year']:.2f}" if r.get("rate_ratio_per_year") else ""
        return (f"{r['status']:<15} {r['block_code']} {r['item_label'][:70]!r} part {r['share']:.3f} "
                f"[{r['share_ci_low']:.3f}, {r['share_ci_high']:.3f}] ({r['n_ads_with_item']}/{r['n_ads']}){ratio}")
    rr = r.get("rate_ratio_per_year")
    effect = (f"RR/an {rr:.2f} [{r['rate_ratio_ci_low']:.2f}, {r['rate_ratio_ci_high']:.2f}]" if rr
              else f"apparu {r['first_seen_period_start']}")
    return (f"{r['kind']:<9} {r['rome_code'] or '*'} {r['skill_label'][:60]!r} ({r['skill_key']}) {effect} "
            f"q={r['q_value']:.3g} test={r['test']} {r['n_ads_with_skill']}/{r['n_ads']} annonces "
            f"{r['first_period_start']}→{r['last_period_start']}")


def signals_command(store: Path, *, kind: str | None, rome_code: str | None, region_code: str | None,
                    date_from: date | None, date_to: date | None, period: Period) -> tuple[list[dict], dict]:
    """Rows and context of ``skillgap signals`` (raises UserError rather than returning nothing)."""
    from analysis.demand import SeriesFilters, demand_series, exposure_series
    from analysis.signals import SignalSettings, assess_series, signals_from_tests
    from referentials import queries
    from skillgap.store import connect

    con = connect(store, read_only=True)
    try:
        _check_codes(con, rome_code=rome_code, region_code=region_code)
        filters = SeriesFilters(period=period, rome_code=rome_code, region_code=region_code, date_from=date_from,
                                date_to=date_to)
        rows, exposure = demand_series(con, **filters), exposure_series(con, **filters)
        versions = {k: v["version_label"] for k, v in queries.current_versions(con).items()}
    finally:
        con.close()
    if exposure.empty:
        raise InsufficientDataError("aucune offre datée ne correspond à ces filtres (métier, région, dates)")
    settings = SignalSettings()
    tested = assess_series(rows, exposure=exposure, settings=settings)
    n_tested = int(tested["support_reason"].isna().sum()) if len(tested) else 0
    context = {"period": period, "first_period_start": min(exposure["period_start"]),
               "last_period_start": max(exposure["period_start"]), "n_ads": int(exposure["n_ads"].sum()),
               "n_series": len(tested), "n_series_tested": n_tested, "settings": settings.model_dump(),
               "tests": "quasi-Poisson log-linear trend (exposure offset) + appearance; Benjamini-Hochberg",
               "referential_versions": versions}
    if n_tested == 0:
        raise InsufficientDataError(
            f"pas assez d'offres pour tester une tendance : {context['n_ads']} offre(s), "
            f"{len(tested)} série(s) compétence × métier, aucune n'atteint le support minimal "
            f"({settings.min_ads_with_skill} annonces avec la compétence, {settings.min_periods} périodes)")
    return [s.model_dump() for s in signals_from_tests(tested, kind=kind, period=period)], context


def _check_codes(con, *, rome_code: str | None, region_code: str | None) -> None:
    from referentials import queries

    if rome_code is not None:
        known = con.execute("SELECT count(*) FROM core_ads__job_ads WHERE rome_code = ?", [rome_code]).fetchone()[0]
        if not known and ("rome" not in queries.current_versions(con) or queries.occupation(con, rome_code) is None):
            raise NotFoundError(f"code ROME inconnu : {rome_code} (ni dans le ROME chargé ni dans les offres)")
    _check_region(region_code)


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add this package's commands to the CLI."""

    @app.command("signals")
    def signals_cli(
        kind: Kind | None = typer.Option(None, "--kind", help="emerging ou declining (les deux par défaut)"),
        rome: str | None = typer.Option(None, "--rome", help="code ROME du métier (tous par défaut)"),
        region: str | None = typer.Option(None, "--region", help="code région INSEE (ex. 84)"),
        date_from: str | None = typer.Option(None, "--from", help="date de début AAAA-MM-JJ"),
        date_to: str | None = typer.Option(None, "--to", help="date de fin AAAA-MM-JJ"),
        period: PeriodOpt = typer.Option(PeriodOpt.month, "--period", help="week ou month"),
        fmt: Fmt = typer.Option(Fmt.text, "--format"),
        store: Path | None = typer.Option(None, "--store", help="base DuckDB (défaut : réglages)"),
    ) -> None:
        """Compétences émergentes / en déclin dans les offres (tendance testée, FDR contrôlé)."""
        rows, context = signals_command(
            _store(store), kind=kind.value if kind else None, rome_code=rome, region_code=region,
            date_from=_date(date_from, "--from"), date_to=_date(date_to, "--to"), period=period.value)
        if not rows and fmt is Fmt.text:
            typer.echo(f"aucun signal significatif parmi {context['n_series_tested']} série(s) testée(s) "
                       f"({context['n_ads']} offres, {context['first_period_start']}→{context['last_period_start']})")
            return
        typer.echo(_emit(rows, fmt, context))

    @app.command("watch")
    def watch_cli(
        rncp: str = typer.Option(..., "--rncp", help="code de la certification (ex. RNCP37674)"),
        region: str | None = typer.Option(None, "--region", help="code région INSEE"),
        date_from: str | None = typer.Option(None, "--from"),
        date_to: str | None = typer.Option(None, "--to"),
        period: PeriodOpt = typer.Option(PeriodOpt.month, "--period"),
        rare_threshold: float = typer.Option(
            0.02, "--rare-threshold", help="part d'offres sous laquelle un item est rare"
        ),
        fmt: Fmt = typer.Option(Fmt.text, "--format"),
        store: Path | None = typer.Option(None, "--store"),
    ) -> None:
        """Obsolescence des compétences d'une certification et compétences émergentes de ses métiers."""
        from analysis.watch import watch
        from skillgap.store import connect

        _check_region(region)
        con = connect(_store(store), read_only=True)
        try:
            report = watch(con, rncp.strip().upper(), period=period.value, region_code=region,
                           date_from=_date(date_from, "--from"), date_to=_date(date_to, "--to"),
                           rare_threshold=rare_threshold)
        finally:
            con.close()
        data = report.model_dump()
        items, emerging = data.pop("items"), data.pop("emerging")
        if fmt is Fmt.json:
            typer.echo(json.dumps(data | {"items": items, "emerging": emerging}, ensure_ascii=False,
                                  default=_default, indent=1))
            return
        if fmt is Fmt.csv:
            typer.echo(_emit(items, fmt, data))
            return
        typer.echo(f"{report.rncp_code} {report.title or ''} — métiers {', '.join(report.rome_codes)} — "
                   f"{report.n_ads} offres {report.first_period_start}→{report.last_period_start} — "
                   f"appariement : {report.matcher} (seuil {report.match_threshold})")
        typer.echo(_emit(items, fmt, data))
        typer.echo(f"compétences émergentes : {len(emerging)}")
        if emerging:
            typer.echo(_emit(emerging, fmt, data))

    @groups["eval"].command("signals")
    def eval_signals_cli(
        seed: int = typer.Option(20250301, "--seed"),
        overdispersion_cv: float = typer.Option(0.15, "--overdispersion-cv"),
        monthly_ads: int = typer.Option(20_000, "--monthly-ads"),
    ) -> None:
        """Précision / rappel des signaux sur séries simulées (tendances injectées) ; dernière ligne JSON."""
        from analysis.simulate import SimulationSettings, evaluate_signals

        r = evaluate_signals(sim=SimulationSettings(seed=seed, overdispersion_cv=overdispersion_cv,
                                                    monthly_ads=monthly_ads))
        typer.echo(f"paramètres : {r['parameters_source']} ({r['n_occupations']} métiers, "
                   f"{r['n_skill_rates']} taux de base)")
        typer.echo(f"séries : {r['n_injected']} injectées ({r['n_injected_testable']} testables), "
                   f"{r['n_null']} nulles ({r['n_null_testable']} testables) ; signalées : {r['n_reported']}")
        for k in ("up", "down", "appear"):
            typer.echo(f"  rappel {k:<7} {r[f'recall_{k}']:.3f} sur {r[f'n_{k}_testable']} séries testables")
        typer.echo(f"rappel sur toutes les injectées (y c. sous le support minimal) : {r['recall_all_injected']:.3f} ; "
                   f"faux positifs parmi les nulles testées : {r['null_false_positive_rate']:.4f}")
        keys = ["precision", "recall", "fdr", "recall_up", "recall_down", "recall_appear", "recall_all_injected",
                "null_false_positive_rate", "n_reported", "n_injected_testable", "n_null_testable"]
        typer.echo(json.dumps({k: r[k] for k in keys}))
