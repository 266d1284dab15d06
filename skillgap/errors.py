"""Errors a user can cause and fix. The CLI prints them on one line and exits with code 2."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input: the message names what and where."""


def require_train_extra(what: str) -> None:
    """A clear error when ``what`` needs the ``[train]`` extra (torch, sentence-transformers) and it is absent."""
    from importlib.util import find_spec

    missing = [name for name in ("torch", "sentence_transformers") if find_spec(name) is None]
    if missing:
        raise UserError(f"{what} a besoin de l'extra [train] ({', '.join(missing)} absent) : installez d'abord "
                        "torch==2.13.0 (CPU), puis pip install 'skillgap[train]', ou lancez make setup")


class NotFoundError(UserError):
    """A code, id or name the user gave does not exist in the store (the API answers 404)."""


class InsufficientDataError(UserError):
    """The data are too thin for the analysis asked: no ads for the filters, no certification linked,
    too few weeks or ads for a trend… (the API answers 422 ``insufficient_data``)."""


class InputFileError(UserError):
    """Bad input file: names the file, the line or element, and the field.

    >>> str(InputFileError("rome.csv", "valeur vide", line=3, field="code_rome"))
    'rome.csv ligne 3, champ « code_rome » : valeur vide'
    >>> str(InputFileError("rome.csv", "fichier introuvable"))
    'rome.csv : fichier introuvable'
    """

    def __init__(self, path: object, message: str, *, line: int | None = None, field: str | None = None):
        self.path = str(path)
        self.line = line
        self.field = field
        where = self.path
        if line is not None:
            where += f" ligne {line}"
        if field:
            where += f", champ « {field} »"
        super().__init__(f"{where} : {message}")
