"""The NLP stage in one object: extraction + linking + occupation for a batch of ads.

``NlpEngine.create(ref, config, cache_dir=…)`` loads the encoder and builds (or reads) the FAISS
indexes once; ``process(ads)`` is a pure function of a batch of (ad_id, title, description)
returning one ``ProcessedAd`` per ad — a bad ad is skipped with a reason, never failing the batch.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import numpy as np

from models.nlp import OccupationPrediction, ProcessedAd, SkillLink, SkillMention
from nlp.config import NlpConfig
from nlp.embed import CachedEncoder, Encoder, get_encoder
from nlp.extract import Candidate, LabelMatcher, extract_candidates
from nlp.index import LabelIndex
from nlp.link import SkillRanker
from nlp.occupation import FicheScores, OccupationModel, exact_table, query_text, title_phrases
from nlp.referential import Referential
from nlp.rerank import KeyRows, RerankConfig, combine
from nlp.sections import is_boilerplate
from nlp.text import fold, fold_line, strip_markup

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AdText:
    """The only inputs the stage reads from an ad."""

    ad_id: str
    title: str
    description: str


def _esco_texts(ref: Referential) -> tuple[list[str], list[str]]:
    texts, keys = [], []
    for row in ref.esco_skills.itertuples(index=False):
        labels = [row.label, *(row.alt_labels if row.alt_labels is not None else ())]
        for label in dict.fromkeys(fold(x) for x in labels if x):
            texts.append(label)
            keys.append(row.skill_code)
    return texts, keys


class _IndexSource(TypedDict):
    """The arguments every ``LabelIndex.build`` of the engine shares."""

    encoder: Encoder
    version_key: str
    cache_dir: Path | None


class NlpEngine:
    def __init__(
        self, ref: Referential, config: NlpConfig, encoder: CachedEncoder, cache_dir: Path | None,
        rerank_encoder: CachedEncoder | None = None,
    ) -> None:
        self.ref = ref
        self.config = config
        self.encoder = encoder
        self.model_name = encoder.name
        phrases, codes = title_phrases(ref)
        build = _IndexSource(encoder=encoder, version_key=ref.version_key, cache_dir=cache_dir)
        self.occupations = OccupationModel(
            LabelIndex.build(name="titles", texts=phrases, keys=codes, ann_min_rows=1 << 30, **build),  # exact
            search_k=config.occupation.search_k,
            exact=exact_table(phrases, codes),
        )
        rome_texts = [fold(x) for x in ref.rome_skills.label]
        rome_index = LabelIndex.build(name="rome-skills", texts=rome_texts, keys=list(ref.rome_skills.skill_code),
                                      **build)
        self.ranker = SkillRanker(ref, rome_index, config.linking)
        self._esco_build = build
        self._esco: LabelIndex | None = None
        # title → fiche re-ranked by a second encoder (``[rerank]``), recorded in the occupation's model name
        self.rerank_encoder = rerank_encoder
        self.title_rows: KeyRows | None = None
        self.occupation_model_name = self.model_name
        if rerank_encoder is not None:
            self.title_rows = KeyRows(LabelIndex.build(
                name="titles", texts=phrases, keys=codes, ann_min_rows=1 << 30, **(build | {"encoder": rerank_encoder}),
            ))  # fmt: skip
            self.occupation_model_name = f"{self.model_name}+rerank:{rerank_encoder.name}"
        self.matcher = LabelMatcher(
            [*ref.rome_skills.label, *ref.esco_skills.label], max_tokens=config.extraction.exact_max_tokens
        )

    @classmethod
    def create(cls, ref: Referential, config: NlpConfig, *, cache_dir: Path | None) -> NlpEngine:
        """Load the encoder and the indexes. FAISS runs single-threaded: its OpenMP threads spinning
        between small searches halved the throughput of the numpy work around them on 2 cores."""
        import faiss

        faiss.omp_set_num_threads(1)
        encoder = CachedEncoder(get_encoder(config.model.name), cache_dir)
        rerank_model = config.rerank.model_for(config.model.name)
        rerank = CachedEncoder(get_encoder(rerank_model), cache_dir) if rerank_model else None
        return cls(ref, config, encoder, cache_dir, rerank_encoder=rerank)

    def clear_caches(self) -> None:
        """Forget everything memoised from processed ads (lines matched, boilerplate tests, fiche
        bonuses), as after ``create``; phrase caches are the encoders' (``CachedEncoder``)."""
        self.matcher.clear_cache()
        self.ranker.clear_cache()
        is_boilerplate.cache_clear()
        fold_line.cache_clear()

    def esco_index(self) -> LabelIndex:
        if self._esco is None:
            texts, keys = _esco_texts(self.ref)
            self._esco = LabelIndex.build(name="esco-skills-fr", texts=texts, keys=keys, **self._esco_build)
        return self._esco

    def predict_occupations(
        self, titles: Sequence[str], mention_vectors: Sequence[np.ndarray] | None = None
    ) -> list[FicheScores]:
        """Top fiches of each ad: ranked by its title (titles repeat: each distinct cleaned title is ranked
        once), then, given the ad's mention vectors and ``[occupation].description_weight`` > 0, the
        title's ``description_candidates`` best fiches re-scored by how well the description fits their
        skills (``SkillRanker.fiche_fit``): score = title score + weight × fit."""
        settings = self.config.occupation
        by_description = mention_vectors is not None and settings.description_weight > 0
        width = max(settings.top_k, settings.description_candidates) if by_description else settings.top_k
        queries = [query_text(t) for t in titles]
        unique = list(dict.fromkeys(queries))
        ranked = dict(zip(unique, self._rank_titles(unique, width), strict=True))
        by_title = [ranked[q] for q in queries]
        if not by_description:
            return by_title
        assert mention_vectors is not None
        return [self._by_description(fiche, vecs) for fiche, vecs in zip(by_title, mention_vectors, strict=True)]

    def _by_description(self, fiche: FicheScores, mention_vecs: np.ndarray,
                        cos: tuple[np.ndarray, np.ndarray] | None = None) -> FicheScores:
        settings = self.config.occupation
        fits = self.ranker.fiche_fit(mention_vecs, fiche.rome_codes, top=settings.description_top_skills, cos=cos)
        scored = sorted(
            ((code, score + settings.description_weight * fit)
             for code, score, fit in zip(fiche.rome_codes, fiche.scores, fits, strict=True)),
            key=lambda kv: -kv[1],
        )[: settings.top_k]  # sorted() is stable: ties keep the title's order
        return FicheScores(tuple(c for c, _ in scored), tuple(round(v, 4) for _, v in scored))

    def _rank_titles(self, queries: list[str], top_k: int) -> list[FicheScores]:
        if self.title_rows is None or self.rerank_encoder is None:
            return self.occupations.rank(queries, self.encoder.encode(queries), top_k=top_k)
        settings = self.config.rerank
        first = self.occupations.rank(queries, self.encoder.encode(queries),
                                      top_k=max(top_k, settings.occupation_top_n))
        second = self.rerank_encoder.encode(queries)
        config = RerankConfig(top_n=settings.occupation_top_n, weight=settings.occupation_weight)
        out = []
        for fiche, vector in zip(first, second, strict=True):
            sims = self.title_rows.best_per_key(vector[None, :], fiche.rome_codes)[0]
            final = list(combine(dict(zip(fiche.rome_codes, fiche.scores, strict=True)),
                                 dict(zip(fiche.rome_codes, sims.tolist(), strict=True)), config).items())[:top_k]
            out.append(FicheScores(tuple(c for c, _ in final), tuple(round(v, 4) for _, v in final)))
        return out

    def candidates(self, description: str) -> list[Candidate]:
        extraction = self.config.extraction
        return extract_candidates(
            strip_markup(description), self.matcher,
            max_candidates=extraction.max_candidates, max_words=extraction.max_words,
        )

    def encode_candidates(self, candidates: Sequence[Candidate]) -> np.ndarray:
        return self.encoder.encode([fold(c.text) for c in candidates])

    def skip_reason(self, ad: AdText) -> str | None:
        if not (ad.title or "").strip() and not (ad.description or "").strip():
            return "empty title and description"
        if len(ad.description or "") > self.config.extraction.max_chars:
            return f"description longer than {self.config.extraction.max_chars} characters"
        return None

    def process(self, ads: Sequence[AdText]) -> list[ProcessedAd]:
        """Extraction, occupation and linking for a batch; never raises for one bad ad.

        Phrases of the whole batch are encoded at once and ESCO-searched at once (fast paths).
        """
        kept = [ad for ad in ads if self.skip_reason(ad) is None]
        cands = {ad.ad_id: self._safe_candidates(ad) for ad in kept}
        flat = [c for found in cands.values() if found for c in found]
        # ads repeat phrases: each distinct folded phrase is encoded and searched once per batch
        texts = [fold(c.text) for c in flat]
        position = {text: i for i, text in enumerate(dict.fromkeys(texts))}
        of_mention = np.fromiter((position[t] for t in texts), dtype=np.int64, count=len(texts))
        unique_vectors = self.encoder.encode(list(position))
        linking = self.config.linking
        unique_esco = self.esco_index().top_keys(
            unique_vectors, linking.search_k, n=linking.top_k, min_score=linking.threshold
        )
        _, unique_hits = self.ranker.index.search(unique_vectors, linking.search_k)
        vectors, rome_hits = unique_vectors[of_mention], unique_hits[of_mention]
        esco = [unique_esco[i] for i in of_mention.tolist()]
        spans, offset = {}, 0
        for ad_id, found in cands.items():  # the order of ``flat``
            if found is not None:
                spans[ad_id] = slice(offset, offset + len(found))
                offset += len(found)
        with_text = list({ad.ad_id: ad for ad in kept if ad.ad_id in spans}.values())
        settings = self.config.occupation
        # the title's candidates are the final fiches re-ordered: one product of each ad's mentions
        # serves the description fit and the links (same rows: the skills of the same set of fiches)
        fused = (settings.description_weight > 0 and settings.description_candidates <= settings.top_k
                 <= len(linking.fiche_bonus))
        fiches = dict(zip((a.ad_id for a in with_text), self.predict_occupations(
            [a.title for a in with_text], None if fused else [vectors[spans[a.ad_id]] for a in with_text]),
            strict=True))
        out = []
        for ad in ads:
            reason = self.skip_reason(ad)
            found = cands.get(ad.ad_id)
            if reason is None and found is None:
                reason = "error during extraction (see log)"
            if reason is not None:
                out.append(ProcessedAd(ad_id=ad.ad_id, skipped_reason=reason))
                continue
            assert found is not None  # no candidates means a reason above
            span = spans[ad.ad_id]
            try:
                out.append(self._process_one(ad, fiches[ad.ad_id], found, vectors[span], esco[span], rome_hits[span],
                                             by_description=fused))
            except Exception as e:  # one bad ad must not lose the batch
                log.warning("annonce %s ignorée : %s : %s", ad.ad_id, type(e).__name__, e)
                out.append(ProcessedAd(ad_id=ad.ad_id, skipped_reason=f"error: {type(e).__name__}: {e}"[:300]))
        return out

    def _safe_candidates(self, ad: AdText) -> list[Candidate] | None:
        try:
            return self.candidates(ad.description or "")
        except Exception as e:  # one bad ad must not lose the batch
            log.warning("annonce %s : échec de l'extraction : %s : %s", ad.ad_id, type(e).__name__, e)
            return None

    def _occupation(self, ad_id: str, fiche: FicheScores) -> OccupationPrediction | None:
        if not fiche.rome_codes:
            return None
        return OccupationPrediction(
            ad_id=ad_id,
            rome_code=fiche.rome_codes[0],
            parent_rome_code=self.ref.parent_code(fiche.rome_codes[0]),
            score=fiche.scores[0],
            top_rome_codes=fiche.rome_codes,
            top_scores=fiche.scores,
            model_name=self.occupation_model_name,
            referential_version=self.ref.version_key,
        )

    def _process_one(  # the batch-level results of one ad
        self, ad: AdText, fiche: FicheScores, cands: list[Candidate], vecs: np.ndarray,
        esco: list[list[tuple[str, float]]], rome_hits: np.ndarray, *, by_description: bool = False,
    ) -> ProcessedAd:
        mentions = tuple(
            SkillMention(
                ad_id=ad.ad_id, mention_id=f"{ad.ad_id}:{c.start_char}-{c.end_char}", text=c.text,
                start_char=c.start_char, end_char=c.end_char, section=c.section, method=c.method,
            )
            for c in cands
        )
        links = []
        cos = None
        if by_description:  # ``fiche`` is the title's ranking: re-order it by the description
            cos = self.ranker.cosines(vecs, fiche.rome_codes, rome_hits) if len(vecs) else None
            fiche = self._by_description(fiche, vecs, cos)
        ranked_links = self.ranker.link_mentions(vecs, fiche.rome_codes, rome_hits, cos=cos)
        for mention, cand, ranked in zip(mentions, cands, ranked_links, strict=True):
            method = "exact" if cand.method == "exact" else "embedding"
            for rank, (code, score, in_fiche) in enumerate(ranked, start=1):
                links.append(self._link(mention, code, "rome", score, rank, method + ("+fiche" if in_fiche else "")))
        links.extend(self._esco_links(mentions, esco))
        return ProcessedAd(
            ad_id=ad.ad_id, mentions=mentions, links=tuple(links), occupation=self._occupation(ad.ad_id, fiche)
        )

    def _esco_links(
        self, mentions: Sequence[SkillMention], esco: list[list[tuple[str, float]]]
    ) -> list[SkillLink]:
        """Each mention's ESCO skills (``LabelIndex.top_keys``: best first, above the threshold)."""
        return [
            self._link(mention, uri, "esco", score, rank, "embedding")
            for mention, ranked in zip(mentions, esco, strict=True)
            for rank, (uri, score) in enumerate(ranked, start=1)
        ]

    def _link(self, mention: SkillMention, code: str, source: str, score: float, rank: int, method: str) -> SkillLink:
        return SkillLink(
            mention_id=mention.mention_id, skill_code=code, source=source, score=round(score, 4), rank=rank,
            method=method, model_name=self.model_name, referential_version=self.ref.version_key,
        )
