"""RNCP / RS merge rules: what every file says about a fiche or a bloc, merged into one record.

The file readers (``rncp_csv``, ``rncp_json``, ``rncp_xml``) feed a ``Certifications``
accumulator and return ``BlockDraft``s; ``merged_blocks`` and ``Certifications.records`` apply
the rules of ``referentials.rncp``'s docstring (title, level and active flag field by field from
the best-ranked source, code lists as unions, bloc label and competences by file precedence).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.referential import Block, Certification
from skillgap.errors import InputFileError

FICHE_RE = re.compile(r"^(RNCP|RS)\d+$")
ROME_RE = re.compile(r"^[A-N]\d{4}$")
# Which source wins for title / level / active flag (lower is better).
_RANK = {"standard": 0, "xml": 1, "titles": 2, "reva": 3}
LIST_FIELDS = ("rome_codes", "successor_codes", "nsf_codes", "formacodes", "certifier_names")


@dataclass
class CertDraft:
    best: dict[str, tuple[int, Any, str]] = field(default_factory=dict)  # field -> (rank, value, file)
    lists: dict[str, dict[str, None]] = field(default_factory=dict)  # field -> ordered set


class Certifications:
    """Accumulates what every file says about each fiche; builds one record per code."""

    def __init__(self) -> None:
        self.drafts: dict[str, CertDraft] = {}

    def touch(self, code: str) -> CertDraft:
        return self.drafts.setdefault(code, CertDraft())

    def offer(self, code: str, source: str, file_name: str, **values: object) -> None:
        draft = self.touch(code)
        for name, value in values.items():
            if value is None or value == "":
                continue
            current = draft.best.get(name)
            if current is None or _RANK[source] < current[0]:
                draft.best[name] = (_RANK[source], value, file_name)

    def add(self, code: str, name: str, values: Iterable[str]) -> None:
        bucket = self.touch(code).lists.setdefault(name, {})
        for value in values:
            bucket.setdefault(value, None)

    def records(self) -> Iterator[Certification]:
        def order(code: str) -> tuple[str, int]:
            m = re.match(r"([A-Z]+)(\d+)", code)
            return (m[1], int(m[2])) if m else (code, 0)

        for code in sorted(self.drafts, key=order):
            draft = self.drafts[code]
            title = draft.best.get("title")
            yield Certification(
                rncp_code=code,
                title=title[1] if title else None,
                title_source=title[2] if title else None,
                level=draft.best["level"][1] if "level" in draft.best else None,
                is_active=draft.best["is_active"][1] if "is_active" in draft.best else None,
                **{name: tuple(draft.lists.get(name, ())) for name in LIST_FIELDS},
            )


@dataclass
class BlockDraft:
    rncp_code: str
    label: str
    competences: tuple[str, ...] = ()
    competences_source: str | None = None
    assessment: str | None = None

    def record(self, block_code: str) -> Block:
        return Block(
            block_code=block_code,
            rncp_code=self.rncp_code,
            label=self.label,
            competences=self.competences,
            competences_source=self.competences_source if self.competences else None,
            assessment=self.assessment,
        )


def merged_blocks(
    xml_blocks: Iterable[tuple[str, BlockDraft]], csv_blocks: dict[str, BlockDraft], samples: dict[str, BlockDraft]
) -> Iterator[Block]:
    """One ``Block`` per bloc code: the XML's (streamed, label and competences completed from the
    Blocs CSV and the samples), then the CSV's left (competences from the samples), then the
    samples left. ``csv_blocks`` and ``samples`` are consumed."""
    for code, draft in xml_blocks:
        csv_block = csv_blocks.pop(code, None)
        sample = samples.pop(code, None)
        if not draft.label and (known := csv_block or sample):
            draft.label = known.label
        if not draft.competences and sample and sample.competences:
            draft.competences, draft.competences_source = sample.competences, sample.competences_source
        yield draft.record(code)
    for code, draft in csv_blocks.items():
        sample = samples.pop(code, None)
        if sample:
            draft.competences, draft.competences_source = sample.competences, sample.competences_source
            draft.assessment = sample.assessment
        yield draft.record(code)
    for code, draft in samples.items():
        yield draft.record(code)


def fiche_code(value: str, path: Path, line: int | None, field_name: str) -> str:
    """A fiche number (``RNCP…`` / ``RS…``), upper-cased; an error naming file, line and field
    when it is empty or malformed."""
    code = value.strip().upper()
    if not code:
        raise InputFileError(path, "valeur vide", line=line, field=field_name)
    if not FICHE_RE.match(code):
        raise InputFileError(path, f"numéro de fiche RNCP/RS invalide : {code!r}", line=line, field=field_name)
    return code
