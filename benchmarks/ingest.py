"""Ingest benchmark: 10,000 generated reports, then the same again, on each backend asked for.

Prints reports/s and peak RSS of the first run, the time of the second run (everything already
stored) and the ratio second/first (target < 0.1). The baseline is the first run itself: the
second must skip work, not redo it. With both backends, the same reports go into a SQLite file and
a PostgreSQL database in the same run, and the ratio of their first-run throughputs is printed
(target: PostgreSQL at least 0.7 of SQLite).

    python benchmarks/ingest.py [--n 10000] [--extract]
    python benchmarks/ingest.py --backend both                       # a throwaway PostgreSQL server
    python benchmarks/ingest.py --backend both --db-url postgresql://user@host/empty_db
"""
from __future__ import annotations

import argparse
import contextlib
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from crosswire import Crosswire

OUTLETS = [("KBS News", "This is KBS News, {r}."), ("YTN", "I'm YTN's {r}."), ("MBC", "This is MBC News, {r}.")]
REPORTERS = ["Park Ji-won", "Lee Min-jun", "Choi Seo-yeon", "Kim Do-hyun", "Han Ye-jin"]
FIGURES = ["about {n:,} casualties", "more than {n:,} troops", "as many as {n:,} soldiers", "{n:,} containers"]


def make_report(i: int, rng: random.Random) -> str:
    outlet, signoff = rng.choice(OUTLETS)
    reporter = rng.choice(REPORTERS)
    day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    figure = rng.choice(FIGURES).format(n=rng.randint(1, 500) * 100)
    body = "\n\n".join([
        f"date {day} 동영상 고정 취소", "[Anchor]",
        f"Report number {i}: officials say North Korea has sent {figure} to Russia.",
        f"Reporter {reporter} has the story.", "[Reporter]",
        f"According to intelligence officials, the deployment reached {figure} by the {rng.randint(1, 28)}th.",
        "[Analyst/Research Fellow: \"Cooperation is likely to continue.\"]",
        signoff.format(r=reporter), "■ 제보하기", "▷ 전화 : 02-781-1234"])
    return body


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(db: str, folder: Path, n: int, extract: bool) -> float:
    """Ingest ``folder`` twice into ``db``; prints both runs; the first run's reports/s."""
    cw = Crosswire(db=db)
    trips = getattr(cw.store.conn, "round_trips", None)  # PostgreSQL: statements sent (opening not counted)
    t0 = time.perf_counter()
    first = cw.ingest([str(folder)], extract=extract, fuse="never")  # storing timed, not fusion
    t1 = time.perf_counter()
    if trips is not None:
        trips = cw.store.conn.round_trips - trips  # type: ignore[attr-defined]
    second = cw.ingest([str(folder)], extract=extract, fuse="never")
    t2 = time.perf_counter()
    cw.close()
    d1, d2 = t1 - t0, t2 - t1
    print(f"[{cw.settings['db'].split('://')[0] if '://' in str(cw.settings['db']) else 'sqlite'}]  reports: {n}"
          f"  extract: {extract}")
    print(f"first run:  {d1:8.2f} s  {n / d1:8.1f} reports/s  added={first.added}"
          + (f"  round trips per report: {trips / n:.3f}" if trips is not None else ""))
    print(f"second run: {d2:8.2f} s  {n / d2:8.1f} reports/s  unchanged={second.unchanged} added={second.added}")
    print(f"ratio second/first: {d2 / d1:.3f} (target < 0.1)")
    return n / d1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--extract", action="store_true", help="also run extraction (slower)")
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    ap.add_argument("--db-url", help="an empty PostgreSQL database (default: a throwaway server, durable settings)")
    args = ap.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        folder = Path(tmp, "reports")
        folder.mkdir()
        for i in range(args.n):
            (folder / f"r{i:05d}.txt").write_text(make_report(i, rng), encoding="utf-8")
        rates = {}
        if args.backend in ("sqlite", "both"):
            rates["sqlite"] = measure(str(Path(tmp, "kb.db")), folder, args.n, args.extract)
        if args.backend in ("postgresql", "both"):
            url = args.db_url
            if not url:
                sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
                from pg_server import throwaway_server

                url = stack.enter_context(throwaway_server(durable=True)).create_database("bench_ingest")
            rates["postgresql"] = measure(url, folder, args.n, args.extract)
    if len(rates) == 2:
        ratio = rates["postgresql"] / rates["sqlite"]
        print(f"postgresql/sqlite throughput: {ratio:.2f} (target >= 0.7)")
    print(f"peak RSS: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
