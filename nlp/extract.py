"""Candidate skill phrases from the text of a French job ad.

Steps (all cheap; the spaCy parser is not needed, only its French tokenizer):
1. clean the text (markup, odd spaces), cut it into lines with sections (``nlp.sections``);
2. keep lines of skill sections that are not pay / benefits boilerplate;
3. per line: the clause itself, its enumerated items when the line lists several actions
   (« Installer, configurer et gérer le SI ») or several short terms (« Excel, Word et PowerPoint »),
   and the object of « maîtrise de … / connaissance de … / expérience en … » phrases;
4. exact matches of referential labels (spaCy ``PhraseMatcher`` on lowercase tokens; only lines that
   contain a label's letters, found by one Aho-Corasick pass, are tokenized).
Every mention keeps its character offsets in the cleaned description and its section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nlp.sections import SKILL_SECTIONS, Line, is_boilerplate, split_lines
from nlp.text import fold_line

_LEAD = re.compile(
    r"^(?:(?:vous\s+)?(?:devrez|serez amené(?:e|\(e\))? à|aurez pour mission(?:s)? de|aurez à|allez|"
    r"êtes en charge de|serez en charge de|assurez|maîtrisez|connaissez|savez|êtes capable de|avez)\s+|"
    r"(?:la |une |des |de bonnes |bonne |solides? |excellente )?(?:maîtrise|connaissances?|expérience|"
    r"pratique|capacité|aptitude|notions?|compétences?)\s+(?:en|de|du|des|d'|dans|à|avec|sur)\s*)",
    re.IGNORECASE,
)
_ITEM_SPLIT = re.compile(r"\s*(?:,|;|\bet\b|\bou\b|/|\+)\s*")
_INFINITIVE = re.compile(r"^(?:[a-zà-ÿ'-]+(?:er|ir|re|oir))\b", re.IGNORECASE)
_TRAIL = " .,;:-–!?()\"'«»"


@dataclass(frozen=True)
class Candidate:
    """A candidate skill phrase, before linking."""

    text: str
    start_char: int
    end_char: int
    section: str
    method: str  # clause | item | object | exact


def _span(line: Line, start: int, end: int, section: str, method: str) -> Candidate | None:
    raw = line.text[start:end]
    lead = len(raw) - len(raw.lstrip(_TRAIL))
    text = raw.strip(_TRAIL)
    if len(text) < 2 or len(text) > 200:
        return None
    begin = line.start_char + start + lead
    return Candidate(text, begin, begin + len(text), section, method)


def _items(line: Line) -> list[Candidate]:
    """Enumerated actions or short terms of one line (with their offsets)."""
    text = line.text
    pieces, start = [], 0
    for match in _ITEM_SPLIT.finditer(text):
        pieces.append((start, match.start()))
        start = match.end()
    pieces.append((start, len(text)))
    if len(pieces) < 2:
        return []
    words = [text[a:b].split() for a, b in pieces]
    verbs = sum(1 for w in words if w and _INFINITIVE.match(w[0]))
    short = all(0 < len(w) <= 4 for w in words)
    if not short and verbs < 2:
        return []
    out = []
    for (a, b), w in zip(pieces, words, strict=True):
        if short or (w and _INFINITIVE.match(w[0]) and len(w) >= 2):
            cand = _span(line, a, b, line.section, "item")
            if cand is not None:
                out.append(cand)
    return out


def line_candidates(line: Line, *, max_words: int = 24) -> list[Candidate]:
    """The clause, its items and its « maîtrise de X » object, for one skill line."""
    words = line.text.split()
    if not words:
        return []
    end = len(line.text) if len(words) <= max_words else line.text.index(words[max_words - 1]) + len(
        words[max_words - 1]
    )
    clause = _span(line, 0, end, line.section, "clause")
    out = []
    lead = _LEAD.match(line.text)
    if lead and lead.end() < len(line.text):
        obj = _span(line, lead.end(), end, line.section, "object")
        if obj is not None and len(obj.text.split()) <= 12:
            out.append(obj)
            clause = None  # « Vous savez coder » is « coder »: the lead adds nothing to link
    if clause is not None:
        out.insert(0, clause)
    if len(words) <= 40:
        out.extend(_items(line))
    return out


_COMPANY_OPENER = re.compile(
    r"^(?:notre|nos|nous|rejoignez|rejoindre|annonce|l'entreprise|l'agence|la societe|le groupe|le cabinet|"
    r"cree|creee|fonde|fondee|situe|situee|implante|implantee|leader|cette societe|cette entreprise|specialise|"
    r"specialisee|acteur)\b")


def is_skill_line(line: Line) -> bool:
    """A line that may ask for a skill: in a skill section, not pay / benefits boilerplate, not a line
    that only introduces a list (« Connaissance : » before its items), and — before any heading — not
    the company's presentation (« Notre entreprise… », « Nous sommes… »).

    >>> from nlp.sections import Line
    >>> [is_skill_line(Line(t, 0, len(t), s)) for t, s in [("Connaissance :", "profil"),
    ...  ("Notre entreprise compte 40 salariés", "poste"), ("Gérer les stocks", "poste")]]
    [False, False, True]
    """
    if line.section not in SKILL_SECTIONS or is_boilerplate(line.text) or line.text.rstrip().endswith(":"):
        return False
    return not (line.section == "poste" and _COMPANY_OPENER.match(fold_line(line.text)))


def skill_lines(text: str) -> list[Line]:
    """Lines that may ask for a skill (``is_skill_line``)."""
    return [line for line in split_lines(text) if is_skill_line(line)]


_SPACES = re.compile(r"\s+")


def _squeezed(text: str) -> str:
    """Lowercase, without any whitespace: a match's tokens, squeezed, are a substring of its line's."""
    return _SPACES.sub("", text.lower())


class LabelMatcher:
    """Exact, case-insensitive matches of referential labels (spaCy tokenizer + PhraseMatcher).

    Tokenizing is the cost (≈ 0.1 ms a line) and most lines hold no label: a line is tokenized only
    when some label's squeezed form (its tokens' lowercase forms, joined) occurs in the squeezed
    line — a necessary condition of a ``PhraseMatcher`` match, so the matches are the same.
    """

    def __init__(self, labels: Iterable[str], *, max_tokens: int = 5) -> None:
        import ahocorasick
        import spacy
        from spacy.matcher import PhraseMatcher

        self._nlp = spacy.blank("fr")
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._squeezed_labels = ahocorasick.Automaton()
        patterns = []
        for label in dict.fromkeys(x.strip() for x in labels if x and x.strip()):
            doc = self._nlp.make_doc(label)
            if 0 < len(doc) <= max_tokens and (len(doc) >= 2 or _is_term(label)):
                patterns.append(doc)
                key = _SPACES.sub("", "".join(token.lower_ for token in doc))
                self._squeezed_labels.add_word(key, None)
        self._matcher.add("LABEL", patterns)
        self._squeezed_labels.make_automaton()
        self._seen: dict[str, tuple[tuple[int, str], ...]] = {}  # line text → (offset, text) of its matches
        self.max_cached_lines = 200_000

    def clear_cache(self) -> None:
        """Forget the lines seen (``skillgap bench nlp``: every run starts cold)."""
        self._seen.clear()

    def may_match(self, text: str) -> bool:
        """False only when no label can match in ``text`` (no label's squeezed form occurs in it).
        « Σ » lowercases by context (σ / ς), so a line holding one is always tokenized."""
        if len(self._squeezed_labels) == 0:
            return False
        return "Σ" in text or next(self._squeezed_labels.iter(_squeezed(text)), None) is not None

    def __call__(self, lines: Sequence[Line]) -> list[Candidate]:
        # ads repeat lines (boilerplate, reposts): each distinct line text is tokenized and matched once
        todo = [text for text in dict.fromkeys(line.text for line in lines) if text not in self._seen]
        if len(self._seen) + len(todo) > self.max_cached_lines:
            self._seen.clear()
        for text in todo:
            self._seen[text] = ()
        todo = [text for text in todo if self.may_match(text)]
        # spaCy types Language.tokenizer as a bare callable; blank("fr")'s is a Tokenizer, which has .pipe
        for text, doc in zip(todo, self._nlp.tokenizer.pipe(todo), strict=True):  # type: ignore[union-attr]
            self._seen[text] = tuple(
                (span.start_char, span.text) for span in spacy_filter(self._matcher(doc, as_spans=True))
            )
        out = []
        for line in lines:
            for start, found in self._seen[line.text]:
                begin = line.start_char + start
                out.append(Candidate(found, begin, begin + len(found), line.section, "exact"))
        return out


def _is_term(label: str) -> bool:
    """A one-token label specific enough to match alone: « SQL », « C++ », « AutoCAD », « Python3 ».

    >>> [_is_term(x) for x in ("SQL", "C++", "AutoCAD", "Informatique", "Son")]
    [True, True, True, False, False]
    """
    return len(label) >= 2 and (any(c.isupper() for c in label[1:]) or any(not c.isalpha() for c in label))


def spacy_filter(spans):
    """Longest non-overlapping spans (spaCy's ``filter_spans``)."""
    from spacy.util import filter_spans

    return filter_spans(spans)


def extract_candidates(
    text: str, matcher: LabelMatcher | None = None, *, max_candidates: int = 80, max_words: int = 24
) -> list[Candidate]:
    """All candidate phrases of a cleaned description, deduplicated by (text, offsets); a clause is
    cut after ``max_words`` words (``[extraction].max_words``)."""
    lines = skill_lines(text)
    found: dict[tuple[int, int], Candidate] = {}
    for line in lines:
        for cand in line_candidates(line, max_words=max_words):
            found.setdefault((cand.start_char, cand.end_char), cand)
    if matcher is not None:
        for cand in matcher(lines):
            found.setdefault((cand.start_char, cand.end_char), cand)
    return sorted(found.values(), key=lambda c: (c.start_char, c.end_char))[:max_candidates]
