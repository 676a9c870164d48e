"""Extraction time and peak memory against report size: is the work linear in the input?

One generated report per size (default 10 KB, 100 KB, 1 MB, 5 MB): news sentences with figures,
names, places and dates, written as ONE line with no paragraph break (the worst case for
splitting). Each size runs in its own subprocess, so the peak resident memory is that size's.
Baseline, in the same run: the smallest size's time per KB. Prints seconds, ms per KB, the
ratio to the baseline, peak RSS and whether the result was partial (time budget), then checks
the targets of issue 13: time per KB within 2x across sizes; 5 MB under 2 GB peak and 5 minutes.

    python benchmarks/size.py [--sizes 10,100,1000,5000] [--budget 600] [--lines]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

SENTENCES = (
    "On March {d}, 2024, officials in Kharkiv said {a:,} troops and {b} tanks moved {c} km north.",
    "Defence Minister Rustem Umerov told Reuters on Tuesday that about {a:,} people were evacuated.",
    "The UN refugee agency said between {b} and {c} families had fled Zaporizhzhia since {d} February.",
    "Russia's defence ministry claimed it had destroyed {b} drones, a figure Kyiv did not confirm.",
    "Prices rose {c}% in the year to March, the central bank said, and the budget will reach ${a:,} million.",
)


def report_text(n_bytes: int, lines: bool) -> str:
    """A report of ``n_bytes`` characters (ASCII): varied sentences, one line unless ``lines``."""
    parts, size, i = [], 0, 0
    while size < n_bytes:
        s = SENTENCES[i % len(SENTENCES)].format(a=1000 + 37 * i % 9000, b=3 + i % 90, c=5 + i % 40,
                                                 d=1 + i % 28)
        parts.append(s)
        size += len(s) + 1
        i += 1
    sep = "\n\n" if lines else " "
    return sep.join(parts)[:n_bytes]


def child(kb: int, budget: float, lines: bool) -> None:
    from crosswire.models import Document
    from crosswire.nlp.pipeline import Extractor
    from crosswire.resources import Resources
    from crosswire.settings import load

    text = report_text(kb * 1000, lines)
    ex = Extractor(load()["model"], Resources(), time_budget=budget)
    warm = Document(id="w", source="w.txt", raw=b"", text=report_text(10_000, lines))
    ex.extract_many([warm])  # first use loads lazy resources (cue model, patterns): not the size's cost
    doc = Document(id="d", source="d.txt", raw=text.encode(), text=text, decoded=text)
    t0, c0 = time.perf_counter(), time.process_time()
    records = ex.extract_many([doc])["d"]
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    errors = [r for r in records if r["record"] == "error"]
    print(json.dumps({"kb": kb, "seconds": seconds, "cpu": cpu, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "claims": sum(r["record"] == "claim" for r in records), "records": len(records),
                      "partial": any(r.get("partial") for r in errors),
                      "errors": [r["reason"][:120] for r in errors if not r.get("partial")]}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10,100,1000,5000", help="sizes in KB (1 KB = 1,000 characters)")
    ap.add_argument("--budget", type=float, default=3600.0, help="time budget per document, seconds")
    ap.add_argument("--lines", action="store_true", help="a paragraph break after every sentence")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.budget, args.lines)
        return
    rows = []
    print(f"{'size':>8} {'seconds':>9} {'cpu s':>7} {'cpu ms/KB':>9} {'x base':>7} {'peak MB':>8} {'claims':>7} "
          f"{'partial':>7}")
    for kb in (int(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--child", str(kb), "--budget", str(args.budget)] + (["--lines"] if args.lines else [])
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{kb:>6}KB failed (exit {out.returncode}): {out.stderr.strip().splitlines()[-1:]}")
            continue
        row = json.loads(out.stdout.strip().splitlines()[-1])
        row["ms_per_kb"] = 1000 * row["cpu"] / row["kb"]  # CPU time: other work on the machine does not count
        rows.append(row)
        base = rows[0]["ms_per_kb"]
        print(f"{kb:>6}KB {row['seconds']:>9.1f} {row['cpu']:>7.1f} {row['ms_per_kb']:>9.1f} {row['ms_per_kb'] / base:>7.2f} "
              f"{row['peak_mb']:>8.0f} {row['claims']:>7} {str(row['partial']):>7}"
              + (f"  errors: {row['errors']}" if row["errors"] else ""), flush=True)
    if len(rows) > 1:
        per_kb = [r["ms_per_kb"] for r in rows]
        print(f"CPU time per KB, max/min across sizes: {max(per_kb) / min(per_kb):.2f} (target <= 2)")
    big = next((r for r in rows if r["kb"] >= 5000), None)
    if big:
        print(f"5 MB: {big['seconds']:.0f} s wall, {big['cpu']:.0f} s CPU (target < 300), peak {big['peak_mb']:.0f} MB (target < 2048)"
              f"{', PARTIAL' if big['partial'] else ''}")


if __name__ == "__main__":
    main()
