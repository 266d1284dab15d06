"""Views this package derives from the ads and its own tables (created by a migration of ``nlp.schema``).

They are the one definition of two rules every analysis shares:

- ``core_nlp__ad_occupations`` — the occupation of an ad: the NLP prediction (rank 1 / best
  score) when there is one, else the source's ``rome_code``; one row per stored ad
  (``ad_id, created_at, region_code, source_rome_code, predicted_rome_code, rome_code`` and, since
  migration 3, ``department_code, contract_type_code, naf_code``).
- ``core_nlp__asked_skills`` — the skills an ad asks for: those the employer ticked
  (``core_ads__ticked_skills``, France Travail) and the mentions the NLP stage extracted, each
  counted as its best link (rank 1, ROME before ESCO, then score) when the stage judged it linked,
  else as ``phrase:<normalised text>`` (``ad_id, skill_key, label``).

Other packages read them through ``nlp.queries`` (typed filters), never with their own SQL.
``asked_skills_sql`` is the text of the second view, with an optional restriction to the ads of a
CTE: ``nlp.queries`` uses it so that the best link of each mention is computed only for the ads
asked for (a gap report on 100k ads spent 0.4 s per occupation computing it for the whole store).
"""

from __future__ import annotations

NORMALISE = "trim(regexp_replace(lower({}), '[\\s]+', ' ', 'g'))"

_PREDICTED = """LEFT JOIN (
  SELECT ad_id, rome_code AS predicted_rome_code,
         row_number() OVER (PARTITION BY ad_id ORDER BY score DESC) AS r
  FROM core_nlp__occupations) p ON p.ad_id = a.ad_id AND p.r = 1"""

#: the view as migration 2 created it (frozen: a released migration never changes meaning)
AD_OCCUPATIONS_SQL_V2 = f"""
SELECT a.ad_id, a.created_at, a.region_code, a.rome_code AS source_rome_code, p.predicted_rome_code,
       coalesce(p.predicted_rome_code, a.rome_code) AS rome_code
FROM core_ads__job_ads a {_PREDICTED}"""

#: the current view (migration 3): the columns of V2 (same order, as CREATE OR REPLACE VIEW keeps
#: them) then the ad's département, contract type and NAF code, for the filters of ``AdFilter``
AD_OCCUPATIONS_SQL = f"""
SELECT a.ad_id, a.created_at, a.region_code, a.rome_code AS source_rome_code, p.predicted_rome_code,
       coalesce(p.predicted_rome_code, a.rome_code) AS rome_code,
       a.department_code, a.contract_type_code, a.naf_code
FROM core_ads__job_ads a {_PREDICTED}"""


def asked_skills_sql(within: str | None = None) -> str:
    """(ad_id, skill_key, label) of every skill an ad asks for (see module docstring).

    Args:
        within: the name of a CTE (or table) with an ``ad_id`` column: only those ads' rows.
    """
    ads_of = f"IN (SELECT ad_id FROM {within})" if within else None
    ticked = f"""SELECT ad_id, coalesce(skill_code, 'phrase:' || {NORMALISE.format('label')}) AS skill_key, label
                 FROM core_ads__ticked_skills {f'WHERE ad_id {ads_of}' if ads_of else ''}"""
    where = ["rank = 1"]
    if ads_of:
        where.append(f"mention_id IN (SELECT mention_id FROM core_nlp__mentions WHERE ad_id {ads_of})")
    # one skill per mention: its best link, ROME before ESCO (ROME codes are what fiches and
    # certifications speak), only for mentions the NLP stage judged linked (above threshold)
    mentions = f"""SELECT m.ad_id, coalesce(CASE WHEN m.is_linked THEN l.code END,
                                            'phrase:' || {NORMALISE.format('m.text')}) AS skill_key,
                          m.text AS label
                   FROM core_nlp__mentions m LEFT JOIN (
                     SELECT mention_id, arg_max(skill_code, row(source = 'rome', score)) AS code
                     FROM core_nlp__links WHERE {' AND '.join(where)} GROUP BY 1) l ON l.mention_id = m.mention_id
                   {f'WHERE m.ad_id {ads_of}' if ads_of else ''}"""
    return f"{ticked} UNION ALL {mentions}"


#: statements of the migration that creates the views (``nlp.schema``, migration 2; frozen)
VIEWS = [
    f"CREATE OR REPLACE VIEW core_nlp__ad_occupations AS {AD_OCCUPATIONS_SQL_V2}",
    f"CREATE OR REPLACE VIEW core_nlp__asked_skills AS {asked_skills_sql()}",
]

#: migration 3: the occupation view with the ad's département, contract type and NAF code
VIEWS_V3 = [
    f"CREATE OR REPLACE VIEW core_nlp__ad_occupations AS {AD_OCCUPATIONS_SQL}",
]
