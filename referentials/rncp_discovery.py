"""RNCP / RS files: which kind a file is (from its name), finding them, the version label.

The names recognised are listed in ``referentials.rncp``'s docstring; ``discover`` is the
``discover`` entry point of the RNCP loader (``referentials.rncp.discover``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from models.referential import Source
from referentials.base import SourceFiles
from skillgap.errors import InputFileError

log = logging.getLogger(__name__)

#: kind in the CSV export's file name → our name of it
CSV_KINDS = {
    "Standard": "standard",
    "Blocs_De_Competences": "blocs",
    "Rome": "rome",
    "Nsf": "nsf",
    "Formacode": "formacode",
    "Certificateurs": "certificateurs",
    "Ancienne_Nouvelle_Certification": "ancienne_nouvelle",
    "Ancienne_Nouvelle": "ancienne_nouvelle",
    "CCN": "ccn",
}
_CSV_RE = re.compile(r"^export_fiches_CSV_(?P<kind>\w+?)_(?P<date>\d{4}_\d{2}_\d{2})\.csv(?:\.gz)?$")
_XML_RE = re.compile(
    r"^export[_-]fiches[_-]rncp[_-]v4(?:[_-]\d+)?[_-](?P<date>\d{4}[_-]\d{2}[_-]\d{2})\.xml(?:\.gz)?$", re.I
)
# an extract of the export without a date in its name (e.g. ``export_fiches_RNCP_V4_extract2.xml``)
_XML_UNDATED_RE = re.compile(r"^export[_-]fiches[_-]rncp[_-]v4[_-][a-z0-9]+\.xml(?:\.gz)?$", re.I)
_XML_EXTRACT_RE = re.compile(r"^export-fiches-rncp-extract\.xml(?:\.gz)?$")
_TITLES_RE = re.compile(r"^rncp_fiches_titles_subset_(?P<date>\d{4}_\d{2}_\d{2})\.json(?:\.gz)?$")
_REVA_RE = re.compile(r"^reva_seed_certifications\.csv(?:\.gz)?$")
_SAMPLES_RE = re.compile(r"^rncp_blocs_real_samples\.jsonl(?:\.gz)?$")
_EXPECTED = (
    "export_fiches_CSV_<Type>_AAAA_MM_JJ.csv[.gz] (<Type> : " + ", ".join(sorted(set(CSV_KINDS))) + "), "
    "export_fiches_RNCP_V4_*.xml[.gz], rncp_fiches_titles_subset_*.json[.gz], "
    "reva_seed_certifications.csv[.gz], rncp_blocs_real_samples.jsonl[.gz]"
)


@dataclass(frozen=True)
class FileKind:
    kind: str  # one of CSV_KINDS values, or "xml", "titles", "reva", "samples"
    date: str | None  # ISO date from the name, when it has one


def classify(path: Path) -> FileKind | None:
    """The kind of an RNCP file from its name, or None when the name is not one we know.

    >>> classify(Path("export_fiches_CSV_Rome_2026_02_01.csv.gz"))
    FileKind(kind='rome', date='2026-02-01')
    >>> classify(Path("export_fiches_RNCP_V4_extract2.xml"))
    FileKind(kind='xml', date=None)
    >>> classify(Path("notes.txt")) is None
    True
    """
    name = path.name
    if m := _CSV_RE.match(name):
        kind = CSV_KINDS.get(m["kind"])
        return FileKind(kind, m["date"].replace("_", "-")) if kind else None
    if m := _XML_RE.match(name):
        return FileKind("xml", re.sub(r"[_-]", "-", m["date"]))
    if _XML_EXTRACT_RE.match(name) or _XML_UNDATED_RE.match(name):
        return FileKind("xml", None)
    if m := _TITLES_RE.match(name):
        return FileKind("titles", m["date"].replace("_", "-"))
    if _REVA_RE.match(name):
        return FileKind("reva", None)
    if _SAMPLES_RE.match(name):
        return FileKind("samples", None)
    return None


def discover(paths: Sequence[Path]) -> SourceFiles:
    """The RNCP/RS files among ``paths`` (files and/or folders) and their version label.

    Args:
        paths: files (each must be a recognised RNCP file) and folders (scanned recursively;
            other files in them are ignored).
    Returns:
        ``SourceFiles(Source.RNCP, label, files)``, label e.g.
        ``"RNCP export 2026-02-01 (blocs 2024-01-17) + titles subset 2026-10-03"``.
    Raises:
        InputFileError: a path is missing, a file is not recognised, two files have the same
        kind, or nothing was found.
    """
    found: dict[Path, FileKind] = {}
    for path in map(Path, paths):
        if path.is_dir():
            for candidate in sorted(p for p in path.rglob("*") if p.is_file()):
                file_kind = classify(candidate)
                if file_kind:  # resolved: a folder and its sub-folder may both be given
                    found[candidate.resolve()] = file_kind
                elif _CSV_RE.match(candidate.name):
                    log.info("%s: export file of a kind not read by skillgap, ignored", candidate)
        elif path.is_file():
            file_kind = classify(path)
            if file_kind is None:
                raise InputFileError(path, f"fichier RNCP/RS non reconnu ; noms attendus : {_EXPECTED}")
            found[path.resolve()] = file_kind
        else:
            raise InputFileError(path, "fichier introuvable")
    if not found:
        where = ", ".join(map(str, paths)) or "--rncp"
        raise InputFileError(where, f"aucun fichier RNCP/RS trouvé ; noms attendus : {_EXPECTED}")
    by_kind: dict[str, list[Path]] = {}
    for path, file_kind in found.items():
        by_kind.setdefault(file_kind.kind, []).append(path)
    for kind, kind_paths in by_kind.items():
        if len(kind_paths) > 1 and kind != "xml":  # several XML extracts are merged (``rncp.load``)
            names = ", ".join(str(p) for p in kind_paths)
            message = f"plusieurs fichiers RNCP de type « {kind} » : {names} ; n'en donner qu'un"
            raise InputFileError(kind_paths[1], message)
    return SourceFiles(Source.RNCP, version_label(found.values()), tuple(found))


def version_label(kinds: Iterable[FileKind]) -> str:
    """The version label of a set of RNCP files (dates of the export, which extras)."""
    kinds = list(kinds)
    by_kind = {k.kind: k for k in kinds}
    csv_dates = sorted({k.date for k in kinds if k.kind in CSV_KINDS.values() and k.kind != "blocs" and k.date})
    parts = []
    blocs = by_kind.get("blocs")
    if csv_dates:
        label = "RNCP export " + "/".join(csv_dates)
        if blocs and blocs.date not in csv_dates:
            label += f" (blocs {blocs.date})"
        parts.append(label)
    elif blocs:
        parts.append(f"RNCP export blocs {blocs.date}")
    xmls = sorted((k for k in kinds if k.kind == "xml"), key=lambda k: k.date or "")
    if len(xmls) > 1:
        dated = [k.date for k in xmls if k.date]
        parts.append(f"{len(xmls)} XML extracts" + (f" ({', '.join(dated)})" if dated else ""))
    elif xmls:
        parts.append(f"XML {xmls[0].date}" if xmls[0].date else "XML extract")
    if titles := by_kind.get("titles"):
        parts.append(f"titles subset {titles.date}")
    if "reva" in by_kind:
        parts.append("REVA seed")
    if "samples" in by_kind:
        parts.append("bloc samples")
    return " + ".join(parts)
