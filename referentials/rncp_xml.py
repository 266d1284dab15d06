"""RNCP / RS XML reader: ``export_fiches_RNCP_V4_*.xml`` (~500 MB), parsed streaming on ``FICHE``
end events; ``LISTE_COMPETENCES`` is split into items by ``rncp_text.split_competences``."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from referentials.common import LoadReport, open_binary
from referentials.rncp_merge import FICHE_RE, ROME_RE, BlockDraft, Certifications
from referentials.rncp_text import assessment_text, one_line, parse_active, parse_level, split_competences
from skillgap.errors import InputFileError


def _texts(elem: etree._Element, path: str) -> list[str]:
    return [one_line(e.text or "") for e in elem.iterfind(path) if one_line(e.text or "")]


def read_xml(path: Path, report: LoadReport, certs: Certifications) -> Iterator[tuple[str, BlockDraft]]:
    """Stream ``FICHE`` elements of the XML export; yield its blocs as they come."""
    name = path.name
    n_fiches, current = 0, None
    seen: set[str] = set()
    try:
        with open_binary(path) as f:
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
    elem: etree._Element, path: Path, where: str, certs: Certifications, seen: set[str]
) -> Iterator[tuple[str, BlockDraft]]:
    name = path.name
    line = elem.sourceline
    code = (elem.findtext("NUMERO_FICHE") or "").strip().upper()
    if not FICHE_RE.match(code):
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
    certs.add(code, "rome_codes", [c for c in _texts(elem, "CODES_ROME/ROME/CODE") if ROME_RE.match(c)])
    successors = _texts(elem, "NOUVELLES_CERTIFICATIONS/NOUVELLE_CERTIFICATION/ID_FICHE_NOUVELLE_CERTIFICATION")
    certs.add(code, "successor_codes", [s.upper() for s in successors if FICHE_RE.match(s.upper())])
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
        yield block_code, BlockDraft(
            code,
            one_line(bloc.findtext("LIBELLE") or ""),
            competences,
            name if competences else None,
            assessment_text(bloc.findtext("MODALITES_EVALUATION")),
        )
