"""Mention vectors → ranked ROME skills (OGR codes) and ESCO skills, re-ranked by the occupation.

Score of a ROME skill for a mention = cosine(mention, skill label)
  + ``fiche_bonus[r]`` when the skill belongs to the r-th predicted fiche or to its ROME v3 parent
    fiche (``with_parent``: ads coded before ROME 4.0 tick the skills of the v3 fiche) (best r),
  + ``core_bonus`` when that fiche flags it « cœur de métier », ``kind_bonus[kind]``,
  + ``rank_prior`` × (1 − position / size) where position orders the fiche's skills as ROME lists
    them (savoir-faire, then savoir-être, then savoirs; by code within each).
An ad's ranking takes, per skill, the best cosine over its mentions plus the skill's bonus: the
priors are strong on purpose (employers tick skills of their fiche, mostly core ones listed
first). A mention's links are different: its top skills whose *cosine* reaches ``threshold``
(ordered with a small ``link_fiche_bonus``); a mention with none stays unlinked and is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nlp.config import LinkingConfig
from nlp.index import LabelIndex, exact_dots
from nlp.referential import Referential

_KIND_ORDER = {"savoir-faire": 0, "savoir-être": 1, "savoir": 2}


@dataclass(frozen=True)
class FicheSkills:
    rows: np.ndarray  # rows of the ROME skill index
    prior: np.ndarray  # core + position prior of each


def _code_sort_key(code: str) -> tuple[int, str]:
    return (int(code), code) if code.isdigit() else (1 << 60, code)


class SkillRanker:
    """Ranks ROME skills for mentions, knowing the predicted fiches."""

    def __init__(self, ref: Referential, rome_index: LabelIndex, config: LinkingConfig) -> None:
        self.config = config
        self.index = rome_index
        self.vectors = rome_index.vectors()
        self.codes = np.asarray(ref.rome_skills.skill_code, dtype=object)
        self.row_of = {code: row for row, code in enumerate(self.codes)}
        kinds = list(ref.rome_skills.kind)
        self.kind_bonus = np.array([config.kind_bonus.get(k, 0.0) for k in kinds], dtype=np.float32)
        self.kind_order = {code: _KIND_ORDER.get(k, 3) for code, k in zip(self.codes, kinds, strict=True)}
        self.parent = ref.parent_code
        self._rows_cache: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}
        self._skill_rows: dict[str, np.ndarray] = {}
        self.fiches: dict[str, FicheSkills] = {}
        for rome_code, frame in ref.fiche_skills().items():
            self.fiches[rome_code] = self._fiche(frame)

    def _fiche(self, frame) -> FicheSkills:
        pairs = [(c, bool(core)) for c, core in zip(frame.skill_code, frame.is_core, strict=True) if c in self.row_of]
        pairs.sort(key=lambda p: (self.kind_order[p[0]], _code_sort_key(p[0])))
        n = max(len(pairs), 1)
        rows = np.array([self.row_of[c] for c, _ in pairs], dtype=np.int64)
        prior = np.array(
            [self.config.core_bonus * core + self.config.rank_prior * (1 - i / n) for i, (_, core) in enumerate(pairs)],
            dtype=np.float32,
        )
        return FicheSkills(rows, prior)

    def clear_cache(self) -> None:
        """Forget the memoised bonuses of fiche combinations (``skillgap bench nlp``: runs start cold)."""
        self._rows_cache.clear()
        self._skill_rows.clear()

    def skill_rows(self, rome_code: str) -> np.ndarray:
        """Index rows of the skills of a fiche and (``with_parent``) of its ROME v3 parent (memoised)."""
        rows = self._skill_rows.get(rome_code)
        if rows is None:
            codes = {rome_code, self.parent(rome_code)} if self.config.with_parent else {rome_code}
            parts = [f.rows for f in (self.fiches.get(c) for c in sorted(codes)) if f is not None]
            rows = self._skill_rows[rome_code] = np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)
        return rows

    def fiche_fit(self, mention_vecs: np.ndarray, rome_codes: tuple[str, ...], *, top: int,
                  cos: tuple[np.ndarray, np.ndarray] | None = None) -> list[float]:
        """How well an ad's mentions fit each fiche: per fiche skill, the best cosine over the mentions;
        the mean of the ``top`` best of those (0 without mentions or skills). ``cos``: the ad's
        ``cosines`` when computed already over rows holding every skill of these fiches (``process``:
        one product serves the fit and the links); else one product for all fiches."""
        parts = [self.skill_rows(code) for code in rome_codes]
        lengths = np.array([len(p) for p in parts])
        if len(mention_vecs) == 0 or not lengths.any():
            return [0.0] * len(rome_codes)
        wanted = np.concatenate(parts)
        if cos is None:
            rows, sims = wanted, mention_vecs @ self.vectors[wanted].T
            cols = np.arange(len(wanted))
        else:
            rows, sims = cos
            cols = np.searchsorted(rows, wanted)
        # each fiche skill's best mention, its cosine re-scored exactly (``exact_pairs``)
        best = self.exact_pairs(mention_vecs, sims[:, cols].argmax(axis=0), rows[cols])
        width = int(lengths.max())
        padded = np.full((len(parts), width), -np.inf, dtype=best.dtype)  # one row per fiche
        padded[np.arange(width) < lengths[:, None]] = best
        n = min(top, width)
        kept = np.partition(padded, width - n, axis=1)[:, width - n :]
        finite = np.isfinite(kept)
        sums = np.where(finite, kept, 0.0).sum(axis=1)
        counts = finite.sum(axis=1)
        return np.divide(sums, counts, out=np.zeros(len(parts)), where=counts > 0).tolist()

    def _compute_fiche_bonus(self, fiche_codes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(index rows, best fiche bonus + prior of each among the predicted fiches), rows ascending."""
        rows, values = [], []
        for rank, code in enumerate(fiche_codes[: len(self.config.fiche_bonus)]):
            codes = {code, self.parent(code)} if self.config.with_parent else {code}
            for fiche in (self.fiches.get(c) for c in sorted(codes)):
                if fiche is not None:
                    rows.append(fiche.rows)
                    values.append(fiche.prior.astype(np.float64) + self.config.fiche_bonus[rank])
        if not rows:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        all_rows, all_values = np.concatenate(rows), np.concatenate(values)
        order = np.lexsort((-all_values, all_rows))  # by row, best value first
        unique_rows, first = np.unique(all_rows[order], return_index=True)
        return unique_rows, all_values[order][first]

    def cosines(
        self, mention_vecs: np.ndarray, fiche_codes: tuple[str, ...], hits: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cosines (n_mentions, n_rows)) of the skills worth scoring: the mentions' nearest
        ones and every skill of the predicted fiches. ``hits``: the index rows found for these
        mentions, when searched already (batch search)."""
        if hits is None:
            _, hits = self.index.search(mention_vecs, self.config.search_k)
        rows = np.unique(np.concatenate([hits.ravel(), self._fiche_rows(fiche_codes)[0]]))
        rows = rows[rows >= 0]
        return rows, mention_vecs @ self.vectors[rows].T

    def exact_pairs(self, mention_vecs: np.ndarray, mentions: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Float64 cosine of each (mention, skill row) pair. A float32 product's last bits depend on the
        BLAS kernel and its threads (Spark's workers run one): two skills with identical label vectors
        swapped ranks between a local run and Spark. Choices are made on the float32 matrix, every
        cosine that is kept is this exact one (``LabelIndex.exact_scores``)."""
        return exact_dots(mention_vecs, self.vectors, mentions, rows)

    def _fiche_rows(self, fiche_codes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(rows, their bonus) of ``_compute_fiche_bonus`` (memoised: ads share fiches)."""
        cached = self._rows_cache.get(fiche_codes)
        if cached is None:
            if len(self._rows_cache) > 4096:
                self._rows_cache.clear()
            cached = self._rows_cache[fiche_codes] = self._compute_fiche_bonus(fiche_codes)
        return cached

    def score_matrix(
        self, mention_vecs: np.ndarray, fiche_codes: tuple[str, ...], hits: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``cosines`` and the prior bonus (n_rows) of each row."""
        rows, sims = self.cosines(mention_vecs, fiche_codes, hits)
        bonus_rows, bonus_values = self._fiche_rows(fiche_codes)
        fiche_bonus = np.zeros(len(rows), dtype=np.float32)
        fiche_bonus[np.searchsorted(rows, bonus_rows)] = bonus_values  # every bonus row is in ``rows``
        return rows, sims, self.kind_bonus[rows] + fiche_bonus

    def rank_ad(self, mention_vecs: np.ndarray, fiche_codes: tuple[str, ...], *, k: int) -> list[tuple[str, float]]:
        """The ad's top-``k`` skill codes, best score over its mentions."""
        if len(mention_vecs) == 0:
            return []
        rows, sims, extra = self.score_matrix(mention_vecs, fiche_codes)
        best = sims.max(axis=0) + extra
        order = np.argsort(-best, kind="stable")[:k]
        return [(self.codes[rows[i]], float(best[i])) for i in order]

    def link_mentions(
        self, mention_vecs: np.ndarray, fiche_codes: tuple[str, ...], hits: np.ndarray | None = None,
        cos: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> list[list[tuple[str, float, bool]]]:
        """Per mention: up to ``top_k`` (skill_code, cosine, in_fiche) whose cosine reaches the threshold,
        ordered by cosine + ``link_fiche_bonus`` for skills of the predicted fiches. ``cos``: ``cosines``
        of these mentions for the same set of fiches, when computed already."""
        if len(mention_vecs) == 0:
            return []
        rows, sims = cos if cos is not None else self.cosines(mention_vecs, fiche_codes, hits)
        fiche_mask = np.isin(rows, self._fiche_rows(fiche_codes)[0])
        bonus = self.config.link_fiche_bonus * fiche_mask
        threshold = self.config.threshold
        top_k = self.config.top_k
        # candidates: the float32 top-k and a few more, so that near-ties at the k-th place are decided exactly
        reached = sims >= threshold - EXACT_MARGIN
        keeps = [order[ok[order]] for ok, order in zip(reached, top_k_stable(sims + bonus, top_k + EXACT_EXTRA),
                                                        strict=True)]
        sizes = [len(keep) for keep in keeps]
        kept = np.concatenate(keeps)
        exact_all = self.exact_pairs(mention_vecs, np.repeat(np.arange(len(keeps)), sizes), rows[kept])
        out = []
        for keep, exact in zip(keeps, np.split(exact_all, np.cumsum(sizes)[:-1]), strict=True):
            # exact order, equal scores in row order (identical label vectors tie exactly; their float32
            # products may not: a column's BLAS tile depends on the thread count)
            at = np.lexsort((keep, -(exact + bonus[keep])))[:top_k]
            at = at[exact[at] >= threshold]
            out.append(list(zip(self.codes[rows[keep[at]]].tolist(), exact[at].tolist(),
                                fiche_mask[keep[at]].tolist(), strict=True)))
        return out


EXACT_MARGIN = 1e-5  # float32 cosines this close below the threshold are re-scored before being dropped
EXACT_EXTRA = 3  # ``link_mentions``: candidates re-scored exactly beyond the top-k


def top_k_stable(values: np.ndarray, k: int) -> list[np.ndarray]:
    """Per row, the columns of the ``k`` largest values, ties in column order: the first ``k`` of a
    stable descending argsort, without sorting whole rows (only the columns at least as good as the
    row's k-th value are sorted).

    >>> [r.tolist() for r in top_k_stable(np.array([[0.1, 0.9, 0.5, 0.9], [1.0, 0.0, 0.0, 0.0]]), 2)]
    [[1, 3], [0, 1]]
    """
    if values.shape[1] <= k:
        return list(np.argsort(-values, axis=1, kind="stable"))
    kth = -np.partition(-values, k - 1, axis=1)[:, k - 1]
    at_least = values >= kth[:, None]
    exact = at_least.sum(axis=1) == k  # usually: no tie at the k-th value, the top-k set is known
    out: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(values)
    if exact.any():
        cols = np.nonzero(at_least[exact])[1].reshape(-1, k)  # each row's k columns, in column order
        order = np.argsort(-np.take_along_axis(values[exact], cols, axis=1), axis=1, kind="stable")
        for i, top in zip(np.flatnonzero(exact).tolist(), np.take_along_axis(cols, order, axis=1), strict=True):
            out[i] = top
    for i in np.flatnonzero(~exact).tolist():  # ties at the k-th value: the lowest columns among them
        row_cols = np.flatnonzero(at_least[i])
        out[i] = row_cols[np.argsort(-values[i, row_cols], kind="stable")][:k]
    return out
