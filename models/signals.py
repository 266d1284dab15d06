"""Typed records of the weak signals: emerging / declining skills (``Signal``) and the
obsolescence watch of one certification (``WatchItem``). See ``analysis/SIGNALS.md``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from models.base import Record

SignalKind = Literal["emerging", "declining"]
SignalTest = Literal["trend", "appearance"]
WatchStatus = Literal["rare", "declining", "rare+declining", "demanded", "insufficient", "not_found"]


class Signal(Record):
    """One skill whose demand in the ads of one occupation rises, appears or falls.

    The rate is ``n_ads_with_skill / n_ads`` per period; the effect is the rate ratio per year
    of a quasi-Poisson log-linear trend (exposure offset), with its 95% interval.
    """

    kind: SignalKind
    test: SignalTest = Field(description="test that carried the signal: 'trend' (GLM slope) or 'appearance'")
    rome_code: str | None = Field(default=None, description="occupation; None when all occupations are pooled")
    skill_key: str = Field(description="ROME OGR code, ESCO URI or 'phrase:<normalised text>'")
    skill_label: str
    rate_ratio_per_year: float | None = Field(default=None, description="None when the trend fit is undefined")
    rate_ratio_ci_low: float | None = None
    rate_ratio_ci_high: float | None = None
    p_value: float = Field(ge=0, le=1, description="series p-value (Bonferroni over its two tests)")
    q_value: float = Field(ge=0, le=1, description="Benjamini-Hochberg over every series tested")
    dispersion: float = Field(ge=1, description="quasi-Poisson dispersion used (floored at 1)")
    n_ads_with_skill: int = Field(ge=0, description="support: ads asking for the skill over the window")
    n_ads: int = Field(ge=0, description="exposure: ads of the occupation over the window")
    n_periods: int = Field(ge=0)
    n_periods_with_skill: int = Field(ge=0)
    first_rate: float = Field(ge=0, description="pooled rate over the first third of the periods")
    last_rate: float = Field(ge=0, description="pooled rate over the last third of the periods")
    first_period_start: date
    last_period_start: date
    first_seen_period_start: date | None = Field(default=None, description="first period with the skill")
    period: Literal["week", "month"]


class WatchItem(Record):
    """Demand for one competence of a certification's block in the ads of its linked occupations.

    ``status`` is 'rare' (upper Wilson bound of the share below the threshold), 'declining'
    (significant downward trend), 'rare+declining', 'demanded', or 'insufficient' (too few ads to
    say), 'not_found' (no demanded skill matches the item: obsolete, or phrased in a way the matcher
misses — read it as a question, not a verdict). ``item_source`` says whether the item is a competence \
of the block or, when the block's
    competences are unknown, its title.
    """

    rncp_code: str
    block_code: str
    block_label: str
    item_label: str
    item_source: Literal["competence", "block_title"]
    matched_skill_keys: list[str] = Field(default_factory=list)
    matched_skill_labels: list[str] = Field(default_factory=list)
    best_score: float | None = None
    n_ads: int = Field(ge=0, description="ads of the linked occupations over the window")
    n_ads_with_item: int = Field(ge=0, description="ads asking for at least one matched skill")
    share: float = Field(ge=0, le=1)
    share_ci_low: float = Field(ge=0, le=1)
    share_ci_high: float = Field(ge=0, le=1)
    rare_threshold: float
    rate_ratio_per_year: float | None = None
    trend_q_value: float | None = None
    status: WatchStatus
    rome_codes: list[str]
    first_period_start: date | None = None
    last_period_start: date | None = None


class WatchReport(Record):
    """``skillgap watch``: obsolescence and emergence for one certification, with its context."""

    rncp_code: str
    title: str | None
    rome_codes: list[str] = Field(description="occupations whose ads were read (v3 links and their 4.0 fiches)")
    n_ads: int
    period: Literal["week", "month"]
    first_period_start: date
    last_period_start: date
    matcher: str = Field(description="how block items were matched to demanded skills")
    match_threshold: float
    model_name: str = Field(description="embedding model of the matcher")
    region_code: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    items: list[WatchItem]
    emerging: list[Signal]
    referential_versions: dict[str, str]


class SignalSummary(Record):
    """The context of a signal report: what was asked, the ads and series read, the tests."""

    kind: SignalKind | None = Field(default=None, description="the kind asked for; None: both")
    rome_codes: list[str] | None = Field(default=None, description="the occupations asked for; None: every one")
    region_code: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    period: Literal["week", "month"]
    first_period_start: date
    last_period_start: date
    n_ads: int = Field(ge=0, description="dated ads read")
    n_series: int = Field(ge=0, description="skill × occupation series built")
    n_series_tested: int = Field(ge=1, description="series with enough support to be tested")
    settings: dict[str, float | int] = Field(description="thresholds of the tests (SignalSettings)")
    tests: str = Field(description="the tests and the multiple-testing correction")
    referential_versions: dict[str, str]


class SignalReport(SignalSummary):
    """``skillgap signals``: the significant signals of the series tested, with their context."""

    signals: list[Signal]

    def summary(self) -> SignalSummary:
        return SignalSummary(**{name: getattr(self, name) for name in SignalSummary.model_fields})
