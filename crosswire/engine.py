"""The one object the shells call: ingest, extract, and the read side (fusion, reports, search).

    cw = Crosswire(db="kb.db")
    report = cw.ingest(["reports/"])
    for rec in cw.extract_records(["reports/"]): ...
    cw.figures(); cw.series(id); cw.conflicts(); cw.entity(name); cw.timeline(); cw.report()

The CLI, the web app and report generation are thin layers over these methods. The read side
(``crosswire/reading.py``) owns fusion and the one cache keyed by the knowledge base's version.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import settings as settings_mod
from .clean import VERSION as CLEAN_VERSION
from .clean import clean_document
from .clean.metadata import explicit_fields
from .ingest.readers import Input, RawItem, iter_inputs, read_items
from .ingest.safe import safe_document, safe_text
from .errors import SettingsError
from .models import Document, Rejection
from .cache import VersionCache
from .reading import ReadSide
from .resources import Resources
from .review import ReviewSide
from .store import Store, open_store

Progress = Callable[[int], None]
FUSE = ("auto", "always", "never")  # ingest's ``fuse``: when it brings the saved fusion state up to date
SAVE_SMALL = 32_000_000  # bytes: a saved fusion state this small is always brought up to date (well under 1 s)
SAVE_BEHIND = 0.02  # "auto" leaves a larger one behind by fewer new reports than this share of those it covers


@dataclass(slots=True)
class IngestReport:
    added: int = 0
    unchanged: int = 0  # already stored (same bytes or same text)
    new_versions: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)  # stored, with a repair or a field not used
    workers: list[dict[str, Any]] = field(default_factory=list)  # with --workers: each one's batches, peak RSS
    retried: int = 0  # with --workers: batches sent again because their worker was lost
    fusion: dict[str, Any] | None = None  # what ingest did to the saved fusion state (``Crosswire.save_fusion``)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "unchanged": self.unchanged, "new_versions": self.new_versions,
                "rejected": [{"source": r.source, "reason": r.reason} for r in self.rejected],
                **({"warnings": [{"source": r.source, "reason": r.reason} for r in self.warnings]}
                   if self.warnings else {}), **({"workers": self.workers, "retried": self.retried} if self.workers else {}),
                **({"fusion": self.fusion} if self.fusion is not None else {})}


def _doc_key(doc: Document) -> str:
    if doc.url:
        return doc.url
    if doc.external_id:
        return f"{doc.source.split(' (')[0]}#{doc.external_id}"
    return doc.source


class Crosswire(ReadSide, ReviewSide):
    def __init__(self, db: str | None = None, read_only: bool = False, **overrides: Any) -> None:
        self.settings = settings_mod.load(db=db, **overrides)
        self.read_only = read_only  # open the knowledge base with mode=ro: it must exist, it is never written
        self._store: Store | None = None
        self._extractor: Any = None
        self._cache: VersionCache | None = None
        self._fusion: Any = None
        self._bg = None  # the threads of a served engine (reading.Background), stopped by close
        self.resources = Resources(self.settings["data"])  # the vocabularies, loaded once, passed down

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings["db"], read_only=self.read_only)
        return self._store

    @property
    def extractor(self) -> Any:
        if self._extractor is None:
            from .nlp.pipeline import Extractor

            self._extractor = Extractor(self.settings["model"], self.resources, self.settings["time_budget"])
        return self._extractor

    def check(self) -> Any:
        """`crosswire check`: integrity, schema and row counts of the knowledge base, opened read-only as
        found (no migration, nothing written); a :class:`~crosswire.store.health.CheckReport`."""
        from .errors import DamagedKnowledgeBase
        from .store.health import CheckReport

        try:
            store = open_store(self.settings["db"], as_found=True)
        except DamagedKnowledgeBase as exc:  # too damaged to open: that is the finding
            return CheckReport(str(self.settings["db"]), [f"cannot be read: {exc.__cause__ or exc}"])
        try:
            return store.check()
        finally:
            store.close()

    def salvage(self, folder: str) -> tuple[int, bool]:
        """`crosswire check --salvage`: write every raw input still readable into ``folder``; (written, whether
        part of the table could not be read)."""
        from pathlib import Path

        from .store.health import salvage

        store = open_store(self.settings["db"], as_found=True)
        try:
            return salvage(store.conn, Path(folder))
        finally:
            store.close()

    def copy_to(self, target: str) -> Any:
        """`crosswire migrate`: copy this knowledge base into the empty one at ``target`` (a SQLite path or a
        postgresql:// URL), checked table by table by row counts and content hashes; a
        :class:`~crosswire.store.transfer.CopyReport`."""
        from .errors import SettingsError
        from .store.transfer import copy_knowledge_base

        if str(target) == str(self.settings["db"]):
            raise SettingsError(f"migrate: the source and the target are both {self.store.path}; give another target")
        dst = open_store(target)
        try:
            return copy_knowledge_base(self.store, dst)
        finally:
            dst.close()

    def close(self) -> None:
        self.stop_background()  # no thread may read a connection closed under it
        if self._store is not None:
            self._store.close()
            self._store = None
        self._fusion = None
        if self._cache is not None:
            self._cache.clear()
            self._cache = None

    # -- reading inputs ---------------------------------------------------------------------
    def read(self, paths: list[str], metadata: dict[str, str | None] | None = None,
             ) -> Iterator[tuple[Input | None, list[Document | Rejection]]]:
        """Each input with its cleaned documents and rejections (nothing stored).

        ``metadata`` (publisher, published, title) overrides every layer of the metadata cascade for
        every report read (layer "explicit"); an unreadable published date raises SettingsError.
        """
        explicit = explicit_fields(**(metadata or {}))
        for inp in iter_inputs(paths, int(self.settings["max_bytes"])):
            if isinstance(inp, Rejection):
                yield None, [inp]
                continue
            yield inp, [self._clean(item, explicit) if isinstance(item, RawItem) else item for item in read_items(inp)]

    @staticmethod
    def _clean(item: RawItem, explicit: dict[str, object] | None = None) -> Document | Rejection:
        where = item.source + (f" {item.locator}" if item.locator else "")
        if explicit:  # --publisher / --published / --title: over every field the input carries
            item.fields.update(explicit)
        try:
            doc = clean_document(item)
        except Exception as exc:  # noqa: BLE001 - one odd report must not stop the batch
            reason, _ = safe_text(f"could not clean this report ({type(exc).__name__}: {exc})")
            return Rejection(where, reason, item.raw)
        doc.meta_sources.update(item.notes)
        if safe_document(doc):  # nothing that UTF-8 cannot encode reaches SQLite or the terminal
            doc.meta_sources["repairs"] = "; ".join(filter(None, [doc.meta_sources.get("repairs"),
                                                                  "lone surrogates replaced with U+FFFD"]))
        if item.warnings:
            doc.meta_sources["warnings"] = "; ".join(item.warnings)
        return doc

    # -- ingest -----------------------------------------------------------------------------
    def ingest(self, paths: list[str], extract: bool = True, progress: Progress | None = None,
               on_reject: Callable[[Rejection], None] | None = None,
               on_warning: Callable[[Rejection], None] | None = None,
               metadata: dict[str, str | None] | None = None, engine: str = "local",
               workers: int | None = None, address: str | None = None, fuse: str = "auto") -> IngestReport:
        """Read, clean, (extract) and store every input; one transaction per batch of ``batch_size`` inputs.

        ``metadata`` (publisher, published, title) overrides the metadata cascade of every report
        (see ``read``); it is checked before anything is read.

        An input stored before is skipped ("unchanged") unless it was rejected (whole or in part):
        then it is read again and its rejections are reported again.

        ``engine="local"`` with ``workers`` > 1 reads, cleans and extracts on that many processes,
        ``engine="ray"`` on Ray actors (``address``: a running cluster); this process alone writes, the
        same records as in one process (crosswire/parallel.py).

        ``fuse``: what to do with the fusion state saved in the knowledge base (``save_fusion``, one of FUSE):
        "auto" brings it up to date, unless it is only a little behind and large (then readers catch up from
        it incrementally); "always" brings it up to date; "never" leaves it. An engine that has fused before
        also brings its own state up to date (``_fuse_after_ingest``).
        """
        if fuse not in FUSE:
            raise SettingsError(f"fuse={fuse!r}: expected one of {', '.join(FUSE)}")
        explicit = explicit_fields(**(metadata or {}))
        if engine != "local" or (workers or 1) > 1 or address:
            from .parallel import ingest_parallel

            report = IngestReport()
            ingest_parallel(self, report, paths, engine, workers, address, extract, progress, on_reject, on_warning,
                            explicit)
        else:
            report = self._ingest_here(paths, explicit, extract, progress, on_reject, on_warning)
        self._fuse_after_ingest(report, fuse)
        return report

    def _ingest_here(self, paths: list[str], explicit: dict[str, object], extract: bool, progress: Progress | None,
                     on_reject: Callable[[Rejection], None] | None,
                     on_warning: Callable[[Rejection], None] | None) -> IngestReport:
        """``ingest`` in this process: inputs looked up in the knowledge base ``batch_size`` at a time (one
        query), those not stored whole before read, cleaned, extracted and written in batches of
        ``batch_size``, one transaction per batch (``_store_batch``)."""
        report = IngestReport()
        store = self.store
        size = int(self.settings["batch_size"])
        batch: list[tuple[Input | None, list[Document | Rejection]]] = []
        known: dict[str, set[tuple[str, str]]] = {}  # rejections stored for the raw inputs of the batch
        waiting: list[Input | Rejection] = []  # read from disk, not yet looked up
        pending: set[str] = set()  # raw inputs waiting or in the batch, not yet written

        def flush() -> None:
            docs = [d for _, items in batch for d in items if isinstance(d, Document)]
            records: dict[str, list[dict[str, Any]]] = {}
            if extract and docs:  # the reports not stored yet
                new = store.unstored(docs)
                records = self.extractor.extract_many(new) if new else {}
            self._store_batch(batch, known, records, report, on_reject, on_warning)
            if progress:
                progress(len(batch))
            pending.difference_update(inp.sha for inp, _ in batch if inp is not None)
            batch.clear()
            known.clear()

        def sort() -> None:
            """Skip the waiting inputs stored whole before; read and clean the others into the batch."""
            states = store.raw_states([inp.sha for inp in waiting if isinstance(inp, Input)])
            for inp in waiting:
                if isinstance(inp, Rejection):
                    batch.append((None, [inp]))
                else:
                    state = states.get(inp.sha)
                    if state is not None and state.whole:
                        pending.discard(inp.sha)
                        report.unchanged += 1
                        if progress:
                            progress(1)
                        continue
                    if state is not None:
                        known[inp.sha] = state.rejections
                    batch.append((inp, [self._clean(i, explicit) if isinstance(i, RawItem) else i
                                        for i in read_items(inp)]))
                if len(batch) >= size:
                    flush()
            waiting.clear()

        for inp in iter_inputs(paths, int(self.settings["max_bytes"])):
            if isinstance(inp, Input):
                sha = inp.sha
                if sha in pending:  # the same bytes again: looked up once the first copy is written
                    sort()
                    if batch:
                        flush()
                pending.add(sha)
            waiting.append(inp)
            if len(waiting) >= size:
                sort()
        sort()
        if batch:
            flush()
        return report

    def _fuse_after_ingest(self, report: IngestReport, fuse: str) -> None:
        """After an ingest: the fusion state saved in the knowledge base brought up to date (``save_fusion``),
        so that the first reader loads it instead of building fusion; an engine with a background cache (the
        dashboard's) instead starts refreshing its own state in its thread and returns at once. Either way an
        engine that has fused before refreshes its state incrementally, so no later reader pays for the build."""
        background = self._cache is not None and self._cache.background
        if fuse != "never" and not background and (report.added or fuse == "always"):
            report.fusion = self.save_fusion(fuse)
        if report.added and self._cache is not None and self._cache.has_state:
            self.fusion.state(wait=not background)  # the state save_fusion refreshed, or refreshed now

    def save_fusion(self, when: str = "always") -> dict[str, Any]:
        """Bring the fusion state saved in the knowledge base up to date (``crosswire.fuse.snapshot``): load it
        (or build fusion when there is none, or it was made by other fusion code or rules, or it is damaged),
        refresh it incrementally from the reports added since, build its name index and timeline, and save it.
        With ``when="always"`` it is loaded, refreshed and saved again even when it is current; otherwise a current
        one whose parts add up to its size is left as it is (a reader checks its SHA-256 when it loads it), and with ``when="auto"`` so is one that is large
        (over SAVE_SMALL bytes) and behind by only new reports, fewer than SAVE_BEHIND of those it covers: saving
        one costs seconds per 100 MB, and a reader refreshes it from there incrementally. What was done, as plain
        data: ``how`` ("up to date", "left", "loaded", "incremental", "full"), ``seconds``, ``reports`` covered,
        ``behind``, ``saved_bytes``, ``save_seconds``, ``save_cpu``, ``notes`` (why a saved state could not be
        used)."""
        from .fuse import snapshot
        from .store.snapshots import SnapshotDamaged

        t0 = time.perf_counter()
        store = self.store
        notes: list[str] = []
        mark = store.fusion_mark()
        try:
            header = store.fusion_snapshot_header()
        except SnapshotDamaged:
            header = None  # said in ``notes`` by the fusion's reading of it below (``Fusion.saved``)
        reports = mark.reports
        if when != "always" and header is not None and snapshot.usable(header, self.settings) \
                and store.fusion_snapshot_whole(header):
            covered = header.mark.reports
            behind = reports - covered
            current = header.mark == mark
            if current or (when == "auto" and header.size > SAVE_SMALL and store.appended_since(header.mark, mark)
                           and 0 <= behind < SAVE_BEHIND * covered):
                return {"how": "up to date" if current else "left", "seconds": time.perf_counter() - t0,
                        "reports": reports, "behind": behind, "saved_bytes": header.size}
        fusion = self.fusion
        listening, fusion.on_note = fusion.on_note, notes.append
        try:
            state = fusion.state(wait=True)
            fusion.build_parts()
            how = state.how
            saved = fusion.save(store)
        finally:
            fusion.on_note = listening
        return {"how": how, "seconds": time.perf_counter() - t0, "reports": reports, "behind": 0,
                "saved_bytes": saved["bytes"], "save_seconds": saved["seconds"], "save_cpu": saved["cpu"],
                **({"notes": notes} if notes else {})}

    def _store_inputs(self, inputs: list[tuple[Input | None, list[Document | Rejection]]],
                      records: dict[str, list[dict[str, Any]]], report: IngestReport,
                      on_reject: Callable[[Rejection], None] | None,
                      on_warning: Callable[[Rejection], None] | None = None,
                      versions: dict[str, str] | None = None) -> None:
        """Write some inputs' documents, records and rejections in one transaction, looking up in one query
        which of them were stored before (``versions``: of the pipeline that made the records, when it ran
        in another process). No two of ``inputs`` may have the same bytes (as in ``_ingest_here``'s batches)."""
        states = self.store.raw_states([inp.sha for inp, _ in inputs if inp is not None])
        known = {sha: state.rejections for sha, state in states.items()}
        self._store_batch(inputs, known, records, report, on_reject, on_warning, versions)

    def _store_batch(self, batch: list[tuple[Input | None, list[Document | Rejection]]],
                     known: dict[str, set[tuple[str, str]]], records: dict[str, list[dict[str, Any]]],
                     report: IngestReport, on_reject: Callable[[Rejection], None] | None,
                     on_warning: Callable[[Rejection], None] | None = None,
                     versions: dict[str, str] | None = None) -> None:
        """Write the documents, records and rejections of a batch of inputs in one transaction (``known``: the
        rejections stored before for each raw input of the batch stored before)."""
        store = self.store
        docs = [d for _, items in batch for d in items if isinstance(d, Document)]
        with store.batch_writes(known, [(d.id, _doc_key(d)) for d in docs]) as writes:
            for inp, items in batch:
                raw_id = None
                if inp is not None:
                    raw_id = inp.sha
                    already = writes.rejections_of(inp.sha)
                    writes.add_raw(inp.sha, inp.source, inp.raw, len(inp.raw))
                else:
                    already = set()
                for item in items:
                    if isinstance(item, Rejection):
                        item.source, _ = safe_text(item.source)
                        item.reason, _ = safe_text(item.reason)
                        if (item.source, item.reason) not in already:  # a rerun reports it again, stores it once
                            writes.add_rejection(item, raw_id)
                        report.rejected.append(item)
                        if on_reject:
                            on_reject(item)
                        continue
                    key = _doc_key(item)
                    had_key = writes.has_key(key)
                    if writes.add_document(item, raw_id, key, CLEAN_VERSION):
                        report.added += 1
                        if item.meta_sources.get("warnings"):
                            warning = Rejection(item.source, item.meta_sources["warnings"])
                            report.warnings.append(warning)
                            if on_warning:
                                on_warning(warning)
                        report.new_versions += had_key
                        if item.id in records:
                            writes.save_extraction(item.id, records[item.id], versions or self.extractor.versions)
                            for failed in _failures(item, records[item.id]):  # stored by the store; said here
                                report.rejected.append(failed)
                                if on_reject:
                                    on_reject(failed)
                    else:
                        report.unchanged += 1

    # -- extract without storing ------------------------------------------------------------
    def extract_records(self, paths: list[str], extract: bool = True,
                        on_reject: Callable[[Rejection], None] | None = None,
                        progress: Progress | None = None,
                        metadata: dict[str, str | None] | None = None,
                        on_warning: Callable[[Rejection], None] | None = None) -> Iterator[dict[str, Any]]:
        """Records of the eval contract (document, entity, quote, claim, time) for each input."""
        pending: list[Document] = []
        size = int(self.settings["batch_size"])
        for _inp, items in self.read(paths, metadata):
            for item in items:
                if isinstance(item, Rejection):
                    if on_reject:
                        on_reject(item)
                else:
                    if on_warning and item.meta_sources.get("warnings"):
                        on_warning(Rejection(item.source, item.meta_sources["warnings"]))
                    pending.append(item)
            if len(pending) >= size:
                yield from self._emit(pending, extract, progress, on_reject)
                pending = []
        if pending:
            yield from self._emit(pending, extract, progress, on_reject)

    def _emit(self, docs: list[Document], extract: bool, progress: Progress | None,
              on_reject: Callable[[Rejection], None] | None = None) -> Iterator[dict[str, Any]]:
        records = self.extractor.extract_many(docs) if extract else {}
        for doc in docs:
            name = doc.external_id or doc.source.split(" (")[0].rsplit("/", 1)[-1]
            if on_reject:
                for failed in _failures(doc, records.get(doc.id, [])):
                    on_reject(failed)
            yield {"doc": name, **doc.record()}
            for rec in records.get(doc.id, []):
                if rec["record"] != "mention":
                    yield {"doc": name, **rec}
        if progress:
            progress(len(docs))

def _failures(doc: Document, records: list[dict[str, Any]]) -> list[Rejection]:
    """The error records of one document's extraction (a failed stage, a partial result) as rejections."""
    return [Rejection(doc.source, f"{r.get('stage', 'extract')} failed: {r.get('reason')}")
            for r in records if r.get("record") == "error"]


def count_inputs(paths: Iterable[str]) -> int:
    """How many files ``paths`` holds (for a progress bar)."""
    from .ingest.readers import _walk
    from pathlib import Path

    total = 0
    for p in paths:
        if p != "-" and Path(p).exists():
            total += sum(1 for _ in _walk(Path(p)))
    return total
