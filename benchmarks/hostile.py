"""Hostile inputs mixed with valid reports, ingested in ONE run: nothing aborts, nothing is lost.

Writes a corpus into a temporary folder: valid reports (text, JSONL, feed, HTML, UTF-16) and hostile
ones (binary, a huge one-line report, lone surrogates in JSONL and in a feed, an undecodable file
name, a FIFO, a device link, empty and NUL-only files, stray NULs, 10,000 nested <div>s, a page with
only a script, a feed that is not XML, JSONL with wrong field types, an unreadable date, invalid and
too-deeply nested JSON lines, a broken link, a file over max_bytes, a duplicate), then runs
``crosswire ingest`` on it once, as a user would, and checks: the run ends with exit 1 and no
traceback; every valid report is stored exactly once; every hostile input is rejected with a
one-line reason or stored with a one-line warning saying what was repaired. Prints a table. Then
runs the same ingest again: nothing added, every rejected input rejected again (exit 1).

    python benchmarks/hostile.py [--no-extract] [--huge-kb 120] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPORT = ("[Anchor]\nNorth Korea sent about {n},000 more troops to the front, officials in Seoul said on "
          "Monday.\n[Reporter]\nThe defence ministry said {m} units had moved north since March.\n"
          "This is KBS News, Park Ji-won.\n")


@dataclass
class Case:
    name: str  # file name (str, or bytes for an undecodable name)
    expect: str  # stored | repaired | rejected | unchanged
    what: str
    docs: int = 1  # reports stored from it when it is not rejected


def _write(folder: Path, name: str | bytes, data: bytes) -> None:
    path = os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else name.encode())
    with open(path, "wb") as fh:
        fh.write(data)


def build(folder: Path, huge_kb: int, max_bytes: int) -> list[Case]:
    cases: list[Case] = []

    def add(name: str | bytes, expect: str, what: str, data: bytes | None, docs: int = 1) -> None:
        if data is not None:
            _write(folder, name, data)
        cases.append(Case(os.fsdecode(name) if isinstance(name, bytes) else name, expect, what, docs))

    for i in range(6):
        add(f"valid_{i}.txt", "stored", "valid text report", REPORT.format(n=i + 1, m=i + 10).encode())
    add("valid_lines.jsonl", "stored", "valid JSONL (2 reports)", (
        json.dumps({"id": "v1", "title": "Troops", "published": "2024-03-01", "text": "Seoul said 1,000 troops moved."})
        + "\n" + json.dumps({"id": "v2", "text": "Kyiv said 2,000 troops moved on Tuesday."}) + "\n").encode(), docs=2)
    add("valid_feed.rss", "stored", "valid RSS feed", (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>Moves</title>'
        "<description>Officials said 4,000 troops moved north.</description></item></channel></rss>").encode())
    add("valid_page.html", "stored", "valid web page", (
        "<html><head><title>Troops</title></head><body><article><h1>Troops move</h1><p>"
        + "Officials said 5,000 troops moved north of the border on Monday, the ministry reported. " * 4
        + "</p></article></body></html>").encode())
    add("valid_utf16.txt", "stored", "UTF-16 text without BOM",
        REPORT.format(n=77, m=7).encode("utf-16-le"))
    add("zz_duplicate.txt", "unchanged", "same bytes as valid_0.txt", REPORT.format(n=1, m=10).encode(), docs=0)

    add("binary.txt", "rejected", "PNG bytes named .txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16)
    add("empty.txt", "rejected", "empty file", b"")
    add("empty_too.txt", "rejected", "another empty file (same hash)", b"")
    add("only_nul.txt", "rejected", "only NUL bytes", b"\x00" * 4096)
    add("notxml.rss", "rejected", "feed that is not XML", b"this is not a feed at all")
    add("script_only.html", "rejected", "page with only a script",
        b"<html><body><script>alert(1)</script></body></html>")
    add("too_big.txt", "rejected", "over max_bytes (sparse)", None)
    with open(folder / "too_big.txt", "wb") as fh:
        fh.truncate(max_bytes + 1)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.txt")
        add("fifo.txt", "rejected", "named pipe (FIFO)", None)
    if Path("/dev/zero").exists():
        os.symlink("/dev/zero", folder / "zero.txt")
        add("zero.txt", "rejected", "link to /dev/zero", None)
    os.symlink(folder / "nowhere.txt", folder / "broken_link.txt")
    add("broken_link.txt", "rejected", "broken symbolic link", None)

    sentence = ("On March 3, 2024, officials in Kharkiv said 1,250 troops and 35 tanks moved 12 km north, while "
                "Defence Minister Rustem Umerov told Reuters that about 3,000 people were evacuated. ")
    add("huge_line.txt", "stored", f"one line of {huge_kb} KB",
        (sentence * (huge_kb * 1000 // len(sentence) + 1))[:huge_kb * 1000].encode())
    add("surrogate.jsonl", "repaired", 'JSONL title "bad \\ud800"',
        b'{"id": "s1", "title": "bad \\ud800", "text": "Seoul said 6,000 troops moved."}\n')
    add("surrogate.rss", "repaired", "RSS title &#55296;", (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>bad &#55296;</title>'
        "<description>Seoul said 7,000 troops moved across.</description></item></channel></rss>").encode())
    add(b"bad\xff\xfe.txt", "repaired", "undecodable file name", REPORT.format(n=8, m=18).encode())
    add("stray_nul.txt", "repaired", "one NUL byte in valid text", REPORT.format(n=9, m=19).replace(
        "troops", "tro\x00ops", 1).encode())
    add("deep.html", "repaired", "10,000 nested <div>s", (
        "<html><body>" + "<div>" * 10_000 + "<p>Seoul said 11,000 troops moved across the border on Monday, "
        "officials said.</p>" + "</div>" * 10_000 + "</body></html>").encode())
    add("wrong_types.jsonl", "repaired", "title list, publisher object", (json.dumps(
        {"id": "w1", "title": ["a", "b"], "publisher": {"x": 1}, "text": "Seoul said 12,000 troops moved."})
        + "\n").encode())
    add("bad_date.jsonl", "repaired", 'published "yesterday"', (json.dumps(
        {"id": "d1", "published": "yesterday", "text": "Seoul said 13,000 troops moved."}) + "\n").encode())
    add("bad_lines.jsonl", "partial", "one valid line, one invalid, one nested 100,000 deep", (
        json.dumps({"id": "b1", "text": "Seoul said 14,000 troops moved."}) + "\n"
        + '{"id": "b2", "text": \n' + "[" * 100_000 + "]" * 100_000 + "\n").encode())
    return cases


def run(folder: Path, db: Path, extract: bool, max_bytes: int) -> tuple[int, str, float]:
    cmd = [sys.executable, "-m", "crosswire.cli", "--db", str(db), "ingest", "--max-bytes", str(max_bytes),
           *([] if extract else ["--no-extract"]), str(folder)]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True)
    return out.returncode, out.stderr.decode("utf-8", "replace"), time.perf_counter() - t0


def stored(db: Path) -> list[dict[str, object]]:
    out = subprocess.run([sys.executable, "-m", "crosswire.cli", "--db", str(db), "docs", "--json"],
                         capture_output=True)
    return json.loads(out.stdout or b"[]")


def _mentions(line: str, folder: Path, name: str) -> bool:
    shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return f"{folder}/{shown}:" in line or f"{folder}/{shown} " in line


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-extract", action="store_true", help="clean and store only")
    ap.add_argument("--huge-kb", type=int, default=120, help="size of the one-line report")
    ap.add_argument("--keep", help="write the corpus and the knowledge base here instead of a temp dir")
    args = ap.parse_args()
    max_bytes = 5_000_000
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cw-hostile-"))
    folder = base / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    cases = build(folder, args.huge_kb, max_bytes)
    code, stderr, seconds = run(folder, base / "kb.db", not args.no_extract, max_bytes)
    lines = [line for line in stderr.splitlines() if line.startswith("crosswire:")]
    docs = stored(base / "kb.db")
    print(f"{'input':<20} {'expected':<9} {'outcome':<9} {'docs':>4}  one-line reason")
    failures = 0
    for c in cases:
        said = [line for line in lines if _mentions(line, folder, c.name)]
        shown = c.name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        n_docs = sum(1 for d in docs if str(d["source"]).split(" (")[0] == f"{folder}/{shown}")
        rejected = [s for s in said if "warning:" not in s]
        warned = [s for s in said if "warning:" in s]
        outcome = ("rejected" if rejected and not n_docs else "partial" if rejected else
                   "repaired" if warned else "stored" if n_docs else "unchanged")
        if c.expect == "partial":  # one good line stored, the invalid and the too-deep line rejected
            ok = outcome == "partial" and n_docs == 1 and len(rejected) == 2
        else:
            ok = outcome == c.expect and n_docs == (c.docs if c.expect in ("stored", "repaired") else 0)
        failures += not ok
        first = (rejected or warned or [""])[0]
        reason = first.split(": ", 3 if "warning:" in first else 2)[-1][:70]
        print(f"{shown[:20]:<20} {c.expect:<9} {outcome:<9} {n_docs:>4}  {reason}{'' if ok else '   <-- UNEXPECTED'}")
    traceback = "Traceback" in stderr
    valid_expected = sum(c.docs for c in cases if c.expect in ("stored", "repaired")) + 1  # + bad_lines' good line
    print(f"\nexit code {code} (expected 1); traceback: {'YES' if traceback else 'no'}; "
          f"{len(docs)} reports stored (expected {valid_expected}); {len(lines)} lines on stderr; {seconds:.1f} s")
    summary = [line for line in stderr.splitlines() if "added" in line]
    print(summary[-1] if summary else "(no summary line)")
    code2, stderr2, seconds2 = run(folder, base / "kb.db", not args.no_extract, max_bytes)
    again = [line for line in stderr2.splitlines() if "added" in line]
    n_rejected = sum(1 for line in lines if "warning:" not in line)
    rerun_ok = (code2 == 1 and "Traceback" not in stderr2 and bool(again) and again[-1].startswith("0 added")
                and f" {n_rejected} rejected" in again[-1])  # rejected inputs are rejected again, not "unchanged"
    print(f"rerun: exit code {code2} (expected 1), {again[-1] if again else '(no summary line)'} "
          f"({seconds2:.1f} s) -> {'as expected' if rerun_ok else 'UNEXPECTED'}")
    bad = failures or traceback or code != 1 or len(docs) != valid_expected or not rerun_ok
    print("RESULT:", "FAIL" if bad else "PASS", f"({failures} unexpected outcome(s))" if failures else "")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
