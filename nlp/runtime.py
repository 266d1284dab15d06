"""What a command needs to run the NLP models over a store, built in one place.

- ``default_encoder(model)``: the embedding encoder of a model name (``default``, ``use``, a
  sentence-transformers folder…) with its phrase cache in the installation's cache folder: the
  one builder the CLI, the API and the weekly batch use.
- ``prepare(store, model, rerank)``: the referential read from the store, the NLP config and the
  cache folder (``skillgap process``, the NLP evaluations and the weekly batch).
"""

from __future__ import annotations

from pathlib import Path

from nlp.config import NlpConfig, load_config
from nlp.embed import CachedEncoder, get_encoder
from nlp.referential import Referential, load_referential
from skillgap.settings import get_settings
from skillgap.store import connect


def default_encoder(model: str = "default") -> CachedEncoder:
    """The encoder of ``model`` with its phrase cache (``Settings.resolved_cache_dir``)."""
    return CachedEncoder(get_encoder(model), get_settings().resolved_cache_dir())


def prepare(store: Path | None, model: str | None = None,
            rerank: str | None = None) -> tuple[Referential, NlpConfig, Path]:
    """(referential of the store, NLP config for ``model`` / ``rerank``, cache folder)."""
    settings = get_settings()
    con = connect(store or settings.store, read_only=True)
    try:
        ref = load_referential(con)
    finally:
        con.close()
    return ref, load_config(model=model, rerank=rerank), settings.resolved_cache_dir()
