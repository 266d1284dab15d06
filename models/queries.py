"""Typed requests: what a caller asks an analysis (or a read of the store) for.

Each analysis takes one of these and returns one record (``GapQuery`` → ``GapReport``,
``SignalQuery`` → ``SignalReport``, ``WatchQuery`` → ``WatchReport``). They are validated once,
where they are built (CLI options, API parameters, the weekly batch), and their JSON dump is the
input of the API cache key, so the CLI, the API and the reports ask exactly the same question.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, Self, TypedDict

from pydantic import Field, field_validator, model_validator

from models.base import Record

Period = Literal["week", "month"]
SignalKind = Literal["emerging", "declining"]

ROME_PATTERN = r"^[A-Z][0-9]{4}$"
REGION_PATTERN = r"^[0-9]{2}$"
RNCP_PATTERN = r"^(RNCP|RS)[0-9]{1,6}$"
DEPARTMENT_PATTERN = r"^(?:[0-9]{2}|2[AB]|97[0-9]|98[0-9])$"
CONTRACT_PATTERN = r"^[A-Z0-9]{1,10}$"
NAF_PATTERN = r"^[0-9]{1,2}(?:\.?[0-9]{0,2}[A-Z]?)?$"


class AdAttributes(TypedDict):
    """The département / contract type / NAF filters of a query (keyword arguments of the others)."""

    department_code: str | None
    contract_type_code: str | None
    naf_code: str | None


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


class _Window(Record):
    """A region and an inclusive date range (either end open), optionally narrowed to the ads of a
    département, a contract type or a NAF sector (a code or its first characters: a prefix)."""

    region_code: str | None = Field(default=None, pattern=REGION_PATTERN, description="code région INSEE (ex. 84)")
    department_code: str | None = Field(default=None, pattern=DEPARTMENT_PATTERN,
                                        description="code département (ex. 69, 2A, 971)")
    contract_type_code: str | None = Field(default=None, pattern=CONTRACT_PATTERN,
                                           description="type de contrat (ex. CDI, CDD, MIS, SAI)")
    naf_code: str | None = Field(default=None, pattern=NAF_PATTERN,
                                 description="code NAF ou son début, comparé en préfixe (ex. 62 ou 62.01Z)")
    date_from: date | None = Field(default=None, description="first creation date included")
    date_to: date | None = Field(default=None, description="last creation date included")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"période vide : du {self.date_from} au {self.date_to}")
        return self

    _codes_upper = field_validator("department_code", "contract_type_code", "naf_code", mode="before")(
        classmethod(lambda cls, v: _upper(v) or None))

    def ad_attributes(self) -> AdAttributes:
        """The département / contract / NAF filters, as ``AdFilter`` keyword arguments."""
        return {"department_code": self.department_code, "contract_type_code": self.contract_type_code,
                "naf_code": self.naf_code}


class _Occupations(_Window):
    rome_codes: tuple[str, ...] | None = Field(default=None, description="None: every occupation")

    @field_validator("rome_codes", mode="before")
    @classmethod
    def _codes(cls, value: object) -> object:
        if isinstance(value, str):
            return (_upper(value),)
        if isinstance(value, (list, tuple)):
            return tuple(_upper(v) for v in value)
        return value


class AdFilter(_Occupations):
    """Which dated ads a read returns: occupations (the analysis occupation of each ad: the NLP
    prediction, else the source's code), region, creation dates."""


class GapQuery(_Window):
    """Uncovered skills (and candidate modules) of one occupation × region × period."""

    rome_code: str = Field(pattern=ROME_PATTERN, description="code ROME de la fiche (ex. M1805)")
    all_active: bool = Field(default=False, description="every active certification, not only the linked ones")

    _normalise = field_validator("rome_code", mode="before")(classmethod(lambda cls, v: _upper(v)))

    def ads(self) -> AdFilter:
        return AdFilter(rome_codes=(self.rome_code,), region_code=self.region_code, date_from=self.date_from,
                        date_to=self.date_to, **self.ad_attributes())


class SignalQuery(_Occupations):
    """Emerging / declining skills of some occupations (or all of them) × region × period; the
    series of every occupation asked are tested together (one Benjamini-Hochberg family)."""

    kind: SignalKind | None = Field(default=None, description="None: both")
    period: Period = "month"

    def ads(self) -> AdFilter:
        return AdFilter(rome_codes=self.rome_codes, region_code=self.region_code, date_from=self.date_from,
                        date_to=self.date_to, **self.ad_attributes())


class WatchQuery(_Window):
    """Obsolescence of the competences of one certification, in the ads of its occupations."""

    rncp_code: str = Field(pattern=RNCP_PATTERN, description="code de la certification (ex. RNCP37674)")
    period: Period = "month"
    rare_threshold: float = Field(default=0.02, gt=0, lt=1, description="share of ads under which an item is rare")

    _normalise = field_validator("rncp_code", mode="before")(classmethod(lambda cls, v: _upper(v)))
