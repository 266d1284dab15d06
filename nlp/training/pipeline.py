"""``skillgap model train`` as a function: store → corpus and pairs → tokenizer → teacher →
training → sentence-transformers folder (fp16) + model card.

``train_model`` is what the CLI and the tests call; the teacher is injectable so that tests
use a tiny deterministic one instead of USE.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import resource
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from models.training import TrainConfig
from nlp.training.card import write_model_card
from nlp.training.corpus import (
    MULTI_POSITIVE_KINDS,
    PairOptions,
    ReferentialTexts,
    build_corpus,
    build_pairs,
    hard_negatives,
    split_pairs,
)
from nlp.training.tokenizer import train_wordpiece
from nlp.training.validation import build_validation, evaluate
from nlp.training.vectors import encode_in_chunks, fit_projection, token_init

if TYPE_CHECKING:
    from nlp.embed import Encoder

log = logging.getLogger(__name__)

TRAINING_INFO_FILE = "training_info.json"


@dataclass
class TrainingReport:
    """What a training run used and measured (also written to ``training_info.json``)."""

    out_dir: str
    config: dict
    referential_versions: dict[str, str]
    n_corpus_phrases: int
    n_ad_phrases: int
    n_train_pairs: int
    n_validation_pairs: int
    pair_kinds: dict[str, int]
    vocab_size: int
    best_epoch: int
    validation_history: list[dict[str, float]]
    validation_final_fp16: dict[str, float]
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: float = 0.0
    load_average: tuple[float, float] = (0.0, 0.0)  # 1-minute load at start and end
    trained_at: str = ""
    machine: str = ""
    model_size_bytes: int = 0
    pair_options: dict = field(default_factory=dict)  # PairOptions (issue 18); all off = shipped recipe
    n_hard_negatives: int = 0


def _progress(label: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        log.info("%s: %d/%d", label, done, total)
    return report


def train_model(
    texts: ReferentialTexts,
    out_dir: Path,
    *,
    config: TrainConfig,
    teacher: Encoder,
    show_progress: bool = True,
    ad_phrases: Sequence[str] = (),
    pair_options: PairOptions | None = None,
) -> TrainingReport:
    """Train a static model on ``texts`` (and ``ad_phrases``, distilled only) with ``teacher`` and
    write it to ``out_dir``."""
    from nlp.training.trainer import train_static  # imports torch: only when training

    t0 = time.perf_counter()
    load_start = os.getloadavg()[0]
    seconds: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        seconds[name] = round(now - since, 1)
        return now

    corpus = build_corpus(texts, seed=config.seed, augment_ratio=config.augment_ratio,
                          max_phrases=config.max_phrases, max_alts_per_concept=config.max_alts_per_concept,
                          ad_phrases=ad_phrases)
    pair_options = pair_options or PairOptions()
    all_pairs = build_pairs(texts, max_alts_per_concept=config.max_alts_per_concept, options=pair_options)
    train_pairs, held_out = split_pairs(all_pairs, validation_fraction=config.validation_fraction)
    negative_texts = hard_negatives(texts, train_pairs) if pair_options.hard_negatives else []
    log.info("corpus: %d phrases; pairs: %d train, %d validation", len(corpus), len(train_pairs), len(held_out))
    t = lap("corpus_and_pairs", t0)

    pair_texts = sorted({p.anchor for p in train_pairs} | {p.positive for p in train_pairs}
                        | {n for n in negative_texts if n})
    tokenizer = train_wordpiece(sorted(set(corpus) | set(pair_texts)), vocab_size=config.vocab_size)
    log.info("tokenizer: %d tokens", tokenizer.get_vocab_size())
    t = lap("tokenizer", t)

    teacher_vectors = encode_in_chunks(teacher, corpus, progress=_progress(f"teacher {teacher.name}: phrases"))
    projection = fit_projection(teacher_vectors, config.dim)
    targets = projection.project(teacher_vectors)
    init = token_init(tokenizer, teacher, projection, progress=_progress(f"teacher {teacher.name}: tokens"))
    del teacher_vectors
    if hasattr(teacher, "close"):
        teacher.close()  # stop worker processes now (their CPU time then counts in cpu_seconds)
    t = lap("teacher", t)

    def ids(batch: list[str]) -> list[list[int]]:
        return [e.ids for e in tokenizer.encode_batch(batch, add_special_tokens=False)]

    text_index = {text: i for i, text in enumerate(pair_texts)}
    validation = build_validation(all_pairs, [p for p in held_out if p.kind not in MULTI_POSITIVE_KINDS], tokenizer)
    result = train_static(
        init,
        phrase_ids=ids(corpus),
        targets=targets,
        pair_text_ids=ids(pair_texts),
        pairs=[(text_index[p.anchor], text_index[p.positive]) for p in train_pairs],
        config=config,
        validate=lambda w: evaluate(w, validation),
        show_progress=show_progress,
        negatives=[text_index[n] if n else -1 for n in negative_texts] if pair_options.hard_negatives else None,
    )
    t = lap("training", t)

    weights16 = result.weights.astype(np.float16)
    save_sentence_transformers(tokenizer, weights16, out_dir)
    seconds["total"] = round(time.perf_counter() - t0, 1)
    report = TrainingReport(
        out_dir=str(out_dir),
        config=config.model_dump(),
        referential_versions=texts.versions,
        n_corpus_phrases=len(corpus),
        n_ad_phrases=len(ad_phrases),
        n_train_pairs=len(train_pairs),
        n_validation_pairs=len(held_out),
        pair_kinds=dict(sorted(Counter(p.kind for p in all_pairs).items())),
        vocab_size=tokenizer.get_vocab_size(),
        best_epoch=result.best_epoch,
        validation_history=result.history,
        validation_final_fp16=evaluate(weights16.astype(np.float32), validation),
        seconds=seconds,
        cpu_seconds=round(_cpu_seconds(), 1),
        load_average=(round(load_start, 2), round(os.getloadavg()[0], 2)),
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        machine=f"{platform.machine()}, {os.cpu_count()} CPU(s), torch threads {_torch_threads()}",
        model_size_bytes=sum(f.stat().st_size for f in out_dir.rglob("*") if f.is_file()),
        pair_options=pair_options.as_dict(),
        n_hard_negatives=sum(1 for n in negative_texts if n),
    )
    (out_dir / TRAINING_INFO_FILE).write_text(json.dumps(report.__dict__, indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
    write_model_card(out_dir, report.__dict__)
    return report


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the teacher workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def save_sentence_transformers(tokenizer, weights: np.ndarray, out_dir: Path) -> None:
    """A complete sentence-transformers folder: StaticEmbedding (weights as given) + Normalize."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, StaticEmbedding

    static = StaticEmbedding(tokenizer, embedding_weights=torch.from_numpy(np.ascontiguousarray(weights)))
    model = SentenceTransformer(modules=[static, Normalize()], device="cpu")
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(str(out_dir), create_model_card=False)
