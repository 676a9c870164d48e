"""Eval gate: the shared benchmarks, run through the CLI, must not fall below floors set just under what
the project reached (trafilatura's eval gate is the model). A change that breaks generalisation fails here.

The benchmarks live beside the checkout (../shared/eval); without them the gate is skipped, saying so.
Floors are deliberately a little under the measured scores (noted beside each) so that noise from
unrelated changes does not fail CI, while a real loss does.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCORE = ROOT.parent / "shared" / "eval" / "score.py"
CLI = Path(sys.executable).with_name("crosswire")

pytestmark = [
    pytest.mark.eval_gate,
    pytest.mark.skipif(not SCORE.exists(), reason=f"no shared benchmarks at {SCORE.parent} (CI puts ../shared beside the checkout)"),
    pytest.mark.skipif(not CLI.exists(), reason=f"crosswire CLI not installed beside {sys.executable}"),
]


def score(tmp_path: Path, *args: str) -> dict[str, Any]:
    out = tmp_path / "score.json"
    env = {**os.environ, "CROSSWIRE": str(CLI)}
    run = subprocess.run([sys.executable, str(SCORE), *args, "--json", str(out)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(out.read_text(encoding="utf-8"))


def test_polnear_attribution(tmp_path: Path) -> None:
    result = score(tmp_path, "polnear")
    assert result["attribution"]["f1"] >= 0.70  # reached 0.702 with the statement filter (statements 0.723, source accuracy 0.962)
    assert result["source_acc"]["accuracy"] >= 0.90


def test_articles_pasted_text(tmp_path: Path) -> None:
    result = score(tmp_path, "articles", "--mode", "text")
    assert result["article_body"]["f1"] >= ARTICLES_TEXT_FLOOR


def test_articles_html(tmp_path: Path) -> None:
    result = score(tmp_path, "articles", "--mode", "html")
    assert result["article_body"]["f1"] >= ARTICLES_HTML_FLOOR


def test_seeds(tmp_path: Path) -> None:
    result = score(tmp_path, "seeds")
    assert result["metadata"]["accuracy"] == 1.0 and result["clean_text"]["accuracy"] == 1.0
    assert result["quotes"]["f1"] >= 0.95 and result["claims"]["fields"]["source"] >= 0.95


ARTICLES_TEXT_FLOOR = 0.93  # reached 0.959
ARTICLES_HTML_FLOOR = 0.965  # reached 0.976
