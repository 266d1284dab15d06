"""``skillgap model …``: train the project's embedding model; record its evaluation in its card."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from app.options import StoreOption
from skillgap.errors import UserError

log = logging.getLogger(__name__)

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "resources" / "skillgap-static-fr"


def train_cli(
    out: Annotated[
        Path, typer.Option("--out", help="Dossier du modèle produit (sentence-transformers).")
    ] = DEFAULT_OUT,
    dim: Annotated[int, typer.Option("--dim", help="Dimension des vecteurs.")] = 256,
    epochs: Annotated[int, typer.Option("--epochs", help="Époques (la meilleure en validation est gardée).")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Graine : même graine + mêmes données = même modèle.")] = 42,
    vocab_size: Annotated[int, typer.Option("--vocab-size", help="Taille du vocabulaire WordPiece.")] = 32_000,
    max_phrases: Annotated[int | None, typer.Option("--max-phrases", help="Plafond de libellés du corpus.")] = None,
    store: StoreOption = None,
    teacher_workers: Annotated[int | None, typer.Option(
        "--teacher-workers", help="Processus du professeur USE (défaut : nombre de cœurs).")] = None,
    ad_phrases: Annotated[int, typer.Option(
        "--ad-phrases", min=0, help="Phrases candidates des offres stockées ajoutées au corpus de distillation "
                                    "(leur texte seulement, jamais leurs compétences cochées ; 0 = aucune).")] = 0,
    appellation_skills: Annotated[int, typer.Option(
        "--appellation-skills", min=0, help="Paires appellation ROME → compétence cœur de métier de sa fiche, "
                                            "au plus N par appellation (0 = aucune, recette livrée).")] = 0,
    esco_occupation_skills: Annotated[int, typer.Option(
        "--esco-occupation-skills", min=0, help="Paires métier ESCO → compétence essentielle, au plus N par "
                                                "métier (0 = aucune, recette livrée).")] = 0,
    hard_negatives: Annotated[bool, typer.Option(
        "--hard-negatives/--no-hard-negatives", help="Négatif difficile (compétence du même groupe ROME, "
                                                     "absente de la fiche) pour les paires appellation → "
                                                     "compétence.")] = False,
    teacher_cache: Annotated[Path | None, typer.Option(
        "--teacher-cache", help="Dossier où garder les vecteurs du professeur (réentraînements plus rapides, "
                                "même modèle).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Sans barre de progression.")] = False,
) -> None:
    """Entraîne le modèle d'embeddings (statique) à partir des référentiels chargés (et, avec
    --ad-phrases, du texte des offres stockées)."""
    from skillgap.errors import require_train_extra

    require_train_extra("skillgap model train")
    from models.training import TrainConfig
    from nlp.training.corpus import PairOptions, read_ad_phrases, read_referentials
    from nlp.training.pipeline import train_model
    from nlp.training.teacher import CachedTeacher, UseTeacher
    from skillgap.settings import get_settings
    from skillgap.store import connect

    config = TrainConfig(seed=seed, dim=dim, epochs=epochs, vocab_size=vocab_size, max_phrases=max_phrases,
                         ad_phrases=ad_phrases)
    con = connect(store or get_settings().store, read_only=True)
    try:
        texts = read_referentials(con)
        phrases = read_ad_phrases(con, limit=ad_phrases, seed=seed)
    finally:
        con.close()
    options = PairOptions(appellation_skills=appellation_skills, esco_occupation_skills=esco_occupation_skills,
                          hard_negatives=hard_negatives)
    with UseTeacher(workers=teacher_workers) as use:
        teacher = CachedTeacher(use, teacher_cache) if teacher_cache else use
        report = train_model(texts, out, config=config, teacher=teacher, show_progress=not quiet,
                             ad_phrases=phrases, pair_options=options)
    typer.echo(f"modèle écrit dans {out} ({report.model_size_bytes / 1e6:.1f} Mo), époque gardée "
               f"{report.best_epoch}, {report.seconds['total']:.0f} s")
    summary = {"out": str(out), "best_epoch": report.best_epoch, "seconds": report.seconds["total"],
               "validation_mean_mrr": round(report.validation_final_fp16["mean_mrr"], 4),
               "size_bytes": report.model_size_bytes}
    typer.echo(json.dumps(summary))


def record_eval_cli(
    model_dir: Annotated[Path, typer.Argument(help="Dossier du modèle.")],
    measure: Annotated[str, typer.Option("--measure", help="Nom de la mesure, ex. « skills recall@10 (dev) ».")],
    command: Annotated[str, typer.Option("--command", help="Commande exacte, le modèle écrit MODEL.")],
    value: Annotated[float, typer.Option("--value", help="Valeur pour ce modèle.")],
    baseline_value: Annotated[float | None, typer.Option("--baseline-value")] = None,
    baseline_model: Annotated[str, typer.Option("--baseline-model")] = "use",
) -> None:
    """Ajoute (ou remplace) une mesure dans eval_results.json et réécrit la fiche du modèle."""
    from nlp.training.card import EVAL_RESULTS_FILE, write_model_card

    if not (model_dir / "training_info.json").is_file():
        raise UserError(f"{model_dir} : training_info.json absent (pas un modèle écrit par `skillgap model train`)")
    path = model_dir / EVAL_RESULTS_FILE
    results = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    results = [r for r in results if r["measure"] != measure]
    results.append({"measure": measure, "command": command, "value": value,
                    "baseline_value": baseline_value, "baseline_model": baseline_model})
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    typer.echo(f"fiche réécrite : {write_model_card(model_dir)}")


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add the ``model`` command group to the CLI."""
    model = typer.Typer(help="Modèle d'embeddings du projet : entraînement, fiche.", no_args_is_help=True)
    model.command("train")(train_cli)
    model.command("record-eval")(record_eval_cli)
    app.add_typer(model, name="model")
    groups["model"] = model
