import json

from typer.testing import CliRunner

from skillgap.cli import app, build_app

runner = CliRunner()


def test_report_ends_with_one_json_object(capsys):
    from nlp.cli import _report

    _report({"n_ads": 2, "acc@1": 0.5, "_exact_code_acc@1": 0.25})
    lines = capsys.readouterr().out.strip().splitlines()
    assert json.loads(lines[-1]) == {"n_ads": 2, "acc@1": 0.5}
    assert "exact_code_acc@1: 0.25" in lines


def test_missing_ads_file_is_a_user_error(tmp_path):
    build_app()
    result = runner.invoke(app, ["eval", "skills", "--ads", str(tmp_path / "none.jsonl"), "--store",
                                 str(tmp_path / "no.duckdb")])
    assert result.exit_code != 0
