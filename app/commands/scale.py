"""Commands of ``scale/``: ``export parquet``, ``import parquet``, ``bench spark``, and the Spark
branch of ``process --engine spark`` (``process_spark``, called by ``app.commands.nlp``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.options import StoreOption, store_or_default
from skillgap.errors import UserError

MasterOption = Annotated[str, typer.Option(
    "--master", help="Maître Spark : local[N] sur une machine, \"\" pour garder celui de spark-submit.")]


def _report(result: dict) -> None:
    for key, value in result.items():
        typer.echo(f"{key}: {value}")
    typer.echo(json.dumps(result, ensure_ascii=False, default=str))


def export_parquet_cmd(
    out: Annotated[Path, typer.Option("--out", help="Dossier des jeux de données Parquet (remplacés).")],
    store: StoreOption = None,
    nlp: Annotated[bool, typer.Option("--nlp/--no-nlp", help="Exporter aussi les résultats NLP.")] = True,
) -> None:
    """Offres et résultats NLP en Parquet partitionné par mois (et source), avec _schema.json."""
    from scale.exchange import export_parquet
    from skillgap.store import connect

    con = connect(store_or_default(store), read_only=True)
    try:
        _report(export_parquet(con, out, nlp=nlp))
    finally:
        con.close()


def import_parquet_cmd(
    source: Annotated[Path, typer.Option("--from", help="Dossier écrit par export parquet ou process --engine spark.")],
    store: StoreOption = None,
    ads: Annotated[bool, typer.Option("--ads/--no-ads", help="Importer aussi les offres.")] = True,
) -> None:
    """Charge les jeux Parquet dans le magasin (remplace les lignes des mêmes offres) ; l'API et les
    rapports les lisent ensuite comme le reste."""
    from scale.exchange import import_parquet
    from skillgap.store import writing

    if not source.is_dir():
        raise UserError(f"{source} : dossier introuvable")
    with writing(store_or_default(store)) as con:
        _report(import_parquet(con, source, ads=ads))


def process_spark(*, store: Path | None, model: str | None, rerank: str | None, batch_size: int,
                  datasets_dir: str | None, master: str, limit: int | None) -> None:
    """``process --engine spark``: see ``scale.process``."""
    from nlp.engine import NlpEngine
    from nlp.runtime import prepare
    from scale.process import process_on_spark
    from scale.spark import require_spark
    from skillgap.store import writing

    require_spark()
    if limit is not None:
        raise UserError("--limit : sans objet avec --engine spark (toutes les offres du jeu sont traitées)")
    path = store_or_default(store)
    ref, config, cache = prepare(path, model, rerank)
    engine = NlpEngine.create(ref, config, cache_dir=cache)
    folder = datasets_dir or str(path.with_name(path.name + ".parquet"))
    with writing(path) as con:  # published for the service at the end
        _report(process_on_spark(con, engine, cache_dir=cache, datasets_dir=folder, master=master,
                                 batch_size=batch_size))


def bench_spark_cmd(
    store: StoreOption = None,
    ads: Annotated[int, typer.Option("--ads", min=1, help="Annonces mesurées (celles du magasin, répétées).")] = 10_000,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 256,
) -> None:
    """Débit NLP : moteur local vs Spark local[1] vs local[2] sur les mêmes annonces (dernière ligne : JSON)."""
    from nlp.engine import NlpEngine
    from nlp.runtime import prepare
    from scale.bench import bench_spark
    from scale.spark import require_spark

    require_spark()
    path = store_or_default(store)
    ref, config, cache = prepare(path)
    engine = NlpEngine.create(ref, config, cache_dir=cache)
    _report(bench_spark(path, engine, cache_dir=cache, n_ads=ads, batch_size=batch_size,
                        progress=lambda line: typer.echo(line, err=True)))


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add this package's commands to the CLI."""
    for name, text in (("export", "Exports du magasin (Parquet partitionné)."),
                       ("import", "Imports dans le magasin (Parquet partitionné).")):
        if name not in groups:
            groups[name] = typer.Typer(help=text, no_args_is_help=True)
            app.add_typer(groups[name], name=name)
    groups["export"].command("parquet")(export_parquet_cmd)
    groups["import"].command("parquet")(import_parquet_cmd)
    groups["bench"].command("spark")(bench_spark_cmd)
