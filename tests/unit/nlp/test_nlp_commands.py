import json

import pytest
import typer
from typer.testing import CliRunner

from app.cli import SkillgapGroup

runner = CliRunner()


def test_report_ends_with_one_json_object(capsys):
    from app.commands.nlp import _report

    _report({"n_ads": 2, "acc@1": 0.5, "_exact_code_acc@1": 0.25})
    lines = capsys.readouterr().out.strip().splitlines()
    assert json.loads(lines[-1]) == {"n_ads": 2, "acc@1": 0.5}
    assert "exact_code_acc@1: 0.25" in lines


@pytest.mark.parametrize("command", ["skills", "occupations"])
def test_missing_ads_file_is_a_user_error(tmp_path, monkeypatch, command):
    """The store and the engine are stubbed, so only the ``--ads`` file can be missing."""
    from app.commands import nlp as nlp_commands
    from nlp.engine import NlpEngine

    monkeypatch.setattr(nlp_commands, "_setup", lambda store, model, rerank=None: (None, None, tmp_path))
    monkeypatch.setattr(NlpEngine, "create", classmethod(lambda cls, ref, config, *, cache_dir: object()))
    cli = typer.Typer(cls=SkillgapGroup)
    groups = {"eval": typer.Typer(), "bench": typer.Typer()}
    cli.add_typer(groups["eval"], name="eval")
    nlp_commands.register(cli, groups)
    missing = tmp_path / "none.jsonl"
    result = runner.invoke(cli, ["eval", command, "--ads", str(missing)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"erreur : {missing} : fichier introuvable"
