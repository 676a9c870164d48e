"""Score crosswire.extract.timex on AQUAINT TimeML and the seed reports; time its throughput.

    python benchmarks/timex_eval.py [--out PRED.jsonl] [--eval-dir /work/shared/eval] [-v]

Writes one ``{"record": "time", "doc", "text", "value", "type", "start", "end"}`` line per
expression found (AQUAINT docs with ref = their ``published`` date, then the seed reports with
the publication dates below), runs ``score.py aquaint`` on it, prints the seed check (every gold
time of every seed doc must be matched by text and value, as score.py's ``score_times`` does),
and reports throughput against a baseline of one pass of a trivial regex over the same text.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Callable, TextIO

from crosswire.extract.timex import VERSION, find_times

# Publication dates of the seed reports (the documents themselves carry them in headers or not at all).
SEED_REFS = {"000": "2025-04-28", "001": "2025-01-28", "002": "2024-10-05", "003": None, "004": None}


def norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def value_ok(gold: str, value: str) -> bool:
    return len(value) >= len(gold) and all(g == "X" or g == v for g, v in zip(gold, value))


def run_aquaint(eval_dir: Path, out: TextIO) -> tuple[int, float]:
    chars, spent = 0, 0.0
    with (eval_dir / "aquaint" / "aquaint.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            t0 = time.perf_counter()
            times = find_times(doc["text"], doc.get("published"))
            spent += time.perf_counter() - t0
            chars += len(doc["text"])
            for t in times:
                out.write(json.dumps({"doc": doc["id"], **t.record()}) + "\n")
    return chars, spent


def run_seeds(eval_dir: Path, out: TextIO, verbose: bool) -> tuple[int, int]:
    gold = json.loads((eval_dir / "seeds" / "gold.json").read_text(encoding="utf-8"))["docs"]
    ok = total = 0
    for path in sorted((eval_dir / "seeds" / "docs").glob("*.txt")):
        times = find_times(path.read_text(encoding="utf-8"), SEED_REFS.get(path.name[:3]))
        for t in times:
            out.write(json.dumps({"doc": path.name, **t.record()}) + "\n")
        for gt in gold.get(path.name, {}).get("times", []):
            total += 1
            want = norm(gt["text"])
            hits = [t for t in times if want in norm(t.text) or (norm(t.text) and norm(t.text) in want)]
            good = any(value_ok(gt["value"], t.value) for t in hits)
            ok += good
            if verbose or not good:
                print(f"  seed {path.name[:3]} {'ok ' if good else 'MISS'} {gt['text']!r} want {gt['value']}"
                      f" got {[t.value for t in hits]}")
    return ok, total


def throughput(eval_dir: Path) -> None:
    """Timex over ~1 MB of AQUAINT text, against one trivial regex pass over the same text."""
    docs = [json.loads(x) for x in (eval_dir / "aquaint" / "aquaint.jsonl").open(encoding="utf-8")]
    blob = "\n\n".join(d["text"] for d in docs)
    blob = (blob * (1_000_000 // len(blob) + 1))[:1_000_000]
    spent, n = min((_cpu(lambda: len(find_times(blob, "1999-01-01"))) for _ in range(3)), key=lambda x: x[0])
    baseline, base = _cpu(lambda: len(re.findall(r"\b\d{4}\b", blob)))
    print(f"throughput: {len(blob) / spent / 1e6:.2f} MB/s of CPU time over 1 MB ({n} expressions, {spent:.2f}s, "
          f"best of 3); baseline one-regex pass {baseline:.3f}s ({base} matches)")


def _cpu(fn: Callable[[], int]) -> tuple[float, int]:
    """(CPU seconds, result): CPU time is steadier than wall time on a shared machine."""
    t0 = time.process_time()
    result = fn()
    return time.process_time() - t0, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval-dir", default=os.environ.get("CROSSWIRE_EVAL", "/work/shared/eval"))
    ap.add_argument("--out", default="/tmp/timex_pred.jsonl")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args()
    eval_dir = Path(args.eval_dir)
    with open(args.out, "w", encoding="utf-8") as out:
        chars, spent = run_aquaint(eval_dir, out)
        ok, total = run_seeds(eval_dir, out, args.verbose)
    print(f"{VERSION}: AQUAINT {chars} chars in {spent:.3f}s; predictions in {args.out}")
    cmd = [sys.executable, str(eval_dir / "score.py"), "aquaint", "--pred", args.out] + (["-v"] if args.verbose else [])
    subprocess.run(cmd, check=False)
    print(f"seeds: {ok}/{total} gold times matched ({ok / max(total, 1):.3f})")
    if not args.no_speed:
        throughput(eval_dir)


if __name__ == "__main__":
    main()
