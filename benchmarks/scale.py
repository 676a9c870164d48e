"""Ingest on several workers against one process, in the same run, on the same generated reports.

N generated reports (default 2,000; seeded, so every run and every engine reads the same bytes),
each a short news report of 6-9 sentences with figures, sources, places and dates (the sentence
shapes of benchmarks/size.py; outlets and reporters of benchmarks/ingest.py), one file each.
Three runs, each into its own new knowledge base and in its own child process (so Ray's start
and each run's memory are its own):

    1 process               Crosswire.ingest (the baseline)
    --engine local -w 2     2 worker processes, this process writes
    --engine ray -w 2       a local Ray with 2 actors, this process writes (skipped without ray)

Prints per run: seconds (start-up of the workers and their spaCy pipelines included), seconds until
the first report is stored (start-up: Ray's, the workers', the pipelines' load, the first batch),
reports/s, the ratio to 1 process (target >= 1.7 with 2 workers on 2 cores), the peak RSS of each
worker and of the writing process, CPU milliseconds per report of the workers together (start-up
included), of which the CPU seconds the workers spent before their pipelines were ready ("start
cpu s": imports, engine, spaCy), and of the writing process (1 process: the same process; the CPU
columns depend little on other load on the machine, the wall-clock ratio does), and the stored
result: documents, claims, and the claims table's content
hash (Store.content_hash), which must be the same for the three. Also prints the machine's load
(other work on it lowers every ratio).

    python benchmarks/scale.py [--n 2000] [--workers 2] [--engines one,local,ray] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import OUTLETS, REPORTERS  # noqa: E402 - the sibling benchmarks' vocabularies
from size import SENTENCES  # noqa: E402

PLACES = ["Kharkiv", "Seoul", "Pyongyang", "Kursk", "Odesa", "Busan", "Vladivostok", "Kyiv"]
SOURCES = ["the National Intelligence Service", "the defence ministry", "a senior US official",
           "the UN refugee agency", "lawmakers briefed by the spy agency", "Ukraine's military intelligence"]


def make_report(i: int, rng: random.Random) -> str:
    """One report: a dated headline line, 6-9 sentences, a sign-off."""
    outlet, signoff = rng.choice(OUTLETS)
    reporter = rng.choice(REPORTERS)
    day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    lines = [f"{outlet} {day}", f"Report {i}: {rng.choice(PLACES)} update"]
    for _ in range(rng.randint(6, 9)):
        s = rng.choice(SENTENCES).format(a=rng.randint(1, 900) * 100, b=rng.randint(2, 90), c=rng.randint(3, 60),
                                         d=rng.randint(1, 28))
        lines.append(s if rng.random() < 0.6 else f"{s[:-1]}, according to {rng.choice(SOURCES)}.")
    lines.append(signoff.format(r=reporter))
    return "\n\n".join(lines)


def write_corpus(folder: Path, n: int) -> None:
    rng = random.Random(12)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"r{i:05d}.txt").write_text(make_report(i, rng), encoding="utf-8")


def child(engine: str, workers: int, corpus: str, db: str) -> None:
    """One run; prints one JSON line."""
    from crosswire import Crosswire
    from crosswire.parallel import cpu_seconds, peak_rss_mb

    cw = Crosswire(db=db)
    first: list[float] = []

    def progress(n: int) -> None:
        if not first:
            first.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    if engine == "one":
        report = cw.ingest([corpus], progress=progress, fuse="never")  # reading and extraction timed
    else:
        report = cw.ingest([corpus], engine=engine, workers=workers, progress=progress, fuse="never")
    seconds = time.perf_counter() - t0
    count, digest = cw.store.content_hash("claims")
    cw.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = os.path.getsize(db)
    print(json.dumps({"engine": engine, "seconds": seconds, "added": report.added, "rejected": len(report.rejected),
                      "documents": cw.store.count("documents"), "claims": count, "claims_hash": digest,
                      "writer_rss_mb": peak_rss_mb(), "writer_cpu_s": cpu_seconds(), "db_bytes": size,
                      "workers": [w["peak_rss_mb"] for w in report.workers] or [peak_rss_mb()],
                      "workers_cpu_s": sum(w["cpu_s"] for w in report.workers) or cpu_seconds(),
                      "first_s": first[0] if first else seconds,
                      "start_cpu_s": sum(w["start_cpu_s"] for w in report.workers)}))
    cw.close()


def compile_sources() -> None:
    """Byte-compile crosswire's sources, as installing it does (pip; `make env`): every run starts new processes
    (its workers), and with PYTHONDONTWRITEBYTECODE set, or sources edited since the install, each of them
    would compile the sources again (about 0.1-0.2 s of CPU each)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("crosswire")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engines", default="one,local,ray")
    ap.add_argument("--keep", help="write the corpus and knowledge bases here and keep them")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        engine, workers, corpus, db = args.child
        child(engine, int(workers), corpus, db)
        return
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="crosswire-scale-"))
    try:
        corpus = tmp / "reports"
        write_corpus(corpus, args.n)
        compile_sources()
        print(f"reports: {args.n}  workers: {args.workers}  cores: {os.cpu_count()}  load before: {load()}")
        print(f"{'run':<22} {'seconds':>8} {'first s':>7} {'reports/s':>9} {'x 1 proc':>8} {'worker peak MB':>16} "
              f"{'writer MB':>9} {'cpu ms/rep':>10} {'start cpu s':>11} {'writer cpu ms/rep':>17} {'docs':>5} "
              f"{'claims':>6}  claims hash       load after")
        base = None
        size_kb = 0.0
        hashes = set()
        for engine in args.engines.split(","):
            db = tmp / f"{engine}.db"
            db.unlink(missing_ok=True)
            out = subprocess.run([sys.executable, __file__, "--child", engine, str(args.workers), str(corpus),
                                  str(db)], capture_output=True, text=True)
            name = "1 process" if engine == "one" else f"--engine {engine} -w {args.workers}"
            if out.returncode != 0:
                print(f"{name:<22} failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}")
                continue
            row = json.loads(out.stdout.strip().splitlines()[-1])
            rate = args.n / row["seconds"]
            base = base or (rate if engine == "one" else None)
            ratio = f"{rate / base:.2f}" if base else "—"
            peaks = "/".join(f"{m:.0f}" for m in row["workers"])
            hashes.add((row["documents"], row["claims"], row["claims_hash"]))
            size_kb = row["db_bytes"] / 1024 / args.n
            cpu = 1000 * row["workers_cpu_s"] / args.n
            writer = 1000 * row["writer_cpu_s"] / args.n
            start = f"{row['start_cpu_s']:.1f}" if row["start_cpu_s"] else "—"
            print(f"{name:<22} {row['seconds']:>8.1f} {row['first_s']:>7.1f} {rate:>9.2f} {ratio:>8} {peaks:>16} "
                  f"{row['writer_rss_mb']:>9.0f} {cpu:>10.0f} {start:>11} {writer:>17.0f} {row['documents']:>5} "
                  f"{row['claims']:>6}  {row['claims_hash'][:16]}  {load()}", flush=True)
        if size_kb:
            print(f"knowledge base: {size_kb:.1f} KB per report (SQLite, after a checkpoint)")
        print("stored records identical across runs: " + ("yes" if len(hashes) == 1 else f"NO ({len(hashes)} kinds)"))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
