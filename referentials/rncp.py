"""RNCP / RS loader — France Compétences exports, merged into one record per fiche and per bloc.

Files recognised by name (plain or ``.gz``; a folder is scanned recursively for them):

- ``export_fiches_CSV_<Kind>_YYYY_MM_DD.csv`` — the daily CSV export (``;``, quoted, UTF-8).
  Kinds read: ``Standard`` (title, level, active flag), ``Blocs_De_Competences``, ``Rome``,
  ``Nsf``, ``Formacode``, ``Certificateurs``, ``Ancienne_Nouvelle_Certification``; ``CCN`` is
  recognised but not read (no field for it). Inside values the export doubles apostrophes
  (``d''air``): they are put back to one.
- ``export_fiches_RNCP_V4_*_YYYY_MM_DD.xml``, extracts named without a date
  (``export_fiches_RNCP_V4_extract2.xml``) and the sample ``export-fiches-rncp-extract.xml``:
  the XML export (~500 MB), parsed streaming on ``FICHE`` end events; its ``LISTE_COMPETENCES``
  are split into competence items by :func:`referentials.rncp_text.split_competences`. Several
  XML files are read in name order and merged: a bloc found in two of them keeps the first
  reading (counted in the load report).
- ``rncp_fiches_titles_subset_YYYY_MM_DD.json`` (titles, levels, active flags, successors,
  formacodes of a 4,217-fiche subset), ``reva_seed_certifications.csv`` (France VAE seed: 243
  titles and levels; ``Code RNCP`` without prefix) and ``rncp_blocs_real_samples.jsonl`` (58 real
  blocs with competence text).

Merge rules: one :class:`Certification` per ``rncp_code`` and one :class:`Block` per ``block_code``
across all files. Title, level and active flag come, field by field, from the first source that
has them in the order Standard CSV > XML > titles subset > REVA seed (``title_source`` names the
file of the title). Code lists (ROME, successors, NSF, formacodes, certifiers) are the union of
all sources. A fiche seen only in a link file still gets a record (title ``None``). A bloc's
label comes from the XML, else the Blocs CSV, else the samples; its competences from the XML,
else the samples (their ``competences_parsed`` list, else their split ``liste_competences``);
``competences_source`` names the file. Blocks are yielded first (XML blocks while streaming),
then the certifications, sorted by code.

Bad input: a missing or unrecognised file, wrong delimiter, missing column, truncated gzip or
XML, undecodable bytes, an empty fiche or bloc code, or a bloc code twice in one file raises
``InputFileError`` naming file, line (or XML element) and field. Tolerable problems (a ROME
domain code such as ``M18`` instead of a fiche code, a sample bloc without code, a level that
cannot be read) are counted in the ``LoadReport``.

The code is split by concern: ``rncp_discovery`` (file names, ``discover``), ``rncp_csv``,
``rncp_json`` and ``rncp_xml`` (one reader per format), ``rncp_merge`` (the merge rules above),
``rncp_text`` (competence lists, levels, flags). This module keeps the loader's two entry points.

Example:
    >>> split_competences("<p>- Accueillir le client<br />- Encaisser</p>")
    ('Accueillir le client', 'Encaisser')
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from models.referential import Block, Certification
from referentials.base import SourceFiles
from referentials.common import LoadReport
from referentials.rncp_csv import read_blocs_csv, read_fc_csv, read_reva
from referentials.rncp_discovery import classify, discover
from referentials.rncp_json import read_samples, read_titles
from referentials.rncp_merge import BlockDraft, Certifications, merged_blocks
from referentials.rncp_text import split_competences
from referentials.rncp_xml import read_xml

__all__ = ["discover", "load", "split_competences"]

log = logging.getLogger(__name__)

#: the CSV files keyed by fiche number, in the order they are read
_FC_KINDS = ("standard", "rome", "nsf", "formacode", "certificateurs", "ancienne_nouvelle")


def load(files: SourceFiles, *, report: LoadReport) -> Iterator[Certification | Block]:
    """Yield one ``Block`` per bloc code, then one ``Certification`` per fiche (see module doc)."""
    paths = {k.kind: p for p in files.files if (k := classify(p)) and k.kind != "xml"}
    xml_paths = sorted((p for p in files.files if (k := classify(p)) and k.kind == "xml"), key=lambda p: p.name)
    certs = Certifications()
    samples = read_samples(paths["samples"], report, certs) if "samples" in paths else {}
    csv_blocks = read_blocs_csv(paths["blocs"], report, certs) if "blocs" in paths else {}
    yield from merged_blocks(_first_reading(xml_paths, report, certs), csv_blocks, samples)
    for kind in _FC_KINDS:
        if kind in paths:
            read_fc_csv(kind, paths[kind], report, certs)
    if "ccn" in paths:
        log.info("%s: collective agreements are not part of the records, not read", paths["ccn"].name)
    if "titles" in paths:
        read_titles(paths["titles"], report, certs)
    if "reva" in paths:
        read_reva(paths["reva"], report, certs)
    yield from certs.records()


def _first_reading(paths: list[Path], report: LoadReport, certs: Certifications) -> Iterator[tuple[str, BlockDraft]]:
    """The blocs of several XML extracts, streamed in order; a bloc already read keeps its first reading."""
    seen: set[str] = set()
    for path in paths:
        for code, draft in read_xml(path, report, certs):
            if code in seen:
                report.note(path.name, "bloc déjà lu dans un autre extrait XML : première lecture gardée")
                continue
            seen.add(code)
            yield code, draft
