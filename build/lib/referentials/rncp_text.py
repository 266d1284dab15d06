"""Pure text helpers of the RNCP loader: markup cleaning, competence lists split into items (with
their sub-items), levels, active flags (``referentials.rncp`` reads the files and merges them).

Example:
    >>> split_competences("<p>- Accueillir le client<br />- Encaisser</p>")
    ('Accueillir le client', 'Encaisser')
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator

_BREAK_TAG = re.compile(r"<\s*/?\s*(?:br|p|li|ul|ol|div|tr|h\d)\b[^<>]*>", re.I)
_ANY_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_SEGMENT_SEP = re.compile(r"[\r\n]+|\t+| {3,}")
_LINE_SEP = re.compile(r"[\r\n]+")
_TOP_MARKS = "*•▪●■"
_SUB_MARKS = "o◦○▫"
_DASH_MARKS = "–—-"
_INLINE_TOP = re.compile(rf"(?:^|(?<=\s))[{_TOP_MARKS}](?=\s)")
_INLINE_SUB = re.compile(rf"(?<=\s)[{_SUB_MARKS}](?=\s)")
_LEADING_MARK = re.compile(rf"^([{re.escape(_TOP_MARKS + _SUB_MARKS + _DASH_MARKS)}])\s+")
_MARK_KIND = {**dict.fromkeys(_TOP_MARKS, "*"), **dict.fromkeys(_SUB_MARKS, "o"), **dict.fromkeys(_DASH_MARKS, "-")}
_LEADING_CODE = re.compile(
    r"^(?:[A-Z]{1,3}\d+(?:\.[A-Z]?\d+[A-Z]?)+\s*[-–:.)]?|[A-Z]{1,3}\d+\s*[-–:)]|\d{1,2}\s*[.)–-])\s+"
)


def clean_text(text: str) -> str:
    """Text without HTML tags or entities, NFC, whitespace runs kept (line breaks as ``\\n``).

    >>> clean_text("<p>Gérer&nbsp;les&#160;stocks<br/>et l&rsquo;accueil</p>")
    'Gérer les stocks\\net l’accueil'
    """
    text = _BREAK_TAG.sub("\n", text)
    text = _ANY_TAG.sub("", text)
    text = html.unescape(text).replace("\xa0", " ").replace("\u202f", " ")
    return unicodedata.normalize("NFC", text).strip()


def one_line(text: str) -> str:
    """NFC, single spaces, apostrophes doubled by the CSV export put back to one."""
    return " ".join(unicodedata.normalize("NFC", text.replace("''", "'")).split())


def _pieces(text: str) -> Iterator[tuple[str, str]]:
    """``(marker, text)`` pieces of a competence list; marker is '*', 'o', '-' or ''."""
    has_top = bool(_INLINE_TOP.search(text))
    # With HTML, <p>/<br>/<li> (now line breaks) separate items and runs of spaces are mere
    # wrapping; without HTML (the XML export), runs of >= 3 spaces separate items.
    separator = _LINE_SEP if _BREAK_TAG.search(text) else _SEGMENT_SEP
    for segment in separator.split(clean_text(text)):
        parts = _INLINE_TOP.split(segment.strip())
        for i, part in enumerate(parts):
            subs = _INLINE_SUB.split(part) if has_top else [part]
            for j, sub in enumerate(subs):
                sub = sub.strip()
                mark = "o" if j else ("*" if i else "")
                if m := _LEADING_MARK.match(sub):
                    mark = _MARK_KIND[m[1]]
                    sub = sub[m.end() :]
                sub = _LEADING_CODE.sub("", sub)
                sub = re.sub(r"[\s;,.]+$", "", " ".join(sub.split()))
                if sub and re.search(r"\w", sub):
                    yield mark, sub


def split_competence_tree(text: str | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A ``LISTE_COMPETENCES`` text as ``((competence, (sub-competence, ...)), ...)``.

    Competences are the flat items or the ``*`` bullets; sub-competences the ``o`` bullets
    under a ``*`` (``-`` bullets are sub-competences once a ``*`` was seen or under an item
    ending with ':', else competences of a flat list). An item
    ending with ':' followed by a line starting in lower case is joined with that line.

    Args:
        text: raw text (HTML, runs of spaces, bullets), or None.
    Returns:
        the 2-level structure, empty for an empty text.

    >>> split_competence_tree("* Gérer le parc      o Recenser les ressources      o Gérer les sauvegardes"
    ...                       "   * Travailler en mode projet")
    (('Gérer le parc', ('Recenser les ressources', 'Gérer les sauvegardes')), ('Travailler en mode projet', ()))
    """
    if not text:
        return ()
    tree: list[tuple[str, list[str]]] = []
    seen_top = False
    previous_mark = None
    for mark, item in _pieces(text):
        seen_top = seen_top or mark == "*"
        introduced = bool(tree) and tree[-1][0].endswith(":")
        is_sub = mark == "o" or (mark == "-" and (seen_top or introduced))
        if is_sub and tree:
            tree[-1][1].append(item)
        elif (
            tree
            and not mark
            and previous_mark == ""
            and not tree[-1][1]
            and tree[-1][0].endswith(":")
            and item[:1].islower()
        ):
            tree[-1] = (f"{tree[-1][0]} {item}", [])
        else:
            tree.append((item, []))
        previous_mark = mark
    return tuple((competence, tuple(subs)) for competence, subs in tree)


def split_competences(text: str | None) -> tuple[str, ...]:
    """Competence items of a bloc's ``LISTE_COMPETENCES``, each a self-contained phrase.

    HTML (``<p>``, ``<br />``, ``<li>``, entities) is removed. Flat layout: items are separated
    by runs of >= 3 spaces, line breaks, ``<br>``/``<p>``, or ``-``/``*`` bullets. Two-level
    layout (``* Compétence  o sous-compétence  o …``): each competence **and** each
    sub-competence is an item of its own, in reading order (a sub-competence is already a full
    phrase, e.g. "Recenser et identifier les ressources numériques"; prefixing its parent would
    blur the embedding). A competence ending with ':' that only introduces its sub-items is
    left out. Leading reference codes ("C2.4 ", "U34 : ", "1. ") and trailing ``.;,`` are
    removed; duplicates are kept once.

    Args:
        text: raw text, or None.
    Returns:
        the items, in order (empty tuple for an empty text).

    >>> split_competences("Gérer le patrimoine informatique      Travailler en mode projet")
    ('Gérer le patrimoine informatique', 'Travailler en mode projet')
    >>> split_competences("<p>C2.B1 Analyser les besoins&nbsp;</p><p><br>C2.4 Accompagner</p>")
    ('Analyser les besoins', 'Accompagner')
    >>> split_competences("* Vendre   o Conseiller le client   o Encaisser   * Gérer les stocks")
    ('Vendre', 'Conseiller le client', 'Encaisser', 'Gérer les stocks')
    >>> split_competences("Être capable de :<br>- analyser un besoin<br>- chiffrer un devis")
    ('analyser un besoin', 'chiffrer un devis')
    """
    items: dict[str, None] = {}
    for competence, subs in split_competence_tree(text):
        if not (subs and competence.endswith(":")):
            items.setdefault(competence, None)
        for sub in subs:
            items.setdefault(sub, None)
    return tuple(items)


def parse_level(raw: str | int | None) -> int | None:
    """European framework level (1-8) from "NIV5", "Niveau 5", "niveau4", "5" or 5; else None.

    >>> [parse_level(v) for v in ("NIV5", "Niveau 5", "niveau4", "7", 3, "", None, "NIV0", "Sans niveau")]
    [5, 5, 4, 7, 3, None, None, None, None]
    """
    if raw is None or raw == "":
        return None
    m = re.fullmatch(r"\s*(?:NIV(?:EAU)?\s*)?(\d)\s*", str(raw), re.I)
    level = int(m[1]) if m else None
    return level if level is not None and 1 <= level <= 8 else None


_ACTIVE = {"ACTIVE": True, "INACTIVE": False, "OUI": True, "NON": False, "TRUE": True, "FALSE": False}


def parse_active(raw: str | bool | None) -> bool | None:
    if isinstance(raw, bool) or raw is None:
        return raw
    return _ACTIVE.get(raw.strip().upper())


def assessment_text(raw: str | None) -> str | None:
    if not raw:
        return None
    lines = (" ".join(part.split()) for part in _SEGMENT_SEP.split(clean_text(raw)))
    return "\n".join(line for line in lines if line) or None
