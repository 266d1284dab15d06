"""RNCP / RS loader — France Compétences exports, merged into one record per fiche and per bloc.

Files recognised by name (plain or ``.gz``; a folder is scanned recursively for them):

- ``export_fiches_CSV_<Kind>_YYYY_MM_DD.csv`` — the daily CSV export (``;``, quoted, UTF-8).
  Kinds read: ``Standard`` (title, level, active flag), ``Blocs_De_Competences``, ``Rome``,
  ``Nsf``, ``Formacode``, ``Certificateurs``, ``Ancienne_Nouvelle_Certification``; ``CCN`` is
  recognised but not read (no field for it). Inside values the export doubles apostrophes
  (``d''air``): they are put back to one.
- ``export_fiches_RNCP_V4_*_YYYY_MM_DD.xml`` (and the sample ``export-fiches-rncp-extract.xml``):
  the XML export (~500 MB), parsed streaming on ``FICHE`` end events; its ``LISTE_COMPETENCES``
  are split into competence items by :func:`referentials.rncp_text.split_competences`.
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

Example:
    >>> split_competences("<p>- Accueillir le client<br />- Encaisser</p>")
    ('Accueillir le client', 'Encaisser')
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from models.referential import Block, Certification, Source
from referentials.base import SourceFiles
from referentials.common import LoadReport, read_csv, require, undecodable
from referentials.rncp_text import (
    assessment_text,
    one_line,
    parse_active,
    parse_level,
    split_competences,
)
from skillgap.errors import InputFileError

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Recognising files
# ---------------------------------------------------------------------------------------------

_CSV_KINDS = {
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
_XML_EXTRACT_RE = re.compile(r"^export-fiches-rncp-extract\.xml(?:\.gz)?$")
_TITLES_RE = re.compile(r"^rncp_fiches_titles_subset_(?P<date>\d{4}_\d{2}_\d{2})\.json(?:\.gz)?$")
_REVA_RE = re.compile(r"^reva_seed_certifications\.csv(?:\.gz)?$")
_SAMPLES_RE = re.compile(r"^rncp_blocs_real_samples\.jsonl(?:\.gz)?$")
_EXPECTED = (
    "export_fiches_CSV_<Type>_AAAA_MM_JJ.csv[.gz] (<Type> : " + ", ".join(sorted(set(_CSV_KINDS))) + "), "
    "export_fiches_RNCP_V4_*.xml[.gz], rncp_fiches_titles_subset_*.json[.gz], "
    "reva_seed_certifications.csv[.gz], rncp_blocs_real_samples.jsonl[.gz]"
)

_FICHE_RE = re.compile(r"^(RNCP|RS)\d+$")
_ROME_RE = re.compile(r"^[A-N]\d{4}$")
# Which source wins for title / level / active flag (lower is better).
_RANK = {"standard": 0, "xml": 1, "titles": 2, "reva": 3}


@dataclass(frozen=True)
class _FileKind:
    kind: str  # one of _CSV_KINDS values, or "xml", "titles", "reva", "samples"
    date: str | None  # ISO date from the name, when it has one


def _classify(path: Path) -> _FileKind | None:
    """The kind of an RNCP file from its name, or None when the name is not one we know."""
    name = path.name
    if m := _CSV_RE.match(name):
        kind = _CSV_KINDS.get(m["kind"])
        return _FileKind(kind, m["date"].replace("_", "-")) if kind else None
    if m := _XML_RE.match(name):
        return _FileKind("xml", re.sub(r"[_-]", "-", m["date"]))
    if _XML_EXTRACT_RE.match(name):
        return _FileKind("xml", None)
    if m := _TITLES_RE.match(name):
        return _FileKind("titles", m["date"].replace("_", "-"))
    if _REVA_RE.match(name):
        return _FileKind("reva", None)
    if _SAMPLES_RE.match(name):
        return _FileKind("samples", None)
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
    found: dict[Path, _FileKind] = {}
    for path in map(Path, paths):
        if path.is_dir():
            for candidate in sorted(p for p in path.rglob("*") if p.is_file()):
                file_kind = _classify(candidate)
                if file_kind:  # resolved: a folder and its sub-folder may both be given
                    found[candidate.resolve()] = file_kind
                elif _CSV_RE.match(candidate.name):
                    log.info("%s: export file of a kind not read by skillgap, ignored", candidate)
        elif path.is_file():
            file_kind = _classify(path)
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
        if len(kind_paths) > 1:
            names = ", ".join(str(p) for p in kind_paths)
            message = f"plusieurs fichiers RNCP de type « {kind} » : {names} ; n'en donner qu'un"
            raise InputFileError(kind_paths[1], message)
    return SourceFiles(Source.RNCP, _version_label(found.values()), tuple(found))


def _version_label(kinds: Iterable[_FileKind]) -> str:
    kinds = list(kinds)
    by_kind = {k.kind: k for k in kinds}
    csv_dates = sorted({k.date for k in kinds if k.kind in _CSV_KINDS.values() and k.kind != "blocs" and k.date})
    parts = []
    blocs = by_kind.get("blocs")
    if csv_dates:
        label = "RNCP export " + "/".join(csv_dates)
        if blocs and blocs.date not in csv_dates:
            label += f" (blocs {blocs.date})"
        parts.append(label)
    elif blocs:
        parts.append(f"RNCP export blocs {blocs.date}")
    if xml := by_kind.get("xml"):
        parts.append(f"XML {xml.date}" if xml.date else "XML extract")
    if titles := by_kind.get("titles"):
        parts.append(f"titles subset {titles.date}")
    if "reva" in by_kind:
        parts.append("REVA seed")
    if "samples" in by_kind:
        parts.append("bloc samples")
    return " + ".join(parts)


# ---------------------------------------------------------------------------------------------
# Merging
# ---------------------------------------------------------------------------------------------


@dataclass
class _CertDraft:
    best: dict[str, tuple[int, Any, str]] = field(default_factory=dict)  # field -> (rank, value, file)
    lists: dict[str, dict[str, None]] = field(default_factory=dict)  # field -> ordered set


class _Certifications:
    """Accumulates what every file says about each fiche; builds one record per code."""

    def __init__(self) -> None:
        self.drafts: dict[str, _CertDraft] = {}

    def touch(self, code: str) -> _CertDraft:
        return self.drafts.setdefault(code, _CertDraft())

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
                **{name: tuple(draft.lists.get(name, ())) for name in _LIST_FIELDS},
            )


_LIST_FIELDS = ("rome_codes", "successor_codes", "nsf_codes", "formacodes", "certifier_names")


@dataclass
class _BlockDraft:
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


def _fiche_code(value: str, path: Path, line: int | None, field_name: str) -> str:
    code = value.strip().upper()
    if not code:
        raise InputFileError(path, "valeur vide", line=line, field=field_name)
    if not _FICHE_RE.match(code):
        raise InputFileError(path, f"numéro de fiche RNCP/RS invalide : {code!r}", line=line, field=field_name)
    return code


# ---------------------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------------------


def load(files: SourceFiles, *, report: LoadReport) -> Iterator[Certification | Block]:
    """Yield one ``Block`` per bloc code, then one ``Certification`` per fiche (see module doc)."""
    paths = {k.kind: p for p in files.files if (k := _classify(p))}
    certs = _Certifications()
    samples = _read_samples(paths["samples"], report, certs) if "samples" in paths else {}
    csv_blocks = _read_blocs_csv(paths["blocs"], report, certs) if "blocs" in paths else {}
    if "xml" in paths:
        for code, draft in _read_xml(paths["xml"], report, certs):
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
    for kind in ("standard", "rome", "nsf", "formacode", "certificateurs", "ancienne_nouvelle"):
        if kind in paths:
            _read_fc_csv(kind, paths[kind], report, certs)
    if "ccn" in paths:
        log.info("%s: collective agreements are not part of the records, not read", paths["ccn"].name)
    if "titles" in paths:
        _read_titles(paths["titles"], report, certs)
    if "reva" in paths:
        _read_reva(paths["reva"], report, certs)
    yield from certs.records()


_FC_COLUMNS = {
    "standard": ("Numero_Fiche", "Intitule", "Nomenclature_Europe_Niveau", "Actif"),
    "rome": ("Numero_Fiche", "Codes_Rome_Code"),
    "nsf": ("Numero_Fiche", "Nsf_Code"),
    "formacode": ("Numero_Fiche", "Formacode_Code"),
    "certificateurs": ("Numero_Fiche", "Nom_Certificateur"),
    "ancienne_nouvelle": ("Numero_Fiche", "Nouvelle_Certification"),
}
_FC_LIST_FIELD = {
    "rome": "rome_codes",
    "nsf": "nsf_codes",
    "formacode": "formacodes",
    "certificateurs": "certifier_names",
    "ancienne_nouvelle": "successor_codes",
}


def _read_fc_csv(kind: str, path: Path, report: LoadReport, certs: _Certifications) -> None:
    """A France Compétences CSV keyed by ``Numero_Fiche`` (Standard or a link file)."""
    name = path.name
    columns = _FC_COLUMNS[kind]
    for line, row in read_csv(path, required=columns, delimiter=";"):
        report.count(name)
        code = _fiche_code(row["Numero_Fiche"], path, line, "Numero_Fiche")
        certs.touch(code)
        if kind == "standard":
            level = parse_level(row["Nomenclature_Europe_Niveau"])
            if level is None and row["Nomenclature_Europe_Niveau"].strip():
                report.drop(name, "niveau non reconnu (fiche gardée sans niveau)")
            active = parse_active(row["Actif"])
            if active is None and row["Actif"].strip():
                report.drop(name, "Actif non reconnu (fiche gardée sans indicateur actif)")
            title = one_line(row["Intitule"]) or None
            certs.offer(code, "standard", name, title=title, level=level, is_active=active)
            continue
        value = one_line(row[columns[1]])
        if not value:
            if kind != "ancienne_nouvelle":  # an empty Nouvelle_Certification is an 'old only' row
                report.drop(name, f"{columns[1]} vide")
            continue
        if kind == "rome" and not _ROME_RE.match(value):
            report.drop(name, "code de domaine ROME au lieu d'un code de fiche (ex. 'M18') : lien écarté")
            continue
        if kind == "ancienne_nouvelle":
            value = _fiche_code(value, path, line, columns[1])
        certs.add(code, _FC_LIST_FIELD[kind], [value])


def _read_blocs_csv(path: Path, report: LoadReport, certs: _Certifications) -> dict[str, _BlockDraft]:
    name = path.name
    blocks: dict[str, _BlockDraft] = {}
    first_line: dict[str, int] = {}
    required = ("Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle")
    for line, row in read_csv(path, required=required, delimiter=";"):
        report.count(name)
        rncp_code = _fiche_code(row["Numero_Fiche"], path, line, "Numero_Fiche")
        code = require(row["Bloc_Competences_Code"], path, line, "Bloc_Competences_Code").upper()
        if code in blocks:
            message = f"code de bloc {code} en double (déjà ligne {first_line[code]})"
            raise InputFileError(path, message, line=line, field="Bloc_Competences_Code")
        label = one_line(row["Bloc_Competences_Libelle"])
        if not label:
            report.note(name, "Bloc_Competences_Libelle vide : bloc gardé avec un libellé vide")
        certs.touch(rncp_code)
        blocks[code] = _BlockDraft(rncp_code, label)
        first_line[code] = line
    return blocks


def _open_binary(path: Path) -> gzip.GzipFile | io.BufferedReader:
    if not path.exists():
        raise InputFileError(path, "fichier introuvable")
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def _read_whole(path: Path) -> str:
    """The text of a (gzip) UTF-8 file, with one-line errors for bad gzip or encoding."""
    try:
        with _open_binary(path) as f:
            return f.read().decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputFileError(path, f"pas du texte utf-8 ({undecodable(e)})") from e
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        raise InputFileError(path, f"gzip tronqué ou corrompu ({e})") from e


def _read_titles(path: Path, report: LoadReport, certs: _Certifications) -> None:
    name = path.name
    try:
        data = json.loads(_read_whole(path))
    except json.JSONDecodeError as e:
        raise InputFileError(path, f"JSON mal formé ({e.msg})", line=e.lineno) from e
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise InputFileError(path, "objet attendu avec une liste « rows »", field="rows")
    for i, row in enumerate(rows, 1):
        report.count(name)
        code = _fiche_code(str(row.get("code") or ""), path, None, f"rows[{i}].code")
        title = one_line(row.get("intitule") or "") or None
        level = parse_level(row.get("niveau"))
        certs.offer(code, "titles", name, title=title, level=level, is_active=parse_active(row.get("actif")))
        successors = [str(s).strip().upper() for s in row.get("successeurs") or ()]
        certs.add(code, "successor_codes", [s for s in successors if _FICHE_RE.match(s)])
        certs.add(code, "formacodes", [str(c).strip() for c in row.get("formacodes") or () if str(c).strip()])


def _read_reva(path: Path, report: LoadReport, certs: _Certifications) -> None:
    name = path.name
    columns = ("Code RNCP", "Nom la certification", "Niveau de diplôme", "Certification active ?")
    for line, row in read_csv(path, required=columns, delimiter=","):
        report.count(name)
        number = require(row["Code RNCP"], path, line, "Code RNCP")
        if not number.isdigit():
            raise InputFileError(path, f"numéro RNCP attendu sans préfixe, reçu {number!r}", line=line)
        active = {"checked": True, "": False}.get(row["Certification active ?"].strip().lower())
        certs.offer(
            f"RNCP{int(number)}",
            "reva",
            name,
            title=one_line(row["Nom la certification"]) or None,
            level=parse_level(row["Niveau de diplôme"]),
            is_active=active,
        )


def _read_samples(path: Path, report: LoadReport, certs: _Certifications) -> dict[str, _BlockDraft]:
    """The real bloc samples (JSON lines); blocs without a code are counted and dropped."""
    name = path.name
    blocks: dict[str, _BlockDraft] = {}
    for line, text in enumerate(_read_whole(path).splitlines(), 1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputFileError(path, f"ligne JSON mal formée ({e.msg})", line=line) from e
        report.count(name)
        rncp_code = _fiche_code(str(row.get("numero_fiche") or ""), path, line, "numero_fiche")
        certs.touch(rncp_code)
        code = (row.get("bloc_code") or "").strip().upper()
        if not code:
            report.drop(name, "bloc_code vide (bloc écarté)")
            continue
        if code in blocks:
            raise InputFileError(path, f"code de bloc {code} en double", line=line, field="bloc_code")
        parsed = tuple(one_line(c) for c in row.get("competences_parsed") or () if one_line(c))
        competences = parsed or split_competences(row.get("liste_competences"))
        blocks[code] = _BlockDraft(
            rncp_code,
            one_line(row.get("bloc_libelle") or ""),
            competences,
            name if competences else None,
            assessment_text(row.get("modalites_evaluation")),
        )
    return blocks


def _texts(elem: etree._Element, path: str) -> list[str]:
    return [one_line(e.text or "") for e in elem.iterfind(path) if one_line(e.text or "")]


def _read_xml(path: Path, report: LoadReport, certs: _Certifications) -> Iterator[tuple[str, _BlockDraft]]:
    """Stream ``FICHE`` elements of the XML export; yield its blocs as they come."""
    name = path.name
    n_fiches, current = 0, None
    seen: set[str] = set()
    try:
        with _open_binary(path) as f:
            events = etree.iterparse(
                f,
                events=("end",),
                tag=("NUMERO_FICHE", "FICHE"),
                huge_tree=True,
                resolve_entities=False,
                no_network=True,
            )
            for _, elem in events:
                if elem.tag == "NUMERO_FICHE":
                    current = (elem.text or "").strip() or None
                    continue
                n_fiches += 1
                report.count(name)
                yield from _xml_fiche(elem, path, f"FICHE #{n_fiches} ({current})", certs, seen)
                current = None
                elem.clear(keep_tail=True)
                while elem.getprevious() is not None:
                    del elem.getparent()[0]
    except etree.XMLSyntaxError as e:
        where = f"FICHE #{n_fiches + 1} ({current or 'numéro pas encore lu'})"
        raise InputFileError(path, f"XML mal formé ou tronqué dans {where} : {e.msg}", line=e.lineno) from e
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        where = f"FICHE #{n_fiches + 1} ({current or 'numéro pas encore lu'})"
        raise InputFileError(path, f"gzip tronqué ou corrompu dans {where} ({e})") from e


def _xml_fiche(
    elem: etree._Element, path: Path, where: str, certs: _Certifications, seen: set[str]
) -> Iterator[tuple[str, _BlockDraft]]:
    name = path.name
    line = elem.sourceline
    code = (elem.findtext("NUMERO_FICHE") or "").strip().upper()
    if not _FICHE_RE.match(code):
        message = f"{where} : numéro de fiche vide ou mal formé {code!r}"
        raise InputFileError(path, message, line=line, field="NUMERO_FICHE")
    certs.offer(
        code,
        "xml",
        name,
        title=one_line(elem.findtext("INTITULE") or "") or None,
        level=parse_level(elem.findtext("NOMENCLATURE_EUROPE/NIVEAU")),
        is_active=parse_active(elem.findtext("ACTIF")),
    )
    certs.add(code, "rome_codes", [c for c in _texts(elem, "CODES_ROME/ROME/CODE") if _ROME_RE.match(c)])
    successors = _texts(elem, "NOUVELLES_CERTIFICATIONS/NOUVELLE_CERTIFICATION/ID_FICHE_NOUVELLE_CERTIFICATION")
    certs.add(code, "successor_codes", [s.upper() for s in successors if _FICHE_RE.match(s.upper())])
    certs.add(code, "nsf_codes", _texts(elem, "CODES_NSF/NSF/CODE"))
    certs.add(code, "formacodes", _texts(elem, "FORMACODES/FORMACODE/CODE"))
    certs.add(code, "certifier_names", _texts(elem, "CERTIFICATEURS/CERTIFICATEUR/NOM_CERTIFICATEUR"))
    for i, bloc in enumerate(elem.iterfind("BLOCS_COMPETENCES/BLOC_COMPETENCES"), 1):
        block_code = (bloc.findtext("CODE") or "").strip().upper()
        if not block_code:
            raise InputFileError(
                path, f"{where} BLOC_COMPETENCES #{i} : valeur vide", line=bloc.sourceline, field="CODE"
            )
        if block_code in seen:
            message = f"{where} : code de bloc {block_code} en double"
            raise InputFileError(path, message, line=bloc.sourceline, field="CODE")
        seen.add(block_code)
        competences = split_competences(bloc.findtext("LISTE_COMPETENCES"))
        yield block_code, _BlockDraft(
            code,
            one_line(bloc.findtext("LIBELLE") or ""),
            competences,
            name if competences else None,
            assessment_text(bloc.findtext("MODALITES_EVALUATION")),
        )
