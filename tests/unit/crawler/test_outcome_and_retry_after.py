"""Outcome kinds are an enum whose values are the strings stored before; Retry-After parsing."""

import doctest
import json
from datetime import UTC, datetime

import pytest

import crawler.middlewares
from crawler.middlewares import retry_after_seconds
from crawler.pipelines.dedupe import Outcome, OutcomeKind
from models.jobad import JobAd

AD = JobAd(ad_id="jobposting:1", title="Soudeur", description="Souder des pièces inox et aluminium.")


def test_outcome_kind_keeps_the_stored_strings():
    assert [k.value for k in OutcomeKind] == ["new", "duplicate", "unchanged", "updated"]
    outcome = Outcome(AD, "duplicate", "jobposting:0")  # type: ignore[arg-type] - a stored string is accepted
    assert outcome.kind is OutcomeKind.DUPLICATE
    assert outcome.kind == "duplicate" and f"{outcome.kind}" == "duplicate"
    assert json.dumps({"status": outcome.kind}) == json.dumps({"status": "duplicate"})


def test_unknown_outcome_kind_raises():
    with pytest.raises(ValueError, match="stored"):
        Outcome(AD, "stored", "jobposting:1")  # type: ignore[arg-type] - "stored" is a count, not a kind


def test_retry_after_doctests():
    assert doctest.testmod(crawler.middlewares).failed == 0


@pytest.mark.parametrize("value, seconds", [
    (b"0", 0.0), (" 7 ", 7.0), ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0), ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
    (None, None), (b"", None), ("-5", None), ("1.5", None), ("demain", None),
])  # fmt: skip
def test_retry_after_seconds(value, seconds):
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert retry_after_seconds(value, now=now) == seconds
