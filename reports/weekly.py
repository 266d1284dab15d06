"""The figures of the weekly report, read from the store (no rendering here).

``collect_weekly(ctx, scope)`` returns a ``WeeklyData``: ads of the 52-week window (each with its
occupation: the NLP prediction when present, else the source's ROME code — the same rule as the
analysis), volumes by occupation and by week, the gap report and candidate modules of the main
occupations, emerging / declining skills, and the watch of the certifications most used as
closest blocks. Every analysis that cannot give a result (unknown code, no linked certification,
too few ads…) is kept as a ``Failure`` with its reason: the report shows it, it never silently
skips.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from analysis import gaps as gaps_mod
from analysis.modules import candidate_modules, save_modules
from analysis.signal_report import signal_report
from analysis.signals import SignalSettings
from analysis.watch import watch
from crawler import queries as ad_queries
from models.analysis import CandidateModule, GapReport
from models.queries import AdFilter, GapQuery, SignalQuery, WatchQuery
from models.signals import Signal, WatchReport
from nlp import queries as nlp_queries
from referentials import queries
from reports.period import ReportPeriod
from skillgap.errors import UserError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scope:
    """What a report covers: a week, optionally a region and a set of ROME codes (a branch)."""

    period: ReportPeriod
    region_code: str | None = None
    branch: str | None = None
    branch_label: str | None = None
    rome_codes: tuple[str, ...] | None = None
    top_occupations: int = 5
    max_watch: int = 3

    @property
    def slug(self) -> str:
        """Folder name: ``2026-W48``, ``2026-W48-84``, ``2026-W48-84-numerique``."""
        parts = [self.period.week_label, self.region_code]
        if self.branch:
            parts.append(self.branch)
        elif self.rome_codes:
            parts.append("rome-" + "-".join(self.rome_codes[:4]) + ("-etc" if len(self.rome_codes) > 4 else ""))
        return "-".join(p for p in parts if p)


@dataclass(frozen=True)
class Failure:
    """An analysis that gave no result, and why (shown in the report)."""

    subject: str
    reason: str


@dataclass
class OccupationGaps:
    rome_code: str
    rome_label: str
    n_ads: int
    report: GapReport | None = None
    modules: list[CandidateModule] = field(default_factory=list)
    failure: Failure | None = None


@dataclass
class WeeklyData:
    scope: Scope
    ads: pd.DataFrame  # ad_id, created_at, rome_code, region_code, source, in_week
    asks: pd.DataFrame  # ad_id, rome_code, skill_key (window)
    volumes: pd.DataFrame  # rome_code, rome_label, n_ads_window, n_ads_week
    weekly: pd.DataFrame  # week_start, n_ads
    occupations: list[OccupationGaps]
    signals: list[Signal]
    signals_failure: Failure | None
    signal_settings: SignalSettings
    watches: list[WatchReport]
    watch_failures: list[Failure]
    referential_versions: dict[str, dict]
    store_last_created_at: date | None
    model_name: str


def window_filter(scope: Scope) -> AdFilter:
    """The dated ads of the report's 52-week window, region and occupations."""
    p = scope.period
    return AdFilter(rome_codes=scope.rome_codes, region_code=scope.region_code, date_from=p.window_start,
                    date_to=p.window_end)


def window_ads(con, scope: Scope) -> pd.DataFrame:
    """Ads of the window with their occupation (analysis rule) and first source."""
    p = scope.period
    df = nlp_queries.ads(con, window_filter(scope)).to_pandas()
    df = df[["ad_id", "created_at", "rome_code", "region_code"]]
    sources = ad_queries.first_sources(con, df["ad_id"].tolist())
    df["source"] = [sources.get(a) for a in df["ad_id"]]
    created = pd.to_datetime(df["created_at"]).dt.date
    df["in_week"] = (created >= p.week_start) & (created <= p.week_end)
    return df


def window_asks(con, scope: Scope) -> pd.DataFrame:
    """(ad_id, rome_code, skill_key) of every skill asked in the window (empty when none is stored)."""
    if not nlp_queries.has_asked_skills(con):
        return pd.DataFrame(columns=["ad_id", "rome_code", "skill_key"])
    asks = nlp_queries.asked_skills(con, window_filter(scope)).to_pandas()
    asks = asks[["ad_id", "rome_code", "skill_key"]].drop_duplicates()
    return asks.sort_values(["ad_id", "skill_key"], kind="stable").reset_index(drop=True)


def volumes(ads: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Ads per occupation over the window and in the week, most frequent first.

    >>> ads = pd.DataFrame({"rome_code": ["M1805", "M1805", "K2303"], "in_week": [True, False, False]})
    >>> volumes(ads, {"M1805": "Dév"}).to_dict("records")[0]
    {'rome_code': 'M1805', 'rome_label': 'Dév', 'n_ads_window': 2, 'n_ads_week': 1}
    """
    if ads.empty:
        return pd.DataFrame(columns=["rome_code", "rome_label", "n_ads_window", "n_ads_week"])
    v = ads.groupby("rome_code").agg(n_ads_window=("in_week", "size"), n_ads_week=("in_week", "sum")).reset_index()
    v["rome_label"] = [labels.get(c, "(code absent du ROME chargé)") for c in v.rome_code]
    v["n_ads_week"] = v.n_ads_week.astype(int)
    v = v.sort_values(["n_ads_window", "rome_code"], ascending=[False, True])
    return v[["rome_code", "rome_label", "n_ads_window", "n_ads_week"]].reset_index(drop=True)


def weekly_series(ads: pd.DataFrame, period: ReportPeriod) -> pd.DataFrame:
    """Ads per ISO week of the window, zeros included."""
    weeks = pd.date_range(period.window_start, period.week_start, freq="7D").date
    created = pd.to_datetime(ads["created_at"]) if not ads.empty else pd.Series(dtype="datetime64[ns]")
    starts = (created - pd.to_timedelta(created.dt.day_of_week, unit="D")).dt.date
    counts = Counter(starts)
    return pd.DataFrame({"week_start": weeks, "n_ads": [counts.get(w, 0) for w in weeks]})


def occupation_gaps(ctx: gaps_mod.GapContext, scope: Scope, rome_code: str, label: str, n_ads: int, *,
                    save: bool) -> OccupationGaps:
    from api.reviews import store_review_set

    p = scope.period
    out = OccupationGaps(rome_code, label, n_ads)
    try:
        out.report = gaps_mod.compute_gaps(ctx, GapQuery(rome_code=rome_code, region_code=scope.region_code,
                                                         date_from=p.window_start, date_to=p.window_end),
                                           reviews=store_review_set(ctx.con, rome_code))
        out.modules = candidate_modules(ctx, out.report)
    except UserError as e:
        log.info("gaps of %s: %s", rome_code, e)
        out.failure = Failure(f"{rome_code} {label}", str(e))
        return out
    if save and out.modules:
        save_modules(ctx.con, out.modules)
    return out


def skill_signals(con, scope: Scope, settings: SignalSettings) -> tuple[list[Signal], Failure | None]:
    """The signals of the window: monthly series, every occupation of the scope pooled in one test family."""
    p = scope.period
    subject = "signaux faibles"
    try:
        report = signal_report(con, SignalQuery(rome_codes=scope.rome_codes, region_code=scope.region_code,
                                                date_from=p.window_start,
                                                date_to=p.window_end, period="month"), settings)
    except UserError as e:
        return [], Failure(subject, str(e))
    return report.signals, None


def watched_certifications(occupations: list[OccupationGaps], limit: int) -> list[str]:
    """Certifications whose blocks are most often the closest match of the main occupations' skills."""
    counts: Counter[str] = Counter()
    for occ in occupations:
        if occ.report is not None:
            counts.update(s.coverage.rncp_code for s in occ.report.skills if s.coverage.rncp_code)
    return [code for code, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def collect_weekly(ctx: gaps_mod.GapContext, scope: Scope, *, save_modules_: bool = True) -> WeeklyData:
    """Every figure of the report (see module docstring)."""
    con, p = ctx.con, scope.period
    labels = dict(queries.rome_occupations(con)[["rome_code", "label"]].itertuples(index=False))
    ads = window_ads(con, scope)
    vol = volumes(ads, labels)
    occupations = [occupation_gaps(ctx, scope, r.rome_code, r.rome_label, int(r.n_ads_window), save=save_modules_)
                   for r in vol.head(scope.top_occupations).itertuples()]
    settings = SignalSettings()
    signals, signals_failure = skill_signals(con, scope, settings)
    watches, watch_failures = [], []
    for rncp_code in watched_certifications(occupations, scope.max_watch):
        try:
            watches.append(watch(con, WatchQuery(rncp_code=rncp_code, region_code=scope.region_code,
                                                 date_from=p.window_start, date_to=p.window_end),
                                 encoder=ctx.encoder, settings=settings))
        except UserError as e:
            watch_failures.append(Failure(rncp_code, str(e)))
    return WeeklyData(
        scope=scope, ads=ads, asks=window_asks(con, scope), volumes=vol, weekly=weekly_series(ads, p),
        occupations=occupations, signals=signals, signals_failure=signals_failure, signal_settings=settings,
        watches=watches, watch_failures=watch_failures, referential_versions=queries.current_versions(con),
        store_last_created_at=ad_queries.newest_created_at(con), model_name=ctx.encoder.name)
