"""Stores for the Spark ↔ local equality tests: demo ads and (from ../shared) dev ads, each with its
NLP rows computed by the local engine (default model and config), built once per session."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

#: demo ads per occupation (4 occupations) and dev ads taken from the head of the shared file
N_DEMO_PER_OCCUPATION = 40
N_DEV = 300
SHARED_DEV_ADS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "eval" / \
    "fr_job_ads_france_travail.dev.jsonl.gz"


def _skip_without_spark() -> None:
    from importlib.util import find_spec

    from scale.spark import java_available

    if find_spec("pyspark") is None:
        pytest.skip("needs the [spark] extra (pyspark): absent here (make setup-spark installs it)")
    if not java_available():
        pytest.skip("needs Java 17 for Spark: no java on PATH nor JAVA_HOME here")


@pytest.fixture(scope="session")
def spark_available() -> None:
    _skip_without_spark()


def _ads_store(loaded_store_path: Path, folder: Path, records: list[dict]) -> Path:
    from crawler.ingest import ingest

    store = folder / "skillgap.duckdb"
    shutil.copy(loaded_store_path, store)
    jsonl = folder / "ads.jsonl"
    jsonl.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    assert ingest([jsonl], store=store)["stored"] > 0
    return store


@pytest.fixture(scope="session")
def demo_ads_store(loaded_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo ads (``app.demo_ads``), ingested, no NLP yet."""
    from app.demo_ads import demo_postings
    from skillgap.store import connect

    con = connect(loaded_store_path, read_only=True)
    try:
        postings = demo_postings(con, end=date(2026, 11, 22), n_per_occupation=N_DEMO_PER_OCCUPATION)
    finally:
        con.close()
    return _ads_store(loaded_store_path, tmp_path_factory.mktemp("demo-ads"), postings)


@pytest.fixture(scope="session")
def dev_ads_store(loaded_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first dev ads of ../shared (France Travail objects), ingested, no NLP yet."""
    path = SHARED_DEV_ADS
    if not path.is_file():
        pytest.skip("needs ../shared/data/eval/fr_job_ads_france_travail.dev.jsonl.gz (real evaluation data, "
                    "not bundled): absent here")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        offers = [json.loads(line) for _, line in zip(range(N_DEV), f, strict=False)]
    return _ads_store(loaded_store_path, tmp_path_factory.mktemp("dev-ads"), offers)


@pytest.fixture(scope="session")
def nlp_cache(tmp_path_factory: pytest.TempPathFactory):
    """``nlp_cache(side)``: a private encoder/index cache per side (local, spark), so neither engine
    reads vectors the other computed."""
    folders: dict[str, Path] = {}

    def folder(side: str) -> Path:
        if side not in folders:
            folders[side] = tmp_path_factory.mktemp(f"nlp-cache-{side}")
        return folders[side]

    return folder


@pytest.fixture(scope="session")
def engines(nlp_cache):
    """``engines(store, side)``: the default NLP engine over the referential of ``store`` (built once per side)."""
    from nlp.engine import NlpEngine
    from nlp.runtime import prepare

    built = {}

    def engine(store: Path, side: str):
        if side not in built:
            ref, config, _ = prepare(store)
            built[side] = NlpEngine.create(ref, config, cache_dir=nlp_cache(side))
        return built[side]

    return engine
