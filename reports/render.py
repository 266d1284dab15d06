"""Write a weekly report folder: ``index.html``, ``charts/*.png``, ``data/*.csv``, ``report.json``
(and ``report.pdf`` when Chromium is available).

The folder is written beside its final place and swapped in at the end, so a re-run for the same
week replaces the previous report whole (never a mix of two runs) and a failed run leaves the
previous one intact.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
from collections import defaultdict
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from analysis import gaps as gaps_mod
from analysis.config import get_config
from models.base import json_default
from referentials.geo import region_label
from reports import charts
from reports.weekly import WeeklyData
from skillgap.errors import UserError

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
STATUS_FR = {"uncovered": "non couverte", "partial": "à vérifier (partiellement couverte)", "covered": "couverte",
             "rare": "rare", "declining": "en déclin", "rare+declining": "rare et en déclin", "demanded": "demandée",
             "insufficient": "données insuffisantes", "not_found": "non retrouvée dans les offres"}
MAX_SKILLS_SHOWN = 10
MAX_MODULES_SHOWN = 15


def fr_date(d: date | None) -> str:
    """>>> fr_date(date(2026, 11, 23))
    '23 novembre 2026'
    """
    return "—" if d is None else f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def fr_pct(x: float | None, digits: int = 1) -> str:
    """>>> fr_pct(0.1234)
    '12,3 %'
    """
    return "—" if x is None else f"{100 * x:.{digits}f} %".replace(".", ",")


def fr_int(n: int | None) -> str:
    """>>> fr_int(12345)
    '12 345'
    """
    return "—" if n is None else f"{n:,}".replace(",", " ")


def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape(
        ["html", "j2"], default_for_string=True), undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    env.filters.update(fr_date=fr_date, pct=fr_pct, fr_int=fr_int, status=lambda s: STATUS_FR.get(s, s))
    return env


def _ad_ids(asks: pd.DataFrame, rome_code: str | None, skill_keys: list[str]) -> str:
    rows = asks[asks.skill_key.isin(skill_keys)]
    if rome_code is not None:
        rows = rows[rows.rome_code == rome_code]
    return " ".join(sorted(set(rows.ad_id)))


def _thresholds(model_name: str) -> dict | None:
    try:
        return gaps_mod.thresholds_for(model_name).model_dump()
    except UserError:
        return None


def write_data(data: WeeklyData, folder: Path) -> dict[str, str]:
    """The CSVs behind every chart and table; returns name → relative path."""
    out = folder / "data"
    out.mkdir(parents=True)
    files: dict[str, pd.DataFrame] = {
        "ads": data.ads.assign(created_at=data.ads.created_at.astype(str)),
        "asks": data.asks,
        "volumes": data.volumes,
        "weekly_volume": data.weekly,
    }
    modules = []
    for occ in data.occupations:
        if occ.report is not None:
            rows = gaps_mod.gaps_rows(occ.report)
            if not rows.empty:
                rows["ad_ids"] = [_ad_ids(data.asks, occ.rome_code, [k]) for k in rows.skill_key]
            files[f"gaps_{occ.rome_code}"] = rows
        for m in occ.modules:
            keys = [s.skill_key for s in m.skills]
            modules.append({"module_id": m.module_id, "rome_code": m.rome_code, "title": m.title,
                            "skills": " | ".join(s.skill_label for s in m.skills), "skill_keys": " ".join(keys),
                            "n_ads": m.n_ads, "share": m.share, "share_low": m.share_low, "share_high": m.share_high,
                            "complemented_blocks": " ".join(m.complemented_blocks),
                            "complemented_certifications": " ".join(m.complemented_certifications),
                            "model_name": m.model_name, "clustering": m.clustering,
                            "ad_ids": _ad_ids(data.asks, m.rome_code, keys)})
    files["modules"] = pd.DataFrame(modules)
    files["signals"] = pd.DataFrame([s.model_dump() | {"ad_ids": _ad_ids(data.asks, s.rome_code, [s.skill_key])}
                                     for s in data.signals])
    for w in data.watches:
        files[f"watch_{w.rncp_code}"] = pd.DataFrame(
            [i.model_dump() | {"matched_skill_keys": " ".join(i.matched_skill_keys),
                               "matched_skill_labels": " | ".join(i.matched_skill_labels),
                               "rome_codes": " ".join(i.rome_codes)} for i in w.items])
    failures = [asdict(o.failure) for o in data.occupations if o.failure]
    failures += [asdict(f) for f in ([data.signals_failure] if data.signals_failure else []) + data.watch_failures]
    files["failures"] = pd.DataFrame(failures, columns=["subject", "reason"])
    for name, df in files.items():
        df.to_csv(out / f"{name}.csv", index=False)
    return {name: f"data/{name}.csv" for name in files}


def draw_charts(data: WeeklyData, folder: Path) -> dict[str, str]:
    """The PNG charts; returns name → relative path (absent when a chart has no data)."""
    d = folder / "charts"
    made: dict[str, str] = {}

    def keep(name: str, ok: bool) -> None:
        if ok:
            made[name] = f"charts/{name}.png"

    keep("volume_by_occupation", charts.volume_by_occupation(data.volumes, d / "volume_by_occupation.png"))
    keep("weekly_volume", charts.weekly_volume(data.weekly, data.scope.period.week_start, d / "weekly_volume.png"))
    for occ in data.occupations:
        gaps = [s for s in (occ.report.skills if occ.report else ()) if s.coverage.status.value != "covered"]
        gaps = gaps[:MAX_SKILLS_SHOWN]
        keep(f"gaps_{occ.rome_code}", charts.share_intervals(
            [s.skill_label for s in gaps], [s.share for s in gaps], [s.share_low for s in gaps],
            [s.share_high for s in gaps], d / f"gaps_{occ.rome_code}.png"))
    mods = sorted((m for o in data.occupations for m in o.modules), key=lambda m: -m.share_low)[:12]
    keep("modules", charts.share_intervals(
        [f"{m.rome_code} · {m.title}" for m in mods], [m.share for m in mods], [m.share_low for m in mods],
        [m.share_high for m in mods], d / "modules.png", color=charts.BLUE,
        xlabel="part des offres du métier demandant au moins une compétence du module (IC 95 %)"))
    keep("signals", charts.signal_effects(data.signals, d / "signals.png"))
    return made


def parameters(data: WeeklyData, *, command: str | None) -> dict:
    """``report.json``: what the report was computed from, so that every figure can be reproduced."""
    s, p = data.scope, data.scope.period
    cfg = get_config()
    return {
        "week": p.week_label, "week_start": p.week_start, "week_end": p.week_end,
        "window_start": p.window_start, "window_end": p.window_end,
        "region_code": s.region_code, "region_label": region_label(s.region_code) if s.region_code else None,
        "branch": s.branch, "branch_label": s.branch_label, "rome_codes": list(s.rome_codes or []),
        "top_occupations": s.top_occupations, "n_ads_window": len(data.ads), "n_ads_week": int(data.ads.in_week.sum()),
        "store_last_created_at": data.store_last_created_at,
        "referential_versions": {k: {"version_id": v["version_id"], "version_label": v["version_label"]}
                                 for k, v in data.referential_versions.items()},
        "model_name": data.model_name, "coverage_thresholds": _thresholds(data.model_name),
        "gaps_config": cfg.gaps.model_dump(), "modules_config": cfg.modules.model_dump(),
        "signal_settings": data.signal_settings.model_dump(),
        "occupations": [{"rome_code": o.rome_code, "rome_label": o.rome_label, "n_ads_window": o.n_ads,
                         "status": "ok" if o.report else "no_result",
                         "reason": o.failure.reason if o.failure else None,
                         "module_ids": [m.module_id for m in o.modules]} for o in data.occupations],
        "certifications_watched": [w.rncp_code for w in data.watches],
        "watch_failures": [asdict(f) for f in data.watch_failures],
        "signals_failure": asdict(data.signals_failure) if data.signals_failure else None,
        "generated_at": datetime.now(UTC).replace(microsecond=0), "command": command,
    }


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def render_html(data: WeeklyData, params: dict, chart_files: dict[str, str], data_files: dict[str, str],
                folder: Path) -> str:
    images = defaultdict(str, {name: _data_uri(folder / rel) for name, rel in chart_files.items()})
    sources = data.ads.source.fillna("inconnue").value_counts().to_dict() if not data.ads.empty else {}
    return _environment().get_template("weekly.html.j2").render(
        d=data, p=params, scope=data.scope, period=data.scope.period, images=images, data_files=data_files,
        sources=sources, max_skills=MAX_SKILLS_SHOWN, max_modules=MAX_MODULES_SHOWN,
        thresholds=params["coverage_thresholds"])


def _swap_in(tmp: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def write_report(data: WeeklyData, out_dir: Path, *, pdf: bool | None = None, command: str | None = None) -> Path:
    """Write the report folder ``out_dir/<slug>`` and return it.

    ``pdf``: True = required (error without Chromium), None = when Chromium is found, False = never.
    """
    from reports import chromium

    target = out_dir / data.scope.slug
    tmp = out_dir / f".{data.scope.slug}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        data_files = write_data(data, tmp)
        chart_files = draw_charts(data, tmp)
        params = parameters(data, command=command)
        params["charts"], params["data_files"] = chart_files, data_files
        html = tmp / "index.html"
        html.write_text(render_html(data, params, chart_files, data_files, tmp), encoding="utf-8")
        if pdf or (pdf is None and chromium.find_chromium()):
            chromium.print_pdf(html, tmp / "report.pdf")
            params["pdf"] = "report.pdf"
        else:
            params["pdf"] = None
            log.info("PDF not written (%s)", "disabled" if pdf is False else "Chromium not found")
        (tmp / "report.json").write_text(json.dumps(params, ensure_ascii=False, indent=1, default=json_default),
                                         encoding="utf-8")
        _swap_in(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
