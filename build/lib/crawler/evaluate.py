"""``skillgap eval dedupe``: precision / recall of duplicate detection on real ads with injected
edited reposts, built at run time (the ads file is never copied).

Each sampled ad gets a repost as another board would publish it: title variant, a few words
deleted or replaced, a reference line added, sometimes paragraphs reordered or the location
dropped. Truth: a repost is a duplicate of its original; two original ads are duplicates only
when exactly equal (normalised title + description + employer, same département). Every other
match of a repost or exact copy to the wrong ad is a false positive.

What the truth cannot say is left out of precision and counted apart, whatever the order the
ads arrive in: the real file holds true edited reposts nobody labelled (and also different ads
of one employer sharing boilerplate). Two original ads are *linked* when their word-shingle
Jaccard similarity, computed exactly, reaches the threshold (or when they carry the same text and
one has no known département); a match between linked clusters (an original to its unlabelled
twin, or a repost to its original's twin) is counted in ``unlabelled_matches`` and judged
neither right nor wrong. ``strict_precision`` counts the reposts among them
(``unlabelled_repost_matches``: a repost matched to its original's twin) as false positives.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.dedupe import THRESHOLD, Deduper, signature_of
from crawler.ingest import parse_record, read_records
from crawler.parsers.common import RecordError, now_utc
from crawler.parsers.text import clean_text, content_hash
from crawler.pipelines.clean import to_job_ad
from crawler.pipelines.context import Tally
from models.jobad import JobAd

_TITLE_VARIANTS = (
    lambda t: t.replace("(H/F)", "F/H") if "(H/F)" in t else f"{t} (H/F)",
    lambda t: f"{t} - CDI",
    str.upper,
    lambda t: t.replace("H/F", "").strip(" -()") or t,
)


@dataclass(frozen=True)
class Item:
    ad: JobAd
    truth: str  # truth cluster id
    is_repost: bool


def edit_repost(ad: JobAd, rng: random.Random, *, edit_rate: float) -> JobAd:
    """An edited repost of ``ad`` as another board would show it."""
    title = rng.choice(_TITLE_VARIANTS)(ad.title)
    lines = ad.description.split("\n")
    if len(lines) > 3 and rng.random() < 0.3:
        lines = lines[1:] + lines[:1]  # intro moved to the end
    words = "\n".join(lines).split(" ")
    edited = []
    for word in words:
        r = rng.random()
        if r < edit_rate / 2:
            continue
        edited.append(rng.choice(words) if r < edit_rate else word)
    description = clean_text(" ".join(edited) + f"\nRéférence de l'annonce : {rng.randrange(10**6):06d}")
    department = ad.department_code if rng.random() < 0.8 else None
    return ad.model_copy(
        update={
            "ad_id": f"repost:{ad.ad_id}",
            "title": title,
            "description": description,
            "department_code": department,
            "content_hash": content_hash(title, description, ad.company_name),
        }
    )


def load_ads(path: Path) -> list[JobAd]:
    ads, seen_at = [], now_utc()
    for origin, obj in read_records(path, Tally()):
        try:
            item = parse_record(obj, origin=origin, seen_at=seen_at)
        except (RecordError, TypeError):
            continue
        if item.title and item.description and len(clean_text(item.description)) >= 50:
            ads.append(to_job_ad(item, title=item.title, description=clean_text(item.description), language=None))
    return ads


class _Links:
    """Union-find over truth cluster ids."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def root(self, key: str) -> str:
        while (parent := self._parent.get(key, key)) != key:
            self._parent[key] = self._parent.get(parent, parent)
            key = parent
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)


def link_originals(items: list[Item], *, threshold: float) -> _Links:
    """Clusters of original ads the truth cannot separate (see the module docstring)."""
    links = _Links()
    prints = {item.ad.ad_id: signature_of(item.ad.title, item.ad.description) for item in items}
    truth_of = {item.ad.ad_id: item.truth for item in items}
    index = Deduper(threshold=threshold)
    by_text: dict[str, list[Item]] = {}
    for item in items:
        index.add(item.ad.ad_id, item.ad.content_hash or "", prints[item.ad.ad_id], item.ad.department_code)
        by_text.setdefault(item.ad.content_hash or "", []).append(item)
    for item in items:
        for match in index.near_matches(prints[item.ad.ad_id], item.ad.department_code):
            links.union(item.truth, truth_of[match.ad_id])
    for same in by_text.values():
        if any(item.ad.department_code is None for item in same):
            for item in same[1:]:
                links.union(same[0].truth, item.truth)
    return links


def evaluate_dedupe(
    path: Path, *, repost_rate: float = 0.3, edit_rate: float = 0.05, threshold: float = THRESHOLD, seed: int = 0
) -> dict[str, Any]:
    """Run the deduper over real ads + injected reposts in random order; precision, recall, n."""
    rng = random.Random(seed)
    ads = load_ads(path)
    truth_of: dict[tuple[str, str | None], str] = {}
    items = []
    for ad in ads:
        truth = truth_of.setdefault((ad.content_hash or "", ad.department_code), ad.ad_id)
        items.append(Item(ad, truth, False))
    originals = list(items)
    links = link_originals(originals, threshold=threshold)
    for item in rng.sample(originals, k=int(len(originals) * repost_rate)):
        items.append(Item(edit_repost(item.ad, rng, edit_rate=edit_rate), item.truth, True))
    rng.shuffle(items)
    started = time.perf_counter()
    deduper = Deduper(threshold=threshold)
    truth_by_id: dict[str, str] = {}
    clusters_seen: set[str] = set()

    tp = fp = fn = unlabelled = unlabelled_reposts = fp_no_place = fp_originals = 0
    for item in items:
        ad = item.ad
        signature = signature_of(ad.title, ad.description)
        match = deduper.find(ad.content_hash or "", signature, ad.department_code)
        expected = item.truth in clusters_seen
        if match is None:
            fn += expected
            deduper.add(ad.ad_id, ad.content_hash or "", signature, ad.department_code)
            truth_by_id[ad.ad_id] = item.truth
        elif truth_by_id[match.ad_id] == item.truth:
            tp += 1
        elif links.root(truth_by_id[match.ad_id]) == links.root(item.truth) or (
            not item.is_repost and not expected and match.kind == "near"
        ):
            # an unlabelled twin in the real file, or two real ads nobody can judge
            unlabelled += 1
            unlabelled_reposts += item.is_repost
        else:
            fp += 1
            fp_no_place += ad.department_code is None
            fp_originals += not item.is_repost
            fn += expected
        clusters_seen.add(item.truth)
    elapsed = time.perf_counter() - started
    return {
        "n": len(items),
        "originals": len(originals),
        "injected_reposts": len(items) - len(originals),
        "true_positives": tp,
        "false_positives": fp,
        "false_positives_without_department": fp_no_place,
        "false_positives_on_originals": fp_originals,
        "false_negatives": fn,
        "unlabelled_matches": unlabelled,
        "unlabelled_repost_matches": unlabelled_reposts,
        "threshold": threshold,
        "edit_rate": edit_rate,
        "ads_per_s": round(len(items) / elapsed, 1),
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "strict_precision": round(tp / (tp + fp + unlabelled_reposts), 4) if tp + fp + unlabelled_reposts else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
    }
