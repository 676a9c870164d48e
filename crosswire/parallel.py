"""Ingest on several processes: ``--engine local --workers N`` (multiprocessing) or ``--engine ray``.

    cw.ingest(paths, engine="local", workers=2)                 # processes on this machine, no Ray
    cw.ingest(paths, engine="ray", workers=8, address="auto")   # actors on a running Ray cluster

Who does what, in order:
1. The driver (the process that called ``Crosswire.ingest``) finds the inputs and skips those stored
   before, exactly as the one-process path does; it splits JSONL files and feeds into their reports
   (cheap) so that one big file is shared out too, packs the work into batches of ``BATCH`` reports
   and keeps ``WINDOW`` batches per worker in flight.
2. Each worker (a forked process with its own queue, or a Ray actor) builds one read-only engine,
   hence one spaCy pipeline, on its first batch and keeps it. It reads (an HTML page's main text),
   cleans and extracts, and sends back documents, rejections and records; it never writes. When it
   runs on this machine it looks in the knowledge base (read-only) for documents stored before and
   does not extract them again, like the one-process path.
3. The driver is the one writer: an input is written once all its pieces are back, in input order,
   the inputs back together in one transaction (up to ``batch_size``, as in one process), through
   ``Crosswire._store_inputs`` and the same ``_store_batch`` as the one-process path — so the stored
   rows, ids, versions and rejections are the same. It drives the progress callback.

A worker that dies (killed, out of memory) loses no document: nothing of its batch had been written,
so the batch it was working on is sent again (the batches waiting in its queue are handed to the
others, not counted as attempts), and the worker is replaced (Ray restarts the actor). After
``SPLIT_AFTER`` losses a batch is sent one input at a time (to find the input that kills its
worker), and an input that loses its worker ``MAX_ATTEMPTS`` times is stored as a rejection saying
so, which a rerun reads again. Nothing is written twice: results are written once per input, and
the content-hash ids make a rerun's second write a no-op. Any other error raised in a worker stops
the run with that error (what was written stays; a rerun completes it); so do workers that all die
before finishing one batch.
"""
from __future__ import annotations

import dataclasses
import os
import resource
import signal
import socket
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol

from .errors import CrosswireError, SettingsError
from .ingest.readers import Input, RawItem, iter_inputs, kind_of, read_items
from .models import Document, Rejection


class Engine(Protocol):
    """What the parallel path uses of ``crosswire.engine.Crosswire`` (not imported: engine imports this)."""

    settings: dict[str, Any]

    @property
    def store(self) -> Any: ...

    @property
    def extractor(self) -> Any: ...

    def _clean(self, item: RawItem, explicit: dict[str, object] | None = None) -> Document | Rejection: ...

    def _store_inputs(self, inputs: list[tuple[Input | None, list[Document | Rejection]]],
                      records: dict[str, list[dict[str, Any]]], report: Any,
                      on_reject: Callable[[Rejection], None] | None,
                      on_warning: Callable[[Rejection], None] | None = None,
                      versions: dict[str, str] | None = None) -> None: ...


class Report(Protocol):
    """What the driver fills in of ``crosswire.engine.IngestReport`` (the rest through ``_store_inputs``)."""

    unchanged: int
    retried: int
    workers: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """What a worker builds its engine from: the engine class, the driver's settings, and whether it may
    look in the knowledge base (only on this machine)."""

    factory: Callable[..., Engine]
    settings: dict[str, Any]
    check_store: bool

ENGINES = ("local", "ray")
BATCH = 16  # reports per batch: small, so that at the end of a run every worker still has work
WINDOW = 2  # batches in flight per worker: one being worked on, one waiting
SPLIT_AFTER = 2  # losses of a batch after which its inputs are sent one by one
MAX_ATTEMPTS = 3  # losses of one input after which it is stored as a rejection
BACKLOG = 256  # inputs per worker read ahead of the one being written (bounds the driver's memory)
RAY_EXTRA = "pip install 'crosswire[ray]'"
# The local Ray this module starts (no --address) is Ray's own defaults but for: its workers run at the
# priority of the driver and of local workers (Ray lowers them to nice 15 otherwise: they then yield the
# cores to the driver, to Ray's own processes and to anything else on the machine), no per-task
# events or metrics are collected (no dashboard reads them), and a batch's result (about 170 KB for 16
# reports) comes back inline in the reply rather than through the object store (Ray's default inline
# limit is 100 KB; measured 3.5 -> 1.6 ms of CPU per batch, raylet, actor and driver together). A
# cluster joined with --address keeps its own settings.
RAY_LOCAL_CONFIG: dict[str, Any] = {"worker_niceness": 0, "task_events_report_interval_ms": 0,
                                    "enable_metrics_collection": False,
                                    "max_direct_call_object_size": 8 * 1024 * 1024}


@dataclass(slots=True)
class Job:
    """One piece of work: a whole input, read on the worker, or some reports of a JSONL file or feed."""

    seq: int  # the input's place in this run
    part: int  # which piece of that input
    inp: Input | None = None
    items: list[RawItem | Rejection] = field(default_factory=list)


@dataclass(slots=True)
class Batch:
    jobs: list[Job]
    explicit: dict[str, object]  # --publisher / --published / --title
    extract: bool
    attempts: int = 0  # times its worker was lost


@dataclass(slots=True)
class JobResult:
    seq: int
    part: int
    items: list[Document | Rejection]
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass(slots=True)
class BatchResult:
    results: list[JobResult]
    versions: dict[str, str]  # the worker's pipeline versions, stored on each extraction
    worker: str  # host:pid
    peak_rss_mb: float
    cpu_s: float  # CPU seconds the worker has used so far
    ready_cpu_s: float  # of which before its engine (and spaCy pipeline, when extracting) was ready: start-up


# -- the worker side ------------------------------------------------------------------------------
_ENGINE: tuple[WorkerSpec, Engine] | None = None
_READY_CPU = 0.0  # CPU seconds this process had used when its engine (and pipeline) was ready
_PIPELINE = False  # whether that engine's pipeline is loaded


def _worker_engine(spec: WorkerSpec, extract: bool) -> Engine:
    """This process's engine: read-only, built on the first batch (one spaCy pipeline per worker, loaded
    then when the run extracts) and kept while the batches come from the same run's spec (a forked
    worker may inherit another's)."""
    global _ENGINE, _READY_CPU, _PIPELINE
    if _ENGINE is None or _ENGINE[0] != spec:
        _ENGINE, _PIPELINE = (spec, spec.factory(read_only=True, **spec.settings)), False
        _READY_CPU = cpu_seconds()
    if extract and not _PIPELINE:
        _ENGINE[1].extractor  # noqa: B018 - loaded now, so that the start-up CPU is measured apart
        _READY_CPU, _PIPELINE = cpu_seconds(), True
    return _ENGINE[1]


def run_batch(spec: WorkerSpec, batch: Batch) -> BatchResult:
    """Read, clean and extract one batch; documents the knowledge base holds are not extracted again."""
    cw = _worker_engine(spec, batch.extract)
    results = []
    for job in batch.jobs:
        raw = read_items(job.inp) if job.inp is not None else job.items
        results.append(JobResult(job.seq, job.part, [cw._clean(i, batch.explicit) if isinstance(i, RawItem) else i
                                                     for i in raw]))
    versions: dict[str, str] = {}
    if batch.extract:
        docs = [d for r in results for d in r.items if isinstance(d, Document)]
        if spec.check_store and docs:  # one query for the batch (a round trip each on PostgreSQL)
            docs = cw.store.unstored(docs)
        records = cw.extractor.extract_many(docs) if docs else {}
        for r in results:
            r.records = {d.id: records[d.id] for d in r.items if isinstance(d, Document) and d.id in records}
        versions = dict(cw.extractor.versions)
    return BatchResult(results, versions, f"{socket.gethostname()}:{os.getpid()}", peak_rss_mb(), cpu_seconds(),
                       _READY_CPU)


def peak_rss_mb() -> float:
    """Peak resident memory of this process, MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time (user + system) this process has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class RayWorker:
    """The Ray actor: one engine per actor process (wrapped by ``ray.remote`` in ``RayPool``)."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec

    def run(self, batch: Batch) -> BatchResult:
        return run_batch(self.spec, batch)

    def ping(self) -> int:
        return os.getpid()


# -- pools: where batches run ---------------------------------------------------------------------
Outcome = tuple[Any, "BatchResult | None", bool]  # (ticket, result or None when lost, whether it was running)


class Pool(Protocol):
    workers: int

    def submit(self, batch: Batch) -> Any:
        """Send a batch to the least busy worker; a ticket for it."""
        ...

    def wait(self) -> list[Outcome]:
        """Batches finished or lost (possibly none, when only a worker came back). A lost batch is
        ``running`` when its worker was working on it, not just holding it in its queue: only that
        one counts as an attempt."""
        ...

    def close(self) -> None: ...


def _serve(tasks: Any, results: Any, spec: WorkerSpec) -> None:
    """A local worker's loop: batches in from its own queue, results out through its own pipe. Ctrl-C is
    the driver's to handle: it stops the workers (after their current batch) when it stops."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while (batch := tasks.get()) is not None:
        try:
            out: tuple[str, Any] = ("ok", run_batch(spec, batch))
        except Exception as exc:  # noqa: BLE001 - sent back and raised by the driver as itself
            out = ("error", exc)
        try:
            results.send(out)
        except Exception as exc:  # noqa: BLE001 - an error that cannot be pickled: sent as text
            results.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}; while sending {out[0]}")))


class _Process:
    """One local worker: a forked process, its task queue, its result pipe, the tickets it holds in order."""

    def __init__(self, context: Any, spec: WorkerSpec) -> None:
        self.tasks = context.Queue()  # put() never blocks the driver (a feeder thread writes)
        self.results, child = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(self.tasks, child, spec), daemon=True)
        self.process.start()
        child.close()
        self.tickets: deque[int] = deque()

    def stop(self, timeout: float) -> None:
        if self.process.is_alive():
            self.tasks.put(None)
            self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.tasks.close()
        self.tasks.cancel_join_thread()
        self.results.close()


class LocalPool:
    """Worker processes on this machine, each with its own queue, so a death is pinned on one batch.

    A worker that dies is replaced (the others go on); the batch it was working on is lost (counted)
    and the ones waiting in its queue are handed back (not counted). Forked, not spawned: a spawned
    worker imports the caller's main module again, which runs the caller's script a second time
    unless it is guarded by ``if __name__ == "__main__"``. The driver has not loaded spaCy: each
    worker loads its own pipeline on its first batch.
    """

    def __init__(self, workers: int, spec: WorkerSpec) -> None:
        import multiprocessing

        self.workers = workers
        self.spec = spec
        self.context = multiprocessing.get_context("fork")
        self.procs = [_Process(self.context, spec) for _ in range(workers)]
        self.next_ticket = 0

    def submit(self, batch: Batch) -> int:
        for i, idle in enumerate(self.procs):
            if not idle.tickets and not idle.process.is_alive():  # died while it held nothing: replaced
                idle.stop(0)
                self.procs[i] = _Process(self.context, self.spec)
        proc = min(self.procs, key=lambda p: len(p.tickets))
        ticket, self.next_ticket = self.next_ticket, self.next_ticket + 1
        proc.tasks.put(batch)
        proc.tickets.append(ticket)
        return ticket

    def wait(self) -> list[Outcome]:
        from multiprocessing.connection import wait as wait_any

        busy = [p for p in self.procs if p.tickets]
        if not busy:
            return []
        ready = set(wait_any([p.results for p in busy] + [p.process.sentinel for p in busy]))
        out: list[Outcome] = []
        for i, proc in enumerate(self.procs):
            if proc.results not in ready and proc.process.sentinel not in ready:
                continue
            got = self._receive(proc) if proc.results.poll() else None
            if got is not None:
                out.append(got)
                continue
            out += [(t, None, n == 0) for n, t in enumerate(proc.tickets)]  # died: the first was running
            proc.stop(0)
            self.procs[i] = _Process(self.context, self.spec)
        return out

    @staticmethod
    def _receive(proc: _Process) -> Outcome | None:
        """The next result of ``proc``, or None when it died (nothing more to read)."""
        try:
            status, value = proc.results.recv()
        except (EOFError, OSError):
            return None
        ticket = proc.tickets.popleft()
        if status == "error":
            raise value
        return ticket, value, False

    def close(self) -> None:
        for proc in self.procs:
            proc.stop(timeout=10)


def import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise SettingsError(f"--engine ray needs Ray, an optional extra: {RAY_EXTRA} (or --engine local "
                            "--workers N, which needs nothing more)") from exc
    return ray


class RayPool:
    """One actor per worker, each with one CPU. Ray restarts a dead actor; the batch it was working on
    is lost (counted), the ones queued on it are handed back (not counted), and no batch goes to it
    until a ping says it is back.

    Without ``address`` a Ray instance with ``workers`` CPUs is started here (and stopped at the end);
    with one (``auto``, ``ray://host:10001``) the run joins that cluster, and ``workers`` defaults to its
    CPUs. Workers then may run on other machines: they do not look in the knowledge base.
    """

    def __init__(self, workers: int | None, address: str | None, spec: WorkerSpec) -> None:
        import logging

        ray = self.ray = import_ray()
        self.started = not ray.is_initialized()
        if self.started:
            ray.init(address=address, num_cpus=None if address else (workers or os.cpu_count() or 1),
                     include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False,
                     _system_config=None if address else RAY_LOCAL_CONFIG)
        self.workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actor = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=0)(RayWorker)
        self.actors = [actor.remote(dataclasses.replace(spec, check_store=address is None)) for _ in range(self.workers)]
        self.held: list[deque[Any]] = [deque() for _ in self.actors]  # refs per actor, in the order sent
        self.owner: dict[Any, int] = {}
        self.pings: dict[Any, int] = {}  # ping ref -> the restarting actor it waits for

    def submit(self, batch: Batch) -> Any:
        while len(self.pings) == len(self.actors):  # every actor restarting: wait for one
            self._back(self.ray.wait(list(self.pings), num_returns=1)[0])
        down = set(self.pings.values())
        i = min((i for i in range(len(self.actors)) if i not in down), key=lambda i: len(self.held[i]))
        ref = self.actors[i].run.remote(batch)
        self.held[i].append(ref)
        self.owner[ref] = i
        return ref

    def _back(self, pings: list[Any]) -> None:
        for ref in pings:
            i = self.pings.pop(ref)
            try:
                self.ray.get(ref)
            except self.ray.exceptions.RayActorError:  # not back yet: ask again
                self.pings[self.actors[i].ping.options(max_task_retries=-1).remote()] = i

    def wait(self) -> list[Outcome]:
        ray = self.ray
        ready, _ = ray.wait(list(self.owner) + list(self.pings), num_returns=1)
        self._back([r for r in ready if r in self.pings])
        out: list[Outcome] = []
        for ref in (r for r in ready if r in self.owner):
            i = self.owner.pop(ref)
            running = self.held[i][0] == ref and i not in self.pings.values()
            self.held[i].remove(ref)
            try:
                out.append((ref, ray.get(ref), False))
            except (ray.exceptions.RayActorError, ray.exceptions.WorkerCrashedError, ray.exceptions.ObjectLostError,
                    ray.exceptions.NodeDiedError):
                out.append((ref, None, running))
                if i not in self.pings.values():
                    self.pings[self.actors[i].ping.options(max_task_retries=-1).remote()] = i
            except ray.exceptions.RayTaskError as exc:  # an error raised by crosswire in the worker: as itself
                raise exc.as_instanceof_cause() from None
        return out

    def close(self) -> None:
        for a in self.actors:
            self.ray.kill(a)
        if self.started:
            _kill_monitor(self.ray)
            self.ray.shutdown()


def _kill_monitor(ray: Any) -> None:
    """Kill (and reap) the autoscaler monitor of the Ray this process started, before ``ray.shutdown``.

    Ray's shutdown stops the GCS before the monitor, whose SIGTERM handler then waits on the stopped GCS
    until Ray kills it one second later (1.0 of 1.5 s of shutdown). A local Ray of a fixed size gives the
    monitor nothing to do or save; Ray would kill it anyway. Without the private handle (another Ray
    version) ``ray.shutdown`` does it all, a second slower."""
    node = getattr(getattr(getattr(ray, "_private", None), "worker", None), "_global_node", None)
    kill = getattr(node, "_kill_process_type", None)
    if kill is not None:
        kill("monitor", allow_graceful=False, check_alive=False, wait=True)


def open_pool(engine: str, workers: int | None, address: str | None, spec: WorkerSpec) -> Pool:
    if engine not in ENGINES:
        raise SettingsError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if workers is not None and workers < 1:
        raise SettingsError(f"--workers expects a number of workers of at least 1, got {workers}")
    if address and engine != "ray":
        raise SettingsError("--address names a Ray cluster: use it with --engine ray")
    if engine == "ray":
        return RayPool(workers, address, spec)
    return LocalPool(workers or os.cpu_count() or 1, spec)


# -- the driver -----------------------------------------------------------------------------------
@dataclass(slots=True)
class _Pending:
    """An input on its way: its pieces as they come back."""

    inp: Input | None
    parts: int
    got: dict[int, JobResult] = field(default_factory=dict)


class Driver:
    """Sends batches out, takes results back, writes each input in order (the one writer)."""

    def __init__(self, cw: Engine, report: Report, pool: Pool, explicit: dict[str, object], extract: bool,
                 progress: Callable[[int], None] | None, on_reject: Callable[[Rejection], None] | None,
                 on_warning: Callable[[Rejection], None] | None) -> None:
        self.cw, self.pool, self.explicit, self.extract = cw, pool, explicit, extract
        self.progress, self.on_reject, self.on_warning = progress, on_reject, on_warning
        self.report = report
        self.pending: dict[int, _Pending] = {}
        self.next_write = 0
        self.versions: dict[str, str] = {}
        self.stats: dict[str, dict[str, Any]] = {}
        self.group = max(1, int(cw.settings["batch_size"]))  # inputs per transaction, at most
        self.done = 0  # batches back
        self.lost = 0  # batches whose worker was lost

    def _lost_one(self) -> None:
        """A lost worker; when workers keep dying before any batch is back, the run stops and says so."""
        self.lost += 1
        if not self.done and self.lost >= MAX_ATTEMPTS * self.pool.workers:
            raise CrosswireError(f"the workers died {self.lost} times before finishing one batch (out of memory, "
                                 "or killed); nothing was written; try fewer --workers, or one process to see "
                                 "the error")

    def run(self, paths: list[str]) -> Report:
        jobs = self._jobs(paths)
        flying: dict[Any, Batch] = {}
        more = True
        while more or flying:
            while more and self._room(len(flying)):
                batch, more = self._batch(jobs)
                if batch.jobs:
                    flying[self.pool.submit(batch)] = batch
            self._write_ready()
            if not flying:
                continue
            for ticket, result, running in self.pool.wait():
                batch = flying.pop(ticket)
                if result is None:
                    self.report.retried += 1
                    for again in self._again(batch) if running else [batch]:
                        flying[self.pool.submit(again)] = again
                else:
                    self.done += 1
                    self._take(result)
        self._write_ready()
        self.report.workers = [{"worker": w, **s} for w, s in sorted(self.stats.items())]
        return self.report

    # planning
    def _room(self, flying: int) -> bool:
        """Whether another batch may go out: a free place in the window, and not too far ahead of the writer."""
        return flying < WINDOW * self.pool.workers and len(self.pending) < BACKLOG * self.pool.workers

    def _jobs(self, paths: list[str]) -> Iterator[Job]:
        """The pieces of work of every input not stored before; other inputs are counted here. The inputs
        are looked up in the knowledge base ``batch_size`` at a time (one query each, as in one process)."""
        store = self.cw.store
        seq = 0
        for inp, state in _with_states(store, iter_inputs(paths, int(self.cw.settings["max_bytes"])), self.group):
            if state is not None and state.whole:
                self.report.unchanged += 1
                if self.progress:
                    self.progress(1)
                continue
            if isinstance(inp, Rejection):
                self.pending[seq] = _Pending(None, 1, {0: JobResult(seq, 0, [inp])})
            elif kind_of(inp.source, inp.raw) in ("jsonl", "feed"):  # split on the driver: shared out
                items = read_items(inp)
                pieces = [items[i:i + BATCH] for i in range(0, len(items), BATCH)] or [[]]
                self.pending[seq] = _Pending(inp, len(pieces))
                yield from (Job(seq, n, items=piece) for n, piece in enumerate(pieces))
            else:
                self.pending[seq] = _Pending(inp, 1)
                yield Job(seq, 0, inp=inp)
            seq += 1

    def _batch(self, jobs: Iterator[Job]) -> tuple[Batch, bool]:
        """The next batch, and whether there may be more."""
        batch = Batch([], self.explicit, self.extract)
        for job in jobs:
            batch.jobs.append(job)
            if self._weight(batch) >= BATCH:
                return batch, True
        return batch, False

    @staticmethod
    def _weight(batch: Batch) -> int:
        return sum(len(j.items) if j.inp is None else 1 for j in batch.jobs)

    def _again(self, batch: Batch) -> list[Batch]:
        """A lost batch sent again: whole, then one input at a time; given up on after MAX_ATTEMPTS."""
        self._lost_one()
        batch.attempts += 1
        if batch.attempts >= MAX_ATTEMPTS:
            for job in batch.jobs:
                self._store_result(JobResult(job.seq, job.part, _lost(job)))
            return []
        if batch.attempts >= SPLIT_AFTER and len(batch.jobs) > 1:
            return [Batch([j], batch.explicit, batch.extract, batch.attempts) for j in batch.jobs]
        return [batch]

    # results
    def _take(self, result: BatchResult) -> None:
        self.versions = result.versions or self.versions
        seen = self.stats.setdefault(result.worker, {"batches": 0, "peak_rss_mb": 0.0, "cpu_s": 0.0,
                                                     "start_cpu_s": 0.0})
        seen["batches"] += 1
        seen["peak_rss_mb"] = max(seen["peak_rss_mb"], round(result.peak_rss_mb, 1))
        seen["cpu_s"] = max(seen["cpu_s"], round(result.cpu_s, 2))
        seen["start_cpu_s"] = round(result.ready_cpu_s, 2)
        for r in result.results:
            self._store_result(r)

    def _store_result(self, r: JobResult) -> None:
        self.pending[r.seq].got[r.part] = r

    def _write_ready(self) -> None:
        """Write every input whose pieces are all back, in input order: those back together in one
        transaction, up to ``batch_size`` of them (a second copy of the same bytes waits for the next one,
        as in one process)."""
        group: list[tuple[Input | None, list[Document | Rejection]]] = []
        records: dict[str, list[dict[str, Any]]] = {}
        shas: set[str] = set()
        while (p := self.pending.get(self.next_write)) is not None and len(p.got) == p.parts:
            if len(group) >= self.group or (p.inp is not None and p.inp.sha in shas):
                self._write(group, records)
                group, records, shas = [], {}, set()
            del self.pending[self.next_write]
            group.append((p.inp, [it for n in sorted(p.got) for it in p.got[n].items]))
            records.update({k: v for n in sorted(p.got) for k, v in p.got[n].records.items()})
            if p.inp is not None:
                shas.add(p.inp.sha)
            self.next_write += 1
        if group:
            self._write(group, records)

    def _write(self, group: list[tuple[Input | None, list[Document | Rejection]]],
               records: dict[str, list[dict[str, Any]]]) -> None:
        self.cw._store_inputs(group, records, self.report, self.on_reject, self.on_warning, versions=self.versions)
        if self.progress:
            self.progress(len(group))


def _with_states(store: Any, inputs: Iterator[Input | Rejection], size: int) -> Iterator[tuple[Input | Rejection, Any]]:
    """Each input with what the knowledge base holds of it (``Store.raw_states``; None: nothing, or a
    rejection read from no file), looked up ``size`` inputs at a time (read from disk only as needed)."""
    while chunk := list(islice(inputs, size)):
        states = store.raw_states([i.sha for i in chunk if isinstance(i, Input)])
        yield from ((i, states.get(i.sha) if isinstance(i, Input) else None) for i in chunk)


def _lost(job: Job) -> list[Document | Rejection]:
    reason = (f"the worker reading this report was lost {MAX_ATTEMPTS} times (killed, or out of memory); "
              "nothing of it is stored; run the same ingest again to retry it")
    if job.inp is not None:
        return [Rejection(job.inp.source, reason, job.inp.raw)]
    return [it if isinstance(it, Rejection) else
            Rejection(it.source + (f" {it.locator}" if it.locator else ""), reason, it.raw) for it in job.items]


def ingest_parallel(cw: Engine, report: Report, paths: list[str], engine: str = "local", workers: int | None = None,
                    address: str | None = None, extract: bool = True,
                    progress: Callable[[int], None] | None = None,
                    on_reject: Callable[[Rejection], None] | None = None,
                    on_warning: Callable[[Rejection], None] | None = None,
                    explicit: dict[str, object] | None = None) -> None:
    """``Crosswire.ingest`` on a pool of workers (see the module docstring); fills in ``report``."""
    db = str(cw.settings["db"])
    settings = {**cw.settings, "db": db if "://" in db else os.path.abspath(db)}  # workers may run elsewhere
    if settings.get("data"):  # a data folder (vocabularies) named relative to here
        settings["data"] = os.path.abspath(str(settings["data"]))
    cw.store  # noqa: B018 - created (and migrated) before any worker opens it read-only
    pool = open_pool(engine, workers, address, WorkerSpec(type(cw), settings, True))
    try:
        Driver(cw, report, pool, explicit or {}, extract, progress, on_reject, on_warning).run(paths)
    finally:
        pool.close()
