"""``skillgap report weekly`` and ``skillgap weekly``: the functions behind the commands.

``weekly_report`` reads the store and writes one report folder. ``run_weekly`` is the batch of a
week — collect → process → analyse → report — meant for cron or a systemd timer: every step is
idempotent (ingest and crawl dedupe ads, NLP processing handles only unprocessed ads, modules are
upserted by stable id, the report folder is replaced whole), and a lock file stops two runs from
overlapping. The API keeps answering during the batch: each step that writes the store publishes
it when done (``skillgap.store.publish``) and the service moves to the new snapshot.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from nlp.runtime import default_encoder
from reports.period import ReportPeriod
from reports.weekly import OccupationGaps, Scope, collect_weekly
from skillgap.errors import UserError
from skillgap.store import writing

log = logging.getLogger(__name__)
Echo = Callable[[str], None]


def _status(occupation: OccupationGaps) -> str:
    """'ok', or why the occupation has no gap report."""
    if occupation.report:
        return "ok"
    assert occupation.failure is not None  # ``occupation_gaps`` records why when there is no report
    return occupation.failure.reason


def weekly_report(store: Path, scope: Scope, out_dir: Path, *, encoder=None, pdf: bool | None = None,
                  command: str | None = None, save_modules: bool = True, con=None) -> tuple[Path, dict]:
    """Compute the figures of ``scope`` and write its report folder; returns (folder, summary)."""
    from analysis.gaps import GapContext
    from reports.render import write_report

    if con is None:
        with writing(store) as own:  # modules saved; published for the service at the end
            return weekly_report(store, scope, out_dir, encoder=encoder, pdf=pdf, command=command,
                                 save_modules=save_modules, con=own)
    data = collect_weekly(GapContext(con, encoder or default_encoder()), scope, save_modules_=save_modules)
    folder = write_report(data, out_dir, pdf=pdf, command=command)
    summary = {"folder": str(folder), "week": scope.period.week_label, "region_code": scope.region_code,
               "n_ads_week": int(data.ads.in_week.sum()), "n_ads_window": len(data.ads),
               "occupations": {o.rome_code: _status(o) for o in data.occupations},
               "n_modules": sum(len(o.modules) for o in data.occupations), "n_signals": len(data.signals),
               "pdf": (folder / "report.pdf").is_file()}
    return folder, summary


@contextmanager
def run_lock(out_dir: Path) -> Iterator[None]:
    """Exclusive lock on ``out_dir/.skillgap-weekly.lock`` (fails at once if another run holds it)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".skillgap-weekly.lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise UserError(
                f"un autre « skillgap weekly » écrit déjà dans {out_dir} (verrou .skillgap-weekly.lock)"
            ) from e
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def collect(store: Path, *, ingest_paths: list[Path], crawl: str | None, crawl_args: dict[str, str],
            echo: Echo) -> dict:
    """Step 1: import the ads received by the API, files and/or run a spider (all dedupe against the store)."""
    from api.ingest import import_staged
    from api.state import ApiState

    out: dict = {}
    staged = import_staged(store, ApiState.for_store(store))
    if staged["read"]:
        out["staged"] = staged
        echo(f"collecte (offres reçues par l'API) : {staged['stored']} nouvelle(s) sur {staged['read']}")
    if ingest_paths:
        from crawler.ingest import ingest

        out["ingest"] = ingest(ingest_paths, store=store)
        echo(f"collecte : {out['ingest']['stored']} offre(s) nouvelle(s) sur {out['ingest']['read']} lue(s)")
    if crawl:
        from crawler.crawl import project_settings, run_crawl

        out["crawl"] = run_crawl(crawl, settings=project_settings(store=store), spider_args=crawl_args)
        echo(f"collecte ({crawl}) : {out['crawl'].get('stored')} offre(s) nouvelle(s)")
    if not ingest_paths and not crawl:
        echo("collecte : aucun fichier ni site indiqué (--ingest / --crawl)")
    return out


def process(store: Path, *, model: str | None, echo: Echo) -> dict | None:
    """Step 2: NLP over the ads not processed yet."""
    from nlp.engine import NlpEngine
    from nlp.process import process_ads
    from nlp.runtime import prepare

    ref, config, cache = prepare(store, model)
    engine = NlpEngine.create(ref, config, cache_dir=cache)
    with writing(store) as con:
        result = process_ads(con, engine)
    echo(f"traitement NLP : {result}")
    return result


def warm_api_cache(con, store: Path, rome_codes: list[str], region_code: str | None, encoder, echo: Echo) -> dict:
    """Step 4: precompute what the API serves for the report's main occupations (in the service file)."""
    from api.compute import warm_cache
    from api.state import ApiState

    counts = warm_cache(con, ApiState.for_store(store), rome_codes, region_codes=(region_code,), encoder=encoder)
    echo(f"cache de l'API : {counts}")
    return counts


def run_weekly(store: Path, out_dir: Path, *, period: ReportPeriod, regions: list[str | None],
               scope_kwargs: dict, ingest_paths: Sequence[Path] = (), crawl: str | None = None,
               crawl_args: dict[str, str] | None = None, do_process: bool = True, model: str = "default",
               pdf: bool | None = None, warm_cache: bool = True, command: str | None = None,
               echo: Echo = print, encoder=None) -> dict:
    """The weekly batch (see module docstring); returns a summary of every step."""
    started = time.perf_counter()
    summary: dict = {"week": period.week_label}
    with run_lock(out_dir):
        summary["collect"] = collect(store, ingest_paths=list(ingest_paths), crawl=crawl,
                                     crawl_args=crawl_args or {}, echo=echo)
        if do_process:
            summary["process"] = process(store, model=None if model == "default" else model, echo=echo)
        else:
            echo("traitement NLP : désactivé (--no-process)")
            summary["process"] = None
        encoder = encoder or default_encoder(model)
        with writing(store) as con:  # modules saved; published for the service at the end
            summary["reports"] = []
            for region in regions:
                scope = Scope(period=period, region_code=region, **scope_kwargs)
                folder, report = weekly_report(store, scope, out_dir, encoder=encoder, pdf=pdf, command=command,
                                               con=con)
                echo(f"rapport : {folder / 'index.html'} ({report['n_ads_week']} offre(s) cette semaine, "
                     f"{report['n_ads_window']} sur 12 mois)")
                summary["reports"].append(report)
                if report["n_ads_week"] == 0:
                    echo(f"attention : aucune offre créée pendant la semaine {period.week_label} "
                         f"({period.week_start} → {period.week_end}) pour la région {region or 'France entière'}")
                if warm_cache:
                    ok = [code for code, status in report["occupations"].items() if status == "ok"]
                    summary.setdefault("api_cache", []).append(warm_api_cache(con, store, ok, region, encoder, echo))
    summary["elapsed_s"] = round(time.perf_counter() - started, 1)
    return summary


def today() -> date:
    return date.today()
