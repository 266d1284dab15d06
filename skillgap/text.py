"""The one accent-folding helper of skillgap.

``fold`` is what every accent- and case-insensitive comparison of the code base uses: the NLP
stage (``nlp.text.fold``, whose outputs — extracted phrases, linking keys — depend on it byte
for byte), the occupation search of the API (``referentials.queries.search_occupations``), the
région names of ``referentials.geo`` and the exact-duplicate key of the crawler
(``crawler.parsers.text.normalise_for_hash``).

Behaviour, exactly:

1. lower case (``str.lower``, not ``casefold``: « ß » stays « ß »);
2. the ligatures « œ » and « æ » become « oe » and « ae » (NFKD does not decompose them:
   « Manœuvre » folds like « manoeuvre ») and the French accented letters lose their accents
   (a translation table, the fast path);
3. anything still non-ASCII is NFKD-decomposed and its combining marks dropped (« Ångström »
   → « angstrom », « ﬁ » → « fi »); other characters (« ß », « ø », CJK…) are kept;
4. runs of whitespace become one space, leading and trailing whitespace is removed.

Punctuation is kept: callers that compare words split the folded text themselves.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold"]

_LATIN = "àâäáãåçèéêëìíîïñòóôöõùúûüýÿœæ"
_FOLD_TABLE = str.maketrans({c: "".join(
    x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x)) or c for c in _LATIN})
_FOLD_TABLE.update({ord("œ"): "oe", ord("æ"): "ae"})


def fold(text: str) -> str:
    """Lowercase, accents removed, « œ » / « æ » spelt out, spaces collapsed (see the module docstring).

    >>> fold("  Électricien  BÂTIMENT ")
    'electricien batiment'
    >>> fold("Manœuvre Ångström ÆSOP")
    'manoeuvre angstrom aesop'
    >>> fold("Conducteur / Conductrice d'engins") == fold("CONDUCTEUR / conductrice D'ENGINS")
    True
    """
    lowered = text.lower().translate(_FOLD_TABLE)
    if not lowered.isascii():
        decomposed = unicodedata.normalize("NFKD", lowered)
        lowered = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(lowered.split())
