"""The dashboard under load: 20 concurrent clients for 20 s against a knowledge base holding one big report.

    .venv/bin/python benchmarks/load.py                        # 5 MB report, 300 KB report extracted
    .venv/bin/python benchmarks/load.py --clients 8 --seconds 5 --big-mb 1 --no-extract-doc   # a quick look

Steps, in order:
1. build a knowledge base in a temporary folder (or --db): the demo corpus (examples/, extracted), one
   generated report of --big-mb MB (stored with --no-extract: the text and its page, no records) and one
   generated report of --doc-kb KB (extracted unless --no-extract-doc, so its page highlights every record);
2. start `crosswire serve` in a subprocess on 127.0.0.1 and a free port, and wait until it answers;
3. warm up: each page once (the first request builds the fusion model);
4. home: --clients threads, each with its own keep-alive connection and no pause between requests, ask
   for the home page for --seconds (targets: 0 failures, home p95 < 300 ms);
5. browse: the same clients cycle through home, reports, a report's page, figures, timeline, conflicts,
   search and the JSON overview; reported, no target (with no pause between requests, a closed loop of 20
   clients waits about 20 x the mean service time, whatever the page);
6. heavy: as browse, but --heavy of the clients read the big report's and the --doc-kb report's pages in
   turn (the adversarial run's "parallel views of the big report", which stalled home for 42 s); reported;
7. the page of the --doc-kb report alone, --repeat times, each time with another ?hl= passage so it is
   rendered anew (the page cache keeps long pages per knowledge-base version; target: p95 < 300 ms), with
   the server's CPU time per request (from /proc, where there is one: on a busy machine wall time also
   counts waiting); then the same address again --repeat times (served from the page cache);
8. stop the server (terminate, then kill after 10 s), print p50/p95/max per page and the targets; exit 1
   if one is missed.

Loopback only; every loop is bounded by --seconds or --repeat. The reports are generated from templates
written for this benchmark (no benchmark or eval text).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crosswire import Crosswire  # noqa: E402

AGENCIES = ["the National Intelligence Service", "the Joint Chiefs of Staff", "the defence ministry",
            "Ukrainian military intelligence", "the Pentagon", "the port authority", "a regional governor"]
PEOPLE = ["Lee Seong-kweun", "John Kirby", "Maria Holt", "Park Ji-won", "Oleh Marchenko", "Anna Weber"]
PLACES = ["Kursk", "Belgorod", "Donetsk", "the northern front", "Pokrovsk", "the border region"]
UNITS = [("troops", "arrived"), ("soldiers", "killed"), ("soldiers", "wounded"), ("containers", "shipped"),
         ("shells", "delivered"), ("civilians", "evacuated")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
TEMPLATES = [
    "{agency} said on {month} {day} that about {n:,} {unit} had been {verb} near {place}.",
    "“We have seen at least {n:,} more {unit} {verb} this week,” {person} told reporters in Seoul.",
    "According to {agency}, more than {n:,} {unit} were {verb} in {place} since early {month}.",
    "{person}, a spokesperson for {agency}, said the figure could be as high as {n2:,}.",
    "Analysts estimated the total at between {n:,} and {n2:,}, but said the numbers could not be verified.",
    "Officials in {place} said the situation remained tense as talks continued in the capital.",
]
HOME_MIX = ["/", "/documents", "/figures", "/timeline", "/search?q=soldiers", "/api/overview", "/conflicts",
            "/documents/{small}"]


def report_text(size: int, seed: int, title: str) -> str:
    """A generated report of about ``size`` characters: a dateline, a title and paragraphs of figures."""
    rng = random.Random(seed)
    parts = [f"Peninsula Wire, 2025-03-{seed % 27 + 1:02d}\n\n{title}\n\n"]
    total = len(parts[0])
    while total < size:
        sentences = []
        for _ in range(5):
            unit, verb = rng.choice(UNITS)
            n = rng.randrange(100, 20000)
            sentences.append(rng.choice(TEMPLATES).format(
                agency=rng.choice(AGENCIES), person=rng.choice(PEOPLE), place=rng.choice(PLACES), unit=unit,
                verb=verb, n=n, n2=n + rng.randrange(100, 5000), month=rng.choice(MONTHS), day=rng.randrange(1, 28)))
        paragraph = " ".join(sentences) + "\n\n"
        parts.append(paragraph)
        total += len(paragraph)
    return "".join(parts)


def build(db: Path, big_mb: float, doc_kb: int, extract_doc: bool) -> dict[str, str]:
    """The knowledge base for the run; returns the ids of the big report and the --doc-kb report."""
    folder = db.parent / "load_inputs"
    folder.mkdir(parents=True, exist_ok=True)
    big = folder / "big_report.txt"
    doc = folder / "long_report.txt"
    big.write_text(report_text(int(big_mb * 1_000_000), 1, "Big report for the load test"), encoding="utf-8")
    doc.write_text(report_text(doc_kb * 1000, 2, "Long report for the page test"), encoding="utf-8")
    cw = Crosswire(db=str(db))
    timings = {}
    for paths, extract, label in (([str(ROOT / "examples")], True, "examples"), ([str(big)], False, "big"),
                                  ([str(doc)], extract_doc, "doc")):
        started = time.perf_counter()
        report = cw.ingest(paths, extract=extract)
        timings[label] = time.perf_counter() - started
        if report.rejected:
            raise SystemExit(f"load.py: could not ingest {paths}: {report.as_dict()['rejected']}")
    ids = find_ids(cw)
    cw.close()
    print(f"built {db}: examples {timings['examples']:.1f} s, {big_mb} MB report (no extraction) "
          f"{timings['big']:.1f} s, {doc_kb} KB report ({'extracted' if extract_doc else 'not extracted'}) "
          f"{timings['doc']:.1f} s", file=sys.stderr)
    return ids


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, int]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, len(response.read())


def wait_ready(port: int, server: subprocess.Popen[bytes], limit: float = 180.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"load.py: the server exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            if get(conn, "/api/overview")[0] == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"load.py: the server did not answer within {limit:.0f} s")


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.failures: list[str] = []
        self.bytes = 0

    def add(self, kind: str, seconds: float, status: int, size: int) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            self.bytes += size
            if status != 200:
                self.failures.append(f"{kind}: HTTP {status}")

    def fail(self, kind: str, error: str) -> None:
        with self.lock:
            self.failures.append(f"{kind}: {error}")


def kind_of(path: str, ids: dict[str, str]) -> str:
    if path == "/":
        return "home"
    if ids["big"] in path:
        return "big report page"
    if ids["doc"] in path:
        return "long report page"
    if ids["small"] in path:
        return "a report's page"
    return path.split("?")[0]


def client(port: int, paths: list[str], until: float, rec: Recorder, ids: dict[str, str], offset: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    i = offset
    while time.monotonic() < until:
        path = paths[i % len(paths)]
        i += 1
        kind = kind_of(path, ids)
        started = time.perf_counter()
        try:
            status, size = get(conn, path)
        except (OSError, http.client.HTTPException) as exc:
            rec.fail(kind, f"{type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        rec.add(kind, time.perf_counter() - started, status, size)
    conn.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def table(rec: Recorder) -> list[str]:
    lines = [f"{'page':<22} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"]
    for kind, values in sorted(rec.times.items()):
        lines.append(f"{kind:<22} {len(values):>8} {statistics.median(values) * 1000:>8.0f} "
                     f"{pct(values, 0.95) * 1000:>8.0f} {max(values) * 1000:>8.0f}")
    return lines


def phase(port: int, seconds: float, mixes: list[list[str]], ids: dict[str, str]) -> Recorder:
    """One client thread per entry of ``mixes`` (the pages it cycles through), all for ``seconds``."""
    rec = Recorder()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(port, paths, until, rec, ids, i), daemon=True)
               for i, paths in enumerate(mixes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    return rec


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(args: argparse.Namespace, db: Path) -> int:
    ids = build(db, args.big_mb, args.doc_kb, not args.no_extract_doc) if not args.reuse else _ids(db)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CROSSWIRE_TOKEN"}  # loopback, no token
    server = subprocess.Popen([sys.executable, "-m", "crosswire.cli", "--db", str(db), "-q", "serve", "--host",
                               "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env)
    try:
        started = time.perf_counter()
        wait_ready(port, server)
        print(f"server on 127.0.0.1:{port} answered after {time.perf_counter() - started:.1f} s", file=sys.stderr)
        browse = [p.format(small=ids["small"]) for p in HOME_MIX]
        big_page, doc_page = f"/documents/{ids['big']}", f"/documents/{ids['doc']}"
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for path in [*browse, big_page, doc_page]:
            status, _ = get(warm, path)
            if status != 200:
                print(f"warm-up: {path} answered {status}", file=sys.stderr)
        warm.close()
        home = phase(port, args.seconds, [["/"]] * args.clients, ids)
        light = phase(port, args.seconds, [browse] * args.clients, ids)
        heavy = phase(port, args.seconds, [[big_page, doc_page]] * args.heavy + [browse] * (args.clients - args.heavy),
                      ids)
        page = Recorder()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        cpu_before = cpu_seconds(server.pid)
        for i in range(args.repeat):  # a new passage each time: rendered, not served from the page cache
            t0 = time.perf_counter()
            status, size = get(conn, f"{doc_page}?hl={i + 1}-{i + 40}")
            page.add("long report alone", time.perf_counter() - t0, status, size)
        cpu_after = cpu_seconds(server.pid)
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            status, size = get(conn, f"{doc_page}?hl=1-40")
            page.add("long report again", time.perf_counter() - t0, status, size)
        conn.close()
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    cpu = (cpu_after - cpu_before) / args.repeat if cpu_before is not None and cpu_after is not None else None
    return report(args, home, light, heavy, page, ids, cpu)


def report(args: argparse.Namespace, home: Recorder, light: Recorder, heavy: Recorder, page: Recorder,
           ids: dict[str, str], cpu: float | None) -> int:
    for title, rec in ((f"home: {args.clients} clients on the home page", home),
                       (f"browse: {args.clients} clients on every kind of page", light),
                       (f"heavy: {args.heavy} of {args.clients} clients on the {args.big_mb} MB and {args.doc_kb} KB "
                        "reports' pages", heavy)):
        total = sum(len(v) for v in rec.times.values())
        print(f"\n{title}, {args.seconds:.0f} s: {total} requests, {total / args.seconds:.1f}/s, "
              f"{rec.bytes / 1e6:.0f} MB, {len(rec.failures)} failures")
        print("\n".join(table(rec)))
    print(f"\nthe {args.doc_kb} KB report's page alone ({ids.get('doc_records', '?')} records highlighted), "
          f"{args.repeat} times rendered" + (f" (server CPU {cpu * 1000:.0f} ms per request)" if cpu is not None
                                             else "") + f", then {args.repeat} times from the page cache:")
    print("\n".join(table(page)[1:]))
    failures = home.failures + light.failures + heavy.failures + page.failures
    home95 = pct(home.times.get("home", [99.0]), 0.95)
    doc95 = pct(page.times.get("long report alone", [99.0]), 0.95)
    checks = [("0 failures (all phases)", not failures, f"{len(failures)}"),
              (f"home p95 < 300 ms, {args.clients} clients", home95 < 0.3, f"{home95 * 1000:.0f} ms"),
              (f"{args.doc_kb} KB report page p95 < 300 ms", doc95 < 0.3, f"{doc95 * 1000:.0f} ms")]
    print()
    for name, ok, value in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value}")
    for failure in failures[:10]:
        print(f"  failure: {failure}")
    if args.json:
        print(json.dumps({"failures": len(failures), "server_cpu_ms_per_doc_page": cpu and cpu * 1000,
                          "phases": {name: {k: {"n": len(v), "p50": statistics.median(v), "p95": pct(v, 0.95)}
                                            for k, v in rec.times.items()}
                                     for name, rec in (("home", home), ("browse", light), ("heavy", heavy),
                                                       ("page", page))}}))
    return 0 if all(ok for _, ok, _ in checks) else 1


def find_ids(cw: Crosswire) -> dict[str, str]:
    """Ids of the big report, the --doc-kb report (with its record count) and one small example report."""
    ids: dict[str, str] = {}
    for d in cw.documents():
        if d["source"].endswith("big_report.txt"):
            ids["big"] = d["id"]
        elif d["source"].endswith("long_report.txt"):
            ids["doc"], ids["doc_records"] = d["id"], str(d["entities"] + d["quotes"] + d["claims"])
        elif d["claims"] and "small" not in ids:
            ids["small"] = d["id"]
    if not {"big", "doc", "small"} <= set(ids):
        raise SystemExit("load.py: the knowledge base was not built by this script (run without --reuse)")
    return ids


def _ids(db: Path) -> dict[str, str]:
    cw = Crosswire(db=str(db), read_only=True)
    try:
        return find_ids(cw)
    finally:
        cw.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--heavy", type=int, default=4, help="clients that read the two big reports' pages")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--big-mb", type=float, default=5.0)
    ap.add_argument("--doc-kb", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=20, help="requests of the --doc-kb report's page alone")
    ap.add_argument("--no-extract-doc", action="store_true", help="store the --doc-kb report without extraction")
    ap.add_argument("--db", help="build (or with --reuse, use) the knowledge base here")
    ap.add_argument("--reuse", action="store_true", help="use --db as built by an earlier run")
    ap.add_argument("--json", action="store_true", help="also print the numbers as JSON")
    args = ap.parse_args()
    if args.db:
        return run(args, Path(args.db))
    with tempfile.TemporaryDirectory(prefix="crosswire-load-") as tmp:
        return run(args, Path(tmp) / "kb.db")


if __name__ == "__main__":
    raise SystemExit(main())
