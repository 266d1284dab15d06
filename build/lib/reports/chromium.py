"""Headless Chromium: PDF of the report and screenshots (offline, no network, throw-away profile)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from skillgap.errors import UserError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars")


def find_chromium() -> str | None:
    """Path of a Chromium / Chrome executable, or None."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(args: list[str], output: Path, *, timeout_s: float) -> Path:
    exe = find_chromium()
    if exe is None:
        raise UserError(f"Chromium introuvable (cherché : {', '.join(CANDIDATES)}) : installez le paquet chromium")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="skillgap-chromium-") as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}", *args]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as e:
            raise UserError(f"Chromium n'a pas fini en {timeout_s:.0f} s ({output.name})") from e
    if not output.is_file() or output.stat().st_size == 0:
        raise UserError(f"Chromium n'a pas écrit {output} (code {done.returncode}) : {done.stderr.strip()[-400:]}")
    return output


def print_pdf(html: Path, pdf: Path, *, timeout_s: float = 120) -> Path:
    """``html`` printed to ``pdf`` (A4, page layout from the report's print CSS)."""
    return _run(["--no-pdf-header-footer", "--virtual-time-budget=5000", f"--print-to-pdf={pdf}",
                 html.resolve().as_uri()], pdf, timeout_s=timeout_s)


def screenshot(html: Path, png: Path, *, width: int = 1280, height: int = 2000, timeout_s: float = 120) -> Path:
    """PNG of the first ``width`` × ``height`` pixels of ``html`` as Chromium renders it."""
    return _run([f"--screenshot={png}", f"--window-size={width},{height}", "--virtual-time-budget=5000",
                 html.resolve().as_uri()], png, timeout_s=timeout_s)
