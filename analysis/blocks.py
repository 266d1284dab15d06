"""The RNCP block items that skills are matched against, embedded once per (model, RNCP version).

A block contributes its competence items when the referential has them, else its title; each
item row says which (``item_kind`` = ``competence`` | ``title``), so every coverage result can
tell whether it rests on a competence list or only on a block title.
"""

from __future__ import annotations

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


def block_items_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every block item of the current RNCP version (competences, else the block title)."""
    return queries.block_items(con)


def load_block_items(con: duckdb.DuckDBPyConnection, encoder: Encoder) -> BlockItems:
    """Block items with their vectors (≈ 35k items: 0.6 s with the static model; slower encoders
    read them back from their phrase cache on re-runs)."""
    items = block_items_frame(con)
    version = queries.current_version_id(con, "rncp")
    vectors = encoder.encode(items.item_text.tolist()) if len(items) else np.zeros((0, encoder.dim), np.float32)
    return BlockItems(items, vectors, encoder.name, version or "none")
