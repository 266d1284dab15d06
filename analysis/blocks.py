"""The RNCP block items that skills are matched against, embedded once per (model, RNCP version).

A block contributes every text the referential has for it: its competence items (when the
referential has them) and its title; a title-only block also contributes the verb-object units
of its title (« Installer et configurer un système informatique » → « Installer un système
informatique », « configurer un système informatique »; a verb alone takes the object of the
next unit), so that one unit of a composite title can match a skill without the other units
diluting its vector. Titles lose their unit prefixes (« U31 : », « Bloc 3 : », « UP1 »).
Each item row says what it is (``item_kind`` = ``competence`` | ``title`` | ``title_part``),
so every coverage result can tell whether it rests on a competence list or only on a block title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from nlp.embed import Encoder
from referentials import queries


@dataclass
class BlockItems:
    """Block items (one row each) and their unit vectors, in the same order."""

    items: pd.DataFrame  # block_code, rncp_code, block_label, item_text, item_kind, cert_title, is_active
    vectors: np.ndarray
    model_name: str
    rncp_version: str

    def for_certifications(self, rncp_codes: set[str]) -> tuple[pd.DataFrame, np.ndarray]:
        mask = self.items.rncp_code.isin(rncp_codes).to_numpy()
        return self.items[mask].reset_index(drop=True), self.vectors[mask]


_PREFIX = re.compile(r"^\s*(?:bloc(?:\s+de\s+comp[ée]tences?)?\s*(?:n°\s*)?\d+\w*|u[pgf]?\s*\d+\w*|c\d+)"
                     r"(?:\s*\([^)]*\))?\s*[:.\-–]?\s*", re.IGNORECASE)
# a unit boundary: a comma / semicolon, or « et » before a French infinitive (-er, -ir, -re)
_SPLIT = re.compile(r"\s*[;,]\s*|\s+et\s+(?=(?:l[ae']\s*|les\s+|se\s+|s'|en\s+)?\w+(?:er|ir|re)\b)",
                    re.IGNORECASE)


def clean_title(title: str) -> str:
    """A block title without its unit prefix (« U31 : », « Bloc 3 : », « UP1 »).

    >>> clean_title("U31 : Fabrication d'un ensemble chaudronné")
    "Fabrication d'un ensemble chaudronné"
    >>> clean_title("Bloc 3 : Mettre en place les outils de sécurité")
    'Mettre en place les outils de sécurité'
    """
    cleaned = _PREFIX.sub("", title, count=1).strip()
    return cleaned if len(cleaned) >= 3 else title.strip()


def title_units(title: str) -> list[str]:
    """The verb-object units of a composite title (empty when it has only one).

    >>> title_units("Accueillir, conseiller le client et prendre sa commande")
    ['Accueillir le client', 'conseiller le client', 'prendre sa commande']
    >>> title_units("Installer et configurer un système informatique")
    ['Installer un système informatique', 'configurer un système informatique']
    >>> title_units("Réaliser des ouvrages en béton armé")
    []
    """
    units = [u.strip(" .:") for u in _SPLIT.split(title) if len(u.strip(" .:")) >= 3]
    if len(units) < 2:
        return []
    objects = [u.split(" ", 1)[1] if " " in u else "" for u in units]
    out = []
    for i, unit in enumerate(units):  # a verb alone takes the object of the next unit that has one
        shared = next((o for o in objects[i + 1:] if o), "")
        out.append(f"{unit} {shared}" if not objects[i] and shared else unit)
    return out


def expand_items(items: pd.DataFrame) -> pd.DataFrame:
    """Add to the referential's block items (competences, else title) the title of every block
    with competences and the title units of title-only blocks; titles cleaned of unit prefixes;
    sorted by certification then block, the referential's items first."""
    if items.empty:
        return items
    blocks = items.drop_duplicates("block_code")
    has_list = set(items.block_code[items.item_kind == "competence"])
    extra = []
    for row in blocks.itertuples(index=False):
        title = clean_title(str(row.block_label))
        texts = [(title, "title")] if row.block_code in has_list else [(u, "title_part") for u in title_units(title)]
        extra += [row._replace(item_text=text, item_kind=kind) for text, kind in texts]
    out = items.copy()
    title_rows = out.item_kind == "title"
    out.loc[title_rows, "item_text"] = [clean_title(str(t)) for t in out.item_text[title_rows]]
    out = pd.concat([out, pd.DataFrame(extra, columns=items.columns)], ignore_index=True)
    out = out.drop_duplicates(["block_code", "item_text"])
    return out.sort_values(["rncp_code", "block_code"], kind="stable").reset_index(drop=True)


def block_items_frame(con: duckdb.DuckDBPyConnection, *, expand: bool = True) -> pd.DataFrame:
    """Every block item of the current RNCP version (competences and title, or title and its
    units; ``expand=False``: competences, else the title, as the referential gives them)."""
    items = queries.block_items(con)
    return expand_items(items) if expand else items


def load_block_items(con: duckdb.DuckDBPyConnection, encoder: Encoder, *, expand: bool = True) -> BlockItems:
    """Block items with their vectors (≈ 35k items: 0.6 s with the static model; slower encoders
    read them back from their phrase cache on re-runs)."""
    items = block_items_frame(con, expand=expand)
    version = queries.current_version_id(con, "rncp")
    vectors = encoder.encode(items.item_text.tolist()) if len(items) else np.zeros((0, encoder.dim), np.float32)
    return BlockItems(items, vectors, encoder.name, version or "none")
