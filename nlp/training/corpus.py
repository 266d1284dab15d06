"""Training material for the static embedding model, built from the loaded referentials (and,
when asked, from the candidate phrases of stored ads: their text only, never their labels).

Two products, both deterministic for a given store content and seed:

- the **corpus**: deduplicated phrases (ROME competence / knowledge / macro-competence /
  appellation / fiche labels, ESCO skill and occupation labels in French *and* English with their
  alternative labels, RNCP block titles and competence items) plus augmented phrases (random
  2–6-word spans, ad-style prefixes such as « Maîtrise de … » on skill labels). The teacher's
  vectors of these phrases are the distillation targets.
- the **pairs** (anchor, positive) for the contrastive loss, each with a ``kind`` and a
  ``group`` (the concept it comes from): ROME competence → its macro-competence, ROME appellation
  → its fiche label, ESCO alternative → preferred label (FR and EN, skills and occupations),
  ESCO English label → French label; and synthetic ones (``synthetic``): ad-style title → fiche
  label, skill label inside a generic ad sentence → the label. Their anchors join the corpus.

``read_ad_phrases`` adds, when ``--ad-phrases N`` asks for it, a seeded sample of N candidate
phrases extracted from the stored ads (the NLP stage's clauses, items and objects) to the corpus:
they are distilled like labels, so the model learns the wording of real ads; no pair, no label.

Evaluation files are never read here: nothing from ``../shared/data/eval`` reaches training.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import duckdb

from crawler.queries import count_ads, iter_descriptions
from models.training import TrainingPair
from nlp.training.synthetic import skill_sentence, title_variants
from referentials import queries
from skillgap.errors import InsufficientDataError, UserError

log = logging.getLogger(__name__)

#: ad-style ways of asking for a skill; {x} is the label, first letter lowercased. Know-how labels
#: start with a verb (« Gérer les stocks »), knowledge labels with a noun (« Logiciels de paie »).
VERB_PREFIXES: tuple[str, ...] = ("Capacité à {x}", "Savoir {x}", "Vous savez {x}", "Aptitude à {x}",
                                  "Être capable de {x}", "Vous devrez {x}")
NOUN_PREFIXES: tuple[str, ...] = ("Maîtrise de {x}", "Connaissance de {x}", "Expérience en {x}",
                                  "Compétences en {x}", "Bonne connaissance de {x}", "Pratique de {x}")
_SPACES = re.compile(r"\s+")
#: languages of the ESCO descriptions paired with their skill's label
DESCRIPTION_LANGUAGES: tuple[str, ...] = ("en",)


def clean(text: str | None) -> str:
    """Collapse whitespace; ``""`` for None.

    >>> clean("  Gérer   les\\nstocks ")
    'Gérer les stocks'
    """
    return _SPACES.sub(" ", text or "").strip()


_SENTENCE_END = re.compile(r"(.+?[.!?])(?:\s|$)")


def first_sentence(text: str | None, *, max_words: int = 40) -> str:
    """The first sentence of a description, at most ``max_words`` words.

    >>> first_sentence("Use  SQL to query data. It is a language.")
    'Use SQL to query data.'
    """
    text = clean(text)
    match = _SENTENCE_END.match(text)
    return " ".join((match.group(1) if match else text).split()[:max_words])


@dataclass(frozen=True)
class ConceptLabels:
    """The labels of one referential concept (skill, occupation, appellation, block)."""

    source: str
    concept_code: str
    kind: str
    label: str
    alt_labels: tuple[str, ...] = ()
    label_en: str = ""
    alt_labels_en: tuple[str, ...] = ()
    parent_label: str = ""  # macro-competence (ROME skill), fiche label (appellation)
    extra_texts: tuple[str, ...] = ()  # category labels, RNCP competence items
    descriptions: tuple[tuple[str, str], ...] = ()  # (language, text): ESCO skill descriptions
    parent_code: str = ""  # the fiche's ROME code (appellation)
    skill_group: str = ""  # ROME skill group: macro-competence code (know-how), category (knowledge)


@dataclass(frozen=True)
class ReferentialTexts:
    """Every label the model learns from, with the referential versions they come from."""

    versions: dict[str, str] = field(default_factory=dict)  # source -> version_id
    concepts: tuple[ConceptLabels, ...] = ()
    #: rome_code -> its skills' (skill_code, is_core) (ROME fiche ↔ competence links, by skill code)
    fiche_skills: dict[str, tuple[tuple[str, bool], ...]] = field(default_factory=dict)
    #: ESCO occupation URI -> its (skill_uri, is_essential) (ESCO's own relation, not the ROME crosswalk)
    occupation_skills: dict[str, tuple[tuple[str, bool], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class PairOptions:
    """Optional pair kinds of the recipe (issue 18); the defaults add nothing (the shipped recipe).

    - ``appellation_skills``: up to N core competences (``is_core``, « cœur de métier ») of its fiche
      per ROME appellation, as ``rome_appellation_skill`` pairs (appellation label → skill label);
    - ``esco_occupation_skills``: up to N essential skills per ESCO occupation
      (``esco_occupation_skill``, French labels; ESCO's own occupation–skill relation);
    - ``hard_negatives``: for those pairs, one hard negative each: a skill of the same ROME group
      (macro-competence for know-how, category for knowledge) that the fiche does not list.
    """

    appellation_skills: int = 0
    esco_occupation_skills: int = 0
    hard_negatives: bool = False

    def as_dict(self) -> dict[str, int | bool]:
        return {"appellation_skills": self.appellation_skills,
                "esco_occupation_skills": self.esco_occupation_skills, "hard_negatives": self.hard_negatives}


#: pair kinds with several positives per anchor: kept out of the validation queries (single-gold MRR)
MULTI_POSITIVE_KINDS: frozenset[str] = frozenset({"rome_appellation_skill", "esco_occupation_skill"})


def _texts(values: Iterable[str | None] | None) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values or ():
        text = clean(value)
        if text:
            seen.setdefault(text, None)
    return tuple(seen)


def read_referentials(con: duckdb.DuckDBPyConnection) -> ReferentialTexts:
    """All the labels of the current ROME, ESCO and (when loaded) RNCP versions of a store."""
    queries.require_loaded(con, "rome", "esco")
    versions = {source: v["version_id"] for source, v in queries.current_versions(con).items()}
    if "description_en" not in queries.skill_columns(con):
        raise UserError("magasin écrit par une version antérieure de skillgap (descriptions anglaises ESCO "
                        "absentes) : relancez `skillgap referentials load`, puis réentraînez")
    concepts: list[ConceptLabels] = []
    for source in ("rome", "esco"):
        for skill in queries.skill_records(con, source):
            descriptions = (("fr", skill.description), ("en", skill.description_en)) if source == "esco" else ()
            concepts.append(ConceptLabels(
                source=source, concept_code=skill.skill_code, kind=f"skill:{skill.kind}", label=clean(skill.label),
                alt_labels=_texts(skill.alt_labels), label_en=clean(skill.label_en),
                alt_labels_en=_texts(skill.alt_labels_en), parent_label=clean(skill.macro_competence_label),
                descriptions=tuple((lang, first_sentence(text)) for lang, text in descriptions if clean(text)),
                skill_group=_skill_group(source, skill.kind, skill.macro_competence_code, skill.category_label),
            ))
    fiches = queries.rome_occupations(con)
    fiche_label = dict(zip(fiches.rome_code, fiches.label, strict=True))
    for rome_code, label in sorted(fiche_label.items()):
        concepts.append(ConceptLabels(source="rome", concept_code=rome_code, kind="fiche", label=clean(label)))
    for appellation in queries.appellation_records(con):
        concepts.append(ConceptLabels(
            source="rome", concept_code=appellation.appellation_code, kind="appellation",
            label=clean(appellation.label), alt_labels=_texts([appellation.short_label]),
            parent_label=clean(fiche_label.get(appellation.rome_code)), parent_code=appellation.rome_code,
        ))
    for occupation in queries.esco_occupation_records(con):
        concepts.append(ConceptLabels(
            source="esco", concept_code=occupation.esco_uri, kind="occupation", label=clean(occupation.label),
            alt_labels=_texts(occupation.alt_labels), label_en=clean(occupation.label_en),
        ))
    if "rncp" in versions:
        for block in queries.block_records(con):
            concepts.append(ConceptLabels(
                source="rncp", concept_code=block.block_code, kind="block", label=clean(block.label),
                extra_texts=_texts(block.competences),
            ))
    if not any(lang == "en" for c in concepts for lang, _ in c.descriptions):
        log.warning("ESCO chargé sans descriptions anglaises (chargement ancien ou fichiers qui n'en ont pas) : "
                    "`skillgap referentials load` les ajoute ; le modèle sera moins bon sur les phrases anglaises")
    fiche_skills: dict[str, list[tuple[str, bool]]] = {}
    for rome_code, skill_code, is_core, _ in queries.rome_occupation_skills(con).itertuples(index=False):
        fiche_skills.setdefault(rome_code, []).append((skill_code, bool(is_core)))
    occupation_skills: dict[str, list[tuple[str, bool]]] = {}
    for esco_uri, skill_uri, is_essential in queries.esco_occupation_skill_links(con):
        occupation_skills.setdefault(esco_uri, []).append((skill_uri, is_essential))
    return ReferentialTexts(versions=versions, concepts=tuple(c for c in concepts if c.label),
                            fiche_skills={k: tuple(v) for k, v in fiche_skills.items()},
                            occupation_skills={k: tuple(v) for k, v in occupation_skills.items()})


def _skill_group(source: str, kind: str, macro_code: str | None, category: str | None) -> str:
    """The group a ROME skill's hard negatives come from: its macro-competence (know-how) or its
    category (knowledge); ``""`` for ESCO (the store holds no ESCO skill hierarchy)."""
    if source != "rome":
        return ""
    if kind == "savoir-faire" and macro_code:
        return f"macro:{macro_code}"
    return f"category:{clean(category)}" if clean(category) else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def augment(phrases: Sequence[str], verb_labels: Sequence[str], noun_labels: Sequence[str], *, seed: int,
            n_spans: int, n_prefixed: int, max_words: int = 6) -> list[str]:
    """Augmented phrases: random 2–``max_words``-word spans of ``phrases`` and ad-style prefixes on
    skill labels (verb prefixes on ``verb_labels``, noun prefixes on ``noun_labels``).
    Deterministic for ``seed``; inputs are sorted first so their order never matters.

    >>> augment(["gérer les stocks de la boutique"], ["Gérer les stocks"], ["Logiciels de paie"],
    ...         seed=0, n_spans=1, n_prefixed=2)
    ['gérer les stocks de la', 'Bonne connaissance de logiciels de paie', 'Compétences en logiciels de paie']
    """
    rng = random.Random(seed)
    long_phrases = sorted({p for p in phrases if len(p.split()) >= 4})
    out: list[str] = []
    for _ in range(n_spans if long_phrases else 0):
        words = rng.choice(long_phrases).split()
        size = rng.randint(2, min(max_words, len(words) - 1))
        start = rng.randint(0, len(words) - size)
        out.append(" ".join(words[start : start + size]))
    labels = [(label, VERB_PREFIXES) for label in sorted(set(verb_labels))]
    labels += [(label, NOUN_PREFIXES) for label in sorted(set(noun_labels))]
    for _ in range(n_prefixed if labels else 0):
        label, prefixes = rng.choice(labels)
        out.append(rng.choice(prefixes).format(x=_lower_first(label)))
    return out


def base_phrases(texts: ReferentialTexts, *, max_alts_per_concept: int = 4) -> list[str]:
    """Every label of every concept once (at most ``max_alts_per_concept`` alternative labels
    per concept and language, the same ones the pairs use), sorted: the un-augmented corpus."""
    phrases: set[str] = set()
    for c in texts.concepts:
        group = f"{c.source}:{c.concept_code}"
        phrases.update((c.label, *c.extra_texts))
        phrases.update(_pick(c.alt_labels, max_alts_per_concept, group))
        phrases.update(_pick(c.alt_labels_en, max_alts_per_concept, group))
        phrases.update(t for t in (c.label_en, c.parent_label) if t)
    phrases.discard("")
    return sorted(phrases)


def read_ad_phrases(con: duckdb.DuckDBPyConnection, *, limit: int, seed: int) -> list[str]:
    """A seeded sample of ``limit`` distinct candidate phrases of the stored ads (ads read in id order;
    only their descriptions: titles, ticked skills and codes are never read)."""
    from nlp.extract import extract_candidates
    from nlp.text import strip_markup

    if limit <= 0:
        return []
    try:
        n_ads = count_ads(con)
    except duckdb.CatalogException:  # a store without the ads tables
        n_ads = 0
    if n_ads == 0:
        raise InsufficientDataError("--ad-phrases : le magasin ne contient aucune offre "
                                    "(lancez d'abord `skillgap ingest` ou une collecte)")
    phrases: dict[str, None] = {}
    for description in iter_descriptions(con):
        for candidate in extract_candidates(strip_markup(description or "")):
            if text := clean(candidate.text):
                phrases.setdefault(text, None)
    found = list(phrases)
    if not found:
        raise InsufficientDataError("--ad-phrases : aucune phrase candidate dans les descriptions des offres "
                                    "stockées")
    if len(found) > limit:
        found = sorted(random.Random(seed + 2).sample(found, limit))
    log.info("ad phrases: %d of %d distinct candidates of the stored ads", len(found), len(phrases))
    return found


def build_corpus(texts: ReferentialTexts, *, seed: int, augment_ratio: float = 0.4,
                 max_phrases: int | None = None, max_alts_per_concept: int = 4,
                 ad_phrases: Sequence[str] = ()) -> list[str]:
    """The distillation corpus: labels plus ``augment_ratio`` × as many augmented phrases,
    deduplicated, in a fixed order, then ``ad_phrases`` (``read_ad_phrases``). ``max_phrases``
    caps the label part (seeded sample)."""
    phrases = base_phrases(texts, max_alts_per_concept=max_alts_per_concept)
    if max_phrases is not None and len(phrases) > max_phrases:
        phrases = sorted(random.Random(seed).sample(phrases, max_phrases))
    verb_labels = [c.label for c in texts.concepts if c.kind in ("skill:savoir-faire", "skill:savoir-être")]
    noun_labels = [c.label for c in texts.concepts if c.kind == "skill:savoir"]
    n_aug = int(len(phrases) * augment_ratio)
    extra = augment(phrases, verb_labels, noun_labels, seed=seed + 1, n_spans=n_aug // 2,
                    n_prefixed=n_aug - n_aug // 2)
    seen = dict.fromkeys(phrases)
    for phrase in [*extra, *(p.anchor for p in [*synthetic_pairs(texts), *description_pairs(texts)]), *ad_phrases]:
        seen.setdefault(phrase, None)
    return list(seen)


def _pick(values: Sequence[str], k: int, key: str) -> list[str]:
    """Up to ``k`` of ``values``, chosen by a stable hash (no RNG state shared across concepts)."""
    return sorted(values, key=lambda v: hashlib.sha1(f"{key}|{v}".encode()).hexdigest())[:k]


def build_pairs(texts: ReferentialTexts, *, max_alts_per_concept: int = 4,
                options: PairOptions | None = None) -> list[TrainingPair]:
    """Contrastive pairs from the referential structure (see the module docstring), plus the
    optional kinds of ``options`` (appended last, so the default pairs keep their order)."""
    pairs: list[TrainingPair] = []

    def add(anchor: str, positive: str, kind: str, group: str) -> None:
        if anchor and positive and anchor.casefold() != positive.casefold():
            pairs.append(TrainingPair(anchor=anchor, positive=positive, kind=kind, group=group))

    for c in texts.concepts:
        group = f"{c.source}:{c.concept_code}"
        if c.kind == "appellation":
            add(c.label, c.parent_label, "rome_appellation_fiche", group)
            continue
        if c.source == "rome" and c.kind.startswith("skill:"):
            add(c.label, c.parent_label, "rome_skill_macro", group)
        if c.source != "esco":
            continue
        what = "occupation" if c.kind == "occupation" else "skill"
        for alt in _pick(c.alt_labels, max_alts_per_concept, group):
            add(alt, c.label, f"esco_{what}_alt_fr", group)
        for alt in _pick(c.alt_labels_en, max_alts_per_concept, group):
            add(alt, c.label_en, f"esco_{what}_alt_en", group)
        add(c.label_en, c.label, f"esco_{what}_en_fr", group)
    pairs.extend(synthetic_pairs(texts))
    pairs.extend(description_pairs(texts))
    options = options or PairOptions()
    if options.appellation_skills:
        pairs.extend(appellation_skill_pairs(texts, per_appellation=options.appellation_skills))
    if options.esco_occupation_skills:
        pairs.extend(esco_occupation_skill_pairs(texts, per_occupation=options.esco_occupation_skills))
    return pairs


def appellation_skill_pairs(texts: ReferentialTexts, *, per_appellation: int) -> list[TrainingPair]:
    """ROME appellation label → the label of a core competence (« cœur de métier ») of its fiche,
    up to ``per_appellation`` per appellation chosen by a stable hash (``rome_appellation_skill``;
    group: the appellation). Fiche ↔ competence links come from ``fiche_skills`` (ROME's
    ``unix_coherence_item``)."""
    return _related_skill_pairs(
        texts, source="rome", anchor_kind="appellation", per_anchor=per_appellation, kind="rome_appellation_skill",
        related=lambda c: texts.fiche_skills.get(c.parent_code, ()) if c.parent_code else ())


def esco_occupation_skill_pairs(texts: ReferentialTexts, *, per_occupation: int) -> list[TrainingPair]:
    """ESCO occupation (French preferred label) → an essential skill's French label, up to
    ``per_occupation`` per occupation (``esco_occupation_skill``; ESCO's occupation–skill relation)."""
    return _related_skill_pairs(
        texts, source="esco", anchor_kind="occupation", per_anchor=per_occupation, kind="esco_occupation_skill",
        related=lambda c: texts.occupation_skills.get(c.concept_code, ()))


def _related_skill_pairs(
    texts: ReferentialTexts, *, source: str, anchor_kind: str, per_anchor: int, kind: str,
    related: Callable[[ConceptLabels], Iterable[tuple[str, bool]]],
) -> list[TrainingPair]:
    """Anchor concept label → labels of its flagged (core / essential) related skills of the same
    source, up to ``per_anchor`` per anchor by a stable hash; group: the anchor concept."""
    skill_label = {c.concept_code: c.label for c in texts.concepts
                   if c.source == source and c.kind.startswith("skill:")}
    pairs: list[TrainingPair] = []
    for c in texts.concepts:
        if c.source != source or c.kind != anchor_kind:
            continue
        group = f"{c.source}:{c.concept_code}"
        flagged = {skill_label[code] for code, flag in related(c) if flag and code in skill_label}
        for label in _pick(sorted(flagged), per_anchor, group):
            if label.casefold() != c.label.casefold():
                pairs.append(TrainingPair(anchor=c.label, positive=label, kind=kind, group=group))
    return pairs


def hard_negatives(texts: ReferentialTexts, pairs: Sequence[TrainingPair]) -> list[str | None]:
    """One hard negative per pair (``None`` where there is none), aligned with ``pairs``.

    For ``rome_appellation_skill`` pairs: a ROME skill of the positive's group (same
    macro-competence for know-how, same category for knowledge) that the appellation's fiche does
    not list at all, chosen by a stable hash. Other kinds get none (the store holds no ESCO skill
    hierarchy). Deterministic, independent of the seed.
    """
    rome_skills = [c for c in texts.concepts if c.source == "rome" and c.kind.startswith("skill:")]
    codes_of_label: dict[str, set[str]] = {}
    members: dict[str, list[tuple[str, str]]] = {}
    group_of: dict[str, str] = {}
    label_of = {c.concept_code: c.label for c in rome_skills}
    for c in rome_skills:
        codes_of_label.setdefault(c.label, set()).add(c.concept_code)
        group_of[c.concept_code] = c.skill_group
        if c.skill_group:
            members.setdefault(c.skill_group, []).append((c.concept_code, c.label))
    fiche_of = {f"{c.source}:{c.concept_code}": c.parent_code for c in texts.concepts if c.kind == "appellation"}
    out: list[str | None] = []
    for pair in pairs:
        negative = None
        if pair.kind == "rome_appellation_skill":
            listed = {code for code, _ in texts.fiche_skills.get(fiche_of.get(pair.group, ""), ())}
            listed_labels = {label_of[code] for code in listed if code in label_of}
            groups = sorted({group_of[code] for code in codes_of_label.get(pair.positive, ()) if group_of.get(code)})
            candidates = sorted({label for g in groups for code, label in members[g]
                                 if code not in listed and label not in listed_labels
                                 and label.casefold() != pair.anchor.casefold()})
            if candidates:
                negative = _pick(candidates, 1, f"negative|{pair.group}|{pair.positive}")[0]
        out.append(negative)
    return out


def description_pairs(
    texts: ReferentialTexts, *, languages: tuple[str, ...] = DESCRIPTION_LANGUAGES
) -> list[TrainingPair]:
    """ESCO skill description (first sentence) → the skill's label in the same language.

    Job-ad sentences name a skill in other words (« You will design and maintain the data
    pipelines… »); ESCO's descriptions are such sentences, one per skill. Measured with
    ``skillgap eval esco-linking`` (validation sets): English descriptions took RP@5 from 47.3 to
    55.0 (TECH) and 30.4 to 40.5 (HOUSE), French skills recall@10 0.329 → 0.343.
    """
    pairs: list[TrainingPair] = []
    for c in texts.concepts:
        label_of = {"fr": c.label, "en": c.label_en}
        for language, description in c.descriptions:
            label = label_of.get(language)
            if language in languages and label and description:
                pairs.append(TrainingPair(anchor=description, positive=label, kind=f"esco_skill_desc_{language}",
                                          group=f"{c.source}:{c.concept_code}"))
    return pairs


def _share(key: str) -> float:
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def synthetic_pairs(texts: ReferentialTexts, *, rome_sentence_share: float = 0.5) -> list[TrainingPair]:
    """Ad-style titles → fiche label, and skill labels inside generic ad sentences → the label
    (ESCO skills in French and English, ``rome_sentence_share`` of ROME skills), see ``synthetic``."""
    pairs: list[TrainingPair] = []
    for c in texts.concepts:
        group = f"{c.source}:{c.concept_code}"
        if c.kind == "appellation" and c.parent_label:
            pairs += [TrainingPair(anchor=v, positive=c.parent_label, kind="rome_title_fiche", group=group)
                      for v in title_variants(c.label, group)]
            continue
        if not c.kind.startswith("skill:") or (c.source == "rome" and _share(group) >= rome_sentence_share):
            continue
        is_knowledge = c.kind == "skill:savoir"
        for language, label in (("fr", c.label), ("en", c.label_en)):
            if label:
                sentence = skill_sentence(label, language=language, is_knowledge=is_knowledge, key=group)
                pairs.append(TrainingPair(anchor=sentence, positive=label, kind=f"sentence_{language}", group=group))
    return pairs


def split_pairs(pairs: Sequence[TrainingPair], *, validation_fraction: float,
                salt: str = "validation") -> tuple[list[TrainingPair], list[TrainingPair]]:
    """(train, validation), split by concept ``group`` with a stable hash: a held-out concept
    gives no training pair at all. Independent of the seed, so every run validates alike."""
    train: list[TrainingPair] = []
    validation: list[TrainingPair] = []
    for pair in pairs:
        h = int(hashlib.sha1(f"{salt}|{pair.group}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        (validation if h < validation_fraction else train).append(pair)
    return train, validation
