"""Lexical-trap probe (issue 18): « Rust » the programming language vs rust on metal, through the
sentence-level ESCO linking of ``skillgap eval esco-linking`` (sentence + candidate phrases, fused),
with the shipped default model on the bundled ESCO English labels."""

from __future__ import annotations

import pytest

from nlp.esco_eval import esco_en_index, sentence_scores, sub_phrases
from nlp.referential import load_referential
from nlp.runtime import default_encoder
from skillgap.store import connect

RUST_REMOVAL = "remove rust from motor vehicles"


@pytest.fixture(scope="module")
def rank(loaded_store_path, tmp_path_factory):
    con = connect(loaded_store_path, read_only=True)
    try:
        ref = load_referential(con)
    finally:
        con.close()
    encoder = default_encoder("default")
    index = esco_en_index(ref, encoder, tmp_path_factory.mktemp("esco-en"))

    def top(sentence: str, k: int = 5) -> list[str]:
        best = sentence_scores(index, encoder, [sentence, *sub_phrases(sentence)])
        return [key for key, _ in sorted(best.items(), key=lambda kv: -kv[1])[:k]]

    return top


@pytest.mark.issue(18)
def test_rust_on_metal_links_to_rust_removal(rank):
    assert rank("Remove rust from the car body before painting", 3)[0] == RUST_REMOVAL


@pytest.mark.issue(18)
@pytest.mark.xfail(strict=True, reason="known trap of the static model (issue 18): the word « Rust » alone pulls "
                                       "« remove rust from motor vehicles » into the top 5 of a programming sentence; "
                                       "strict: the day the model gets it right this test fails and must become a "
                                       "plain assertion")
@pytest.mark.parametrize("sentence", ["Experience developing backend services in Rust and Go",
                                      "You write safe systems code in Rust"])
def test_rust_the_language_does_not_link_to_rust_removal(rank, sentence):
    assert RUST_REMOVAL not in rank(sentence)
