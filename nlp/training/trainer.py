"""Training loop of the static model: distillation (MSE) + contrastive (in-batch negatives).

The model is a sentence-transformers ``StaticEmbedding`` (an ``EmbeddingBag`` in mean mode over
WordPiece tokens). Each step is one batch of one of two datasets, in a seeded random order with
the datasets' sizes as proportions (what ``SentenceTransformerTrainer`` calls proportional
sampling):

- ``MSELoss``: mean of the phrase's token vectors vs the teacher's (projected) vector;
- ``MultipleNegativesRankingLoss``: cross-entropy over scaled cosines, the other positives of
  the batch as negatives; batches never hold the same text twice (no false negatives).

Lazy Adam (``torch.optim.SparseAdam``: only the rows of the batch's tokens move, as is usual for
embedding tables; a dense AdamW step over the 8M-value table costs 150–250 ms here, a sparse one
25 ms), cosine learning-rate schedule over ``epochs``; after each epoch the validation score is
computed and the best epoch's vectors are kept. A plain loop (rather than the HF trainer) keeps
the dependencies to torch, and the run bit-for-bit reproducible for a seed on one machine.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from models.training import TrainConfig

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    """The kept vectors and what each epoch measured on validation."""

    weights: np.ndarray
    best_epoch: int
    history: list[dict[str, float]] = field(default_factory=list)  # index 0 = before training


def _bag(ids: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    lengths = [len(x) for x in ids]
    offsets = torch.tensor(np.concatenate(([0], np.cumsum(lengths)[:-1])), dtype=torch.long)
    flat = torch.tensor([i for x in ids for i in x], dtype=torch.long)
    return flat, offsets


def no_duplicate_batches(anchor_ids: Sequence[int] | np.ndarray, positive_ids: Sequence[int] | np.ndarray,
                         order: np.ndarray, batch_size: int) -> list[list[int]]:
    """Split ``order`` (pair indices) into batches in which no text id appears twice.

    Pairs that would repeat a text wait for a later batch; the last batch may be smaller.

    >>> no_duplicate_batches([0, 1, 2, 3], [9, 9, 8, 7], np.arange(4), 2)
    [[0, 2], [1, 3]]
    """
    remaining = list(order)
    batches: list[list[int]] = []
    while remaining:
        batch: list[int] = []
        used: set[int] = set()
        left: list[int] = []
        for position, index in enumerate(remaining):
            if len(batch) == batch_size:
                left.extend(remaining[position:])
                break
            a, p = anchor_ids[index], positive_ids[index]
            if a in used or p in used:
                left.append(index)
                continue
            batch.append(index)
            used.update((a, p))
        batches.append(batch)
        remaining = left
    return batches


def _cosine_lr(step: int, total: int) -> float:
    return 0.5 * (1.0 + math.cos(math.pi * min(step, total) / max(total, 1)))


def train_static(
    init_weights: np.ndarray,
    *,
    phrase_ids: Sequence[Sequence[int]],
    targets: np.ndarray,
    pair_text_ids: Sequence[Sequence[int]],
    pairs: Sequence[tuple[int, int]],
    config: TrainConfig,
    validate: Callable[[np.ndarray], dict[str, float]],
    show_progress: bool = True,
    negatives: Sequence[int] | None = None,
) -> TrainResult:
    """Train token vectors from ``init_weights``.

    Args:
        init_weights: (vocab, dim) initial token vectors.
        phrase_ids: token ids of each distillation phrase; ``targets`` their (n, dim) target vectors.
        pair_text_ids: token ids of every distinct pair text; ``pairs`` (anchor, positive) indices into it.
        config: seed, epochs, batch size, learning rate, loss scale.
        validate: token vectors -> scores with a ``mean_mrr`` key (higher is better).
        negatives: optional hard negative per pair (index into ``pair_text_ids``, -1 = none): added
            to the batch's candidates of the contrastive loss (as extra columns, never a target).
    Returns:
        the vectors of the best epoch on validation (epoch 0 = the initialisation) and the history.
    """
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    bag = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(init_weights, dtype=torch.float32),
                                                freeze=False, mode="mean", sparse=True)
    optimizer = torch.optim.SparseAdam(list(bag.parameters()), lr=config.learning_rate)
    target_tensor = torch.tensor(targets, dtype=torch.float32)
    anchors = np.array([a for a, _ in pairs], dtype=np.int64)
    positives = np.array([p for _, p in pairs], dtype=np.int64)
    hard = np.array(negatives, dtype=np.int64) if negatives is not None else None

    def epoch_plan() -> list[tuple[str, np.ndarray]]:
        mse_order = rng.permutation(len(phrase_ids))
        steps = [("mse", mse_order[i : i + config.batch_size]) for i in range(0, len(mse_order), config.batch_size)]
        if len(pairs):
            for batch in no_duplicate_batches(anchors, positives, rng.permutation(len(pairs)), config.batch_size):
                if len(batch) > 1:
                    steps.append(("mnrl", np.array(batch)))
        return [steps[i] for i in rng.permutation(len(steps))]

    history = [validate(init_weights)]
    best_score, best_epoch, best = history[0]["mean_mrr"], 0, np.array(init_weights, dtype=np.float32)
    log.info("epoch 0 (initialisation): validation %s", _fmt(history[0]))
    total_steps, step = None, 0
    for epoch in range(1, config.epochs + 1):
        plan = epoch_plan()
        total_steps = total_steps or len(plan) * config.epochs
        losses: dict[str, list[float]] = {"mse": [], "mnrl": []}
        for kind, batch in tqdm(plan, desc=f"epoch {epoch}/{config.epochs}", disable=not show_progress,
                                leave=False, mininterval=2.0):
            for group in optimizer.param_groups:
                group["lr"] = config.learning_rate * _cosine_lr(step, total_steps)
            if kind == "mse":
                loss = F.mse_loss(bag(*_bag([phrase_ids[i] for i in batch])), target_tensor[batch])
            else:
                a = F.normalize(bag(*_bag([pair_text_ids[i] for i in anchors[batch]])), dim=-1)
                p = F.normalize(bag(*_bag([pair_text_ids[i] for i in positives[batch]])), dim=-1)
                if hard is not None and (extra := hard[batch][hard[batch] >= 0]).size:
                    n = F.normalize(bag(*_bag([pair_text_ids[i] for i in extra])), dim=-1)
                    p = torch.cat([p, n])
                logits = config.mnrl_scale * a @ p.T
                loss = F.cross_entropy(logits, torch.arange(len(batch)))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses[kind].append(float(loss.detach()))
            step += 1
        weights = bag.weight.detach().numpy().copy()
        scores = validate(weights)
        history.append(scores | {f"loss_{k}": float(np.mean(v)) if v else 0.0 for k, v in losses.items()})
        log.info("epoch %d: validation %s", epoch, _fmt(history[-1]))
        if scores["mean_mrr"] > best_score:
            best_score, best_epoch, best = scores["mean_mrr"], epoch, weights
    log.info("kept epoch %d (validation mean MRR %.4f)", best_epoch, best_score)
    return TrainResult(weights=best, best_epoch=best_epoch, history=history)


def _fmt(scores: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.4f}" for k, v in scores.items())
