"""Text from stored reports reaches the terminal without control characters (issue 13, lesser findings)."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from crosswire import Crosswire
from crosswire.cli import cli
from crosswire.terminal import dumps, safe, safe_data

ESCAPES = ("\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m", "\x1b]52;c;cm0gLXJmIH4=\x07", "\x08\x08", "\x7f")
REPORT = "Harbour Wire, 2025-03-01\n\nPort officials said about 3,000 containers were unloaded at the terminal.\n"


def run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args], obj={}, catch_exceptions=False)


def hostile_kb(tmp_path: Path) -> tuple[Path, str]:
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    db = tmp_path / "kb.db"
    cw = Crosswire(db=str(db))
    cw.ingest([str(tmp_path / "r.txt")])
    title = "Title " + "".join(ESCAPES) + " end"
    # stored as a reader might have kept it (a feed or JSONL title); the printing side must cope
    cw.store.conn.execute("UPDATE documents SET title = ?, publisher = ?, text = text || ?",
                          (title, "Wire\x1b[31m", "\nTail \x1b[2J containers."))
    doc_id = cw.store.conn.execute("SELECT id FROM documents").fetchone()[0]
    cw.close()
    return db, doc_id


def _clean(text: str) -> bool:
    return not any(ch in text for ch in "\x1b\x07\x9b\x08\x7f")


def test_show_docs_and_search_print_no_control_characters(tmp_path: Path) -> None:
    db, doc_id = hostile_kb(tmp_path)
    for args in (["show", doc_id], ["docs"], ["search", "containers"], ["timeline"], ["figures"], ["entities", "list"],
                 ["report"], ["report", "--format", "html"]):
        result = run(db, *args)
        assert result.exit_code == 0, result.output
        assert _clean(result.output), (args, result.output)
    shown = run(db, "show", doc_id).output
    assert "Title ]0;pwned" in shown and " end" in shown and "Tail [2J containers." in shown  # text kept


def test_json_output_escapes_controls_and_keeps_the_data(tmp_path: Path) -> None:
    db, doc_id = hostile_kb(tmp_path)
    out = run(db, "show", doc_id, "--json").output
    assert _clean(out) and "\\u001b" in out and "\\u009b" in out
    assert json.loads(out)["title"].startswith("Title \x1b]0;pwned\x07")  # JSON round-trips exactly


def test_rejection_messages_are_safe(tmp_path: Path) -> None:
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "empty\x1b[2J.txt").write_bytes(b"")
    result = run(tmp_path / "kb.db", "ingest", "--no-extract", str(bad))
    assert result.exit_code == 1 and _clean(result.output) and "empty" in result.output


def test_safe_helpers() -> None:
    assert safe("a\x1b[31mb\tc\nd\x9be\x00") == "a[31mb\tc\nde"
    assert safe_data({"a": ["\x1bx", 3, ("\x07",)]}) == {"a": ["x", 3, [""]]}
    assert dumps({"t": "\x1b\x9b"}, indent=None) == '{"t": "\\u001b\\u009b"}'
