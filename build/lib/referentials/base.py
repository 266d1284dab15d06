"""The one contract every referential loader ends in.

A loader module (``referentials/rome.py``, ``esco.py``, ``crosswalk.py``, ``rncp.py``) exposes:

``discover(paths: Sequence[Path]) -> SourceFiles``
    finds the files of its source under the given files/folders and reads the published
    version label from them (raises ``InputFileError`` when a required file is missing);
``load(files: SourceFiles, *, report: LoadReport) -> Iterator[Record]``
    streams the real published format and yields typed records of ``models.referential``;
    rows unusable but tolerable are counted in ``report`` by reason; fatal problems raise
    ``InputFileError`` naming the file, line (or XML element) and field.

``referentials.loading`` turns those records into rows of a new store version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.referential import Source


@dataclass(frozen=True)
class SourceFiles:
    """The files of one referential source, with the version they publish."""

    source: Source
    version_label: str
    files: tuple[Path, ...]
