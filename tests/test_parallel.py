"""Ingest on several workers (crosswire/parallel.py): the same stored records as one process, and a
worker killed mid-run loses nothing and stores nothing twice — on local processes and on Ray."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crosswire import Crosswire, IngestReport
from crosswire import parallel
from crosswire.errors import CrosswireError
from crosswire.store import Store, open_store

PEOPLE = ["Defence Minister Rustem Umerov", "Kim Byung-kee, a lawmaker,", "a senior US official",
          "the National Intelligence Service"]
PLACES = ["Kharkiv", "Kursk", "Odesa", "Pyongyang"]


def report(i: int) -> str:
    who, where = PEOPLE[i % len(PEOPLE)], PLACES[i % len(PLACES)]
    return (f"KBS News 2024-{1 + i % 12:02d}-{1 + i % 27:02d}\n\n"
            f"{who} said on Tuesday that about {1000 + 37 * i:,} troops had moved near {where}.\n\n"
            f"Between {10 + i} and {40 + i} people were evacuated, according to local officials.\n\n"
            f"\"We expect {3 + i % 9} more convoys,\" {who.split(',')[0]} told reporters.")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Text reports, a duplicate, a JSONL file (one bad line), a saved page, an empty file."""
    folder = tmp_path_factory.mktemp("corpus")
    for i in range(18):
        (folder / f"r{i:02d}.txt").write_text(report(i), encoding="utf-8")
    (folder / "r99_copy.txt").write_text(report(3), encoding="utf-8")
    lines = [json.dumps({"id": f"w{i}", "text": report(100 + i), "publisher": "Wire"}) for i in range(7)]
    lines.insert(4, "{not json")
    (folder / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "page.html").write_text("<html><head><title>Troops move</title></head><body><article><p>"
                                      + report(50).replace("\n\n", "</p><p>") + "</p></article></body></html>",
                                      encoding="utf-8")
    (folder / "zz_empty.txt").write_bytes(b"")
    return folder


TABLES = ("raw_inputs", "documents", "removed_lines", "rejections", "extractions", "mentions", "entities", "quotes",
          "claims", "times")


def stored(db: str) -> dict[str, tuple[int, str]]:
    """Rows and content hash of every table a run writes (a duplicate row changes both)."""
    store = open_store(db, read_only=True)
    try:
        return {t: store.content_hash(t) for t in TABLES}
    finally:
        store.close()


def summary(report: Any) -> dict[str, Any]:
    return {"added": report.added, "unchanged": report.unchanged, "new_versions": report.new_versions,
            "rejected": sorted((r.source, r.reason) for r in report.rejected)}


@pytest.fixture(scope="module")
def baseline(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    db = str(tmp_path_factory.mktemp("one") / "kb.db")
    cw = Crosswire(db=db)
    report = cw.ingest([str(corpus)])
    cw.close()
    return summary(report), stored(db)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 3 reports: many batches, and the JSONL file split across workers."""
    monkeypatch.setattr(parallel, "BATCH", 3)


def test_local_workers_store_what_one_process_stores(corpus: Path, baseline: Any, run_cli: Any, db: str,
                                                     small_batches: None) -> None:
    one_report, one_stored = baseline
    assert one_stored["claims"][0] > 20 and one_report["rejected"]  # the corpus has claims and rejections
    result = run_cli("ingest", "--engine", "local", "--workers", "2", "--json", str(corpus))
    got = json.loads(result.stdout)
    assert result.exit_code == 1  # the empty file and the bad JSONL line, as in one process
    assert {k: got[k] for k in ("added", "unchanged", "new_versions")} == {
        k: one_report[k] for k in ("added", "unchanged", "new_versions")}
    assert sorted((r["source"], r["reason"]) for r in got["rejected"]) == one_report["rejected"]
    assert len(got["workers"]) == 2 and all(w["batches"] > 0 and w["peak_rss_mb"] > 0 for w in got["workers"])
    assert stored(db) == one_stored
    again = json.loads(run_cli("ingest", "--engine", "local", "--workers", "2", "--json", str(corpus)).stdout)
    assert again["added"] == 0 and stored(db) == one_stored  # a rerun adds nothing, stores nothing twice


def _kill_one(pids: list[int], done: list[int]) -> Any:
    """A progress callback that kills the first of ``pids()`` once the first input is written (most of the
    run still ahead: the workers hold batches)."""
    def progress(n: int) -> None:
        done[0] += n
        if done[0] >= 1 and not done[1]:
            victims = pids()  # type: ignore[operator]
            assert victims, "no worker process to kill"
            os.kill(victims[0], signal.SIGKILL)
            done[1] = victims[0]
    return progress


def _kill_until_a_batch_is_lost(corpus: Path, baseline: Any, another_db: Any, engine: str, pids: Any) -> None:
    """Kill a worker mid-run, into a fresh knowledge base each time, until a kill lands on a worker holding a
    batch (a worker killed between batches loses nothing to retry; which one it is depends on the machine's
    load). Every run, retried or not, must store exactly what one process stores."""
    one_report, one_stored = baseline
    for _attempt in range(4):
        db, done = another_db(), [0, 0]
        cw = Crosswire(db=db)
        report = cw.ingest([str(corpus)], engine=engine, workers=2, progress=_kill_one(pids, done))  # type: ignore[arg-type]
        cw.close()
        assert done[1], "no worker was killed"
        assert summary(report) == one_report
        assert stored(db) == one_stored
        if report.retried >= 1:  # the killed worker held a batch, and it was sent again
            return
    pytest.fail("four kills in a row hit no worker holding a batch: the retry path was never exercised")


def test_a_killed_local_worker_loses_nothing(corpus: Path, baseline: Any, another_db: Any, small_batches: None) -> None:
    pids = lambda: [p.pid for p in multiprocessing.active_children() if p.pid]  # noqa: E731
    _kill_until_a_batch_is_lost(corpus, baseline, another_db, "local", pids)


class _FakePool:
    """Runs batches in this process; a batch holding ``poison`` loses its worker every time."""

    workers = 2

    def __init__(self, poison: str) -> None:
        self.poison, self.queue, self.lost = poison, [], 0

    def submit(self, batch: parallel.Batch) -> int:
        self.queue.append(batch)
        return len(self.queue) - 1

    def wait(self) -> list[Any]:
        ticket = next(i for i, b in enumerate(self.queue) if b is not None)
        batch, self.queue[ticket] = self.queue[ticket], None
        if any(self.poison in (j.inp.source if j.inp else "") for j in batch.jobs):
            self.lost += 1
            return [(ticket, None, True)]
        return [(ticket, parallel.run_batch(parallel.WorkerSpec(Crosswire, {}, False), batch), False)]

    def close(self) -> None:
        pass


def test_an_input_that_keeps_killing_its_worker_is_rejected_and_the_rest_stored(corpus: Path, db: str) -> None:
    cw = Crosswire(db=db)
    pool = _FakePool("r05.txt")
    report = IngestReport()
    parallel.Driver(cw, report, pool, {}, False, None, None, None).run([str(corpus)])
    lost = [r for r in report.rejected if "lost 3 times" in r.reason]
    assert [r.source for r in lost] == [str(corpus / "r05.txt")]  # its batch mates were split off and stored
    assert report.added == 18 + 7 + 1 - 1  # 18 reports (one is a copy), 7 JSONL lines, the page; not r05
    assert pool.lost == parallel.MAX_ATTEMPTS
    again = cw.ingest([str(corpus)], extract=False)  # a rerun in one process reads the rejected input again
    assert again.added == 1 and not any("lost" in r.reason for r in again.rejected)
    cw.close()


def test_the_driver_writes_inputs_back_together_in_one_transaction(corpus: Path, baseline: Any, db: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs whose results come back together are written in one transaction (not one each), except a
    second copy of the same bytes, which waits for the next: the stored content is that of one process."""
    one_report, one_stored = baseline
    cw = Crosswire(db=db)
    writes: list[list[str]] = []
    real = cw._store_batch

    def store_batch(batch: Any, *args: Any, **kwargs: Any) -> None:
        writes.append([inp.sha if inp is not None else "" for inp, _ in batch])
        real(batch, *args, **kwargs)

    monkeypatch.setattr(cw, "_store_batch", store_batch)
    report = IngestReport()
    parallel.Driver(cw, report, _FakePool("no such input"), {}, True, None, None, None).run([str(corpus)])
    cw.close()
    inputs = sum(len(w) for w in writes)
    assert inputs == 22 and len(writes) < inputs / 3  # 22 inputs (one a copy of another), a few transactions
    assert all(len(set(w) - {""}) == len([s for s in w if s]) for w in writes)  # no bytes twice in one
    assert summary(report) == one_report and stored(db) == one_stored


def test_workers_that_die_before_any_batch_stop_the_run(corpus: Path, db: str) -> None:
    cw = Crosswire(db=db)
    with pytest.raises(CrosswireError, match="died .* before finishing one batch"):
        parallel.Driver(cw, IngestReport(), _FakePool(""), {}, False, None, None, None).run([str(corpus)])
    assert stored(db)["documents"][0] == 0
    cw.close()


def test_a_worker_reading_text_files_never_loads_the_web_page_reader(corpus: Path, tmp_path: Path) -> None:
    """A worker starts with an import of the engine (a Ray actor is a new process): trafilatura (about a
    third of that import's CPU) is loaded only by a worker given a saved web page."""
    script = ("import sys\n"
              "from crosswire import Crosswire, parallel\n"
              "from crosswire.ingest.readers import iter_inputs\n"
              "spec = parallel.WorkerSpec(Crosswire, {'db': sys.argv[1]}, False)\n"
              "for name in sys.argv[2:]:\n"
              "    jobs = [parallel.Job(0, 0, inp=inp) for inp in iter_inputs([name], 10**7)]\n"
              "    out = parallel.run_batch(spec, parallel.Batch(jobs, {}, False))\n"
              "    print(len(out.results[0].items), 'trafilatura' in sys.modules)\n")
    db = str(tmp_path / "kb.db")
    Crosswire(db=db).close()
    got = subprocess.run([sys.executable, "-c", script, db, str(corpus / "r01.txt"), str(corpus / "page.html")],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    assert got[:2] == ["1 False", "1 True"]  # the text file read without it, the page with it


def test_ray_engine_without_ray_says_how_to_install_it(corpus: Path, run_cli: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails, as when the extra is not installed
    result = run_cli("ingest", "--engine", "ray", str(corpus))
    assert result.exit_code == 2 and "pip install 'crosswire[ray]'" in result.stderr


def test_address_without_ray_engine_is_a_usage_error(corpus: Path, run_cli: Any) -> None:
    result = run_cli("ingest", "--address", "auto", str(corpus))
    assert result.exit_code == 2 and "--engine ray" in result.stderr


# -- Ray ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ray_cluster() -> Any:
    """One local Ray for the Ray tests (each pool joins it and leaves it running), started with the settings
    of the Ray a pool starts itself."""
    ray = pytest.importorskip("ray")
    import logging

    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False,
             _system_config=parallel.RAY_LOCAL_CONFIG)
    yield ray
    ray.shutdown()


@pytest.fixture
def ray_actor_pids(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The processes of the actors of the latest RayPool, asked of the actors themselves when it starts.
    (Not found by name in /proc: that also finds idle Ray workers left from earlier pools and other
    users' Ray workers, and killing one of those exercises nothing.)"""
    pids: list[int] = []
    real = parallel.RayPool.__init__

    def init(pool: parallel.RayPool, *args: Any, **kwargs: Any) -> None:
        real(pool, *args, **kwargs)
        pids[:] = sorted(pool.ray.get([actor.ping.remote() for actor in pool.actors]))

    monkeypatch.setattr(parallel.RayPool, "__init__", init)
    return pids


# A pool that starts its own Ray, in a child process (this one may have joined the module's Ray): the
# child prints the processes under it seen mid-run, and those still there once ingest has returned.
OWN_RAY_RUN = """
import json, os, sys, time
from crosswire import Crosswire

def below(root):
    parent = {}
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = open(f"/proc/{p}/stat").read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z":
            parent[int(p)] = (int(fields[1]), stat[stat.index("(") + 1:stat.rindex(")")])
    found, todo = {}, [root]
    while todo:
        me = todo.pop()
        for pid, (pp, name) in parent.items():
            if pp == me:
                found[pid] = name
                todo.append(pid)
    return found

def monitors():  # the pid of the autoscaler monitor of the Ray this process started, while it runs
    node = ray._private.worker._global_node
    procs = node.all_processes.get("monitor", []) if node is not None else []
    return [p.process.pid for p in procs if p.process.poll() is None]

import ray
real_shutdown, monitor = ray.shutdown, {}

def shutdown(*args, **kwargs):  # what RayPool.close left of the monitor when it shuts Ray down
    monitor.setdefault("at_shutdown", monitors())
    return real_shutdown(*args, **kwargs)

ray.shutdown = shutdown
seen = {}

def mid_run(n):
    if not seen:
        seen.update(below(os.getpid()))
        monitor["mid_run"] = monitors()

cw = Crosswire(db=sys.argv[2])
cw.ingest([sys.argv[1]], engine="ray", workers=2, progress=mid_run)
left, give_up = below(os.getpid()), time.monotonic() + 10
while left and time.monotonic() < give_up:  # a worker of the raylet may take a moment to exit
    time.sleep(0.2)
    left = below(os.getpid())
print(json.dumps({"seen": sorted(seen.values()), "left": sorted(left.values()), "ray_on": ray.is_initialized(),
                  "monitor": monitor}))
"""


@pytest.mark.ray
def test_a_ray_the_pool_starts_stores_the_same_and_leaves_no_process(corpus: Path, baseline: Any, db: str) -> None:
    pytest.importorskip("ray")
    out = subprocess.run([sys.executable, "-c", OWN_RAY_RUN, str(corpus), db], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"raylet", "gcs_server"} <= set(got["seen"]) and len(got["seen"]) >= 5  # Ray's own processes, actors
    assert got["left"] == [] and not got["ray_on"]
    # the monitor ran, and close killed it before ray.shutdown (which would wait a second for it)
    assert got["monitor"]["mid_run"] and got["monitor"]["at_shutdown"] == []
    assert stored(db) == baseline[1]


@pytest.mark.ray
def test_ray_workers_store_what_one_process_stores(corpus: Path, baseline: Any, db: str, ray_cluster: Any,
                                                   small_batches: None, ray_actor_pids: list[int]) -> None:
    one_report, one_stored = baseline
    cw = Crosswire(db=db)
    niceness: set[int] = set()  # of the actors, seen mid-run (when the first input is written)
    report = cw.ingest([str(corpus)], engine="ray", workers=2, progress=lambda n: niceness.update(
        os.getpriority(os.PRIO_PROCESS, pid) for pid in ([] if niceness else ray_actor_pids)))
    cw.close()
    assert len(report.workers) == 2 and summary(report) == one_report
    assert stored(db) == one_stored
    assert all(w["start_cpu_s"] > 0 and w["cpu_s"] > w["start_cpu_s"] for w in report.workers)
    assert niceness == {os.getpriority(os.PRIO_PROCESS, 0)}  # not lowered to Ray's default 15 (RAY_LOCAL_CONFIG)


@pytest.mark.ray
def test_a_killed_ray_worker_loses_nothing(corpus: Path, baseline: Any, another_db: Any, ray_cluster: Any,
                                           small_batches: None, ray_actor_pids: list[int]) -> None:
    _kill_until_a_batch_is_lost(corpus, baseline, another_db, "ray", lambda: list(ray_actor_pids))


def test_content_hash_ignores_write_order_and_time_but_not_content(corpus: Path, tmp_path: Path) -> None:
    a, b = str(corpus / "r01.txt"), str(corpus / "r02.txt")
    hashes = []
    for name, paths in (("ab", [a, b]), ("ba", [b, a]), ("a", [a])):
        cw = Crosswire(db=str(tmp_path / f"{name}.db"))
        cw.ingest(paths)
        hashes.append({t: cw.store.content_hash(t) for t in ("documents", "claims", "raw_inputs")})
        cw.close()
    assert hashes[0] == hashes[1]  # other row ids and write times, same content
    assert all(hashes[2][t] != hashes[0][t] for t in hashes[0]) and hashes[2]["claims"][0] > 0
    with pytest.raises(CrosswireError, match="no table"):
        Store(str(tmp_path / "a.db")).content_hash("claims; DROP TABLE claims")
