"""Fusion saved by ingest (crosswire/fuse/snapshot.py): what saving and loading it cost, and what it saves.

On a copy of a knowledge base (never the original: ``--db`` is copied with its -wal/-shm into a temporary
folder), each step in a child process of its own, wall and CPU seconds printed (the machine may be shared):

1. save: ``Crosswire.save_fusion("always")`` with no saved state: the full build, the name index and timeline,
   then the snapshot written (its size);
2. load: a new read-only engine's first fusion state (loaded, not built);
3. serve: ``crosswire serve`` started on the copy without a saved state and on the one with it, timed to the
   first answered page (GET / with status 200);
4. ingest: ``--add`` generated reports (as benchmarks/fuse.py writes them) added, then what an ingest adds on
   top of storing them: ``save_fusion("auto")`` (a large state a little behind is left: its bytes checked),
   and ``save_fusion("always")`` (loaded, refreshed, saved again).

    python benchmarks/snapshot.py --db /work/bench/fuse1m.db [--add 100] [--port 8799]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def copy(db: str, folder: Path, name: str) -> str:
    target = folder / name
    for suffix in ("", "-wal", "-shm"):
        if Path(db + suffix).exists():
            shutil.copyfile(db + suffix, str(target) + suffix)
    return str(target)


def step(args: list[str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def child(mode: str, db: str, add: int) -> dict[str, Any]:
    from crosswire import Crosswire

    t0, c0 = time.perf_counter(), time.process_time()
    if mode == "save":
        cw = Crosswire(db=db)
        done = cw.save_fusion("always")
        st = cw.fusion.state()
        return {"how": done["how"], "wall": done["seconds"], "cpu": time.process_time() - c0, "build": st.seconds,
                "save": done["save_seconds"], "save_cpu": done["save_cpu"], "bytes": done["saved_bytes"],
                "reports": done["reports"]}
    if mode == "load":
        cw = Crosswire(db=db, read_only=True)
        st = cw.fusion.state(wait=True)
        return {"how": st.how, "wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}
    if mode == "ingest":
        sys.path.insert(0, str(HERE))
        import fuse as bench  # noqa: PLC0415 - the generated reports of benchmarks/fuse.py

        from crosswire.store import open_store

        store = open_store(db)
        first = store.count("documents")
        bench.add_reports(store, bench.Generator(first), first, add)
        store.close()
        out = {}
        for when in ("auto", "always"):
            cw = Crosswire(db=db)
            t, c = time.perf_counter(), time.process_time()
            done = cw.save_fusion(when)
            out[when] = {"how": done["how"], "wall": time.perf_counter() - t, "cpu": time.process_time() - c,
                         "save": done.get("save_seconds"), "save_cpu": done.get("save_cpu"),
                         "behind": done.get("behind")}
            cw.close()
        return out
    raise SystemExit(f"unknown mode {mode}")


def first_page(db: str, port: int) -> float:
    """Seconds from starting `crosswire serve` to the first answered GET /."""
    exe = str(Path(sys.executable).with_name("crosswire"))
    t0 = time.perf_counter()
    proc = subprocess.Popen([exe, "--db", db, "serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=600) as r:
                    if r.status == 200:
                        return time.perf_counter() - t0
            except OSError:
                time.sleep(0.2)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:  # shutting down waits for a running build: not what is timed here
            proc.kill()
            proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--add", type=int, default=100)
    ap.add_argument("--port", type=int, default=8799)
    ap.add_argument("--child")
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child, a.db, a.add)))
        return
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        folder = Path(tmp)
        saved = copy(a.db, folder, "saved.db")
        print(f"load average {Path('/proc/loadavg').read_text().split()[:3]}", flush=True)
        s = step(["save", "--db", saved])
        print(f"save (no saved state: full build {s['build']:.1f} s + name index, timeline + snapshot): "
              f"{s['wall']:.1f} s wall, {s['cpu']:.1f} s CPU; snapshot written in {s['save']:.1f} s ({s['save_cpu']:.1f} s CPU), "
              f"{s['bytes'] / 1e6:.0f} MB, {s['reports']:,} reports", flush=True)
        lo = step(["load", "--db", saved])
        print(f"load ({lo['how']}): {lo['wall']:.1f} s wall, {lo['cpu']:.1f} s CPU", flush=True)
        print(f"serve to first page from the saved state: {first_page(saved, a.port):.1f} s", flush=True)
        ing = step(["ingest", "--db", saved, "--add", str(a.add)])
        for when, r in ing.items():
            print(f"+{a.add} reports, save_fusion({when!r}): {r['how']} in {r['wall']:.1f} s wall, {r['cpu']:.1f} s "
                  f"CPU" + (f" (snapshot written in {r['save']:.1f} s, {r['save_cpu']:.1f} s CPU)" if r["save"] else "")
                  + (f", {r['behind']} behind" if r["how"] == "left" else ""), flush=True)
        cold = copy(a.db, folder, "cold.db")
        print(f"serve to first page with no saved state: {first_page(cold, a.port):.1f} s", flush=True)
        print(f"load average {Path('/proc/loadavg').read_text().split()[:3]}", flush=True)


if __name__ == "__main__":
    main()
