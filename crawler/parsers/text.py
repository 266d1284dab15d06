"""Text helpers: HTML → text keeping line breaks and bullets, cleaning, hashing, language guess."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

import lxml.html
from lxml import etree

from skillgap.text import fold

_BLOCK_TAGS = {
    "p", "div", "section", "article", "header", "footer", "ul", "ol", "table", "tr", "h1", "h2", "h3",
    "h4", "h5", "h6", "blockquote", "pre", "dl", "dt", "dd", "form", "hr",
}  # fmt: skip
_DROP_TAGS = {"script", "style", "noscript", "template", "head"}
_BULLET_RE = re.compile(r"^\s*(?:[•●▪■◦‣∙·*►➢➤✓✔–—-])\s*")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2007\u202f\u200b\ufeff]+")


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: block elements and ``<br>`` become line breaks, ``<li>`` a ``- `` bullet.

    >>> html_to_text("<p>Missions :</p><ul><li>Coder</li><li>Tester<br>et livrer</li></ul><p>A&amp;B</p>")
    'Missions :\\n- Coder\\n- Tester\\net livrer\\nA&B'
    """
    if not markup or not markup.strip():
        return ""
    if "<" not in markup:
        return clean_text(html.unescape(markup))
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return clean_text(re.sub(r"<[^>]*>", " ", html.unescape(markup)))
    parts: list[str] = []
    _walk(root, parts)
    return clean_text(re.sub(r"\n[ \t\u00a0]*(?=\n)", "", "".join(parts)))


def _walk(element: etree._Element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    tag = tag.lower()
    if tag in _DROP_TAGS:
        if element.tail:
            parts.append(element.tail)
        return
    if tag == "br":
        parts.append("\n")
    elif tag == "li":
        parts.append("\n- ")
    elif tag in _BLOCK_TAGS:
        parts.append("\n")
    elif tag in ("td", "th"):
        parts.append(" ")
    if element.text and tag not in ("", "br"):
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
    if tag in _BLOCK_TAGS or tag == "li":
        parts.append("\n")
    if element.tail:
        parts.append(element.tail)


def clean_text(text: str) -> str:
    """Normalise Unicode (NFC), spaces and blank lines; bullets become ``- ``; keep line breaks.

    >>> clean_text("  Profil\\u00a0:\\r\\n\\r\\n\\r\\n• Python  \\n  ● SQL ")
    'Profil :\\n\\n- Python\\n- SQL'
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        line = _SPACES_RE.sub(" ", line).strip()
        if _BULLET_RE.match(line) and len(line) > 2:
            line = "- " + _BULLET_RE.sub("", line)
        lines.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def normalise_for_hash(text: str | None) -> str:
    """Case, accents, punctuation and spacing removed: what must be equal for an exact duplicate.

    >>> normalise_for_hash("Développeur  Java (H/F)") == normalise_for_hash("developpeur java h f")
    True
    >>> normalise_for_hash("Manœuvre, cœur de métier")  # the accent fold of ``skillgap.text``
    'manoeuvre coeur de metier'
    """
    if not text:
        return ""
    return " ".join(re.findall(r"\w+", fold(text.casefold())))  # casefold first: « ß » → « ss » as before


def content_hash(title: str, description: str, company_name: str | None) -> str:
    """sha1 of the normalised title, description and employer (the exact-duplicate key)."""
    key = "\x1f".join(normalise_for_hash(t) for t in (title, description, company_name))
    return hashlib.sha1(key.encode()).hexdigest()


_STOPWORDS = {
    "fr": {"le", "la", "les", "des", "du", "de", "et", "vous", "nous", "une", "un", "pour", "dans", "est",
           "sur", "avec", "au", "aux", "votre", "en", "poste", "vos", "notre", "sera", "qui", "ou"},
    "en": {"the", "and", "you", "we", "our", "your", "with", "for", "will", "of", "to", "in", "is", "are",
           "this", "as", "be", "on", "team", "work", "role", "an", "who", "have"},
    "de": {"und", "der", "die", "das", "wir", "sie", "mit", "für", "ihre", "unser", "eine", "ist", "zu", "den"},
    "es": {"el", "los", "las", "del", "y", "con", "para", "una", "nuestro", "por", "que", "es", "se", "su"},
}  # fmt: skip


def guess_language(text: str) -> str | None:
    """Language code by stop-word counts (fr, en, de, es), None when too short to tell.

    >>> guess_language("Nous recherchons un développeur pour notre équipe et vous serez en charge des projets.")
    'fr'
    >>> guess_language("We are looking for a developer to join our team and you will work on the platform.")
    'en'
    """
    words = re.findall(r"[^\W\d_]+", text.casefold())
    if len(words) < 8:
        return None
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= 2 else None


def sha1_text(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
