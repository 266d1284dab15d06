"""The referential data bundled with skillgap (see ``referentials/data/ATTRIBUTION.md``)."""

from __future__ import annotations

from pathlib import Path

from models.referential import Source

DATA_DIR = Path(__file__).resolve().parent / "data"


def default_paths() -> dict[Source, list[Path]]:
    """Source → the bundled files/folders its loader reads."""
    return {
        Source.ROME: [DATA_DIR / "rome4_v460"],
        Source.ESCO: [DATA_DIR / "esco_v111"],
        Source.ESCO_ROME: [DATA_DIR / "crosswalk_esco_rome"],
        Source.RNCP: [DATA_DIR / "rncp", DATA_DIR / "rncp" / "samples"],
    }
