"""Users read French: every message of a ``UserError`` (and its subclasses) is French (issue 13).

(a) static: every construction of a ``UserError`` class (``raise X(...)`` or an error built to be
    yielded / raised later) in the packages, its message's string constants (f-string constant parts
    included, and those of a local variable passed as the message) contain no common English word;
(b) CLI: real commands that fail with each ``UserError`` subclass exit with code 2 and print one
    line ``erreur : …`` that passes the same check.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillgap.errors import InputFileError, InsufficientDataError, NotFoundError, UserError

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "analysis", "app", "crawler", "models", "nlp", "referentials", "reports", "scale", "skillgap", "web")
#: error classes whose message is checked besides the UserError family: class name → message argument index
OTHER_MESSAGES = {"ApiError": 1, "BadParameter": 0}

#: whole words that say a message is English (none is a French word: no "a", "an", "or", "on", "table"…)
ENGLISH_WORDS = (
    "the", "must", "cannot", "can't", "not", "no", "found", "unknown", "invalid", "missing",
    "expected", "should", "file", "files", "line", "field", "fields", "does", "is", "are", "use", "run", "please",
    "error", "failed", "wrong", "malformed", "truncated", "several", "empty", "duplicate", "needs", "with",
    "without", "from", "of", "and", "to", "at", "has", "have", "was", "were", "been", "exist", "exists",
    "loaded", "required", "already", "folder", "store", "first", "this", "that", "only", "got", "enough",
    "for", "into", "then", "yet", "which", "there", "when", "could",
)
_ENGLISH = re.compile(r"(?<![\w'-])(" + "|".join(re.escape(w) for w in ENGLISH_WORDS) + r")(?![\w-])", re.IGNORECASE)
#: code names are not prose: `…`, '…' and "…" (not the apostrophe of « l'offre »), « … », --options,
#: ``skillgap <command>`` and tokens with a path or identifier character (``core_ads__job_ads``, ``a/b``, ``x.csv``)
_CODE = re.compile(r"`[^`]*`|(?<!\w)'[^']*'(?!\w)|(?<!\w)\"[^\"]*\"(?!\w)|«[^»]*»|--[\w-]+"
                   r"|\bskillgap(?: [a-z][\w-]*)+|\S*[/_]\S*|\S+\.\w\S*")


def english_words(text: str) -> list[str]:
    """The English words of ``text`` once code names are left out.

    >>> english_words("fichier introuvable : `skillgap referentials load` ; --ad-phrases 'use'")
    []
    >>> english_words("store x.duckdb does not exist: load the referentials first")
    ['store', 'does', 'not', 'exist', 'the', 'first']
    """
    return [m.group(1) for m in _ENGLISH.finditer(_CODE.sub(" ", text))]


# --------------------------------------------------------------------------------------------
# (a) static check of the sources


def _modules() -> list[tuple[str, ast.Module]]:
    return [(path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
            for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def user_error_classes(modules: list[tuple[str, ast.Module]]) -> dict[str, int]:
    """Every class derived (transitively) from ``UserError`` in the sources → index of its message argument."""
    classes = {n.name: n for _, tree in modules for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    family = {"UserError"}
    grew = True
    while grew:
        grew = False
        for name, node in classes.items():
            if name not in family and any(_name(b) in family for b in node.bases):
                family.add(name)
                grew = True
    return {name: _message_index(classes.get(name)) for name in family}


def _message_index(node: ast.ClassDef | None) -> int:
    init = next((f for f in (node.body if node else []) if isinstance(f, ast.FunctionDef) and f.name == "__init__"),
                None)
    params = [a.arg for a in init.args.args[1:]] if init else []
    return params.index("message") if "message" in params else 0


def _constants(node: ast.AST | None) -> list[str]:
    """The string constants of an expression (the constant parts of f-strings included)."""
    if node is None:
        return []
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _assigned(function: ast.AST | None, name: str) -> list[ast.expr]:
    if function is None:
        return []
    return [n.value for n in ast.walk(function) if isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)]


def message_sites(modules: list[tuple[str, ast.Module]]) -> list[tuple[str, int, str, str]]:
    """(file, line, class, message text) of every construction of a checked error class."""
    checked = {**user_error_classes(modules), **OTHER_MESSAGES}
    sites = []
    for rel, tree in modules:
        functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and _name(n.func) in checked):
            cls = _name(call.func)
            message = next((k.value for k in call.keywords if k.arg == "message"), None)
            if message is None and len(call.args) > checked[cls]:
                message = call.args[checked[cls]]
            parts = _constants(message)
            if isinstance(message, ast.Name):  # ``message = f"…"`` then ``raise X(path, message)``
                owner = min((f for f in functions if f.lineno <= call.lineno <= (f.end_lineno or f.lineno)),
                            key=lambda f: (f.end_lineno or f.lineno) - f.lineno, default=None)
                parts = [c for value in _assigned(owner, message.id) for c in _constants(value)]
            sites.append((rel, call.lineno, cls, " ".join(parts)))
    return sites


@pytest.fixture(scope="module")
def modules() -> list[tuple[str, ast.Module]]:
    return _modules()


def test_the_user_error_family_is_discovered(modules) -> None:
    classes = user_error_classes(modules)
    assert {"UserError", "NotFoundError", "InputFileError", "InsufficientDataError"} <= set(classes)
    assert classes["InputFileError"] == 1 and classes["NotFoundError"] == 0  # (path, message, …) / (message)
    sites = message_sites(modules)
    assert len(sites) > 100 and {s[2] for s in sites} >= {"UserError", "NotFoundError", "InputFileError",
                                                          "InsufficientDataError", "ApiError"}


def test_every_user_error_message_is_french(modules) -> None:
    offenders = [f"{rel}:{line}: {cls}: {sorted(set(words))} in {text!r}"
                 for rel, line, cls, text in message_sites(modules)
                 if (words := english_words(text))]
    assert not offenders, "English in user messages (translate them into French):\n" + "\n".join(offenders)


@pytest.mark.parametrize("module", ["skillgap.errors", "referentials.common", __name__])
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


# --------------------------------------------------------------------------------------------
# (b) the real CLI

BLOCS_CSV = "export_fiches_CSV_Blocs_De_Competences_2024_01_17.csv"
WRITTEN_ADS = ROOT / "tests" / "data" / "analysis" / "written_ads_m1805.jsonl"  # 40 ads of M1805, 2025


@pytest.fixture
def empty_store(tmp_path: Path) -> Path:
    """A store with every table and nothing in them (no referential, no ad)."""
    from skillgap.store import connect

    path = tmp_path / "vide.duckdb"
    connect(path).close()
    return path


@pytest.fixture
def private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Settings (store, embedding cache) inside ``tmp_path`` for commands that read them."""
    from skillgap.settings import get_settings

    monkeypatch.setenv("SKILLGAP_STORE", str(tmp_path / "absent.duckdb"))
    monkeypatch.setenv("SKILLGAP_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _user_error(exc: BaseException | None) -> UserError | None:
    """The UserError behind the CLI's exit (``typer.Exit`` raised from it, then ``SystemExit``)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, UserError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _bad_blocs_csv(tmp_path: Path) -> list[str]:
    path = tmp_path / BLOCS_CSV
    path.write_text('"Numero_Fiche";"Bloc_Competences_Libelle"\n"RNCP1";"x"\n', encoding="utf-8")
    return ["referentials", "load", "--rncp", str(path), "--store", str(tmp_path / "rncp.duckdb")]


def _not_ads(tmp_path: Path) -> list[str]:
    path = tmp_path / "offres.txt"
    path.write_text("pas des offres\n", encoding="utf-8")
    return ["ingest", str(path), "--store", str(tmp_path / "ingest.duckdb")]


CASES = {
    # id: (arguments (tmp_path, stores) → list, expected class, expected start of the message)
    "user-error-unknown-model": (
        lambda tmp, s: ["gaps", "--rome", "M1805", "--model", "no-such-model", "--store", str(s["empty"])],
        UserError, "modèle inconnu 'no-such-model'"),
    "user-error-bad-date": (
        lambda tmp, s: ["signals", "--from", "hier", "--store", str(s["empty"])],
        UserError, "--from : date invalide 'hier'"),
    "input-file-error-missing-column": (
        lambda tmp, s: _bad_blocs_csv(tmp), InputFileError,
        "{tmp}/" + BLOCS_CSV + " ligne 1 : colonne(s) manquante(s) : Bloc_Competences_Code"),
    "input-file-error-not-ads": (
        lambda tmp, s: _not_ads(tmp), InputFileError, "{tmp}/offres.txt : format inconnu"),
    "not-found-unknown-rome": (
        lambda tmp, s: ["signals", "--rome", "Z9999", "--store", str(s["empty"])],
        NotFoundError, "code ROME inconnu : Z9999"),
    "not-found-unknown-region": (
        lambda tmp, s: ["watch", "--rncp", "RNCP37674", "--region", "99"], NotFoundError, "code région inconnu : 99"),
    "insufficient-data-no-skill-stored": (
        lambda tmp, s: ["signals", "--store", str(s["empty"])],
        InsufficientDataError, "aucune compétence demandée dans la base"),
    "insufficient-data-gaps-period-without-ads": (
        lambda tmp, s: ["gaps", "--rome", "M1805", "--from", "1990-01-01", "--to", "1990-01-31",
                        "--store", str(s["loaded"])],
        InsufficientDataError, "aucune offre pour M1805 sur la période demandée"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_cli_user_errors_exit_2_with_one_french_line(case: str, tmp_path: Path, empty_store: Path,
                                                     private_settings, request: pytest.FixtureRequest) -> None:
    from app.cli import build_app

    arguments, expected_class, expected_start = CASES[case]
    stores = {"empty": empty_store}
    if case.endswith("period-without-ads"):  # ROME, RNCP and ads: the session's loaded store (~10 s, once)
        from crawler.ingest import ingest

        stores["loaded"] = request.getfixturevalue("loaded_store")
        assert ingest([WRITTEN_ADS], store=stores["loaded"])["stored"] == 40
    result = CliRunner().invoke(build_app(), arguments(tmp_path, stores))
    assert result.exit_code == 2, (result.output, result.exception)
    error = _user_error(result.exception)
    assert type(error) is expected_class, repr(error)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("erreur : "), result.output
    assert sum(line.startswith("erreur :") for line in lines) == 1
    message = lines[-1].removeprefix("erreur : ")
    assert message == str(error)
    assert message.startswith(expected_start.format(tmp=tmp_path)), message
    assert not english_words(message.replace(str(tmp_path), "")), message
