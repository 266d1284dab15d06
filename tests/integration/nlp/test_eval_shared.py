"""Readers of the real evaluation files (../shared, never copied into the project)."""

import pytest

from nlp.esco_eval import read_annotations
from nlp.evaluate import ad_text, read_api_ads

pytestmark = pytest.mark.shared


def test_tech_validation_sentences(shared):
    gold = read_annotations(shared("eval/en_esco_linking/tech_validation_annotations.csv"))
    assert len(gold) > 50
    assert all("LABEL NOT PRESENT" not in labels for labels in gold.values())


def test_ads_inputs_never_carry_gold_fields(shared):
    path = shared("eval/fr_job_ads_france_travail_nonit.dev.jsonl.gz")
    first = next(read_api_ads(path))
    ad = ad_text(first, 0)
    assert set(vars(ad)) == {"ad_id", "title", "description"}
