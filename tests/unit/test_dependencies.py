"""The runtime install (``make install``: requirements/runtime.lock) runs every runtime module.

Modules imported at top level by runtime code must come from the runtime dependencies of
pyproject.toml, never from the ``[train]`` or ``[dev]`` extras only; the locks must pin what
pyproject.toml asks, torch must stay out of them (installed first, CPU build), and no CUDA
package may slip in.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "analysis", "app", "crawler", "models", "nlp", "referentials", "reports", "scale", "skillgap", "web")
#: training code runs only with the [train] extra; its CLI checks for it (skillgap.errors.require_train_extra)
TRAIN_ONLY = ("nlp/training/",)


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _top_level_imports(path: Path) -> set[str]:
    """Modules imported at module level (not inside functions, not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_runtime_modules_import_only_runtime_dependencies() -> None:
    runtime = {_name(r) for r in _project()["dependencies"]}
    distributions = packages_distributions()
    offenders = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(TRAIN_ONLY):
                continue
            for module in _top_level_imports(path):
                if module in sys.stdlib_module_names or module in PACKAGES or module == "__future__":
                    continue
                dists = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
                if not dists & runtime:
                    offenders.append(f"{relative}: import {module} ({', '.join(sorted(dists)) or 'not installed'})")
    assert not offenders, "top-level imports outside the runtime dependencies:\n" + "\n".join(offenders)


@pytest.mark.parametrize("lock, extras", [("runtime.lock", ()), ("dev.lock", ("train", "dev"))],
                         ids=["runtime", "dev"])
def test_locks_pin_what_pyproject_asks(lock: str, extras: tuple[str, ...]) -> None:
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    pinned = {m.group(1).lower(): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", text, re.M)}
    project = _project()
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in extras:
        wanted |= {_name(r) for r in project["optional-dependencies"][extra]}
    assert wanted - {"torch"} <= set(pinned), f"{lock} lacks {sorted(wanted - {'torch'} - set(pinned))}"
    assert "torch" not in pinned  # installed first, CPU build, by the Makefile
    assert not [n for n in pinned if n.startswith(("nvidia", "triton", "cuda"))]
    assert text.count("--hash=sha256:") >= len(pinned)


def test_runtime_lock_has_no_training_stack() -> None:
    text = (ROOT / "requirements" / "runtime.lock").read_text(encoding="utf-8")
    for name in ("torch", "sentence-transformers", "transformers", "pytest"):
        assert not re.search(rf"^{name}==", text, re.M), f"{name} in runtime.lock"


def test_spark_extra_is_locked_apart() -> None:
    """``[spark]`` (pyspark, py4j) lives in requirements/spark.lock only: ``make test`` never needs it."""
    spark = (ROOT / "requirements" / "spark.lock").read_text(encoding="utf-8")
    pinned = {m.group(1).lower() for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", spark, re.M)}
    assert {_name(r) for r in _project()["optional-dependencies"]["spark"]} <= pinned
    assert spark.count("--hash=sha256:") >= len(pinned)
    for lock in ("runtime.lock", "dev.lock"):
        text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
        assert not re.search(r"^(pyspark|py4j)==", text, re.M), f"pyspark in {lock}"
