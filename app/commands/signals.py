"""Commands of the weak signals: ``skillgap signals``, ``skillgap watch``, ``skillgap eval signals``.

Thin wrappers: each parses options, calls a function returning data, and prints it.
"""

from __future__ import annotations

import io
import json
from enum import StrEnum
from pathlib import Path

import pandas as pd
import typer

from app.options import EmbeddingModelOption, Fmt, StoreOption, build_query
from app.options import check_region as _check_region
from app.options import parse_date as _date
from app.options import store_or_default as _store
from models.base import json_default as _default
from models.queries import SignalQuery, WatchQuery
from skillgap.errors import NotFoundError


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


def signals_command(store: Path, query: SignalQuery) -> tuple[list[dict], dict]:
    """Rows and context of ``skillgap signals`` (raises UserError rather than returning nothing)."""
    from analysis.signal_report import signal_report
    from skillgap.store import connect

    con = connect(store, read_only=True)
    try:
        _check_codes(con, rome_codes=query.rome_codes)
        report = signal_report(con, query)
    finally:
        con.close()
    context = report.model_dump(exclude={"signals", "kind", "rome_codes", "region_code", "date_from", "date_to"})
    return [s.model_dump() for s in report.signals], context


def _check_codes(con, *, rome_codes: tuple[str, ...] | None) -> None:
    from crawler import queries as ad_queries
    from referentials import queries

    for rome_code in rome_codes or ():
        known = ad_queries.count_ads(con, rome_code=rome_code)
        if not known and ("rome" not in queries.current_versions(con) or queries.occupation(con, rome_code) is None):
            raise NotFoundError(f"code ROME inconnu : {rome_code} (ni dans le ROME chargé ni dans les offres)")


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
        store: StoreOption = None,
        department: str | None = typer.Option(None, "--departement", help="code département des offres "
                                              "(ex. 69, 2A, 971)"),
        contract: str | None = typer.Option(None, "--contrat", help="type de contrat des offres (ex. CDI, CDD)"),
        naf: str | None = typer.Option(None, "--naf", help="code NAF du secteur ou son début (préfixe, ex. 62)"),
    ) -> None:
        """Compétences émergentes / en déclin dans les offres (tendance testée, FDR contrôlé)."""
        _check_region(region)
        query = build_query(SignalQuery, {"--kind": ("kind", kind.value if kind else None),
                                          "--rome": ("rome_codes", rome), "--region": ("region_code", region),
                                          "--from": ("date_from", _date(date_from, "--from")),
                                          "--to": ("date_to", _date(date_to, "--to")),
                                          "--period": ("period", period.value),
                                          "--departement": ("department_code", department),
                                          "--contrat": ("contract_type_code", contract), "--naf": ("naf_code", naf)})
        rows, context = signals_command(_store(store), query)
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
        store: StoreOption = None,
        model: EmbeddingModelOption = "default",
    ) -> None:
        """Obsolescence des compétences d'une certification et compétences émergentes de ses métiers."""
        from analysis.watch import watch
        from nlp.runtime import default_encoder
        from skillgap.store import connect

        _check_region(region)
        query = build_query(WatchQuery, {"--rncp": ("rncp_code", rncp), "--region": ("region_code", region),
                                         "--from": ("date_from", _date(date_from, "--from")),
                                         "--to": ("date_to", _date(date_to, "--to")),
                                         "--period": ("period", period.value),
                                         "--rare-threshold": ("rare_threshold", rare_threshold)})
        con = connect(_store(store), read_only=True)
        try:
            report = watch(con, query, encoder=default_encoder(model))
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
