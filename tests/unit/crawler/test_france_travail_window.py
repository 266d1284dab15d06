"""The France Travail spider's date window: a bad --since / --until is one clear error."""

from __future__ import annotations

import pytest

from crawler.spiders.france_travail import FranceTravailSpider


@pytest.mark.parametrize("since, until", [(None, "hier"), ("hier", None), ("2026-02-01", "2026-01-01")],
                         ids=["unreadable-until", "unreadable-since", "reversed"])
def test_bad_window_is_a_value_error(since: str | None, until: str | None) -> None:
    with pytest.raises(ValueError, match="fenêtre de dates invalide"):
        FranceTravailSpider(since=since, until=until)


def test_default_window_is_the_last_31_days_before_until() -> None:
    spider = FranceTravailSpider(until="2026-03-01T00:00:00Z")
    assert (spider.until - spider.since).days == 31
