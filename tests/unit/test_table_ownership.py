"""One owner per table: no code names a table of another package (read it through that package's
``queries`` module instead). Renaming a column then breaks one module, which mypy and these tests see.

Tables are named ``{layer}_{source}__{name}``; the owner of each ``{layer}_{source}__`` prefix is
below. The only exceptions are declared: the views module of a package may read the tables of the
owners its schema builds on (``AFTER``), and the store core owns its migration table.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: every top-level package of the project (a new one is checked without being listed)
PACKAGES = sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests")
OWNERS = {
    "core_ads__": "crawler",
    "core_nlp__": "nlp",
    "core_rome__": "referentials", "core_ref__": "referentials", "core_esco__": "referentials",
    "core_rncp__": "referentials",
    "out_analysis__": "analysis",
    "core_api__": "api", "out_api__": "api",
}
#: inside an owner, the only modules that name its tables (reads, loader, DDL); others call them
INSIDE = {"referentials": {"referentials/queries.py", "referentials/loading.py", "referentials/schema.py"}}
#: tables owned by the store core, and not by a package
CORE_TABLES = {"core_meta__schema_migrations": "skillgap/store.py"}
TABLE = re.compile(r"\b((?:core|out|raw)_[a-z]+__)\w+")


def owner_of(table: str) -> str | None:
    if table in CORE_TABLES:
        return "skillgap"
    if table == "core_meta__referential_versions":
        return "referentials"
    prefix = TABLE.match(table)
    return OWNERS.get(prefix.group(1)) if prefix else None


def _code_strings(source: str) -> list[tuple[int, str]]:
    """String constants of a module that are not docstrings (docs may name any table)."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):  # bare string statements
            docstrings.add(id(node.value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def _upstream(package: str) -> set[str]:
    schema = importlib.import_module(f"{package}.schema")
    return set(getattr(schema, "AFTER", ()))


def violations(package: str, relative: str, source: str) -> list[str]:
    """``file:line: table (owner)`` for every table of another owner named in code of ``package``."""
    allowed = {package}
    if relative == f"{package}/views.py":
        allowed |= _upstream(package)
    found = []
    for line, text in _code_strings(source):
        for match in TABLE.finditer(text):
            table = match.group(0)
            owner = owner_of(table)
            if owner is None:
                found.append(f"{relative}:{line}: {table} (no owner declared)")
            elif owner not in allowed and CORE_TABLES.get(table) != relative:
                found.append(f"{relative}:{line}: {table} (owned by {owner})")
            elif owner == package and package in INSIDE and relative not in INSIDE[package]:
                found.append(f"{relative}:{line}: {table} (read it through {package}/queries.py)")
    return found


def test_no_code_names_a_table_of_another_package() -> None:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            found += violations(package, relative, path.read_text(encoding="utf-8"))
    assert not found, "SQL against another package's tables (use its queries module):\n" + "\n".join(found)


def test_the_check_sees_sql_in_code_but_not_in_docs() -> None:
    bad = '"""Reads core_ads__job_ads."""\nSQL = "SELECT count(*) FROM core_ads__job_ads"\n'
    assert violations("analysis", "analysis/x.py", bad) == ["analysis/x.py:2: core_ads__job_ads (owned by crawler)"]
    assert violations("crawler", "crawler/x.py", bad) == []
    view = 'V = "CREATE VIEW core_nlp__v AS SELECT * FROM core_ads__job_ads JOIN core_rncp__blocks"\n'
    assert violations("nlp", "nlp/views.py", view) == []  # nlp builds on crawler and referentials
    assert violations("nlp", "nlp/other.py", view) != []
    assert violations("analysis", "analysis/views.py", view) != []  # analysis does not build on crawler
    own = 'SQL = "SELECT label FROM core_rome__occupations"\n'
    assert violations("referentials", "referentials/queries.py", own) == []
    assert violations("referentials", "referentials/rome.py", own) != []  # inside the owner, through queries


def test_every_owner_reads_through_a_queries_module() -> None:
    for package in ("crawler", "nlp", "referentials"):
        assert (ROOT / package / "queries.py").is_file(), package
