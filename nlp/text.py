"""Pure text helpers: accent folding, ad-title cleaning, masculine / feminine forms of ROME labels."""

from __future__ import annotations

import functools
import html
import re

from skillgap.text import fold  # the one accent fold of skillgap; importers of ``nlp.text.fold`` keep working

_GENDER_MARKS = re.compile(
    r"\(?\b(?:h\s*/\s*f|f\s*/\s*h|h\s*-\s*f|f\s*-\s*h|m\s*/\s*f|f\s*/\s*m|hf|fh)\b\)?", re.IGNORECASE
)
_TAGS = re.compile(r"<[^>]{0,200}>")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_TITLE_NOISE = re.compile(
    r"\b(?:cdi|cdd|interim|intérim|alternance|apprenti(?:e|ssage)?|stage|stagiaire|temps (?:plein|partiel)|"
    r"urgent|h/f|f/h)\b",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=65_536)
def fold_line(text: str) -> str:
    """``fold``, memoised: an ad line is folded by the heading, boilerplate and company tests, and
    ads repeat lines."""
    return fold(text)


def strip_markup(text: str) -> str:
    """Remove HTML tags and entities, normalise odd spaces (keeps line breaks).

    >>> strip_markup("<p>Gérer&nbsp;les stocks</p><br>Excel")
    'Gérer les stocks\\nExcel'
    """
    text = re.sub(r"(?i)<\s*(?:br|/p|/li|/div|li)\b[^>]*>", "\n", text)
    text = html.unescape(_TAGS.sub(" ", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def clean_title(title: str) -> str:
    """An ad title without gender marks, contract words and punctuation noise.

    >>> clean_title("Administrateur systèmes et réseaux F/H (H/F) - CDI")
    'Administrateur systèmes et réseaux'
    """
    text = _GENDER_MARKS.sub(" ", title)
    text = _TITLE_NOISE.sub(" ", text)
    text = re.sub(r"[#*|()\[\]]", " ", text)
    text = re.sub(r"\s*[-–—,:/]\s*$", "", " ".join(text.split()))
    text = re.sub(r"^\s*[-–—,:/]\s*", "", text)
    return " ".join(text.split()) or title.strip()


def gender_forms(label: str) -> list[str]:
    """The masculine and feminine readings of a ROME label written « X / Y suffix ».

    >>> gender_forms("Conducteur / Conductrice d'engins agricoles")
    ["Conducteur d'engins agricoles", "Conductrice d'engins agricoles"]
    >>> gender_forms("Plombier")
    ['Plombier']
    """
    if label.count(" / ") != 1:
        return [label]
    left, right = label.split(" / ")
    n_left = len(left.split())
    right_words = right.split()
    if len(right_words) < n_left:
        return [label]
    suffix = " ".join(right_words[n_left:])
    masculine = f"{left} {suffix}".strip()
    return [masculine, right] if masculine != right else [masculine]
