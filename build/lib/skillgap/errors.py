"""Errors a user can cause and fix. The CLI prints them on one line and exits with code 2."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input: the message names what and where."""


class NotFoundError(UserError):
    """A code, id or name the user gave does not exist in the store (the API answers 404)."""


class InputFileError(UserError):
    """Bad input file: names the file, the line or element, and the field."""

    def __init__(self, path: object, message: str, *, line: int | None = None, field: str | None = None):
        self.path = str(path)
        self.line = line
        self.field = field
        where = self.path
        if line is not None:
            where += f" line {line}"
        if field:
            where += f" field '{field}'"
        super().__init__(f"{where}: {message}")
