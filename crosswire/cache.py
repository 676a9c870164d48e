"""The engine's one cache: answers kept until the knowledge base changes, and fusion's state.

    cache = VersionCache(store.version)
    page = cache.get(("documents", ...), compute)          # one of the last MAX_CACHED answers, per version
    state = cache.state(refresh)                           # fusion's state (see below)
    figures = cache.derived(("figures", ...), compute)     # an answer computed from the served state

Every ``get`` first asks the store for its version (``Store.version()``: anything written by this
connection or another one changes it); a new version drops those answers. ``keep`` entries are never
evicted within a version; the others are, oldest first, beyond MAX_CACHED.

Within ``with cache.pinned():`` (a dashboard request that only reads) the store is asked for its version
once, on first need; every later ``version()`` in the block, on this thread or a worker thread the block
hands its context to, answers the version then known without asking again. On PostgreSQL asking is a
round trip to the server, and a page asks a dozen times (every cached answer, fusion's state, the
fusion header). A write inside the block is not seen by the block's later reads: pin only what does
not write.

Fusion's state (``crosswire.fuse.incremental.State``) is not dropped with the version: ``refresh(old,
background)`` makes the state for the knowledge base now from the previous one (incrementally when only
reports were added). Without ``background`` (the CLI, the library, tests) a changed version is refreshed
before answering, under the lock. With ``background`` (the dashboard: stale-while-revalidate) the
previous state keeps being served while one background thread refreshes it, and ``status()`` says so
(the pages show "updating — showing data as of ..."); only when there is no state at all (the first
build, normally started at start-up by ``Crosswire.warm``) does a caller wait for it. Answers computed
from the state (``derived``) are kept until the next state replaces it.

Answers a view starts from can be made ahead (``prepare``): a background build, once it has made the next
state and before serving it, runs the registered preparers in its thread with that state as the one asked
for (on that thread only: a context variable), so the answers they compute (``derived``) are kept for the
state before the first page asks; pages go on being served from the previous state meanwhile. Then the
answers asked of the previous state whose ``compute`` asks the engine again (``derived(..., remake=True)``:
not those that close over an answer of that state) are made again for the new one, most recent first, for
at most REMAKE_SECONDS of the build thread's CPU time: a view looked at before an ingest is ready after it.

Garbage collection: fusion over a million claims builds tens of millions of objects, none of them
cyclic; with the cycle collector on, each of its full scans walks all of them (seconds, many times
over while building, and again at random later requests). So builds run with the collector off and
what they built is frozen (``gc.freeze``: skipped by the collector, still freed by reference counting
when the next state replaces it).
"""
from __future__ import annotations

import contextvars
import gc
import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime, timezone
from typing import Any, TypeVar

T = TypeVar("T")
MAX_CACHED = 256
log = logging.getLogger(__name__)

Refresh = Callable[[Any, bool], Any]  # (previous state or None, in a background thread?) -> state
# the caches that asked the store for their version in the current pinned block (None: not in one); a
# context variable, so the worker thread a request's handler runs in sees its request's block
_ASKED: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar("crosswire_version_asked", default=None)
# the state a background build is preparing answers for on this thread, with the answers and how to make
# them again (see ``prepare``)
Ready = tuple[dict[Hashable, Any], dict[Hashable, Callable[[], Any]]]
_PREPARING: contextvars.ContextVar[tuple[Any, Ready] | None] = contextvars.ContextVar("crosswire_preparing",
                                                                                      default=None)
REMAKE_SECONDS = 3.0  # CPU seconds a background build spends making the previous state's answers again
# Pages first: only one thread runs Python at a time, and a page answered while a background build runs would
# share the interpreter with it (half each). So a background build gives way (``give_way``) while a page is being
# answered — a dashboard request, or any read of an engine that serves stale answers (``VersionCache.answering``:
# a library caller's too) — for at most GIVE_WAY seconds at a time, and in all at most GIVE_WAY_SHARE times as long
# as it has run, or as GIVE_WAY when it has run less (the pages asked as a build starts, which started it, go
# first too); a dashboard viewed without pause still sees its build end: past its start it makes at least
# 1 / (1 + GIVE_WAY_SHARE) of its progress alone. A build calls ``give_way`` at every step of every loop; it looks at the
# pages at most every GIVE_WAY_EVERY seconds of its time (a call in between costs a clock reading), so a page waits
# for a build's Python for about that long, whatever its steps cost.
GIVE_WAY = 0.25
GIVE_WAY_SHARE = 4.0
GIVE_WAY_EVERY = 0.001


class _Build:
    """What a background build's thread knows of its giving way (``Pages.give_way``)."""

    __slots__ = ("started", "waited", "look")

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.waited = 0.0  # seconds it has given way
        self.look = 0.0  # when it looks at the pages next (perf_counter)


_GIVES_WAY: contextvars.ContextVar[_Build | None] = contextvars.ContextVar("crosswire_gives_way", default=None)


class Pages:
    """The pages being answered now (``answering``: around each dashboard request, and each read of an engine
    serving stale answers), which the background builds give way to (``give_way``)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.active = 0
        self.blocked = 0  # callers waiting for a build (``waiting_for_build``)
        self.waited = 0.0  # seconds background builds have given way, in all (benchmarks show it)

    @contextmanager
    def answering(self) -> Iterator[None]:
        with self._cond:
            self.active += 1
        try:
            yield
        finally:
            with self._cond:
                self.active -= 1
                if not self.active:
                    self._cond.notify_all()

    @contextmanager
    def waiting_for_build(self) -> Iterator[None]:
        """A block in which a caller waits for a background build (there is no state to answer from yet):
        meanwhile no build gives way."""
        with self._cond:
            self.blocked += 1
            self._cond.notify_all()
        try:
            yield
        finally:
            with self._cond:
                self.blocked -= 1

    def give_way(self) -> None:
        """In a background build (``background_work``), at most every GIVE_WAY_EVERY seconds: wait while a page is
        being answered (and none waits for a build), at most GIVE_WAY seconds, unless it has given way
        GIVE_WAY_SHARE times as long as it ran (or as GIVE_WAY, if longer); elsewhere (a page itself, the CLI)
        nothing."""
        build = _GIVES_WAY.get()
        if build is None:
            return
        start = time.perf_counter()
        if start < build.look:
            return
        build.look = start + GIVE_WAY_EVERY
        if not self.active or self.blocked:
            return
        if build.waited > GIVE_WAY_SHARE * max(start - build.started - build.waited, GIVE_WAY):
            return  # it has given way its share: on with the build
        with self._cond:
            self._cond.wait_for(lambda: not self.active or self.blocked, GIVE_WAY)
        waited = time.perf_counter() - start
        build.waited += waited
        self.waited += waited


PAGES = Pages()


def give_way() -> None:
    """A step of a background build is done: let the pages being answered have the interpreter (``Pages``)."""
    PAGES.give_way()


def background_work(run: Callable[[], T]) -> T:
    """``run()`` as background work that gives way to pages (``Pages.give_way``), on this thread."""
    token = _GIVES_WAY.set(_Build())
    try:
        return run()
    finally:
        _GIVES_WAY.reset(token)


class VersionCache:
    def __init__(self, version: Callable[[], Hashable], background: bool = False) -> None:
        self._version_of = version
        self._version: Hashable | None = None
        self._kept: dict[Hashable, Any] = {}
        self._recent: dict[Hashable, Any] = {}
        self.lock = threading.RLock()  # one request at a time talks to the store and fills the cache
        self.background = background  # serve the previous state while a background thread refreshes it
        self._state: Any = None
        self._state_version: Hashable | None = None
        self._derived: dict[Hashable, Any] = {}
        self._recipes: dict[Hashable, Callable[[], Any]] = {}  # how the answers to make again were made
        self._thread: threading.Thread | None = None
        self._started: float | None = None  # when the running background build started (time.time())
        self.error: str | None = None  # the last background build's failure, if it failed
        self.preparers: list[Callable[[], Any]] = []  # run by a background build for its new state (``prepare``)
        self.preparing: Callable[[], AbstractContextManager[Any]] = nullcontext  # the block they run in

    def answering(self) -> AbstractContextManager[None]:
        """A block that reads answers of this cache: with ``background`` (stale answers served while a build runs),
        a page the background builds give way to (``Pages``) — whoever reads, the dashboard or a library caller —
        unless it runs in a background build itself (``background_work``: preparing answers for its new state)."""
        if self.background and _GIVES_WAY.get() is None:
            return PAGES.answering()
        return nullcontext()

    def version(self) -> Hashable:
        """The knowledge base's version now (and the answers of the previous one dropped if it changed); in a
        ``pinned`` block, the store is asked once and the version then known is answered after that."""
        asked = _ASKED.get()
        with self.lock:
            if asked is not None and id(self) in asked and self._version is not None:
                return self._version
            version = self._version_of()
            if version != self._version:
                self._kept.clear()
                self._recent.clear()
                self._version = version
            if asked is not None:
                asked.add(id(self))
            return version

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """A block (one request that only reads) in which the store is asked for its version at most once
        (see the module docstring); blocks nest (the outermost one counts)."""
        if _ASKED.get() is not None:
            yield
            return
        token = _ASKED.set(set())
        try:
            yield
        finally:
            _ASKED.reset(token)

    def get(self, key: Hashable, compute: Callable[[], T], keep: bool = False) -> T:
        """``compute()`` once per knowledge-base version and ``key``."""
        with self.lock:
            self.version()
            for table in (self._kept, self._recent):
                if key in table:
                    return table[key]  # type: ignore[no-any-return]
            value = without_gc_pauses(compute)
            _remember(self._kept if keep else self._recent, key, value, keep)
            return value

    # -- fusion's state -----------------------------------------------------------------------
    def state(self, refresh: Refresh, wait: bool = False) -> Any:
        """The state to answer from: current, or (``background``, unless ``wait``) the previous one while a
        background thread makes the current one (the one being prepared, on the thread preparing it)."""
        preparing = _PREPARING.get()
        if preparing is not None:
            return preparing[0]
        while True:
            with self.lock:
                version = self.version()
                if self._state is not None and self._state_version == version:
                    return self._state
                if not self.background:
                    return self._build_here(refresh, version)
                self._start(refresh, version)
                if self._state is not None and not wait:
                    return self._state  # stale while the background build runs: status() says so
                thread = self._thread
            if thread is not None:
                with PAGES.waiting_for_build():
                    thread.join()  # no state yet (or asked to wait): wait for the build, then look again
            if self.error and self._state is None:
                raise RuntimeError(f"building fusion failed: {self.error}")

    def _build_here(self, refresh: Refresh, version: Hashable) -> Any:
        new = without_gc_pauses(lambda: refresh(self._state, False))
        self._swap(new, version)
        return new

    def _start(self, refresh: Refresh, version: Hashable) -> None:
        """One background build at a time; a write during it is picked up by the next ``state`` call."""
        if self._thread is not None:
            return
        old = self._state

        def run() -> None:
            try:
                new = background_work(lambda: without_gc_pauses(lambda: refresh(old, True)))
                ready = background_work(lambda: self._prepare(new, self._recipes)) if new is not old else None
                with self.lock:
                    dropped = self._swap(new, version, ready)
                    self.error = None
                del dropped  # the previous answers are freed here, not while pages wait for the lock
            except Exception as exc:  # noqa: BLE001 - kept and shown: the previous state stays served
                log.exception("fusion build failed")
                self.error = f"{type(exc).__name__}: {exc}"
            finally:
                with self.lock:
                    self._thread = None
                    self._started = None

        self._started = time.time()
        self._thread = threading.Thread(target=run, name="crosswire-fusion-build", daemon=True)
        self._thread.start()

    def _swap(self, new: Any, version: Hashable, ready: Ready | None = None) -> dict[Hashable, Any]:
        """Serve ``new`` (made at ``version``; ``ready``: answers prepared for it); the answers derived from the
        previous state are returned."""
        dropped = self._derived
        if new is not self._state:
            self._derived, self._recipes = ready or ({}, {})
        self._state, self._state_version = new, version
        return dropped

    def prepare(self, preparer: Callable[[], Any]) -> None:
        """Have every background build run ``preparer`` for its new state before serving it (see the module
        docstring): what it asks through ``state`` and ``derived`` is that state's, and is kept with it."""
        self.preparers.append(preparer)

    def _prepare(self, new: Any, recipes: dict[Hashable, Callable[[], Any]]) -> Ready:
        """The answers the preparers computed for ``new``, and those of ``recipes`` (the previous state's) made
        again within the time allowed (one that fails is logged, the others still run), in the ``preparing``
        block (the engine's: their store reads on a connection of their own)."""
        ready: Ready = ({}, {})
        token = _PREPARING.set((new, ready))
        try:
            with self.preparing():
                for preparer in list(self.preparers):
                    give_way()
                    _try(preparer)
                self._remake(new, recipes)
        finally:
            _PREPARING.reset(token)
        return ready

    def _remake(self, new: Any, recipes: dict[Hashable, Callable[[], Any]]) -> None:
        """The previous state's answers made again for ``new``, most recent first, for REMAKE_SECONDS at most."""
        start = time.thread_time()
        for key, recipe in reversed(list(recipes.items())):
            give_way()
            if time.thread_time() - start > REMAKE_SECONDS:
                break
            _try(lambda: self.derived(key, new, recipe, remake=True))  # noqa: B023 - called at once

    def derived(self, key: Hashable, state: Any, compute: Callable[[], T], remake: bool = False) -> T:
        """``compute()`` once per fusion state and ``key`` (``state``: the one ``compute`` answers from; with
        ``remake``, ``compute`` asks for what it needs afresh, so a background build may call it again for its
        new state: see ``prepare``)."""
        preparing = _PREPARING.get()
        if preparing is not None and state is preparing[0]:  # made ahead by a background build (``prepare``)
            ready, recipes = preparing[1]
            if key not in ready:
                ready[key] = compute()
                if remake:
                    recipes[key] = compute
            return ready[key]  # type: ignore[no-any-return]
        with self.lock:
            if state is not self._state:  # the state changed while the caller looked: do not keep it
                return without_gc_pauses(compute)
            if key in self._derived:
                return self._derived[key]  # type: ignore[no-any-return]
            value = without_gc_pauses(compute)
            if state is self._state:
                _remember(self._derived, key, value, False)
                if remake:
                    _remember(self._recipes, key, compute, False)
            return value

    @property
    def has_state(self) -> bool:
        return self._state is not None

    def wait(self, timeout: float | None = None) -> None:
        """Until no background build runs (tests, benchmarks, shutting down), at most ``timeout`` seconds."""
        thread = self._thread
        if thread is not None:
            with PAGES.waiting_for_build():
                thread.join(timeout)

    @property
    def building(self) -> bool:
        """Whether a background build runs now."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def status(self) -> dict[str, Any]:
        """Whether the state served is current, or the previous one while a build runs (and since when)."""
        with self.lock:
            version = self.version()
            current = self._state is not None and self._state_version == version
            building = self._thread is not None
            info: dict[str, Any] = dict(self._state.status()) if hasattr(self._state, "status") else {}
            info.update({"current": current, "updating": building and not current,
                         "building": building, "error": None if current else self.error})
            if self._started is not None:
                info["build_started"] = datetime.fromtimestamp(self._started, timezone.utc).isoformat(
                    timespec="seconds")
            return info

    def clear(self) -> None:
        self.wait()
        with self.lock:
            self._version = None
            self._kept.clear()
            self._recent.clear()
            self._state = None
            self._state_version = None
            self._derived, self._recipes = {}, {}


def _remember(table: dict[Hashable, Any], key: Hashable, value: Any, keep: bool) -> None:
    if not keep:
        while len(table) >= MAX_CACHED:
            table.pop(next(iter(table)))
    table[key] = value


def _try(preparer: Callable[[], Any]) -> None:
    try:
        without_gc_pauses(preparer)
    except Exception:  # noqa: BLE001 - a page asks again and shows the error itself
        log.exception("preparing answers for the new fusion state failed")


class _CollectorOff:
    """Who runs with the cycle collector off now (``without_gc_pauses``): it is off while any of them runs, and
    turned on again (and what they built frozen) when the last one ends. One flag for the process: a page that
    turned it on as it ended, while a build that started after it was still running, would leave that build's
    objects unfrozen (each later full collection walking them all, on whatever thread allocates then)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.was_enabled = False  # whether it was on before the first holder turned it off

    def enter(self) -> None:
        with self.lock:
            if not self.holders:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.holders += 1

    def leave(self) -> None:
        with self.lock:
            self.holders -= 1
            if not self.holders and self.was_enabled:
                gc.enable()
                gc.freeze()


_COLLECTOR = _CollectorOff()


def without_gc_pauses(compute: Callable[[], T]) -> T:
    """Run ``compute`` with the cycle collector off, then freeze what it built (see the module docstring), once
    no other thread runs with it off (``_CollectorOff``)."""
    _COLLECTOR.enter()
    try:
        return compute()
    finally:
        _COLLECTOR.leave()
