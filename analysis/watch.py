"""``skillgap watch``: obsolescence and emergence signals for one RNCP certification.

For certification Z: its blocks and their competence items (the block title when the items are
unknown — ``item_source`` says which), the occupations linked to Z (RNCP links name ROME v3
codes; ROME 4.0 fiches whose code or ``parent_rome_code`` is linked are added), and the demand in
the ads of those occupations:

- each item is matched to demanded skills by a ``Matcher``; an ad asks for the item when it asks
  for any matched skill;
- *rare*: the upper bound of the Wilson 95% interval of the item's share of ads is below
  ``rare_threshold``; *declining*: the trend test of ``analysis.signals`` (BH across the items of
  the certification) finds a significant decrease;
- the emerging skills of the same ads (``analysis.signals``) are listed beside.

Items are matched with ``analysis.coverage.match_block_items`` and the encoder of the caller (the
model of the gap reports beside it, so one report never mixes two models), at that model's
*partial* coverage threshold.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analysis.coverage import match_block_items, thresholds_for
from analysis.demand import demand_series, exposure_series, item_series
from analysis.signals import SignalSettings, assess_series, signals_from_tests
from analysis.stats import wilson_interval
from models.queries import AdFilter, WatchQuery
from models.signals import WatchItem, WatchReport, WatchStatus
from nlp.embed import Encoder
from referentials import queries
from skillgap.errors import InsufficientDataError, NotFoundError

MATCHER = "analysis.coverage.match_block_items"


def linked_occupations(con: duckdb.DuckDBPyConnection, cert: dict) -> list[str]:
    """RNCP-linked ROME v3 codes (the certification's and ``core_rncp__rome_links``) plus the ROME 4.0
    fiches derived from them."""
    codes = cert.get("rome_codes")
    linked = set(list(codes) if codes is not None else [])
    linked |= queries.rome_codes_linked_to_certification(con, cert["rncp_code"])
    if not linked:
        return []
    occ = queries.rome_occupations(con)
    fiches = occ[occ["rome_code"].isin(linked) | occ["parent_rome_code"].isin(linked)]["rome_code"]
    return sorted(linked | set(fiches))


def block_items(blocks: pd.DataFrame) -> pd.DataFrame:
    """One row per item: the block's competences, or its title when they are unknown."""
    rows = []
    for b in blocks.itertuples(index=False):
        raw = b.competences if isinstance(b.competences, (list, tuple)) or hasattr(b.competences, "__len__") else []
        comps = [c for c in (list(raw) if not isinstance(raw, str) else [raw]) if isinstance(c, str) and c.strip()]
        source = "competence" if comps else "block_title"
        for i, text in enumerate(comps or [b.label]):
            rows.append({"item_key": f"{b.block_code}#{i}", "rncp_code": b.rncp_code, "block_code": b.block_code,
                         "block_label": b.label, "item_label": text, "item_source": source})
    return pd.DataFrame(rows)


def assess_items(items: pd.DataFrame, matches: pd.DataFrame, skills: pd.DataFrame, tested: pd.DataFrame, *,
                 n_ads_with_item: dict[str, int], n_ads: int, rome_codes: list[str], rare_threshold: float,
                 min_ads: int) -> list[WatchItem]:
    """Pure core: one ``WatchItem`` per block item from its matches and its tested series."""
    labels = dict(zip(skills["skill_key"], skills["skill_label"], strict=True))
    by_item = {k: g.sort_values("score", ascending=False) for k, g in matches.groupby("item_key")}
    tested = tested.set_index("skill_key") if len(tested) else tested
    out = []
    for it in items.itertuples(index=False):
        m = by_item.get(it.item_key)
        k = n_ads_with_item.get(it.item_key, 0)
        low, high = wilson_interval(k, n_ads)
        t = tested.loc[it.item_key] if it.item_key in tested.index else None
        declining = t is not None and t["kind"] == "declining"
        rr = None if t is None or pd.isna(t["rate_ratio_per_year"]) else float(t["rate_ratio_per_year"])
        q = None if t is None or pd.isna(t["q_value"]) else float(t["q_value"])
        status: WatchStatus
        if m is None:
            status = "not_found" if n_ads >= min_ads else "insufficient"
        elif high < rare_threshold:
            status = "rare+declining" if declining else "rare"
        elif declining:
            status = "declining"
        elif n_ads < min_ads:
            status = "insufficient"
        else:
            status = "demanded" if low >= rare_threshold else "insufficient"
        keys = [] if m is None else m["skill_key"].tolist()
        out.append(WatchItem(
            rncp_code=it.rncp_code, block_code=it.block_code, block_label=it.block_label, item_label=it.item_label,
            item_source=it.item_source, matched_skill_keys=keys,
            matched_skill_labels=[str(labels.get(x, x)) for x in keys],
            best_score=None if m is None else float(m["score"].iloc[0]), n_ads=n_ads, n_ads_with_item=k,
            share=k / n_ads if n_ads else 0.0, share_ci_low=low, share_ci_high=high, rare_threshold=rare_threshold,
            rate_ratio_per_year=rr, trend_q_value=q, status=status, rome_codes=rome_codes))
    return out


def watch(con: duckdb.DuckDBPyConnection, query: WatchQuery, *, encoder: Encoder, min_ads: int = 200,
          settings: SignalSettings | None = None) -> WatchReport:
    """Obsolescence of the block items of a certification and emerging skills in its occupations' ads:
    the one function the CLI, the API and the weekly report call."""
    queries.require_loaded(con, "rome", "rncp")
    rncp_code, period = query.rncp_code, query.period
    cert = queries.certification(con, rncp_code)
    if cert is None:
        raise NotFoundError(f"certification {rncp_code} inconnue du RNCP chargé (vérifiez le code, ex. RNCP37674)")
    blocks = queries.blocks_of_certification(con, rncp_code)
    if blocks.empty:
        raise InsufficientDataError(f"{rncp_code} : aucun bloc de compétences connu pour cette certification")
    rome_codes = linked_occupations(con, cert)
    if not rome_codes:
        raise InsufficientDataError(f"{rncp_code} : aucun métier ROME lié à cette certification (aucune offre à lire)")
    s = settings or SignalSettings()
    ads = AdFilter(rome_codes=tuple(rome_codes), region_code=query.region_code, date_from=query.date_from,
                   date_to=query.date_to, **query.ad_attributes())
    rows = demand_series(con, ads, period=period)
    exposure = exposure_series(con, ads, period=period)
    n_ads = int(exposure["n_ads"].sum())
    if n_ads < min_ads:
        raise InsufficientDataError(f"{rncp_code} : pas assez d'offres pour les métiers liés "
                                    f"({', '.join(rome_codes)}) : {n_ads} offre(s), il en faut au moins {min_ads}")
    threshold = thresholds_for(encoder.name).partial
    items = block_items(blocks)
    skills = rows.groupby("skill_key", as_index=False)["skill_label"].first()
    raw = match_block_items(encoder, items["item_label"].drop_duplicates().tolist(), skills)
    matches = items[["item_key", "item_label"]].merge(raw, left_on="item_label", right_on="block_item")
    item_rows, item_exposure = item_series(con, matches[["item_key", "skill_key"]], ads, period=period)
    tested = assess_series(item_rows, exposure=item_exposure, settings=s) if len(item_rows) else pd.DataFrame()
    totals = item_rows.groupby("skill_key")["n_ads_with_skill"].sum().to_dict() if len(item_rows) else {}
    # each ad has one period, so summing the periods counts distinct ads
    watch_items = assess_items(items, matches, skills, tested, n_ads_with_item=totals, n_ads=n_ads,
                               rome_codes=rome_codes, rare_threshold=query.rare_threshold, min_ads=min_ads)
    emerging = signals_from_tests(assess_series(rows, exposure=exposure, settings=s), kind="emerging", period=period)
    periods = pd.to_datetime(exposure["period_start"])
    return WatchReport(
        rncp_code=rncp_code, title=cert.get("title"), rome_codes=rome_codes, n_ads=n_ads, period=period,
        first_period_start=periods.min().date(), last_period_start=periods.max().date(), matcher=MATCHER,
        match_threshold=threshold, model_name=encoder.name, region_code=query.region_code,
        date_from=query.date_from, date_to=query.date_to, items=watch_items, emerging=emerging,
        referential_versions={k: v["version_label"] for k, v in queries.current_versions(con).items()})
