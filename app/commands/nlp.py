"""Commands of this package: ``process``, ``eval skills|occupations|esco-linking|occupation-normalisation``,
``bench nlp``.

Each command is a thin wrapper: it opens the store, reads the referential, builds the engine and
calls a function that returns data; it prints readable lines, then one JSON object as last line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.options import StoreOption
from skillgap.errors import UserError

ModelOption = Annotated[
    str | None, typer.Option("--model", help="default | use | minilm | spacy-md | dossier sentence-transformers")
]
RerankOption = Annotated[str | None, typer.Option(
    "--rerank", help="Re-classe les meilleurs candidats avec un 2e encodeur : use | dossier sentence-transformers "
                     "| none (défaut : rerank.model de nlp/config.toml).")]


def _setup(store: Path | None, model: str | None, rerank: str | None = None):
    from nlp.runtime import prepare

    return prepare(store, model, rerank)


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise UserError(f"{path} : fichier introuvable")
    return path


def _report(result: dict) -> None:
    for key, value in result.items():
        typer.echo(f"{key.lstrip('_')}: {value}")
    typer.echo(json.dumps({k: v for k, v in result.items() if not k.startswith("_")}, ensure_ascii=False))


def eval_skills_cmd(ads: Annotated[Path, typer.Option("--ads")], model: ModelOption = None,
                    store: StoreOption = None, rerank: RerankOption = None) -> None:
    """Rang des codes ROME (OGR) par annonce vs compétences cochées : recall@5/10/20, MRR."""
    from nlp.engine import NlpEngine
    from nlp.evaluate import evaluate_skills

    ref, config, cache = _setup(store, model, rerank)
    _report(evaluate_skills(NlpEngine.create(ref, config, cache_dir=cache), _existing(ads)))


def eval_occupations_cmd(ads: Annotated[Path, typer.Option("--ads")], model: ModelOption = None,
                         store: StoreOption = None, rerank: RerankOption = None) -> None:
    """Code ROME prédit depuis l'intitulé vs romeCode (comparés au niveau v3) : acc@1, acc@3."""
    from nlp.engine import NlpEngine
    from nlp.evaluate import evaluate_occupations

    ref, config, cache = _setup(store, model, rerank)
    _report(evaluate_occupations(NlpEngine.create(ref, config, cache_dir=cache), _existing(ads)))


def eval_esco_cmd(annotations: Annotated[Path, typer.Option("--annotations")], model: ModelOption = None,
                  store: StoreOption = None, rerank: RerankOption = None,
                  rerank_top: Annotated[int | None, typer.Option(
                      "--rerank-top",
                      help="Candidats re-classés (défaut : rerank.esco_top_n de nlp/config.toml).")] = None,
                  rerank_weight: Annotated[float | None, typer.Option(
                      "--rerank-weight",
                      help="Poids du re-classeur (défaut : rerank.esco_weight de nlp/config.toml).")] = None,
                  ) -> None:
    """Liaison phrase → compétences ESCO (TECH/HOUSE/TECHWOLF) : RP@1, RP@5, RP@10, MRR, nDCG@100."""
    from nlp.embed import CachedEncoder, get_encoder
    from nlp.esco_eval import evaluate_esco_linking
    from nlp.rerank import RerankConfig

    ref, config, cache = _setup(store, model, rerank)
    encoder = CachedEncoder(get_encoder(model or config.model.english_name), cache)
    settings = config.rerank
    rerank_model = settings.model_for(model or config.model.english_name)
    reranker = CachedEncoder(get_encoder(rerank_model), cache) if rerank_model else None
    weight = settings.esco_weight if rerank_weight is None else rerank_weight
    _report(evaluate_esco_linking(ref, encoder, _existing(annotations), cache_dir=cache, reranker=reranker,
                                  rerank=RerankConfig(top_n=rerank_top or settings.esco_top_n, weight=weight)))


def eval_occupation_norm_cmd(
    store: StoreOption = None, model: ModelOption = None, rerank: RerankOption = None,
    crosswalk: Annotated[Path | None, typer.Option(
        "--crosswalk", help="Fichier (ou dossier) de correspondance ESCO ↔ ROME servant de référence "
                            "(défaut : celui fourni avec skillgap).")] = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", min=1, help="Évaluer un échantillon aléatoire de N appellations (défaut : toutes).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Graine de l'échantillon tiré avec --limit.")] = 0,
) -> None:
    """Appellation ROME 4.0 → métier ESCO (référence : la correspondance officielle) : success@1/5/10, MRR."""
    from models.referential import Source
    from nlp.occupation_eval import evaluate_occupation_normalisation, read_crosswalk
    from nlp.rerank import RerankConfig
    from nlp.runtime import default_encoder
    from referentials import queries
    from skillgap.settings import get_settings
    from skillgap.store import connect

    ref, config, cache = _setup(store, model, rerank)
    con = connect(store or get_settings().store, read_only=True)
    try:
        queries.require_loaded(con, "esco")
        occupations = queries.esco_occupation_records(con)
        store_crosswalk = queries.current_version_id(con, Source.ESCO_ROME)
    finally:
        con.close()
    cw = read_crosswalk(_existing(crosswalk) if crosswalk is not None and not crosswalk.is_dir() else crosswalk)
    encoder = default_encoder(config.model.name)
    settings = config.rerank
    rerank_model = settings.model_for(config.model.name)
    reranker = default_encoder(rerank_model) if rerank_model else None
    _report(evaluate_occupation_normalisation(
        ref, occupations, cw, encoder, cache_dir=cache, reranker=reranker,
        rerank=RerankConfig(top_n=settings.occupation_top_n, weight=settings.occupation_weight),
        limit=limit, seed=seed, store_crosswalk_version=store_crosswalk))


def bench_nlp_cmd(
    ads: Annotated[Path, typer.Option("--ads")], model: ModelOption = None,
    store: StoreOption = None, rerank: RerankOption = None,
    against: Annotated[str | None, typer.Option(
        "--against", help="Second modèle mesuré dans la même exécution, en alternance (ex. use) ; "
                          "ajoute against et speedup (rapport des annonces/s).")] = None,
    repeat: Annotated[int, typer.Option("--repeat", min=1, help="Exécutions par modèle ; la meilleure compte.")] = 1,
) -> None:
    """Débit de bout en bout (extraction + liaison + métier), cache de phrases vide."""
    from nlp.bench import bench_nlp
    from nlp.config import load_config

    ref, config, cache = _setup(store, model, rerank)
    other = load_config(model=against) if against else None
    _report(bench_nlp(ref, config, _existing(ads), index_cache_dir=cache, against=other, repeat=repeat,
                      progress=lambda line: typer.echo(line, err=True)))


def process_cmd(store: StoreOption = None, model: ModelOption = None, rerank: RerankOption = None,
                reprocess: Annotated[bool, typer.Option("--reprocess", help="Retraiter toutes les annonces.")] = False,
                batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 256,
                limit: Annotated[int | None, typer.Option("--limit", min=1)] = None,
                engine_name: Annotated[str, typer.Option(
                    "--engine", help="local (défaut) | spark (extra « spark », Java 17 ; scale/README.md).")] = "local",
                datasets: Annotated[str | None, typer.Option(
                    "--datasets", help="Avec --engine spark : dossier (ou URL s3a://) des jeux Parquet "
                                       "(défaut : <magasin>.parquet).")] = None,
                master: Annotated[str, typer.Option(
                    "--master", help="Avec --engine spark : maître Spark (local[N]).")] = "local[2]") -> None:
    """Extraction, liaison et métier pour les annonces stockées pas encore traitées."""
    if engine_name not in ("local", "spark"):
        raise UserError(f"--engine : moteur inconnu {engine_name!r} (local ou spark)")
    if engine_name == "spark":  # every ad, on Spark, with the same NLP code (scale/README.md)
        from app.commands.scale import process_spark

        return process_spark(store=store, model=model, rerank=rerank, batch_size=batch_size, datasets_dir=datasets,
                             master=master, limit=limit)
    from tqdm import tqdm

    from nlp.engine import NlpEngine
    from nlp.process import ads_to_process, process_ads
    from skillgap.settings import get_settings
    from skillgap.store import writing

    ref, config, cache = _setup(store, model, rerank)
    engine = NlpEngine.create(ref, config, cache_dir=cache)
    with writing(store or get_settings().store) as con:  # published for the service at the end
        total = len(ads_to_process(con, reprocess=reprocess, limit=limit))
        with tqdm(total=total, unit="ad", desc="process") as bar:
            result = process_ads(con, engine, reprocess=reprocess, batch_size=batch_size, limit=limit,
                                 progress=bar.update)
    _report(result)


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add this package's commands to the CLI."""
    app.command("process")(process_cmd)
    groups["eval"].command("skills")(eval_skills_cmd)
    groups["eval"].command("occupations")(eval_occupations_cmd)
    groups["eval"].command("esco-linking")(eval_esco_cmd)
    groups["eval"].command("occupation-normalisation")(eval_occupation_norm_cmd)
    groups["bench"].command("nlp")(bench_nlp_cmd)
