"""CLI shells: exit codes, messages, --json, --quiet, stdin, help on every command."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from crosswire.cli import cli

REPORT = "date 2024-11-02\n[Anchor]\nNorth Korea sent about 3,000 more troops to Kursk, officials said.\nI'm YTN's Park Ji-won.\n"


def test_ingest_from_stdin_then_list_show_and_search(db: str) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", db, "ingest", "--no-extract", "-"], input=REPORT, obj={})
    assert result.exit_code == 0, result.output
    assert "1 added" in result.stderr
    listed = json.loads(runner.invoke(cli, ["--db", db, "docs", "--json"], obj={}).stdout)
    assert [(d["publisher"], d["published"]) for d in listed] == [("YTN", "2024-11-02")]
    shown = runner.invoke(cli, ["--db", db, "show", listed[0]["id"][:8]], obj={})
    assert "publisher  YTN   [sign-off]" in shown.output and "transcript-furniture" in shown.output
    found = json.loads(runner.invoke(cli, ["--db", db, "search", "Kursk", "--json"], obj={}).stdout)
    assert len(found) == 1 and "[Kursk]" in found[0]["snippet"]


def test_quiet_prints_no_summary_and_json_summary(tmp_path: Path, run_cli) -> None:
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    quiet = run_cli("-q", "ingest", "--no-extract", str(tmp_path / "r.txt"))
    assert quiet.exit_code == 0 and quiet.stderr == ""
    again = run_cli("ingest", "--no-extract", "--json", str(tmp_path / "r.txt"))
    assert json.loads(again.stdout) == {"added": 0, "unchanged": 1, "new_versions": 0, "rejected": []}


def test_unknown_document_is_a_clear_error(tmp_path: Path, run_cli) -> None:
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    assert run_cli("ingest", "--no-extract", str(tmp_path / "r.txt")).exit_code == 0  # read commands need a KB
    result = run_cli("show", "nope")
    assert result.exit_code == 2
    assert "no document with id 'nope'" in result.stderr and "crosswire docs" in result.stderr


def test_missing_model_setting_names_the_fix(tmp_path: Path, db: str) -> None:
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", db, "--model", "no_such_model_pkg", "ingest", str(tmp_path)], obj={})
    assert result.exit_code == 2
    assert "spaCy model 'no_such_model_pkg' is not installed" in result.stderr
