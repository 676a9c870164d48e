"""Golden extraction output for a few whole reports, reviewed in diffs.

Regenerate after an intended change with:  CROSSWIRE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
then read the diff of tests/fixtures/golden/*.golden.json before committing it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from crosswire import Crosswire

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
CLAIM_FIELDS = ("value", "low", "high", "qualifier", "unit", "measure", "subject", "source", "as_of", "conditional")


def summary(records: list[dict]) -> dict:
    """The reviewed part of the output: stable fields only, in a stable order."""
    doc = next(r for r in records if r["record"] == "document")
    return {
        "document": {k: doc[k] for k in ("title", "publisher", "published", "authors", "language")},
        "entities": sorted(f"{r['type']} {r['name']}" for r in records if r["record"] == "entity"),
        "quotes": [{k: r[k] for k in ("speaker", "said_on")} | {"text": r["text"][:60]}
                   for r in records if r["record"] == "quote"],
        "claims": [{k: r[k] for k in CLAIM_FIELDS} for r in records if r["record"] == "claim"],
        "times": [f"{r['text']} = {r['value']}" for r in records if r["record"] == "time"],
    }


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.txt")), ids=lambda p: p.name)
def test_golden_report(path: Path, cw: Crosswire) -> None:
    got = summary(list(cw.extract_records([str(path)])))
    golden = path.with_suffix(".golden.json")
    if os.environ.get("CROSSWIRE_UPDATE_GOLDEN") or not golden.exists():
        golden.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(golden.read_text(encoding="utf-8"))
