"""Score crosswire.extract.quantities on NewsQuant and check it against the seed gold.

    python benchmarks/quantities_eval.py [--out FILE] [--seeds] [--speed]

Writes one JSONL ``claim`` line per quantity found in each NewsQuant sentence (doc id
``nq-0000`` ...) and runs ``/work/shared/eval/score.py newsquant --pred FILE -v`` on it.
``--seeds`` lists, for each seed report, the gold claims found/missed and the extra quantities;
``--speed`` times find_quantities on the NewsQuant sentences and on the seed documents.
``--units`` lists the NewsQuant quantities whose value is found but whose unit differs from the
gold, each marked with the product convention that explains it (ISO 4217 codes, "person",
"fraction", "time", pence) or "?" when none does: the "?" lines are the ones worth fixing.
Baseline for comparison (same score.py): quantulum3 value F1 0.757, value+unit F1 0.538.
(This script scores find_quantities alone; score.py newsquant runs the whole CLI, claims included.)
"""
from __future__ import annotations

import argparse
import importlib.util
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


def _scorer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("score", EVAL / "score.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def _convention(unit: str | None) -> str:
    """Which product decision makes this unit differ from NewsQuant's naming, if any."""
    u = unit or ""
    if u.split(" per ")[0].isupper():
        return "iso4217"
    if u in ("person", "fraction", "time", "pence") or u.startswith("time per"):
        return u
    return "?"


def unit_misses(pred_path: Path) -> None:
    score = _scorer()
    pred = score.load_pred(str(pred_path))
    tally: dict[str, int] = {}
    for doc_id, text, gold in score.newsquant_gold():
        preds = score.dedupe_claims(pred[doc_id].get("claim", []))
        used: set[int] = set()
        for g in gold:
            want = {"value": g["value"]} if "value" in g else {"low": g["low"], "high": g["high"]}
            cands = [i for i, p in enumerate(preds) if i not in used and score.value_match(want, p)]
            if not cands:
                continue
            best = max(cands, key=lambda i: score.units_agree(g["unit"], preds[i].get("unit")))
            used.add(best)
            got = preds[best].get("unit")
            if not score.units_agree(g["unit"], got):
                why = _convention(got)
                tally[why] = tally.get(why, 0) + 1
                print(f"  {why:9} {doc_id}: gold {g['unit']!r} got {got!r} in {preds[best].get('span')!r}")
    print("unit misses by convention:", json.dumps(dict(sorted(tally.items()))))


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
    ap.add_argument("--units", action="store_true", help="list value matches with another unit")
    ap.add_argument("-q", "--quiet", action="store_true", help="no per-miss listing")
    args = ap.parse_args()
    out = Path(args.out)
    print(f"{newsquant_pred(out)} quantities -> {out}", file=sys.stderr)
    cmd = [sys.executable, str(EVAL / "score.py"), "newsquant", "--pred", str(out)]
    subprocess.run(cmd + ([] if args.quiet else ["-v"]), check=True)
    if args.units:
        unit_misses(out)
    if args.seeds:
        seeds_check()
    if args.speed:
        speed()


if __name__ == "__main__":
    main()
