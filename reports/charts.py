"""Charts of the weekly report (matplotlib, Agg backend, PNG). Each returns False when it has no data.

The backend is chosen inside ``_figure`` (never at import: importing this module has no effect
on a caller's matplotlib).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd

BLUE, GREY, RED, GREEN, ORANGE = "#1f4e8c", "#9aa5b1", "#c0392b", "#1e8449", "#d68910"
DPI = 110


def _figure(height_in: float, width_in: float = 9.0):
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=DPI)
    ax.spines[["top", "right"]].set_visible(False)
    return plt, fig, ax


def _save(plt, fig, path: Path) -> bool:
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return True


def _wrap(label: str, width: int = 48) -> str:
    return "\n".join(textwrap.wrap(label, width)[:2]) or label


def volume_by_occupation(volumes: pd.DataFrame, path: Path, *, limit: int = 15) -> bool:
    """Horizontal bars: ads of the 12-month window per occupation, and those of the week."""
    top = volumes.head(limit).iloc[::-1]
    if top.empty:
        return False
    plt, fig, ax = _figure(0.45 * len(top) + 1.2)
    y = range(len(top))
    labels = [_wrap(f"{c} {lbl}", 55) for c, lbl in zip(top.rome_code, top.rome_label, strict=True)]
    ax.barh(y, top.n_ads_window, color=BLUE, label="12 derniers mois")
    ax.barh(y, top.n_ads_week, color=ORANGE, height=0.45, label="semaine du rapport")
    for i, (n, w) in enumerate(zip(top.n_ads_window, top.n_ads_week, strict=True)):
        ax.text(n, i, f" {n}" + (f" ({w} cette semaine)" if w else ""), va="center", fontsize=8)
    ax.set_yticks(list(y), labels, fontsize=8)
    ax.set_xlabel("nombre d'offres")
    ax.set_xlim(0, top.n_ads_window.max() * 1.25)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return _save(plt, fig, path)


def weekly_volume(weekly: pd.DataFrame, week_start, path: Path) -> bool:
    """Ads per ISO week over the window, the report's week highlighted."""
    if weekly.empty or int(weekly.n_ads.sum()) == 0:
        return False
    plt, fig, ax = _figure(2.6)
    colors = [ORANGE if w == week_start else BLUE for w in weekly.week_start]
    ax.bar(pd.to_datetime(weekly.week_start), weekly.n_ads, width=5, color=colors)
    ax.set_ylabel("offres / semaine")
    fig.autofmt_xdate()
    return _save(plt, fig, path)


def share_intervals(labels: list[str], share: list[float], low: list[float], high: list[float], path: Path, *,
                    color: str = RED, xlabel: str = "part des offres du métier (intervalle de Wilson 95 %)") -> bool:
    """Points with 95% interval bars, one line per label (first label on top)."""
    if not labels:
        return False
    n = len(labels)
    plt, fig, ax = _figure(0.42 * n + 1.1)
    y = list(range(n))[::-1]
    s = [100 * v for v in share]
    # the callers pass equal lengths; strict=False keeps zip's behaviour for other inputs
    err = [[100 * (v - lo) for v, lo in zip(share, low, strict=False)],
           [100 * (hi - v) for v, hi in zip(share, high, strict=False)]]
    ax.barh(y, s, color=color, alpha=0.35)
    ax.errorbar(s, y, xerr=err, fmt="o", color=color, ecolor="#333333", capsize=3, markersize=4)
    ax.set_yticks(y, [_wrap(lbl) for lbl in labels], fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_xlim(0, max(100 * max(high) * 1.1, 1))
    return _save(plt, fig, path)


def signal_effects(signals: list, path: Path, *, limit: int = 20) -> bool:
    """Rate ratio per year (log scale) with its interval; emerging green, declining red."""
    rows = [s for s in signals if s.rate_ratio_per_year][:limit]
    if not rows:
        return False
    plt, fig, ax = _figure(0.42 * len(rows) + 1.2)
    y = list(range(len(rows)))[::-1]
    for yi, s in zip(y, rows, strict=True):
        color = GREEN if s.kind == "emerging" else RED
        lo, hi = s.rate_ratio_ci_low or s.rate_ratio_per_year, s.rate_ratio_ci_high or s.rate_ratio_per_year
        ax.plot([lo, hi], [yi, yi], color=color, linewidth=2)
        ax.plot([s.rate_ratio_per_year], [yi], "o", color=color)
    ax.axvline(1, color=GREY, linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yticks(y, [_wrap(f"{s.rome_code or '*'} {s.skill_label}") for s in rows], fontsize=8)
    ax.set_xlabel("rapport de taux par an (échelle log ; 1 = stable)")
    return _save(plt, fig, path)
