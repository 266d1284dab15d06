"""The model card (``README.md`` of the model folder), rendered from what the run recorded.

Sources: ``training_info.json`` (written by the training run: data versions, recipe, seed,
validation scores, times) and, when present, ``eval_results.json`` (figures of ``skillgap eval …``
/ ``skillgap bench nlp`` for this model and the baseline, each with the exact command that
produced it; written by ``skillgap model record-eval``). Nothing in the card is typed by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

EVAL_RESULTS_FILE = "eval_results.json"

RECIPE = """\
- **Architecture**: sentence-transformers `StaticEmbedding` (one vector per WordPiece token, mean pooling)
  followed by `Normalize`; no attention, no torch needed at inference (`nlp/static_encoder.py`).
- **Tokenizer**: WordPiece (HF `tokenizers`), lowercased, accents stripped; vocabulary chosen
  deterministically from the corpus (alphabet, frequent whole words, frequent pieces).
- **Initialisation**: each token's teacher vector (`##` removed), centred PCA to the model size
  (PCA fitted on the teacher vectors of the corpus).
- **Losses**, one batch of one dataset per step, proportional sampling: `MSELoss` between the mean of
  token vectors and the projected teacher vector of each corpus phrase (distillation);
  `MultipleNegativesRankingLoss` (in-batch negatives, no duplicate text in a batch) on referential pairs.
- **Optimiser**: lazy Adam (`torch.optim.SparseAdam`), cosine schedule over the configured epochs; \
the epoch with the best mean MRR on
  held-out referential concepts (validation split, never the reported one) is kept; weights stored in fp16.
"""


def _table(rows: list[list[str]]) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def _validation_section(info: dict) -> str:
    history = info.get("validation_history", [])
    if not history:
        return "_no validation recorded_"
    kinds = [k for k in history[0] if not k.startswith("loss_")]
    rows = [["epoch", *kinds]]
    for epoch, scores in enumerate(history):
        mark = " (kept)" if epoch == info.get("best_epoch") else ""
        rows.append([f"{epoch}{mark}", *(f"{scores.get(k, float('nan')):.4f}" for k in kinds)])
    final = info.get("validation_final_fp16", {})
    return (_table(rows) + f"\n\nAfter fp16 rounding: mean MRR {final.get('mean_mrr', float('nan')):.4f}."
            "\nEpoch 0 is the initialisation (teacher token vectors, before any training).")


def _ads_line(info: dict) -> str:
    n = info.get("n_ad_phrases", 0)
    if not n:
        return "No evaluation file (`../shared/data/eval`) and no job ad is used in training."
    return (f"Also distilled: {n:,} candidate phrases of the ads stored when training (`--ad-phrases`; their "
            "text only, never their ticked skills or codes). No evaluation file (`../shared/data/eval`) is read "
            "by training; make sure the store held no evaluation ads.")


def _options_line(info: dict) -> str:
    options = info.get("pair_options") or {}
    on = {k: v for k, v in options.items() if v}
    if not on:
        return ("Optional pair kinds (`--appellation-skills`, `--esco-occupation-skills`, `--hard-negatives`): "
                "none (the shipped recipe).")
    parts = []
    if on.get("appellation_skills"):
        parts.append(f"ROME appellation → up to {on['appellation_skills']} core competences (« cœur de métier ») "
                     "of its fiche (`--appellation-skills`)")
    if on.get("esco_occupation_skills"):
        parts.append(f"ESCO occupation → up to {on['esco_occupation_skills']} essential skills "
                     "(`--esco-occupation-skills`)")
    if on.get("hard_negatives"):
        parts.append(f"{info.get('n_hard_negatives', 0):,} hard negatives: a skill of the same ROME group "
                     "(macro-competence / category) that the fiche does not list (`--hard-negatives`)")
    return ("Optional pair kinds: " + "; ".join(parts) + ". Multi-positive kinds are left out of the validation "
            "queries. The ESCO ↔ ROME crosswalk (the gold of `eval occupation-normalisation`) is never used.")


def _eval_section(results: list[dict]) -> str:
    if not results:
        return ("_Not measured yet_: run the `skillgap eval …` commands with `--model` set to this folder "
                "and record them with `skillgap model record-eval`.")
    rows = [["measure", "this model", "baseline", "baseline model", "command (model replaced by MODEL)"]]
    for r in results:
        rows.append([r["measure"], _num(r.get("value")), _num(r.get("baseline_value")),
                     r.get("baseline_model", ""), f"`{r['command']}`"])
    return _table(rows)


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and abs(value) < 10:
        return f"{value:.4f}"
    return f"{value:,.2f}" if isinstance(value, float) and abs(value) < 1000 else f"{value:,.0f}"


def _cpu_line(info: dict) -> str:
    if "cpu_seconds" not in info:
        return "CPU time and load average not recorded by this run (see nlp/training/README.md)"
    start, end = info.get("load_average", ("?", "?"))
    return (f"CPU time {info['cpu_seconds']:.0f} s; 1-minute load average {start} at the start, {end} at the end "
            "(a load above the core count means the CPU was shared and wall times are inflated)")


def render_model_card(info: dict, results: list[dict]) -> str:
    config = info.get("config", {})
    versions = "\n".join(
        f"- `{source}`: `{vid}`" for source, vid in sorted(info.get("referential_versions", {}).items())
    )
    kinds = "\n".join(f"- {kind}: {n:,}" for kind, n in info.get("pair_kinds", {}).items())
    seconds = ", ".join(f"{k} {v:.0f} s" for k, v in info.get("seconds", {}).items())
    config_lines = "\n".join(f"- `{k}`: {v}" for k, v in config.items())
    return f"""# skillgap-static-fr — French (and English) skill & job-title embeddings

Static embedding model trained by `skillgap model train` from the referentials loaded in the store.
It is skillgap's default encoder (`--model default`); `--model use` selects the USE teacher.

- Trained: {info.get('trained_at', '?')} on {info.get('machine', '?')}
- Seed: {config.get('seed')}; dimension {config.get('dim')}; vocabulary {info.get('vocab_size', 0):,} tokens
- Size on disk: {info.get('model_size_bytes', 0) / 1e6:.1f} MB (fp16)
- Training time (wall): {seconds}; {_cpu_line(info)}
- Teacher: {config.get('teacher')}

## Data (referential versions, as loaded in the store)
{versions}

Corpus: {info.get('n_corpus_phrases', 0):,} distinct phrases (labels of the referentials, augmented spans
and ad-style prefixes, synthetic ad titles and skill sentences, the first sentence of each ESCO skill's
English description). Pairs: {info.get('n_train_pairs', 0):,} for training,
{info.get('n_validation_pairs', 0):,} held out (whole concepts) for validation:
{kinds}

{_options_line(info)}

{_ads_line(info)}

## Recipe
{RECIPE}
Configuration:
{config_lines}

## Validation (held-out referential concepts; chooses the epoch, not reported as quality)
{_validation_section(info)}

## Evaluation (`skillgap eval …` on the dev files, vs the baseline)
{_eval_section(results)}

## Limits
Mean of token vectors: no word order, no composition (« prendre les constantes » vs « mesurer la tension
artérielle » is beyond it). Vocabulary comes from referential labels only; words absent from them are
split into sub-words. skillgap therefore re-ranks this model's top candidates with USE where one encoding
per item is cheap: ad titles → ROME fiche (top 10) and English sentences → ESCO skills (top 100)
(`[rerank]` in `nlp/config.toml`, `nlp/rerank.py`); rows marked « + USE re-ranking » in the table
above are measured that way (the skillgap default), the others with this model alone (`--rerank none`).
"""


def write_model_card(model_dir: Path, info: dict | None = None) -> Path:
    """(Re)write ``README.md`` of ``model_dir`` from its recorded training info and eval results."""
    if info is None:
        info = json.loads((model_dir / "training_info.json").read_text(encoding="utf-8"))
    results_file = model_dir / EVAL_RESULTS_FILE
    results = json.loads(results_file.read_text(encoding="utf-8")) if results_file.is_file() else []
    card = model_dir / "README.md"
    card.write_text(render_model_card(info, results), encoding="utf-8")
    return card
