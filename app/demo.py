"""``skillgap demo``: the embedded default, end to end, on bundled data.

1. load the bundled referentials (ROME 4.0, ESCO, ESCO-ROME crosswalk, RNCP) into the store;
2. start a local career site publishing job ads WRITTEN FOR THE DEMO (``app.demo_ads``) as
   schema.org JobPosting pages, and collect them with the real ``jobposting`` spider;
3. extract, link and classify them (``skillgap process``);
4. uncovered skills and candidate modules of an occupation, and the draft of its first module;
5. weak signals; 6. the weekly report; 7. the web application and the API (cache warmed), URLs printed
   (unless ``--no-serve``).

Each step is the same command a user would type (run as a subprocess), so the demo shows them.
Re-running is safe: the same referential files are not reloaded, seen ads are not re-stored.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from app.commands.referentials import format_result, load_referentials, store_path
from app.options import StoreOption
from skillgap.errors import UserError
from skillgap.store import connect

DEMO_ROME = "M1805"


def _run(*args: str, out: Path | None = None, check: bool = True) -> str:
    """Run ``skillgap ARGS`` as a user would, echoing the command and its output."""
    typer.echo(f"\n$ skillgap {shlex.join(args)}" + (f" > {out}" if out else ""))
    result = subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True)
    if out is not None:
        out.write_text(result.stdout, encoding="utf-8")
        typer.echo(f"  → {out} ({len(result.stdout.splitlines())} lignes)")
    else:
        typer.echo(result.stdout.rstrip())
    if result.returncode != 0:
        typer.echo(result.stderr.rstrip()[-3000:], err=True)
        if check:
            raise UserError(f"l'étape `skillgap {args[0]}` a échoué (code {result.returncode})")
    return result.stdout


def last_full_week(today: date) -> tuple[date, str]:
    """The Sunday ending the last complete ISO week, and that week as ``YYYY-Www``.

    >>> last_full_week(date(2026, 11, 26))
    (datetime.date(2026, 11, 22), '2026-W47')
    """
    sunday = today - timedelta(days=today.isoweekday())
    year, week, _ = sunday.isocalendar()
    return sunday, f"{year}-W{week:02d}"


def demo(
    store: StoreOption = None,
    out: Annotated[Path, typer.Option("--out", help="Dossier des sorties (rapport, fiche module).")] = Path("out/demo"),
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Démarrer l'API à la fin.")] = True,
    port: Annotated[int, typer.Option(help="Port de l'API.")] = 8000,
) -> None:
    """Démonstration de bout en bout sur les données embarquées (offres écrites pour la démo)."""
    from app.demo_ads import demo_postings
    from crawler.localsite import LocalSite

    path = store_path(store)
    out.mkdir(parents=True, exist_ok=True)
    s = ["--store", str(path)]
    typer.echo(f"== 1. Référentiels embarqués → {path}")
    for result in load_referentials(path):
        typer.echo(format_result(result))
    end, week = last_full_week(date.today())
    con = connect(path, read_only=True)
    postings = demo_postings(con, end=end)
    con.close()
    typer.echo(f"\n== 2. Site carrière local : {len(postings)} offres écrites pour la démo, "
               "collectées par l'araignée jobposting")
    with LocalSite(postings, extras=False) as site:
        _run("crawl", "jobposting", *s, "-a", f"sitemaps={site.url}/sitemap.xml", "--no-throttle")
    typer.echo("\n== 3. Extraction des compétences, liens ROME / ESCO, métier")
    _run("process", *s)
    typer.echo(f"\n== 4. Compétences non couvertes et modules candidats — {DEMO_ROME}")
    _run("gaps", "--rome", DEMO_ROME, *s, "--limit", "12")
    modules = json.loads(_run("modules", "--rome", DEMO_ROME, *s, "--format", "json", out=out / "modules.json"))
    if modules:
        draft = out / f"{modules[0]['module_id']}.md"
        _run("module", "draft", modules[0]["module_id"], *s, "--out", str(draft))
        _run("module", "draft", modules[0]["module_id"], *s, "--format", "docx",
             "--out", str(draft.with_suffix(".docx")))
    typer.echo("\n== 5. Signaux faibles (émergence, déclin)")
    _run("signals", *s, check=False)
    typer.echo(f"\n== 6. Rapport hebdomadaire {week}")
    _run("report", "weekly", "--week", week, "--out", str(out / "reports"), *s)
    typer.echo(f"\nSorties : {out.resolve()}")
    if serve:
        _run("api", "warm", *s)
        typer.echo(f"\n== 7. Application web : http://127.0.0.1:{port}/app/ — API : http://127.0.0.1:{port}/docs"
                   "  (Ctrl-C pour arrêter)")
        subprocess.run([sys.executable, "-m", "app", "serve", "--port", str(port), *s], check=False)
