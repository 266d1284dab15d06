"""A toy referential and a tiny deterministic encoder, so the whole NLP stage runs in a second."""

from __future__ import annotations

import pytest
from nlp_support import HashEncoder, toy_referential

from nlp.config import load_config
from nlp.embed import CachedEncoder
from nlp.engine import NlpEngine
from nlp.referential import Referential


@pytest.fixture(scope="session")
def toy_ref() -> Referential:
    return toy_referential()


@pytest.fixture(scope="session")
def engine(toy_ref, tmp_path_factory) -> NlpEngine:
    cache = tmp_path_factory.mktemp("nlp-cache")
    config = load_config().model_copy(
        update={"linking": load_config().linking.model_copy(update={"threshold": 0.3})}
    )
    return NlpEngine(toy_ref, config, CachedEncoder(HashEncoder(), cache), cache)
