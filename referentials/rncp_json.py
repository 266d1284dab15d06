"""RNCP / RS JSON readers: the titles subset (``rncp_fiches_titles_subset_*.json``) and the real
bloc samples (``rncp_blocs_real_samples.jsonl``)."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

from referentials.common import LoadReport, open_text, undecodable
from referentials.rncp_merge import FICHE_RE, BlockDraft, Certifications, fiche_code
from referentials.rncp_text import assessment_text, one_line, parse_active, parse_level, split_competences
from skillgap.errors import InputFileError


def read_whole(path: Path) -> str:
    """The text of a (gzip) UTF-8 file, with one-line errors for bad gzip or encoding."""
    try:
        with open_text(path) as f:
            return f.read()
    except UnicodeDecodeError as e:
        raise InputFileError(path, f"pas du texte utf-8 ({undecodable(e)})") from e
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        raise InputFileError(path, f"gzip tronqué ou corrompu ({e})") from e


def read_titles(path: Path, report: LoadReport, certs: Certifications) -> None:
    """Titles, levels, active flags, successors and formacodes of the titles subset."""
    name = path.name
    try:
        data = json.loads(read_whole(path))
    except json.JSONDecodeError as e:
        raise InputFileError(path, f"JSON mal formé ({e.msg})", line=e.lineno) from e
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise InputFileError(path, "objet attendu avec une liste « rows »", field="rows")
    for i, row in enumerate(rows, 1):
        report.count(name)
        code = fiche_code(str(row.get("code") or ""), path, None, f"rows[{i}].code")
        title = one_line(row.get("intitule") or "") or None
        level = parse_level(row.get("niveau"))
        certs.offer(code, "titles", name, title=title, level=level, is_active=parse_active(row.get("actif")))
        successors = [str(s).strip().upper() for s in row.get("successeurs") or ()]
        certs.add(code, "successor_codes", [s for s in successors if FICHE_RE.match(s)])
        certs.add(code, "formacodes", [str(c).strip() for c in row.get("formacodes") or () if str(c).strip()])


def read_samples(path: Path, report: LoadReport, certs: Certifications) -> dict[str, BlockDraft]:
    """The real bloc samples (JSON lines); blocs without a code are counted and dropped."""
    name = path.name
    blocks: dict[str, BlockDraft] = {}
    for line, text in enumerate(read_whole(path).splitlines(), 1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputFileError(path, f"ligne JSON mal formée ({e.msg})", line=line) from e
        report.count(name)
        rncp_code = fiche_code(str(row.get("numero_fiche") or ""), path, line, "numero_fiche")
        certs.touch(rncp_code)
        code = (row.get("bloc_code") or "").strip().upper()
        if not code:
            report.drop(name, "bloc_code vide (bloc écarté)")
            continue
        if code in blocks:
            raise InputFileError(path, f"code de bloc {code} en double", line=line, field="bloc_code")
        parsed = tuple(one_line(c) for c in row.get("competences_parsed") or () if one_line(c))
        competences = parsed or split_competences(row.get("liste_competences"))
        blocks[code] = BlockDraft(
            rncp_code,
            one_line(row.get("bloc_libelle") or ""),
            competences,
            name if competences else None,
            assessment_text(row.get("modalites_evaluation")),
        )
    return blocks
