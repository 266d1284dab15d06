"""Official ESCO ↔ ROME crosswalk loader (France Travail's ``FR_<date>_mapping_esco_rome.csv``).

The file opens with ``key,value`` metadata lines (project, version, classifications), a blank
line, then the table ``classification 1 ID`` (ESCO occupation URI), ``classification 2 ID``
(ROME appellation OGR code), ``mapping relation`` (``skos:exactMatch`` / ``closeMatch`` /
``narrowMatch`` / ``broadMatch``). Yields ``RomeEscoLink`` records; through the appellation's
fiche a ROME 4.0 occupation reaches ESCO occupations and their essential / optional skills.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from models.referential import RomeEscoLink, Source
from referentials.base import SourceFiles
from referentials.common import LoadReport, open_text, read_csv, require
from skillgap.errors import InputFileError

_HEADER = "classification 1 ID"
_COLUMNS = ("classification 1 ID", "classification 2 ID", "mapping relation")


def _metadata(path: Path) -> tuple[dict[str, str], int]:
    """The metadata lines before the table, and how many lines precede its header."""
    meta: dict[str, str] = {}
    with open_text(path) as f:
        for n, line in enumerate(f):
            if line.startswith(_HEADER):
                return meta, n
            key, _, value = line.partition(",")
            if key.strip():
                meta[key.strip()] = value.strip()
            if n > 100:
                break
    raise InputFileError(path, f"aucun en-tête de tableau commençant par « {_HEADER} » dans les 100 premières lignes")


def discover(paths: Sequence[Path]) -> SourceFiles:
    """The crosswalk file (``paths[0]``: the file, or a folder holding one ``*mapping_esco_rome*.csv``)."""
    if len(paths) != 1:
        raise InputFileError("--crosswalk", "un seul fichier ou dossier de correspondance attendu")
    path = Path(paths[0])
    if path.is_dir():
        matches = sorted(path.glob("*mapping_esco_rome*.csv*"))
        if len(matches) != 1:
            raise InputFileError(path, "exactement un fichier *mapping_esco_rome*.csv[.gz] attendu")
        path = matches[0]
    meta, _ = _metadata(path)
    label = (f"ESCO-ROME mapping {meta.get('Mapping project version', '?')} "
             f"({meta.get('Mapping project version date', '?')})")
    return SourceFiles(Source.ESCO_ROME, label, (path,))


def load(files: SourceFiles, *, report: LoadReport) -> Iterator[RomeEscoLink]:
    """Yield one link per (ROME appellation, ESCO occupation) row."""
    path = files.files[0]
    _, skip = _metadata(path)
    seen: set[tuple[str, str]] = set()
    for line, row in read_csv(path, required=_COLUMNS, skip_lines=skip):
        uri = require(row["classification 1 ID"], path, line, "classification 1 ID")
        code = require(row["classification 2 ID"], path, line, "classification 2 ID")
        relation = require(row["mapping relation"], path, line, "mapping relation").removeprefix("skos:")
        if (code, uri) in seen:
            report.drop(path.name, "paire (appellation, métier ESCO) en double")
            continue
        seen.add((code, uri))
        yield RomeEscoLink(appellation_code=code, esco_uri=uri, relation=relation)
        report.count(path.name)
