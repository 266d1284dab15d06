"""``skillgap eval gaps``: are the items of a gap list real, and really (un)covered?

A judged sample answers, for one item (occupation × demanded skill) of a gap report:
« est-ce une compétence demandée ? » (``competence_demandee`` : oui / non) and « est-elle
couverte par un bloc listé ? » (``couverte`` : oui / en partie / non, with the block named in
``bloc_cite``). The sheet also carries what the system said (``system_status``, the best block
item and its similarity) and the short ad lines that ask for the skill, so a judge needs nothing
else.

- ``sample_sheet``: the items of the gap reports of N occupations (most ads first, one per ROME
  domain letter before a second of the same letter), stratified by system status × demand rank
  (top / middle / tail third of the occupation's skills), drawn with a seed, K per occupation.
- ``score_sheets``: extraction precision (share of items judged « oui, demandée »), precision and
  recall of *uncovered* (positive = judged « non » couverte) and of *covered* (positive = judged
  « oui »), among the items judged demanded; *à vérifier* (``partial``) items are predicted neither,
  so they lower both recalls; Cohen's kappa per question when two judges' sheets are given.
- ``choose_band``: the narrowest à vérifier band [low, high) of similarities whose two sides reach
  a precision target on a judged sheet (the band width of ``analysis/config.toml``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.coverage import candidate_certifications
from analysis.gaps import GapContext, compute_gaps
from models.analysis import GapReport
from models.queries import AdFilter, GapQuery
from models.review import ReviewSet
from nlp import queries as nlp_queries
from skillgap.errors import InsufficientDataError, UserError

log = logging.getLogger(__name__)

JUDGE_COLUMNS = ["competence_demandee", "couverte", "bloc_cite", "commentaire"]
IS_SKILL = ("oui", "non")
COVERED = ("oui", "en partie", "non")
DEMAND_STRATA = ("haut", "milieu", "bas")
EXCERPT_CHARS = 160  # evidence lines are cut to this: enough to judge, not a copy of the ad
N_CLOSEST = 3


def _demand_stratum(rank: int, n: int) -> str:
    """Third of the demand ranking (0 = most demanded) an item falls in.

    >>> [_demand_stratum(r, 6) for r in range(6)]
    ['haut', 'haut', 'milieu', 'milieu', 'bas', 'bas']
    """
    return DEMAND_STRATA[min(2, 3 * rank // max(n, 1))]


def stratified_draw(strata: pd.Series, k: int, *, seed: int) -> list[int]:
    """Positions of ``k`` rows drawn as evenly as possible across the strata (round robin over the
    strata in sorted order, a seeded random row of each at each turn); all rows if ``k`` ≥ len.

    >>> sorted(stratified_draw(pd.Series(["a", "a", "a", "b"]), 2, seed=0)) in ([0, 3], [1, 3], [2, 3])
    True
    """
    rng = np.random.default_rng(seed)
    pools = {name: list(rng.permutation(np.flatnonzero((strata == name).to_numpy())))
             for name in sorted(strata.unique())}
    chosen: list[int] = []
    while len(chosen) < min(k, len(strata)):
        for pool in pools.values():
            if pool and len(chosen) < k:
                chosen.append(int(pool.pop()))
    return sorted(chosen)


def pick_occupations(con, n: int, *, min_ads: int) -> list[str]:
    """The ``n`` occupations with most ads (at least ``min_ads``), one per ROME domain letter
    before a second one of the same letter, so IT does not take every place."""
    counts = {code: nlp_queries.count_ads(con, AdFilter(rome_codes=(code,)))
              for code in nlp_queries.occupations_of_ads(con)}
    ranked = sorted((c for c in counts if counts[c] >= min_ads), key=lambda c: (-counts[c], c))
    picked: list[str] = []
    letters: dict[str, int] = {}
    for turn in range(len(ranked)):
        for code in ranked:
            if len(picked) < n and code not in picked and letters.get(code[0], 0) == turn:
                picked.append(code)
                letters[code[0]] = turn + 1
    return picked


def _closest_blocks(ctx: GapContext, report: GapReport, candidates: list[str]) -> list[str]:
    """For each skill of the report, its ``N_CLOSEST`` closest distinct blocks (code, score, text)."""
    items, vectors = ctx.coverage_index().blocks.for_certifications(set(candidates))
    skill_vectors = ctx.encoder.encode([s.skill_label for s in report.skills])
    sims = skill_vectors @ vectors.T
    out = []
    for row in sims:
        seen: list[str] = []
        for j in np.argsort(-row):
            item = items.iloc[int(j)]
            if item.block_code in {s.split(" ")[0] for s in seen}:
                continue
            seen.append(f"{item.block_code} ({row[j]:.2f}) « {item.block_label} » : {item.item_text}")
            if len(seen) == N_CLOSEST:
                break
        out.append(" || ".join(seen))
    return out


def report_rows(ctx: GapContext, report: GapReport, candidates: list[str]) -> pd.DataFrame:
    """One sheet row per skill of a gap report, demand rank from its share of ads."""
    by_demand = sorted(report.skills, key=lambda s: (-s.n_ads, s.skill_label))
    rank = {s.skill_key: i for i, s in enumerate(by_demand)}
    closest = _closest_blocks(ctx, report, candidates) if report.skills else []
    rows = []
    for s, near in zip(report.skills, closest, strict=True):
        c = s.coverage
        excerpts = [f"[{e.ad_id}] {e.excerpt[:EXCERPT_CHARS]}" for e in s.evidence]
        rows.append({
            "item_id": f"{report.rome_code}|{s.skill_key}", "rome_code": report.rome_code,
            "rome_label": report.rome_label, "skill_key": s.skill_key, "skill_label": s.skill_label,
            "n_ads": s.n_ads, "share": s.share, "demand_rank": rank[s.skill_key] + 1,
            "demand_stratum": _demand_stratum(rank[s.skill_key], len(by_demand)),
            "system_status": c.status.value, "score": c.score, "matched_kind": c.matched_kind,
            "block_code": c.block_code, "rncp_code": c.rncp_code, "certification_title": c.certification_title,
            "matched_text": c.matched_text, "closest_blocks": near, "evidence": " || ".join(excerpts),
        })
    return pd.DataFrame(rows)


def sample_sheet(ctx: GapContext, *, n_occupations: int, per_occupation: int, seed: int = 0,
                 rome_codes: Sequence[str] = (), min_ads: int = 10,
                 progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """The judging sheet: a stratified sample of gap items of ``n_occupations`` (see module docstring)."""
    codes = list(rome_codes) or pick_occupations(ctx.con, n_occupations * 3, min_ads=min_ads)
    frames: list[pd.DataFrame] = []
    for code in codes:
        if len(frames) == (len(rome_codes) or n_occupations):
            break
        try:
            report = compute_gaps(ctx, GapQuery(rome_code=code))
        except InsufficientDataError as e:  # no linked certification, no ads: the next occupation
            log.info("%s skipped: %s", code, e)
            continue
        rows = report_rows(ctx, report, candidate_certifications(ctx.con, code))
        if rows.empty:
            continue
        strata = rows.system_status + "/" + rows.demand_stratum
        frames.append(rows.iloc[stratified_draw(strata, per_occupation, seed=seed)])
        if progress:
            progress(f"{code} {report.rome_label} : {len(frames[-1])} item(s) sur {len(rows)}")
    if not frames:
        raise UserError("aucun métier du magasin n'a de rapport d'écarts : rien à échantillonner")
    sheet = pd.concat(frames, ignore_index=True)
    for column in JUDGE_COLUMNS:
        sheet[column] = ""
    return sheet


def write_xlsx(sheet: pd.DataFrame, path: Path) -> None:
    """The sheet as a workbook for a human judge: frozen header, wrapped text, answer lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "jugements"
    ws.append(list(sheet.columns))
    for row in sheet.itertuples(index=False):
        ws.append([None if pd.isna(v) else v for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    wide = {"skill_label": 40, "matched_text": 50, "closest_blocks": 80, "evidence": 80, "commentaire": 40}
    for i, name in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = wide.get(name, 14)
        for cell in ws[get_column_letter(i)][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = len(sheet) + 1
    for name, choices in (("competence_demandee", IS_SKILL), ("couverte", COVERED)):
        letter = get_column_letter(list(sheet.columns).index(name) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        validation.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(validation)
    wb.save(path)


def read_sheet(path: Path) -> pd.DataFrame:
    """A judged sheet (CSV or XLSX), answers normalised (lower case, trimmed); unknown answers raise."""
    sheet = pd.read_excel(path, dtype=str) if path.suffix == ".xlsx" else pd.read_csv(path, dtype=str)
    missing = [c for c in ["item_id", "system_status", *JUDGE_COLUMNS[:2]] if c not in sheet.columns]
    if missing:
        raise UserError(f"{path} : colonne(s) absente(s) : {', '.join(missing)}")
    for column, allowed in (("competence_demandee", IS_SKILL), ("couverte", COVERED)):
        values = sheet[column].fillna("").str.strip().str.lower()
        bad = sorted(set(values) - {*allowed, ""})
        if bad:
            raise UserError(f"{path} : colonne {column} : réponse(s) inconnue(s) {bad} "
                            f"(attendu : {', '.join(allowed)})")
        sheet[column] = values
    return sheet


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def prf(predicted: pd.Series, actual: pd.Series) -> dict[str, float | int | None]:
    """Precision and recall of a boolean prediction against boolean judgements.

    >>> prf(pd.Series([True, True, False]), pd.Series([True, False, True]))
    {'precision': 0.5, 'recall': 0.5, 'n_predicted': 2, 'n_actual': 2}
    """
    tp = int((predicted & actual).sum())
    return {"precision": _ratio(tp, int(predicted.sum())), "recall": _ratio(tp, int(actual.sum())),
            "n_predicted": int(predicted.sum()), "n_actual": int(actual.sum())}


def score_sheet(sheet: pd.DataFrame, *, status_column: str = "system_status") -> dict:
    """Extraction precision and precision / recall of uncovered and covered on one judged sheet."""
    judged = sheet[sheet.competence_demandee != ""]
    skills = judged[(judged.competence_demandee == "oui") & (judged.couverte != "")]
    status = skills[status_column]
    listed = judged[~judged[status_column].isin(("", "rejected"))]
    return {
        "n_items": len(sheet), "n_judged": len(judged),
        "n_not_in_reports": int((judged[status_column] == "").sum()),  # (recomputed) items no report holds now
        "extraction_precision": _ratio(int((judged.competence_demandee == "oui").sum()), len(judged)),
        # of the items the (recomputed) reports still list: what a user sees of the sample
        "extraction_precision_listed": _ratio(int((listed.competence_demandee == "oui").sum()), len(listed)),
        "n_coverage_judged": len(skills),
        "uncovered": prf(status == "uncovered", skills.couverte == "non"),
        # « en partie » also counts as a gap (a complement of the block is wanted)
        "uncovered_or_partly": prf(status == "uncovered", skills.couverte != "oui"),
        "covered": prf(status == "covered", skills.couverte == "oui"),
        "to_check_share": _ratio(int((status == "partial").sum()), len(skills)),
        "judged_coverage": {k: int((skills.couverte == k).sum()) for k in COVERED},
    } | (_review_counts(judged) if "review_verdict" in sheet.columns else {})


def _review_counts(judged: pd.DataFrame) -> dict:
    """What the reviewers' decisions did on the judged items: how many they touched, and the
    extraction precision of the list a user sees (rejected skills leave it)."""
    rejected = judged.system_status == "rejected"
    shown = judged[~judged.system_status.isin(("", "rejected"))]  # listed: neither rejected nor absent
    return {"reviews": {
        "n_reviewed": int((judged.review_verdict != "").sum()),
        "n_rejected": int(rejected.sum()),
        "n_rejected_judged_not_demanded": int((rejected & (judged.competence_demandee == "non")).sum()),
        "n_coverage_corrected": int((judged.matched_kind == "review").sum()),
        "extraction_precision_shown": _ratio(int((shown.competence_demandee == "oui").sum()), len(shown)),
    }}


def cohen_kappa(a: Sequence[str], b: Sequence[str], categories: Sequence[str]) -> float | None:
    """Cohen's kappa of two judges' answers (statsmodels' ``cohens_kappa`` on their contingency
    table); None when fewer than two items or when both judges gave one same answer to all.

    >>> cohen_kappa(["oui", "non", "oui", "non"], ["oui", "non", "oui", "oui"], ["oui", "non"])
    0.5
    """
    from statsmodels.stats.inter_rater import cohens_kappa

    if len(a) != len(b):
        raise ValueError("both judges must answer the same items")
    index = {c: i for i, c in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    for x, y in zip(a, b, strict=True):
        table[index[x], index[y]] += 1
    expected = (table.sum(axis=1) @ table.sum(axis=0)) / max(table.sum(), 1) ** 2
    if len(a) < 2 or expected >= 1:
        return None
    return round(float(cohens_kappa(table, return_results=False)), 4)


def agreement(a: pd.DataFrame, b: pd.DataFrame) -> dict:
    """Kappa and raw agreement of two judged sheets on the items both judged, per question."""
    both = a.merge(b, on="item_id", suffixes=("_a", "_b"))
    out: dict[str, dict] = {}
    for column, categories in (("competence_demandee", IS_SKILL), ("couverte", COVERED)):
        rows = both[(both[f"{column}_a"] != "") & (both[f"{column}_b"] != "")]
        if column == "couverte":  # only where both said the skill is demanded
            rows = rows[(rows.competence_demandee_a == "oui") & (rows.competence_demandee_b == "oui")]
        xa, xb = rows[f"{column}_a"].tolist(), rows[f"{column}_b"].tolist()
        out[column] = {"n": len(rows), "kappa": cohen_kappa(xa, xb, categories),
                       "agreement": _ratio(sum(x == y for x, y in zip(xa, xb, strict=True)), len(rows))}
    return out


def choose_band(sheet: pd.DataFrame, *, target: float = 0.8, min_side: int = 5,
                partly_is_gap: bool = False) -> dict | None:
    """The narrowest à vérifier band [low, high) of ``score`` such that items below ``low`` are
    judged « non » couvertes and items at or above ``high`` judged « oui » with precision ≥
    ``target`` on each side (each side predicting at least ``min_side`` items); « en partie »
    counts against both (``partly_is_gap``: « en partie » counts as a gap, below ``low``). None when
    no band reaches the target."""
    skills = sheet[(sheet.competence_demandee == "oui") & (sheet.couverte != "")]
    scores = skills.score.astype(float).to_numpy()
    covered = (skills.couverte == "oui").to_numpy()
    uncovered = ~covered if partly_is_gap else (skills.couverte == "non").to_numpy()
    edges = np.unique(np.concatenate([scores, [scores.max() + 1e-6]])) if len(scores) else np.array([])
    best = None
    for i, low in enumerate(edges):
        below = scores < low
        if below.sum() < min_side or uncovered[below].mean() < target:
            continue
        for high in edges[i:]:
            above = scores >= high
            if above.sum() < min_side or covered[above].mean() < target:
                continue
            width = int((~below & ~above).sum())
            if best is None or width < best["n_to_check"]:
                best = {"low": round(float(low), 4), "high": round(float(high), 4), "n_to_check": width,
                        "n_items": len(scores), "uncovered_precision": round(float(uncovered[below].mean()), 4),
                        "covered_precision": round(float(covered[above].mean()), 4)}
            break  # a higher `high` only widens the band
    return best


def recompute(ctx: GapContext, sheet: pd.DataFrame,
              reviews: Callable[[str], ReviewSet | None] | None = None) -> pd.DataFrame:
    """The sheet's items decided again by the current code and store (before / after a change of
    the coverage decision): ``system_status``, ``score``, ``matched_kind`` replaced; items the
    current gap reports no longer hold keep an empty status and are scored as not predicted.

    ``reviews`` (occupation → the reviewers' decisions in force, as the web app applies them): the
    reports are computed with them, so a corrected coverage replaces the model's status
    (``matched_kind`` ``review``) and a rejected skill gets the status ``rejected``; column
    ``review_verdict`` names each item's decisions (empty when none)."""
    out = sheet.copy()
    now: dict[str, tuple[str, float, str | None]] = {}
    verdicts: dict[str, str] = {}
    for code in sorted(sheet.rome_code.unique()):
        decisions = reviews(code) if reviews is not None else None
        report = compute_gaps(ctx, GapQuery(rome_code=code), reviews=decisions)
        for s in report.skills:
            c = s.coverage
            now[f"{code}|{s.skill_key}"] = (c.status.value, c.score, c.matched_kind)
        for s in report.rejected_skills:
            now[f"{code}|{s.skill_key}"] = ("rejected", s.coverage.score, s.coverage.matched_kind)
        for d in decisions.decisions if decisions is not None else ():
            key = f"{code}|{d.skill_key}"
            verdicts[key] = "+".join(x for x in (verdicts.get(key), d.verdict) if x)
    found = [now.get(i, ("", np.nan, None)) for i in out.item_id]
    out["system_status"] = [f[0] for f in found]
    out["score"] = [f[1] for f in found]
    out["matched_kind"] = [f[2] for f in found]
    if reviews is not None:
        out["review_verdict"] = [verdicts.get(i, "") for i in out.item_id]
    return out
