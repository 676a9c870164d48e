"""Scenario benchmark: ingest a corpus with a reader's answer key and score the fused picture.

Prints point F1 (strict dates, and report + value only), the latest-correct rate, disagreement
F1 (contradictions and divergences, and each kind), and independence accuracy; then what was missed
(``--misses``). The default corpus is the project's own (tests/fixtures/scenario: invented reports
with recalled figures, one briefing carried by three outlets, increments, a hypothetical, a
divergence and two contradictions). Point it at reports nobody here has seen with their own key:

    python benchmarks/scenario.py [--corpus DIR_OR_JSONL] [--expected KEY.json] [--json] [--misses]

One such corpus, written blind (another invented war; its key written before crosswire ran on it):
benchmarks/scenarios/brenn-valley/ (reports.jsonl, expected.json; README.md has its scores).

The key's format and the matching rules: crosswire/fuse/scenario_score.py.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "fixtures" / "scenario"


def run(corpus: Path, expected: dict[str, Any], db: str) -> dict[str, Any]:
    """Ingest ``corpus`` into a new knowledge base at ``db`` and score it against ``expected``."""
    from crosswire import Crosswire
    from crosswire.fuse.scenario_score import report_names, score

    cw = Crosswire(db=db)
    cw.ingest([str(corpus)])
    names = report_names(corpus, cw.documents())
    return score(expected, cw.figures(), cw.conflicts(), names)


def table(result: dict[str, Any]) -> str:
    p, pa, lt, d, ind = (result[k] for k in ("points", "points_any_date", "latest", "disagreements", "independence"))
    rows = [f"point F1 (dates too)      {p['f1']:.3f}   P {p['precision']:.3f} R {p['recall']:.3f}"
            f"  (tp {p['tp']}, fp {p['fp']}, fn {p['fn']})",
            f"point F1 (report, value)  {pa['f1']:.3f}   P {pa['precision']:.3f} R {pa['recall']:.3f}",
            f"latest correct            {lt['rate']:.3f}   ({lt['correct']}/{lt['total']})",
            f"disagreement F1           {d['f1']:.3f}   P {d['precision']:.3f} R {d['recall']:.3f}"
            f"  (tp {d['tp']}, fp {d['fp']}, fn {d['fn']})"]
    rows += [f"  {kind:<23} {v['f1']:.3f}   (tp {v['tp']}, fp {v['fp']}, fn {v['fn']})"
             for kind, v in d["by_kind"].items()]
    rows.append(f"independence accuracy     {ind['accuracy']:.3f}   ({ind['correct']}/{ind['total']})")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=SCENARIO / "reports.jsonl")
    ap.add_argument("--expected", type=Path, default=SCENARIO / "expected.json")
    ap.add_argument("--json", action="store_true", help="print the whole result as JSON")
    ap.add_argument("--misses", action="store_true", help="also print what was missed or wrong")
    args = ap.parse_args()
    expected = json.loads(args.expected.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        result = run(args.corpus, expected, str(Path(tmp, "scenario.db")))
    if args.json:
        json.dump(result, sys.stdout, indent=1, default=str)
        print()
        return
    print(table(result))
    if args.misses:
        for kind, items in result["misses"].items():
            for item in items:
                print(f"  {kind}: {json.dumps(item, default=str)}")


if __name__ == "__main__":
    main()
