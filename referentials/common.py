"""Helpers shared by the referential loaders: opening (gzip) files, strict CSV reading, tallies.

Every loader streams its real published format and ends in typed records from
``models.referential``; rows that are unusable but tolerable are counted by reason in a
``LoadReport`` (never dropped silently); fatal problems raise ``InputFileError`` naming the
file, line and field.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import itertools
import logging
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, overload

from skillgap.errors import InputFileError

log = logging.getLogger(__name__)

csv.field_size_limit(50_000_000)


@dataclass
class LoadReport:
    """What a load read, kept and dropped (by reason), per file."""

    dropped: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    read: Counter = field(default_factory=Counter)

    def drop(self, file_name: str, reason: str, n: int = 1) -> None:
        """Count rows left out of the store, by reason."""
        self.dropped[f"{file_name}: {reason}"] += n

    def note(self, file_name: str, what: str, n: int = 1) -> None:
        """Count rows kept with a caveat (e.g. a missing optional value)."""
        self.notes[f"{file_name}: {what}"] += n

    def count(self, file_name: str, n: int = 1) -> None:
        self.read[file_name] += n

    def log(self) -> None:
        for key, n in sorted(self.dropped.items()):
            log.info("dropped %d rows — %s", n, key)
        for key, n in sorted(self.notes.items()):
            log.info("kept %d rows with a caveat — %s", n, key)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def undecodable(e: UnicodeDecodeError) -> str:
    """Where a decoding failed, in French (``e.reason`` is Python's English wording).

    >>> undecodable(UnicodeDecodeError("utf-8", b"ab\\xe9", 2, 3, "invalid continuation byte"))
    'octet 0xe9 indécodable à la position 2'
    """
    return f"octet 0x{e.object[e.start]:02x} indécodable à la position {e.start}"


def open_text(path: Path, *, encoding: str = "utf-8") -> io.TextIOBase:
    """Open a text file, gzip-compressed or not (by magic bytes), with a strict decoder."""
    if not path.exists():
        raise InputFileError(path, "fichier introuvable")
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding=encoding, errors="strict", newline="")
    return open(path, encoding=encoding, errors="strict", newline="")


def open_binary(path: Path) -> gzip.GzipFile | io.BufferedReader:
    """Open a file for reading bytes, gzip-compressed or not (by magic bytes)."""
    if not path.exists():
        raise InputFileError(path, "fichier introuvable")
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def find_file(directory: Path, stem: str) -> Path:
    """``stem`` (e.g. ``unix_item_v460_utf8.csv``) in ``directory``, plain or ``.gz``; any version suffix."""
    for candidate in (directory / stem, directory / f"{stem}.gz"):
        if candidate.exists():
            return candidate
    raise InputFileError(directory / stem, "fichier requis introuvable (brut ou .gz)")


@overload
def glob_one(directory: Path, pattern: str, *, required: Literal[True] = True) -> Path: ...
@overload
def glob_one(directory: Path, pattern: str, *, required: bool) -> Path | None: ...


def glob_one(directory: Path, pattern: str, *, required: bool = True) -> Path | None:
    """The single file matching ``pattern`` (plain or .gz) in ``directory``."""
    matches = sorted(set(directory.glob(pattern)) | set(directory.glob(pattern + ".gz")))
    if not matches:
        if required:
            raise InputFileError(directory / pattern, "fichier requis introuvable (brut ou .gz)")
        return None
    if len(matches) > 1:
        names = ", ".join(m.name for m in matches)
        raise InputFileError(directory / pattern, f"plusieurs fichiers correspondent : {names}")
    return matches[0]


def read_csv(
    path: Path,
    *,
    required: Sequence[str],
    delimiter: str = ",",
    encoding: str = "utf-8",
    skip_lines: int = 0,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, row)`` of a CSV file, checking its header and encoding.

    ``line_number`` is the physical line where the row starts (1 = header), so error
    messages point where an editor would. Raises ``InputFileError`` for a missing file,
    a wrong delimiter or missing column, an undecodable byte, a truncated gzip, or a row
    with the wrong number of fields.
    """
    name = path.name
    try:
        with open_text(path, encoding=encoding) as f:
            for _ in range(skip_lines):
                f.readline()
            first = f.readline()
            _check_delimiter(path, first, delimiter, line=1 + skip_lines)
            reader = csv.reader(itertools.chain([first], f), delimiter=delimiter, strict=True)
            try:
                header = next(reader)
            except StopIteration:
                raise InputFileError(path, "fichier vide (pas d'en-tête)", line=1 + skip_lines) from None
            header = [h.lstrip("\ufeff").strip() for h in header]
            if len(header) == 1 and len(required) > 1:
                raise InputFileError(
                    path, f"mauvais séparateur : {delimiter!r} attendu entre les colonnes", line=1 + skip_lines
                )
            missing = [c for c in required if c not in header]
            if missing:
                raise InputFileError(path, f"colonne(s) manquante(s) : {', '.join(missing)}", line=1 + skip_lines)
            n_cols = len(header)
            line_start = reader.line_num + 1 + skip_lines
            for values in reader:
                if len(values) != n_cols:
                    if len(values) == 0:
                        line_start = reader.line_num + 1 + skip_lines
                        continue
                    raise InputFileError(
                        path, f"{len(values)} champs alors que l'en-tête en a {n_cols}", line=line_start
                    )
                yield line_start, dict(zip(header, values, strict=True))
                line_start = reader.line_num + 1 + skip_lines
    except UnicodeDecodeError as e:
        raise InputFileError(path, f"pas du texte {encoding} ({undecodable(e)})") from e
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        raise InputFileError(path, f"gzip tronqué ou corrompu ({e})") from e
    except csv.Error as e:
        raise InputFileError(path, f"CSV mal formé : {e}", line=reader.line_num + skip_lines) from e
    log.debug("read %s", name)


def _check_delimiter(path: Path, header: str, delimiter: str, *, line: int) -> None:
    """Fail early, and clearly, when the header is not split by ``delimiter``."""
    if delimiter in header:
        return
    found = [d for d in (";", ",", "\t", "|") if d != delimiter and d in header]
    if found:
        message = f"mauvais séparateur : {delimiter!r} attendu entre les colonnes, {found[0]!r} trouvé"
        raise InputFileError(path, message, line=line)


def require(value: str, path: Path, line: int, field_name: str) -> str:
    """``value`` stripped, or an error naming file, line and field if it is empty."""
    value = value.strip()
    if not value:
        raise InputFileError(path, "valeur vide", line=line, field=field_name)
    return value


def require_new(value: str, seen: set[str], path: Path, line: int, field_name: str) -> str:
    """``value`` stripped and recorded in ``seen``; an error naming file, line and field if it is
    empty or a duplicate key."""
    value = require(value, path, line, field_name)
    if value in seen:
        raise InputFileError(path, f"{field_name} en double : {value}", line=line, field=field_name)
    seen.add(value)
    return value


def split_multiline(value: str | None, *, sep: str = "\n") -> tuple[str, ...]:
    """Split a multi-valued cell ('\\n' or '|' separated), dropping blanks and duplicates."""
    if not value:
        return ()
    seen: dict[str, None] = {}
    for part in value.split(sep):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return tuple(seen)
