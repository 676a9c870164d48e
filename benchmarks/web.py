"""Dashboard response times on a big knowledge base.

    .venv/bin/python benchmarks/web.py                      # 100,000 reports, 1,000,000 claims
    .venv/bin/python benchmarks/web.py --reports 2000 --claims 20000 --requests 10   # a quick look

Builds the knowledge base with direct SQL inserts (no spaCy), through the store's own migrations, then
asks every page type ~30 times through the app in process (FastAPI TestClient) and prints p50 and p95
per page type. The first request of each type is timed apart ("cold": it builds the fusion model, which
the app then keeps until the knowledge base changes). Target: p95 under 300 ms. Each row also gives the CPU
time per request (p50, p95) and the load average, so a run on a busy machine can be judged.
The database is kept (--db) so a second run skips the build.

    .venv/bin/python benchmarks/web.py --backend postgresql --db bench.db [--db-url postgresql://…/empty]

measures the same knowledge base on PostgreSQL: the SQLite file is built (or reused), copied into the
database with `crosswire migrate`'s copy (counts and hashes checked), and the pages are timed there.
Without --db-url a throwaway server is started (durable settings) and removed afterwards.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crosswire import Crosswire  # noqa: E402

PUBLISHERS = ["KBS", "YTN", "Yonhap", "Peninsula Wire", "Eastbound Review", "Caspian Daily Digest", "Kyiv Post",
              "Frontline Monitor", "Korea Defense Brief", "Northeast Asia Monitor", "Reuters", "AP", "AFP",
              "BBC", "NHK", "Interfax", "TASS", "Meduza", "Ukrinform", "NK News"]
SOURCES = ["National Intelligence Service", "Joint Chiefs of Staff", "Volodymyr Zelensky", "John Kirby",
           "UK Defence Intelligence", "HUR", "Lee Seong-kweun", "Sergei Shoigu", "KIDA", "Pentagon",
           "Kremlin", "analysts", "Ukraine", "South Korea", "United States"]
SUBJECTS = ["North Korea", "Russia", "Ukraine", "Kursk", "Pyongyang", "Moscow", "Seoul", "Kyiv", "Belarus", "Iran"]
MEASURES = [("killed", "person", "killed"), ("wounded", "person", "wounded"), ("personnel", "person", "troops"),
            ("casualties", "person", "casualties"), ("materiel", "container", "containers"),
            ("money", "USD", "dollars"), ("captured", "person", "captured"), ("share", "percent", "percent")]
QUALIFIERS = ["exact", "approx", "more_than", "at_least", "up_to", "range"]
WORDS = ("officials said the front line near the border moved again as reinforcements arrived and "
         "observers reported heavy shelling overnight while talks continued in the capital").split()
ENTITY_POOL = 2000


def _entities(rng: random.Random) -> list[tuple[str, str]]:
    kinds = ["PERSON", "ORG", "GPE", "LOC"]
    names = [(s, "ORG" if " " in s else "PERSON") for s in SOURCES] + [(s, "GPE") for s in SUBJECTS]
    names += [(f"Entity {i:04d} {rng.choice(WORDS).title()}", kinds[i % 4]) for i in range(ENTITY_POOL)]
    return names


def _doc(i: int, rng: random.Random, ents: list[tuple[str, str]], claims_per: int) -> dict:
    day = 19000 + rng.randrange(1100)  # days since 1970: 2022-01 .. 2025-01
    published = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
    picked = [ents[min(int(rng.paretovariate(1.1)) - 1, len(ents) - 1)] for _ in range(5)]
    parts, claims, mentions, times = [], [], [], []
    pos = 0

    def add(text: str) -> int:
        nonlocal pos
        start = pos
        parts.append(text)
        pos += len(text) + 1
        return start

    add(f"{picked[0][0]} and {picked[1][0]} were named in reports from {picked[2][0]} on {published}.")
    for name, label in picked:
        idx = "".join(parts).find(name)
        if idx >= 0:
            mentions.append((idx, idx + len(name), name, label, name))
    for k in range(claims_per):
        measure, unit, noun = MEASURES[rng.randrange(len(MEASURES))]
        subject = rng.choice(SUBJECTS[:4] if rng.random() < 0.8 else SUBJECTS)
        source = rng.choice(SOURCES)
        value = float(rng.choice([100, 300, 600, 1000, 2000, 2700, 3000, 4000, 4700, 6000, 11000, 12000, 15000]))
        q = rng.choice(QUALIFIERS)
        low, high = (value, value * 1.5) if q == "range" else (None, None)
        span = f"about {int(value):,} {noun}"
        sentence = f"{source} said {span} of {subject} {' '.join(rng.sample(WORDS, 6))}."
        start = add(sentence)
        s0 = start + sentence.index(span)
        as_of = published if rng.random() < 0.7 else published[:7]
        claims.append((None if q == "range" else value, low, high, q, unit, noun, measure, subject, source,
                       json.dumps([source]), None, 0, as_of, None, span, sentence, s0, s0 + len(span)))
    for _ in range(3):
        t = f"On {published} {' '.join(rng.sample(WORDS, 8))}."
        start = add(t)
        times.append((published, published, "DATE", start + 3, start + 3 + len(published)))
    quote_text = " ".join(rng.sample(WORDS, 12))
    qstart = add(f"\u201c{quote_text}\u201d, {picked[0][0]} said.")
    text = "\n".join(parts)
    doc_id = hashlib.sha256(f"doc{i}".encode()).hexdigest()[:16]
    return {"id": doc_id, "published": published, "text": text, "claims": claims, "mentions": mentions,
            "times": times, "quote": (picked[0][0], quote_text, published, qstart + 1, qstart + 1 + len(quote_text)),
            "entities": picked, "publisher": rng.choice(PUBLISHERS), "language": "en" if rng.random() < 0.8 else "ko"}


def build(db: str, n_reports: int, n_claims: int, seed: int = 7) -> None:
    """Fill ``db`` with generated reports and their records by direct SQL inserts."""
    rng = random.Random(seed)
    ents = _entities(rng)
    cw = Crosswire(db=db)
    conn = cw.store.conn
    per = max(1, n_claims // n_reports)
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    for i in range(n_reports):
        d = _doc(i, rng, ents, per)
        conn.execute(
            "INSERT INTO documents (id, key, version, source, input_kind, encoding, raw, title, publisher, published,"
            " authors, language, url, text, segments, meta_sources, ingested_at) VALUES"
            " (?, ?, 1, ?, 'text', 'utf-8', ?, ?, ?, ?, '[]', ?, ?, ?, '[]', '{}', '2026-01-01')",
            (d["id"], f"bench/{i}", f"bench/{i}.txt", d["text"].encode(), f"Report {i}: {d['claims'][0][15][:60]}",
             d["publisher"], d["published"], d["language"], f"https://example.org/{i}", d["text"]))
        conn.execute("INSERT INTO removed_lines (doc_id, lineno, rule, text) VALUES (?, 1, 'footer', 'Copyright')",
                     (d["id"],))
        conn.executemany("INSERT INTO claims (doc_id, value, low, high, qualifier, unit, counted, measure, subject,"
                         " source, attribution, hedge, conditional, as_of, location, span, sentence, start, \"end\")"
                         " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [(d["id"], *c) for c in d["claims"]])
        conn.executemany("INSERT INTO mentions (doc_id, start, \"end\", text, label, canonical) VALUES (?,?,?,?,?,?)",
                         [(d["id"], *m) for m in d["mentions"]])
        conn.executemany("INSERT INTO entities (doc_id, name, type, mentions, count) VALUES (?, ?, ?, ?, 1)",
                         [(d["id"], n, t, json.dumps([n])) for n, t in dict(d["entities"]).items()])
        conn.executemany("INSERT INTO times (doc_id, text, value, type, start, \"end\") VALUES (?,?,?,?,?,?)",
                         [(d["id"], *t) for t in d["times"]])
        conn.execute("INSERT INTO quotes (doc_id, speaker, text, said_on, kind, start, \"end\") VALUES"
                     " (?, ?, ?, ?, 'direct', ?, ?)", (d["id"], *d["quote"]))
        conn.execute("INSERT INTO extractions VALUES (?, '{}', '2026-01-01')", (d["id"],))
        if i % 10_000 == 9_999:
            conn.execute("COMMIT")
            conn.execute("BEGIN")
            print(f"  {i + 1:,} reports ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    cw.close()


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--db", default=None, help="Knowledge base to build or reuse (default: a temporary file).")
    ap.add_argument("--skip", default="", help="Page types to leave out, comma-separated (e.g. series,api/series).")
    ap.add_argument("--only", default="", help="Time only these page types, comma-separated.")
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--db-url", help="PostgreSQL database: empty (filled from --db) or filled by an earlier run.")
    args = ap.parse_args()
    db = args.db or str(Path(tempfile.mkdtemp()) / "bench.db")
    if not Path(db).exists():
        t0 = time.perf_counter()
        build(db, args.reports, args.claims)
        print(f"built {db}: {args.reports:,} reports, {args.claims:,} claims in {time.perf_counter() - t0:.0f} s")
    names = [s.strip() for s in args.only.split(",") if s.strip()]
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if args.backend == "sqlite":
        run(db, args.requests, skip, names)
        return
    with contextlib.ExitStack() as stack:
        url = args.db_url
        if not url:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
            from pg_server import throwaway_server

            url = stack.enter_context(throwaway_server(durable=True)).create_database("bench_web")
        to_postgres(db, url)
        run(url, args.requests, skip, names)


def to_postgres(db: str, url: str) -> None:
    """Copy the SQLite knowledge base ``db`` into the PostgreSQL database ``url`` unless it holds it already."""
    from crosswire.store import open_store
    from crosswire.store.transfer import copy_knowledge_base

    dst = open_store(url)
    try:
        if dst.count("documents"):
            return
        src = open_store(db, read_only=True)
        t0 = time.perf_counter()
        report = copy_knowledge_base(src, dst)
        dst.conn.execute("ANALYZE")
        src.close()
        rows = sum(t.rows for t in report.tables)
        print(f"copied into {dst.path}: {rows:,} rows, counts and hashes equal, in {time.perf_counter() - t0:.0f} s")
    finally:
        dst.close()


def run(db: str, n: int, skip: set[str], only: list[str]) -> None:
    import warnings

    warnings.filterwarnings("ignore")
    from fastapi.testclient import TestClient

    from crosswire.web.app import create_app

    cw = Crosswire(db=db)
    counts = {t: cw.store.count(t) for t in ("documents", "claims", "entities", "quotes", "times")}
    print("knowledge base:", ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    client = TestClient(create_app(cw))
    doc_ids = [r[0] for r in cw.store.conn.execute("SELECT id FROM documents ORDER BY random() LIMIT ?", (n,))]
    t0 = time.perf_counter()
    series = client.get("/api/figures", params={"limit": 500}).json()["items"]
    entities = client.get("/api/entities", params={"limit": 500}).json()["items"]
    print(f"first fusion build (series + entities): {time.perf_counter() - t0:.1f} s; {len(series)} series, "
          f"{len(entities)} entities on the first page")
    claim_ids = [r[0] for r in cw.store.conn.execute("SELECT id FROM claims ORDER BY random() LIMIT ?", (n,))]
    sids = [quote(s["id"], safe="") for s in series]
    eids = [quote(e["id"], safe="") for e in entities[:200]]
    words = ["Kursk", "troops", "shelling", "Zelensky", "reinforcements arrived", "border", "talks capital"]
    pubs = ["KBS", "YTN", "Reuters"]
    pages: dict[str, Callable[[int], str]] = {
        "home": lambda i: "/",
        "documents": lambda i: f"/documents?offset={50 * (i % 20)}",
        "documents?publisher": lambda i: f"/documents?publisher={quote(pubs[i % 3])}&since=2023-06-01",
        "document": lambda i: f"/documents/{doc_ids[i % len(doc_ids)]}",
        "original": lambda i: f"/documents/{doc_ids[i % len(doc_ids)]}/original",
        "search": lambda i: f"/search?q={quote(words[i % len(words)])}",
        "figures": lambda i: f"/figures?offset={10 * (i % max(1, len(sids) // 10))}",
        "series": lambda i: f"/series/{sids[i % len(sids)]}",
        "conflicts": lambda i: f"/conflicts?offset={100 * (i % 5)}",
        "entities": lambda i: f"/entities?offset={100 * (i % 5)}",
        "entity": lambda i: f"/entities/{eids[i % len(eids)]}",
        "timeline": lambda i: f"/timeline?offset={200 * (i % 10)}",
        "claim": lambda i: f"/claims/{claim_ids[i % len(claim_ids)]}",
        "api/claim": lambda i: f"/api/claims/{claim_ids[i % len(claim_ids)]}",
        "api/documents": lambda i: f"/api/documents?offset={50 * (i % 20)}",
        "api/document": lambda i: f"/api/document/{doc_ids[i % len(doc_ids)]}",
        "api/search": lambda i: f"/api/search?q={quote(words[i % len(words)])}",
        "api/figures": lambda i: "/api/figures",
        "api/series": lambda i: f"/api/series/{sids[i % len(sids)]}",
        "api/entities": lambda i: "/api/entities?q=entity",
        "api/entity": lambda i: f"/api/entity/{eids[i % len(eids)]}",
        "api/timeline": lambda i: "/api/timeline?since=2024-01&until=2024-03",
    }
    print(f"\n{'page type':<22}{'cold ms':>10}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'cpu p50':>10}{'cpu p95':>10}"
          f"{'load':>7}  (n={n}; cpu: this process's CPU time per request, which a busy machine does not inflate)")
    worst = 0.0
    for name, url in pages.items():
        if name in skip or (only and name not in only):
            print(f"{name:<22}{'skipped':>10}")
            continue
        cold = _time(client, url(0))[0]
        times, cpus = zip(*(_time(client, url(i + 1)) for i in range(n)))
        p95 = pct(list(times), 0.95)
        worst = max(worst, p95)
        print(f"{name:<22}{cold:>10.1f}{pct(list(times), 0.5):>10.1f}{p95:>10.1f}{max(times):>10.1f}"
              f"{pct(list(cpus), 0.5):>10.1f}{pct(list(cpus), 0.95):>10.1f}{os.getloadavg()[0]:>7.1f}"
              + ("   over 300 ms" if p95 > 300 else ""))
    print(f"\nworst p95: {worst:.1f} ms (target < 300 ms) — {'met' if worst < 300 else 'NOT met'}; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


def _time(client: object, url: str) -> tuple[float, float]:
    """Wall and CPU milliseconds of one request (the app runs in this process: TestClient)."""
    t0, c0 = time.perf_counter(), time.process_time()
    r = client.get(url)  # type: ignore[attr-defined]
    ms, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
    if r.status_code != 200:
        raise SystemExit(f"{url}: HTTP {r.status_code} {r.text[:300]}")
    return ms, cpu


if __name__ == "__main__":
    main()
