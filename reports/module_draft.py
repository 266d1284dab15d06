"""« Fiche module complémentaire »: the specification draft of a candidate module, for Région buyers.

Everything in the draft comes from the stored module (``analysis.modules``) and the referentials:
title, target occupation, the certifications and blocks it complements, the competences to
acquire (the uncovered skills, worded as competences — automatic wording, to be validated), the
evidence (share of ads with its 95% interval, period, region, ad ids and excerpts) and the
traceability (model, referential versions, thresholds, clustering). What a buyer must decide —
duration, assessment, prerequisites, public, teaching methods — is marked « À COMPLÉTER »:
nothing is invented.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import duckdb

from analysis.modules import load_module
from models.analysis import CandidateModule
from referentials import queries
from referentials.geo import region_label
from skillgap.errors import NotFoundError, UserError

TO_COMPLETE = "À COMPLÉTER"
BUYER_FIELDS = (
    ("Durée (heures)", "durée en centre et en entreprise"),
    ("Modalités d'évaluation", "épreuves, critères, jury ; articulation avec l'évaluation des blocs complétés"),
    ("Prérequis", "niveau d'entrée, blocs ou certification déjà acquis"),
    ("Public visé", "demandeurs d'emploi, salariés, alternants ; territoire (QPV, zones rurales)"),
    ("Modalités pédagogiques", "présentiel, distanciel, situations de travail"),
    ("Organisme(s) et calendrier", "à définir par l'acheteur"),
)
_INFINITIVE = re.compile(r"^\w+(er|ir|re)\b", re.IGNORECASE)


def as_competence(label: str) -> str:
    """A skill label worded as a competence to acquire (kept as is when it already starts with a verb).

    >>> as_competence("Concevoir une application web")
    'Concevoir une application web'
    >>> as_competence("Kubernetes")
    'Maîtriser : Kubernetes'
    """
    label = label.strip()
    return label[:1].upper() + label[1:] if _INFINITIVE.match(label) else f"Maîtriser : {label}"


@dataclass
class DraftContent:
    """The sections of a draft, as (heading, paragraphs/bullets) ready for Markdown or DOCX."""

    title: str
    sections: list[tuple[str, list[str]]]


def build_draft(con: duckdb.DuckDBPyConnection, module: CandidateModule) -> DraftContent:
    fiche = queries.occupation(con, module.rome_code) or {"label": "?", "appellations": []}
    region = f"{region_label(module.region_code)} ({module.region_code})" if module.region_code else "toutes régions"
    period = (f"du {module.date_from or 'début des données'} "
              f"{'au ' + str(module.date_to) if module.date_to else 'à la fin des données'}")
    blocks = []
    for code in module.complemented_certifications:
        cert = queries.certification(con, code) or {}
        block_rows = queries.blocks_of_certification(con, code)
        mine = block_rows[block_rows.block_code.isin(module.complemented_blocks)]
        level = f", niveau {cert.get('level')}" if cert.get("level") else ""
        blocks.append(f"{code} — {cert.get('title') or 'intitulé non disponible dans le référentiel chargé'}{level}")
        blocks += [f"    bloc {b.block_code} : {b.label}" for b in mine.itertuples()]
    competences = [f"{as_competence(s.skill_label)} — demandée dans {s.n_ads} offre(s), "
                   f"{s.share:.1%} [{s.share_low:.1%} ; {s.share_high:.1%}]"
                   + ("" if s.is_linked else " (expression libre des offres, sans équivalent dans le ROME/ESCO)")
                   + (f" ; partiellement couverte par le bloc {s.coverage.block_code} « {s.coverage.matched_text} »"
                      if s.coverage.status.value == "partial" else "")
                   for s in module.skills]
    evidence = [f"{module.n_ads} offre(s) du métier demandent au moins une de ces compétences, "
                f"soit {module.share:.1%} "
                f"(intervalle de confiance à 95 % : {module.share_low:.1%} – {module.share_high:.1%}), "
                f"{period}, {region}."]
    for s in module.skills:
        evidence += [f"« {e.excerpt} » (offre {e.ad_id}{', ' + str(e.created_at) if e.created_at else ''})"
                     for e in s.evidence[:2]]
    first = module.skills[0].coverage if module.skills else None
    trace = [f"Identifiant du module : {module.module_id}", f"Modèle d'embedding : {module.model_name}",
             f"Regroupement : {module.clustering}"]
    if first is not None:
        trace += [f"Référentiel RNCP : {first.rncp_version} ; seuils couvert ≥ {first.covered_threshold}, "
                  f"partiel ≥ {first.partial_threshold}",
                  "Chaque compétence ci-dessus a été jugée non (ou partiellement) couverte par les blocs des "
                  "certifications liées au métier ; quand un bloc n'a pas de liste de compétences dans le référentiel "
                  "chargé, la comparaison porte sur son seul intitulé."]
    return DraftContent(
        title=f"Fiche module complémentaire — {module.title}",
        sections=[
            ("Métier visé", [f"{module.rome_code} — {fiche['label']}"]
             + ([f"Appellations : {', '.join(fiche['appellations'][:8])}"] if fiche.get("appellations") else [])),
            ("Certifications et blocs complétés", blocks or ["aucun bloc proche identifié"]),
            ("Compétences à acquérir (formulation automatique, à valider)", competences),
            ("Éléments de preuve issus des offres d'emploi", evidence),
            ("À compléter par l'acheteur", [f"{name} : [{TO_COMPLETE}] ({hint})" for name, hint in BUYER_FIELDS]),
            ("Traçabilité", trace),
        ])


def to_markdown(draft: DraftContent) -> str:
    lines = [f"# {draft.title}", ""]
    for heading, items in draft.sections:
        lines += [f"## {heading}", ""]
        lines += [f"- {item}" if not item.startswith("    ") else f"    - {item.strip()}" for item in items]
        lines.append("")
    return "\n".join(lines)


def to_docx(draft: DraftContent) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(draft.title, level=1)
    for heading, items in draft.sections:
        document.add_heading(heading, level=2)
        for item in items:
            style = "List Bullet 2" if item.startswith("    ") else "List Bullet"
            paragraph = document.add_paragraph(item.strip(), style=style)
            if TO_COMPLETE in item:
                for run in paragraph.runs:
                    run.bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_draft(con: duckdb.DuckDBPyConnection, module_id: str, fmt: str = "md") -> tuple[bytes, str]:
    """(content, media type) of the draft of a stored module; ``fmt`` is ``md`` or ``docx``."""
    module = load_module(con, module_id)
    if module is None:
        raise NotFoundError(
            f"module inconnu : {module_id} (lancez `skillgap modules --rome CODE` pour calculer les modules)"
        )
    return render_module(con, module, fmt)


def render_module(con: duckdb.DuckDBPyConnection, module: CandidateModule, fmt: str = "md") -> tuple[bytes, str]:
    """(content, media type) of the draft of ``module`` (the service passes the module it computed)."""
    draft = build_draft(con, module)
    if fmt == "md":
        return to_markdown(draft).encode("utf-8"), "text/markdown; charset=utf-8"
    if fmt == "docx":
        return to_docx(draft), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    raise UserError(f"format inconnu : {fmt} (md ou docx)")
