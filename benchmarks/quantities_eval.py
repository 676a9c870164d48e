"""Score crosswire.extract.quantities on NewsQuant and check it against the seed gold.

    python benchmarks/quantities_eval.py [--out FILE] [--seeds] [--speed]

Writes one JSONL ``claim`` line per quantity found in each NewsQuant sentence (doc id
``nq-0000`` ...) and runs ``/work/shared/eval/score.py newsquant --pred FILE -v`` on it.
``--seeds`` lists, for each seed report, the gold claims found/missed and the extra quantities;
``--speed`` times find_quantities on the NewsQuant sentences and on the seed documents.
Baseline for comparison (same score.py): quantulum3 value F1 0.757, value+unit F1 0.538.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from crosswire.extract.quantities import VERSION, find_quantities

EVAL = Path("/work/shared/eval")


def newsquant_pred(out: Path) -> int:
    sentences = json.loads((EVAL / "newsquant" / "NewsQuant.json").read_text(encoding="utf-8"))
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for i, item in enumerate(sentences):
            for q in find_quantities(item["text"]):
                fh.write(json.dumps({"record": "claim", "doc": f"nq-{i:04d}", "value": q.value,
                                     "low": q.low, "high": q.high, "qualifier": q.qualifier,
                                     "trend": q.trend, "unit": q.unit, "span": q.text,
                                     "version": VERSION}) + "\n")
                n += 1
    return n


def seeds_check() -> None:
    gold = json.loads((EVAL / "seeds" / "gold.json").read_text(encoding="utf-8"))["docs"]
    found_n = gold_n = extra_n = qual_ok = unit_ok = 0
    for name, g in gold.items():
        text = (EVAL / "seeds" / "docs" / name).read_text(encoding="utf-8")
        preds = find_quantities(text)
        used: set[int] = set()
        print(f"== {name}")
        for gc in g.get("claims", []):
            gold_n += 1
            want = gc.get("value")
            cands = [i for i, q in enumerate(preds) if i not in used and (
                (want is not None and q.value == want) or
                (want is None and (q.low, q.high) == (gc.get("low"), gc.get("high"))))]
            hit = max(cands, default=None, key=lambda i: ((preds[i].unit or "").lower() == gc["unit"].lower(),
                                                          preds[i].qualifier == gc["qualifier"]))
            if hit is None:
                print(f"   MISSED {want or (gc.get('low'), gc.get('high'))} {gc['qualifier']} {gc['unit']}")
                continue
            used.add(hit)
            q = preds[hit]
            found_n += 1
            qual_ok += q.qualifier == gc["qualifier"]
            unit_ok += (q.unit or "").lower() == gc["unit"].lower()
            mark = "ok " if (q.qualifier, (q.unit or "").lower()) == (gc["qualifier"], gc["unit"].lower()) else "BAD"
            print(f"   {mark} {q.text!r}: {q.qualifier} {q.unit} (gold {gc['qualifier']} {gc['unit']})")
        optional = {o.get("value") for o in g.get("optional_claims", [])}
        for i, q in enumerate(preds):
            if i in used or q.value in optional:
                continue
            if any(q.value == preds[j].value and q.unit == preds[j].unit for j in used):
                continue  # same figure repeated (score.py counts it once)
            extra_n += 1
            print(f"   extra {q.text!r} {q.value} {q.unit}")
    print(f"seeds: found {found_n}/{gold_n}, qualifier ok {qual_ok}, unit ok {unit_ok}, extras {extra_n}")


def speed() -> None:
    sentences = [x["text"] for x in json.loads((EVAL / "newsquant" / "NewsQuant.json").read_text())]
    docs = [p.read_text(encoding="utf-8") for p in sorted((EVAL / "seeds" / "docs").glob("*.txt"))]
    find_quantities("warm up 5 km")
    for label, items, rounds in (("NewsQuant sentences", sentences, 5), ("seed documents", docs, 50)):
        t0 = time.perf_counter()
        for _ in range(rounds):
            for t in items:
                find_quantities(t)
        dt = time.perf_counter() - t0
        print(f"{label}: {len(items) * rounds / dt:,.0f} per second")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/tmp/quantities_newsquant.jsonl")
    ap.add_argument("--seeds", action="store_true")
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("-q", "--quiet", action="store_true", help="no per-miss listing")
    args = ap.parse_args()
    out = Path(args.out)
    print(f"{newsquant_pred(out)} quantities -> {out}", file=sys.stderr)
    cmd = [sys.executable, str(EVAL / "score.py"), "newsquant", "--pred", str(out)]
    subprocess.run(cmd + ([] if args.quiet else ["-v"]), check=True)
    if args.seeds:
        seeds_check()
    if args.speed:
        speed()


if __name__ == "__main__":
    main()
