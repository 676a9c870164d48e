"""Incremental fusion: adding reports refreshes only what they touch, with the answers of a full build; the
dashboard serves the previous answers while a build runs in the background, and says so."""
from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crosswire import Crosswire, cache, reading
from crosswire.fuse import incremental
from crosswire.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import fuse as bench  # noqa: E402  (benchmarks/fuse.py: the generated reports)


def everything(cw: Crosswire) -> dict[str, Any]:
    """Every answer fusion gives, in a form two builds can be compared by."""
    fu = cw.fusion
    m = fu.model()
    out: dict[str, Any] = {"figures": fu.figures(), "conflicts": fu.conflicts(), "timeline": fu.timeline(),
                           "entities": fu.entities(), "dismissed": fu.dismissed_conflicts()}
    out["series"] = {sid: fu.series(sid, with_text=False) for sid in sorted(m.series)}
    out["pages"] = {sid: fu.series_page(sid, limit=50, marks=20) for sid in sorted(m.series)}
    out["entity"] = {e["id"]: fu.entity(e["id"]) for e in out["entities"][:25]}
    return out


def generated(tmp_path: Path, reports: int, seed: int = 11) -> tuple[str, bench.Generator]:
    db = str(tmp_path / "kb.db")
    gen = bench.Generator(seed)
    store = open_store(db)
    bench.add_reports(store, gen, 0, reports)
    store.close()
    return db, gen


def _refreshes_as_a_full_build(cw: Crosswire, db: str, gen: bench.Generator,
                               batches: tuple[tuple[int, int], ...]) -> None:
    """Add each batch of generated reports; ``cw`` refreshes incrementally and answers as a new engine's full build."""
    for first, count in batches:
        add(db, gen, first, count)
        cw.fusion.prepare_entities()  # what a background build makes ahead for the new state (the full one: not)
        answers = everything(cw)
        assert cw.fusion_status()["how"] == "incremental"
        full = Crosswire(db=db)
        assert answers == everything(full)
        full.close()


def add(db: str, gen: bench.Generator, first: int, count: int) -> None:
    """Reports written by another connection (another process's ingest, as far as the engine can tell)."""
    store = open_store(db)
    bench.add_reports(store, gen, first, count)
    store.close()


def hold_refresh(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Make the next incremental refresh wait: ``entered`` is set when it starts, and it goes on when
    ``release`` is set."""
    release, entered = threading.Event(), threading.Event()
    real = incremental.refresh

    def slow_refresh(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(incremental, "refresh", slow_refresh)
    return release, entered


@pytest.mark.parametrize("seed", [11, 12])
def test_incremental_equals_full_build_after_each_batch(tmp_path: Path, seed: int) -> None:
    db, gen = generated(tmp_path, 300, seed)
    cw = Crosswire(db=db)
    everything(cw)  # builds the state, the name index and the timeline
    n_series = len(cw.fusion.model().series)
    for first, count in ((300, 40), (340, 25), (365, 60)):
        add(db, gen, first, count)
        incremental_answers = everything(cw)
        status = cw.fusion_status()
        assert status["how"] == "incremental", status
        assert 0 < status["touched_series"] < n_series  # not everything was recomputed
        full = Crosswire(db=db)
        assert incremental_answers == everything(full)
        assert full.fusion_status()["how"] == "full"
        full.close()
    cw.close()


def test_a_new_version_of_a_report_or_an_edit_rebuilds_everything(tmp_path: Path) -> None:
    db, gen = generated(tmp_path, 60)
    cw = Crosswire(db=db)
    cw.figures()
    store = open_store(db)
    with store.transaction() as conn:  # a re-extraction: the claims of one report replaced
        conn.execute("DELETE FROM claims WHERE id = (SELECT max(id) FROM claims WHERE doc_id = 'doc0000003')")
    store.close()
    cw.figures()
    assert cw.fusion_status()["how"] == "full"
    add(db, gen, 60, 5)
    cw.figures()
    assert cw.fusion_status()["how"] == "incremental"
    cw.merge("Russia", "Belarus")
    assert cw.entity("Russia")["merged"] == ["Belarus"]
    cw.figures()
    assert cw.fusion_status()["how"] == "full"
    assert everything(cw) == everything(Crosswire(db=db))


def test_page_is_served_stale_while_the_rebuild_runs_and_says_so(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from crosswire.web.app import create_app

    db, gen = generated(tmp_path, 80)
    cw = Crosswire(db=db)
    cw.serve_stale()
    client = TestClient(create_app(cw))
    before = client.get("/api/figures?limit=100").json()
    assert "updating" not in client.get("/figures").text.lower()

    release, entered = hold_refresh(monkeypatch)
    add(db, gen, 80, 30)
    page = client.get("/figures")  # answered at once, from the previous state
    assert entered.wait(10)
    assert page.status_code == 200
    assert "Updating" in page.text and "showing data as of" in page.text
    stale = client.get("/api/figures?limit=100")
    assert stale.json() == before
    assert stale.headers["x-crosswire-fusion"].startswith("updating")
    assert client.get("/api/status").json()["fusion"]["updating"] is True

    release.set()
    cw.cache.wait()
    fresh = client.get("/api/figures?limit=100")
    assert fresh.headers["x-crosswire-fusion"].startswith("current")
    assert fresh.json()["total"] >= before["total"]
    assert sum(s["n_points"] for s in fresh.json()["items"]) > sum(s["n_points"] for s in before["items"])
    assert "Updating" not in client.get("/figures").text
    assert cw.fusion_status()["how"] == "incremental"


def test_an_ingesting_engine_fuses_what_it_added(tmp_path: Path) -> None:
    db, _ = generated(tmp_path, 20)
    cw = Crosswire(db=db)
    cw.figures()
    before = cw.cache.status()["built_at"], cw.fusion.state()
    report = tmp_path / "r.txt"
    report.write_text("Officials said 300 troops were killed in Kursk last week, according to the ministry.\n")
    result = cw.ingest([str(report)], extract=False)
    assert result.added == 1
    assert cw.cache.status()["current"]  # refreshed by the ingest, before anyone asked
    assert cw.fusion.state() is not before[1]
    assert cw.fusion.state().mark.docs == 21


def _background_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("crosswire-") and t.is_alive()]


def test_a_live_app_builds_at_start_up_serves_stale_after_an_ingest_and_leaves_no_thread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from crosswire.web.app import create_app

    db, gen = generated(tmp_path, 80)
    cw = Crosswire(db=db)
    assert not _background_threads()
    with TestClient(create_app(cw, live=True, watch_every=0.05)) as client:
        assert cw.cache.background  # serve_stale: switched on by the start-up hook
        deadline = time.monotonic() + 30
        while not (cw.fusion_status().get("current") and cw.fusion.state().names is not None):
            assert time.monotonic() < deadline, cw.fusion_status()
            time.sleep(0.02)  # warm: built at start-up with its name index, no page asked for it
        before = client.get("/api/figures?limit=100").json()

        release, entered = hold_refresh(monkeypatch)
        add(db, gen, 80, 30)  # another process's ingest: the watcher starts the refresh, no page asked
        assert entered.wait(10)
        assert cw.fusion_status()["building"]
        t0 = time.perf_counter()
        page = client.get("/api/figures?limit=100")
        waited = time.perf_counter() - t0
        assert page.json() == before and page.headers["x-crosswire-fusion"].startswith("updating")
        assert waited < 0.3, waited  # the previous answers, not a wait for the build
        release.set()
        cw.cache.wait()
        deadline = time.monotonic() + 30
        while not client.get("/api/status").json()["fusion"]["current"]:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        after = client.get("/api/figures?limit=100").json()
        assert sum(s["n_points"] for s in after["items"]) > sum(s["n_points"] for s in before["items"])
        assert _background_threads()  # the watcher runs while the server does
    assert not _background_threads()  # shutdown ended the watcher and waited for the builds
    cw.close()


def _build_step(order: list[str]) -> threading.Thread:
    """A background build's step, in a thread: it gives way (``cache.give_way``), then says it ran."""
    def step() -> None:
        cache.give_way()
        order.append("build step")

    thread = threading.Thread(target=lambda: cache.background_work(step))
    thread.start()
    return thread


def test_a_background_build_gives_way_while_a_page_is_answered_and_only_then(monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []
    with cache.PAGES.answering():
        build = _build_step(order)
        build.join(0.2)
        order.append("page answered")  # the step waited for the page
    build.join(5)
    assert order == ["page answered", "build step"]
    order.clear()
    with cache.PAGES.answering():  # a page waiting for a build (no state yet): the build does not give way
        with cache.PAGES.waiting_for_build():
            _build_step(order).join(5)
        assert order == ["build step"]
        started = time.perf_counter()
        cache.give_way()  # not a background build (the page itself, the CLI): goes on at once
        assert time.perf_counter() - started < 0.1
        monkeypatch.setattr(cache, "GIVE_WAY", 0.05)
        _build_step(order).join(5)  # a page that does not end: the build goes on after GIVE_WAY
        assert order == ["build step", "build step"]
        monkeypatch.setattr(cache, "GIVE_WAY_EVERY", 0.0)  # (every call looks at the pages)
        monkeypatch.setattr(cache, "GIVE_WAY_SHARE", 0.5)
        started = time.perf_counter()  # and, having given way its share, gives way no more
        cache.background_work(lambda: [cache.give_way() for _ in range(6)])
        assert 0.05 <= time.perf_counter() - started < 0.1
        monkeypatch.setattr(cache, "GIVE_WAY_SHARE", 2.5)  # its share as it starts: 2.5 x GIVE_WAY, three waits
        started = time.perf_counter()
        cache.background_work(lambda: [cache.give_way() for _ in range(6)])
        assert 0.15 <= time.perf_counter() - started < 0.2


def test_a_background_build_looks_at_the_pages_at_most_every_give_way_every_seconds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "GIVE_WAY", 0.05)
    monkeypatch.setattr(cache, "GIVE_WAY_SHARE", 1e9)  # its share is not the limit here
    with cache.PAGES.answering():  # a page that does not end
        monkeypatch.setattr(cache, "GIVE_WAY_EVERY", 60.0)
        started = time.perf_counter()
        cache.background_work(lambda: [cache.give_way() for _ in range(5)])
        assert 0.05 <= time.perf_counter() - started < 0.1  # looked (and waited) once: the other calls cost nothing
        monkeypatch.setattr(cache, "GIVE_WAY_EVERY", 0.0)
        started = time.perf_counter()
        cache.background_work(lambda: [cache.give_way() for _ in range(3)])
        assert time.perf_counter() - started >= 0.15  # looked at every call


def test_every_read_of_an_engine_serving_stale_answers_is_a_page_builds_give_way_to(tmp_path: Path) -> None:
    """A library caller of an engine that serves stale answers (``serve_stale``) is a page as a dashboard request
    is: a background build waits while its read runs; a build's own reads (preparing answers) are not pages, nor
    are the reads of an engine that builds before answering."""
    db, _ = generated(tmp_path, 20)
    cw = Crosswire(db=db)
    assert cw.fused(("plain",), lambda: cache.PAGES.active) == 0 == cw.cached(("plain",), lambda: cache.PAGES.active)
    cw.serve_stale()
    assert cw.fused(("stale",), lambda: cache.PAGES.active) == 1 == cw.cached(("stale",), lambda: cache.PAGES.active)
    assert cache.background_work(lambda: cw.fused(("in a build",), lambda: cache.PAGES.active)) == 0
    order: list[str] = []

    def read() -> int:
        build = _build_step(order)
        build.join(0.2)  # the build's step waits while this read runs
        order.append("read")
        return 1

    assert cw.fused(("read",), read) == 1
    time.sleep(0.1)
    assert order == ["read", "build step"] and cache.PAGES.active == 0
    cw.close()


def test_the_collector_stays_off_until_the_last_computation_that_turned_it_off_ends() -> None:
    """A page's answer that started before a background build and ends during it leaves the collector off for
    the build, and what the build made is frozen when it ends (not left for every later full collection)."""
    import gc

    assert gc.isenabled()
    page_in, build_in, page_done, build_go = (threading.Event() for _ in range(4))
    made: list[object] = []

    def page() -> None:
        page_in.set()
        assert build_in.wait(5)

    def build() -> None:
        build_in.set()
        assert build_go.wait(5)
        made.append([object()])

    page_thread = threading.Thread(target=lambda: cache.without_gc_pauses(page) or page_done.set())
    page_thread.start()
    assert page_in.wait(5)
    build_thread = threading.Thread(target=lambda: cache.without_gc_pauses(build))
    build_thread.start()
    assert page_done.wait(5)
    assert not gc.isenabled()  # the page ended, the build runs: still off
    build_go.set()
    build_thread.join(5)
    page_thread.join(5)
    assert gc.isenabled()  # on again when the last one ended
    assert gc.is_tracked(made[0]) and not any(o is made[0] for o in gc.get_objects())  # frozen: no collection walks it


def test_each_request_to_the_app_counts_as_a_page_being_answered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crosswire.web.app import create_app

    db, _ = generated(tmp_path, 20)
    cw = Crosswire(db=db)
    seen: list[int] = []
    status = cw.fusion_status
    monkeypatch.setattr(cw, "fusion_status", lambda: seen.append(cache.PAGES.active) or status())
    with TestClient(create_app(cw)) as client:
        assert client.get("/api/status").status_code == 200
    assert seen and min(seen) >= 1 and cache.PAGES.active == 0
    cw.close()


def test_closing_an_engine_stops_its_background_threads(tmp_path: Path) -> None:
    db, _ = generated(tmp_path, 30)
    cw = Crosswire(db=db)
    cw.start_background(watch_every=0.01)
    assert _background_threads()
    cw.close()
    assert not _background_threads()
    assert Crosswire(db=db).figures()  # the knowledge base is still readable by another engine


def test_serving_shortens_the_switch_interval_until_the_last_served_engine_stops(tmp_path: Path) -> None:
    db, _ = generated(tmp_path, 30)
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.004)
    a, b = Crosswire(db=db), Crosswire(db=db)
    try:
        a.start_background(watch_every=None)
        assert sys.getswitchinterval() == pytest.approx(reading.SWITCH_INTERVAL)
        b.start_background(watch_every=None)
        a.close()
        assert sys.getswitchinterval() == pytest.approx(reading.SWITCH_INTERVAL)  # b is still served
        b.close()
        assert sys.getswitchinterval() == pytest.approx(0.004)  # as it was before the first one
        b.close()  # stopping again changes nothing
        assert sys.getswitchinterval() == pytest.approx(0.004)
    finally:
        a.close()
        b.close()
        sys.setswitchinterval(before)


def _report(db: str, doc_id: str, published: str, publisher: str,
            claims: list[tuple[float, str | None, str | None]], places: tuple[str, ...] = (),
            subject: str = "North Korea", norp: tuple[str, ...] = ()) -> None:
    """One report (written by another connection) of North Korean troops killed: (value, source, as_of) each;
    a claim without a source is the outlet's own figure."""
    store = open_store(db)
    rows = []
    for value, source, as_of in claims:
        span = f"{value:,.0f} troops"
        rows.append((doc_id, value, None, None, "exact", "person", "troops", "killed", subject,
                     source or publisher, json.dumps([source] if source else []), None, 0, as_of, None, span,
                     f"{source or publisher} said {span} were killed.", 0, len(span), "[]", "test"))
    with store.transaction() as conn:
        conn.execute("INSERT INTO documents (id, key, version, source, input_kind, text, publisher, published,"
                     " ingested_at) VALUES (?,?,?,?,?,?,?,?,?)",
                     (doc_id, doc_id, 1, f"{doc_id}.txt", "text", "a report", publisher, published, published))
        conn.executemany("INSERT INTO claims (doc_id, value, low, high, qualifier, unit, counted, measure, subject,"
                         " source, attribution, hedge, conditional, as_of, location, span, sentence, start, \"end\","
                         " flags, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        conn.executemany("INSERT INTO entities (doc_id, name, type, kb_id, mentions, count) VALUES (?,?,?,?,?,?)",
                         [(doc_id, name, type_, kb, json.dumps([name]), 1)
                          for name, type_, kb in [("North Korea", "GPE", "Q100"), *((p, "GPE", None) for p in places),
                                                  *((n, "NORP", None) for n in norp)]])
    store.close()


SERIES = "north-korea.killed.person"


def _point(cw: Crosswire, value: float, as_of: str) -> dict[str, Any]:
    return next(p for p in cw.fusion.series(SERIES, with_text=False)["points"]
                if p["value"] == value and p["date"] == as_of)


def test_each_kind_of_change_to_a_series_refreshes_as_a_full_build_does(tmp_path: Path) -> None:
    """New figures in an existing period and in a new one, a new latest figure, a new conflict, a repeat
    that makes an earlier report of its origin a repeat of it, and a figure below an existing one's first."""
    db, _ = generated(tmp_path, 120)
    cw = Crosswire(db=db)
    everything(cw)
    steps: list[tuple[str, str, str, list[tuple[float, str | None, str | None]]]] = [
        ("t1", "2031-03-20", "Outlet 1", [(7100, "NIS", "2031-03-18")]),          # a new period
        ("t2", "2031-03-25", "Outlet 2", [(7150, "NIS", "2031-03-24")]),          # the same period, a repeat
        ("t3", "2031-03-26", "Outlet 3", [(21000, "CIA", "2031-03-25")]),         # a divergence in it
        ("t4", "2031-03-27", "Outlet 4", [(7120, "NIS", "2031-03-10")]),          # earlier: the others repeat it
        ("t5", "2031-04-02", "Outlet 5", [(6000, "NIS", "2031-04-01"), (7130, None, "2031-03-29")]),  # own figure
        ("t6", "2031-04-03", "Outlet 6", [(150, "CIA", "2024-05-01"), (7140, "JCS", "2031-03-25")]),
        ("t7", "2031-04-04", "Outlet 7", [(7135, "CIA", "2031-04-01")]),  # nearer: the own figure joins CIA
    ]
    for doc_id, published, publisher, claims in steps:
        _report(db, doc_id, published, publisher, claims)
        answers = everything(cw)
        assert cw.fusion_status()["how"] == "incremental"
        full = Crosswire(db=db)
        assert answers == everything(full), doc_id
        full.close()
        if doc_id == "t1":
            assert cw.fusion.series(SERIES, with_text=False)["latest"]["value"] == 7100  # a new latest
        if doc_id == "t3":
            assert any(c["kind"] == "divergence" and c["period"] == "2031-03" and c["series_id"] == SERIES
                       for c in cw.conflicts())
        if doc_id == "t4":  # the earlier report of the same figure: the later ones repeat it
            first = _point(cw, 7120, "2031-03-10")
            assert first["repeat_of"] is None
            assert _point(cw, 7100, "2031-03-18")["repeat_of"] == _point(cw, 7150, "2031-03-24")["repeat_of"] \
                is not None
        if doc_id in ("t6", "t7"):  # a new point in April changes a March point's origin and March's conflict
            assert _point(cw, 7130, "2031-03-29")["origin"] == ("CIA" if doc_id == "t7" else "JCS")
            march = [c for c in cw.conflicts() if c["period"] == "2031-03" and c["series_id"] == SERIES]
            assert bool(march) == (doc_id == "t6")
    cw.close()


def test_a_second_owner_of_a_bare_name_refreshes_as_a_full_build_does(tmp_path: Path) -> None:
    """"General Staff" is Esland's while only Esland owns one; a report of Marovia's General Staff makes the
    earlier bare name its own origin again, in earlier reports too."""
    db, _ = generated(tmp_path, 60)
    cw = Crosswire(db=db)
    everything(cw)
    steps = [("o1", "Outlet 1", "Esland's General Staff", ("Esland",)),
             ("o2", "Outlet 2", "General Staff", ("Esland",)),
             ("o3", "Outlet 3", "Marovia's General Staff", ("Marovia",))]
    for i, (doc_id, publisher, source, places) in enumerate(steps):
        _report(db, doc_id, f"2031-05-0{i + 2}", publisher, [(8000 + i, source, "2031-05-01")], places)
        answers = everything(cw)
        full = Crosswire(db=db)
        assert answers == everything(full), doc_id
        full.close()
        origin = _point(cw, 8001, "2031-05-01")["origin"] if doc_id != "o1" else None
        assert origin in (None, "Esland's General Staff" if doc_id == "o2" else "General Staff")
    cw.close()


def test_a_place_that_turns_up_after_its_nationality_refreshes_as_a_full_build_does(tmp_path: Path) -> None:
    """"Korvalian" is a subject of its own until a report names Korvalia; then its figures join Korvalia's."""
    db, _ = generated(tmp_path, 60)
    cw = Crosswire(db=db)
    everything(cw)
    _report(db, "k1", "2031-06-02", "Outlet 1", [(2100, "NIB", "2031-06-01")], subject="Korvalian", norp=("Korvalian",))
    assert any(s["subject"] == "Korvalian" for s in cw.figures())
    _report(db, "k2", "2031-06-03", "Outlet 2", [(2600, "IFS", "2031-06-02")], subject="Korvalia", places=("Korvalia",))
    answers = everything(cw)
    full = Crosswire(db=db)
    assert answers == everything(full)
    full.close()
    [s] = [s for s in cw.figures() if s["subject"] in ("Korvalia", "Korvalian")]
    assert s["subject"] == "Korvalia" and s["n_points"] == 2
    cw.close()


def test_with_conflicts_dismissed_a_refresh_keeps_them_dismissed_as_a_full_build_does(tmp_path: Path) -> None:
    db, gen = generated(tmp_path, 300, 13)
    cw = Crosswire(db=db)
    every = cw.conflicts()
    for c in every[:: max(1, len(every) // 6)]:  # some of them, of several periods and series
        cw.review_conflict(c["id"], reason="the same count, two scopes", analyst="kim")
    everything(cw)
    assert cw.fusion_status()["how"] == "full" and cw.dismissed_conflicts()
    _refreshes_as_a_full_build(cw, db, gen, ((300, 40), (340, 40)))
    kept = {c["id"] for c in cw.dismissed_conflicts()}
    assert kept and not kept & {c["id"] for c in cw.conflicts()}
    for page in (cw.fusion.series_page(sid) for sid in cw.fusion.model().series):
        assert not kept & {c["id"] for c in page["conflicts"]}  # a page lists open conflicts only
    cw.close()


def test_the_latest_claims_of_an_entity_are_ranked_as_one_sort_ranks_them() -> None:
    import random

    from crosswire.fuse.service import latest_claims

    rng = random.Random(5)
    for size, n in ((10, 50), (3000, 50), (3000, 500), (20000, 20)):
        when = {cid: rng.choice(["", "2024", "2024-06", "2024-06-01", "2025-01-02", "2023-12"]) for cid in
                range(size)}
        ids = set(rng.sample(range(size), size * 2 // 3))
        expect = sorted(sorted(ids, key=lambda c: (when[c], c))[-n:], key=lambda c: (when[c], c))
        assert latest_claims(ids, when, n) == expect


def test_a_window_of_the_timeline_is_cut_as_filtering_every_entry_would() -> None:
    from crosswire.fuse.rules import in_window
    from crosswire.fuse.service import _dated_between

    dates = ["2023", "2023-12", "2023-12-31", "2024", "2024-01", "2024-01-05", "2024-06", "2024-06-01",
             "2024-06-15", "2024-06-30", "2024-07", "2024-07-04", "2024-07-31", "2024-08-01", "2025", "2025-02-02"]
    items = [{"date": d, "n": i} for i, d in enumerate(sorted(dates * 3))]
    windows = [(None, None), ("2024-06", "2024-07"), ("2024-06-15", None), (None, "2024-06"), ("2024", "2024"),
               ("2024-06-15", "2024-06-30"), ("2025-01", "2024-01"), ("2022", "2030"), ("2024-07-04", "2024-07-04")]
    for since, until in windows:
        assert _dated_between(items, since, until) == [t for t in items if in_window(t["date"], since, until)], \
            (since, until)


def test_a_background_build_makes_the_answers_views_start_from_before_serving_its_state(
        tmp_path: Path) -> None:
    db, gen = generated(tmp_path, 120)
    cw = Crosswire(db=db)
    cw.serve_stale()
    sid = max(cw.fusion.model().series.values(), key=lambda s: len(s.points)).id
    cw.series_page(sid, 0, 20, 10)  # asked of this state: made again for the next one
    entity = cw.entities()[0]["id"]
    cw.entity(entity)  # reads the store: made again on a connection of the build's own
    asked: list[str] = []
    cw.fused(("not again",), lambda: asked.append("stale") or 1)  # closes over nothing, but not marked remake
    add(db, gen, 120, 20)
    cw.fusion.state()  # starts the background build
    cw.cache.wait()
    state = cw.fusion.state()
    assert cw.fusion_status()["current"] and state.how == "incremental"
    ready = cw.cache._derived
    for key in (("figures", None, None, None, None, False, False), ("conflict_claims",), ("conflicts",),
                ("series-page", sid, 0, 20, 10, True)):
        assert key in ready, key  # made by the build, before any page asked the new state
    assert ("not again",) not in ready and asked == ["stale"]
    assert ready[("series-page", sid, 0, 20, 10, True)] == cw.fusion.series_page(sid, 0, 20, 10)
    full = Crosswire(db=db)
    assert ready[("entity", entity)] == full.entity(entity)
    assert cw.fusion.store is cw.store  # the build's own connection was for its block only
    assert cw.figures() == full.figures() and cw.conflict_claims() == full.conflict_claims()
    full.close()
    cw.close()


def test_pages_viewed_before_an_ingest_are_made_for_the_new_state_before_it_is_served_as_a_fresh_engine_makes_them(
        tmp_path: Path) -> None:
    from crosswire.web.app import create_app

    db, gen = generated(tmp_path, 120)
    cw = Crosswire(db=db)
    cw.serve_stale()
    client = TestClient(create_app(cw))
    sid = max(cw.fusion.model().series.values(), key=lambda s: len(s.points)).id
    urls = [f"/series/{sid}", f"/api/series/{sid}?limit=20", "/api/figures?limit=30", "/"]
    before = {url: client.get(url).text for url in urls}
    total = cw.series_page(sid)["points_total"]
    add(db, gen, 120, 20)
    cw.fusion.state()  # starts the background build
    cw.cache.wait()
    assert cw.fusion_status()["current"] and cw.fusion.state().how == "incremental"
    ready = dict(cw.cache._derived)
    for key in (("series-html", sid, 0), ("series-figures-json", sid), ("series-chart", sid), ("counts",)):
        assert key in ready, key  # made by the build, before any page asked the new state
    assert cw.series_page(sid)["points_total"] > total  # the series the page shows changed
    full = Crosswire(db=db)
    fresh = TestClient(create_app(full))
    for url in urls:
        now = client.get(url)
        assert now.headers["x-crosswire-fusion"].startswith("current")
        assert now.text == fresh.get(url).text != before[url], url  # the new state's page, as made from scratch
    assert cw.cache._derived[("series-html", sid, 0)] is ready[("series-html", sid, 0)]  # the prepared one served
    full.close()
    cw.close()


def test_a_series_page_is_drawn_again_only_when_its_series_or_its_marks_changed(tmp_path: Path) -> None:
    from crosswire.web import pages
    from crosswire.web.app import templates

    db, gen = generated(tmp_path, 120)
    cw = Crosswire(db=db)
    tpl = templates()
    before = {sid: pages.series_main(tpl, cw, sid, 0) for sid in cw.fusion.model().series}
    add(db, gen, 120, 20)
    after = {sid: pages.series_main(tpl, cw, sid, 0) for sid in cw.fusion.model().series}
    assert cw.fusion_status()["how"] == "incremental"
    kept = [sid for sid in after if after[sid] is before.get(sid)]
    assert kept and len(kept) < len(after)  # most pages kept as drawn, those of the touched series drawn again
    full = Crosswire(db=db)
    assert after == {sid: pages.series_main(tpl, full, sid, 0) for sid in full.fusion.model().series}
    full.close()
    cw.close()


def test_an_entity_lists_the_entities_sharing_its_reports_as_intersecting_every_entitys_reports_does(
        tmp_path: Path) -> None:
    db, gen = generated(tmp_path, 120)
    cw = Crosswire(db=db)
    cw.fusion.prepare_entities()
    before = cw.fusion.resolver()
    made = cw.fusion.doc_entities(before)[0]
    add(db, gen, 120, 30)
    cw.fusion.prepare_entities()  # the reports' entities of the refreshed state, made ahead
    assert cw.fusion_status()["how"] == "incremental"
    r = cw.fusion.resolver()
    assert r is not before and cw.fusion.doc_entities(before)[0] is made  # the earlier state's kept, not made again
    listed = cw.entities()
    for e in listed:
        c = r.get(e["id"])
        assert c is not None
        shared = [(o, len(c.doc_ids & o.doc_ids)) for o in r.clusters.values() if o.known and o.key != c.key]
        expected = [(o.id, n) for o, n in sorted(shared, key=lambda x: (-x[1], x[0].name)) if n]
        assert [(o["id"], o["docs"]) for o in cw.entity(e["id"])["co_occurring"]] == expected
    assert any(cw.entity(e["id"])["co_occurring"] for e in listed)
    cw.close()


def test_an_entity_page_of_a_reader_that_prepared_nothing_lists_the_same_without_indexing_every_report(
        tmp_path: Path) -> None:
    """A one-off reader (the command line, a library caller) counts one entity's co-occurring entities by
    intersecting, not by indexing every report first; the list is the one a served (prepared) engine gives."""
    db, _ = generated(tmp_path, 120)
    plain, served = Crosswire(db=db), Crosswire(db=db)
    served.fusion.prepare_entities()
    listed = plain.entities()
    answers = [plain.entity(e["id"])["co_occurring"] for e in listed]
    assert plain.fusion._docs == {}  # nothing indexed for the one-off reader
    assert answers == [served.entity(e["id"])["co_occurring"] for e in listed] and any(answers)
    plain.close()
    served.close()


def test_an_entity_page_lists_the_latest_claims_of_its_names_as_a_fresh_build_across_refreshes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The claims ranked by (as_of, id) are kept up to date by refreshes (the new ones merged in their places, the
    earlier state's list untouched), and every entity lists the latest claims of its names as a fresh build does."""
    from crosswire.fuse import service
    from crosswire.fuse.service import latest_claims, latest_of

    monkeypatch.setattr(service, "ENTITY_CLAIMS", 40)  # fewer than the entity's claims: a page of them
    db, gen = generated(tmp_path, 300)
    cw = Crosswire(db=db)
    listed = [e["id"] for e in cw.entities()]
    cw.entity(listed[0])  # builds the name index
    before = cw.fusion.state().names
    ranked_before = list(before.order)
    for first, count in ((300, 40), (340, 25)):
        add(db, gen, first, count)
        answers = {e: cw.entity(e) for e in listed}
        assert cw.fusion_status()["how"] == "incremental"
        names = cw.fusion.state().names
        assert names.order == sorted(names.when, key=lambda c: (names.when[c], c))  # every claim, ranked
        for parts in names.by_name.values():
            for part in parts:
                assert latest_of(part, names.order, names.when, 40) == latest_claims(part, names.when, 40)
        full = Crosswire(db=db)
        assert answers == {e: full.entity(e) for e in listed}
        full.close()
    assert before.order == ranked_before  # the earlier state's ranking as it was
    assert any(a["n_claims"] > len(a["claims"]) == 40 for a in answers.values())
    cw.close()


def test_the_latest_of_a_set_walked_down_the_ranked_claims_are_those_a_sort_finds() -> None:
    """``latest_of`` walks down the ranked claims or sorts the set (small sets, or ids all older than most): the
    same ids either way, for sets spread over the claims, bunched at either end, and smaller than the page."""
    import random

    from crosswire.fuse import service
    from crosswire.fuse.service import latest_claims, latest_of

    rng = random.Random(9)
    dates = ["", "2023", "2023-12", "2024", "2024-06", "2024-06-01", "2024-06-02", "2025-01-02"]
    when = {cid: rng.choice(dates) for cid in range(30_000)}
    order = sorted(when, key=lambda c: (when[c], c))
    sets = {"spread": set(rng.sample(range(30_000), 12_000)), "newest": set(order[-9_000:]),
            "oldest": set(order[:2_000]), "few": set(rng.sample(range(30_000), 30)), "none": set()}
    walked = []
    real = service.latest_claims
    for name, ids in sets.items():
        for n in (0, 1, 50, 500):
            sorted_here: list[int] = []
            service.latest_claims = lambda *a: sorted_here.append(1) or real(*a)  # type: ignore[assignment]
            try:
                got = latest_of(ids, order, when, n)
            finally:
                service.latest_claims = real  # type: ignore[assignment]
            assert got == latest_claims(ids, when, n), (name, n)
            if not sorted_here and n:
                walked.append(name)
    assert {"spread", "newest"} <= set(walked) and "oldest" not in walked  # both ways taken


def test_a_list_encoded_record_by_record_is_what_fastapi_serializes_at_once() -> None:
    from pydantic import TypeAdapter

    from crosswire.web import api

    rows = [{"id": "a.b", "n": 3, "x": 1.5, "none": None, "l": [1, "é", {"k": True}]}, {}, {"s": "\u2028\"<"}]
    assert api.encode_list(rows) == TypeAdapter(list[dict[str, Any]]).dump_json(rows)
    assert api.encode_list([]) == b"[]"
    answer = {"total": 3, "items": rows, "after": "x"}
    assert api.encode(answer, "items") == TypeAdapter(dict[str, Any]).dump_json(answer)


def test_a_figure_card_is_drawn_again_only_when_its_series_changed(tmp_path: Path) -> None:
    from crosswire.web import pages
    from crosswire.web.app import templates

    db, gen = generated(tmp_path, 300)
    cw = Crosswire(db=db)
    tpl = templates()
    key = ("chart-html", None, None)

    def cards(engine: Crosswire) -> dict[str, Any]:
        return {s["id"]: engine.series_part(s["id"], key, lambda s=s: pages.chart_html(tpl, engine, s))
                for s in engine.figures()}

    before = cards(cw)
    add(db, gen, 300, 5)
    after = cards(cw)
    assert cw.fusion_status()["how"] == "incremental"
    kept = [sid for sid in after if after[sid] is before.get(sid)]
    assert kept and len(kept) < len(after)  # most cards kept as drawn, those of the touched series drawn again
    full = Crosswire(db=db)
    assert after == cards(full)  # and every card is what a full build draws
    full.close()
    cw.close()


def test_the_figures_api_answers_what_its_data_function_gives_once_per_state(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from crosswire.web import api
    from crosswire.web.app import create_app

    ranked: list[int] = []  # the series found for each ranking made
    real = api.ranked
    monkeypatch.setattr(api, "ranked", lambda found: ranked.append(len(found)) or real(found))
    db, gen = generated(tmp_path, 120)
    cw = Crosswire(db=db)
    client = TestClient(create_app(cw))
    asks = ({"limit": 100}, {"limit": 5, "offset": 3, "points": True}, {"q": "korea", "measure": "killed"})
    for first in (120, 130):
        before = len(ranked)
        for _ in range(2):  # asked twice in one state: ranked once per filter (two filters here)
            for params in asks:
                answer = client.get("/api/figures", params=params)
                assert answer.headers["content-type"] == "application/json"
                expect = api.figures_data(cw, params.get("measure"), None, None, None, False, params.get("q"),
                                          params.get("limit", 50), params.get("offset", 0), bool(params.get("points")))
                assert answer.json() == json.loads(json.dumps(expect))
        assert cw.fusion_status()["how"] == ("full" if first == 120 else "incremental")
        assert len(ranked) - before == 2, ranked
        add(db, gen, first, 10)
    assert client.get("/api/figures", params={"measure": "deaths"}).status_code == 400
    cw.close()


def _slot_points(rng: Any, n: int, first_id: int) -> list[Any]:
    """``n`` points of one period, of a few origins, with values that often tie (two significant figures), of
    every qualifier class, some of them later reports of an earlier one of their origin (``repeat_of``)."""
    from crosswire.fuse.rules import rules
    from crosswire.fuse.series import Point, bounds

    r = rules()
    out = []
    for i in range(n):
        qualifier = rng.choice(["exact", "approx", "more_than", "up_to", "range", "approx"])
        value = float(rng.choice([100, 110, 120, 150, 200, 300, 1000]))
        low, high = (value, value * 2) if qualifier == "range" else (None, None)
        if qualifier == "range":
            value = None  # type: ignore[assignment]
        lo, hi = bounds(value, low, high, qualifier, r)
        origin = rng.choice(["NIS", "CIA", "JCS", "ISW", "", "HUR"])
        date = f"2031-03-{rng.randint(1, 28):02d}"
        out.append(Point(first_id + i, f"doc{rng.randint(0, 40)}", value, low, high, qualifier, "person", "killed",
                         None, None, "North Korea", origin, (), None, False, date, date, "as_of", None, "Outlet 1",
                         f"2031-04-{rng.randint(1, 28):02d}", lo, hi, series_id="s", period="2031-03",
                         origin=origin, origin_id=origin.casefold(), chain=(origin,), chain_ids=(origin.casefold(),)))
    for p in out:  # a repeat of an earlier point estimate of its origin in this period
        earlier = [q for q in out if q.origin_id == p.origin_id and q.claim_id < p.claim_id and q.value is not None]
        if earlier and p.value is not None and rng.random() < 0.3:
            p.repeat_of = earlier[0].claim_id
    return out


def test_a_period_that_only_gained_points_is_checked_from_its_kept_ends_as_from_all_its_points() -> None:
    """``merged_conflicts`` (the earlier points' ends and the new points) finds what ``period_conflicts`` finds
    going through every point: the same records, claims listed in the same order (values tie often)."""
    import random

    from crosswire.fuse.conflicts import merged_conflicts, period_conflicts
    from crosswire.fuse.regroup import point_order
    from crosswire.fuse.rules import rules
    from crosswire.fuse.series import Series

    r = rules()
    s = Series("s", "North Korea", "north-korea", "killed", "person", None, None, None, "North Korea — killed")
    rng = random.Random(3)
    found = 0
    for trial in range(300):
        pts = _slot_points(rng, rng.randint(2, 30), 1000 * trial)
        new = rng.sample(pts, rng.randint(1, min(5, len(pts) - 1)))
        before = sorted((p for p in pts if p not in new), key=point_order)
        ends: dict[Any, Any] = {}
        then = period_conflicts(s, "2031-03", before, r, ends)
        if ("2031-03", "s") not in ends:  # fewer than ENDS_MIN points: kept from ENDS_MIN on only
            continue
        now = sorted(pts, key=point_order)
        expect = period_conflicts(s, "2031-03", now, r)
        kept = dict(ends)
        assert merged_conflicts(s, "2031-03", now, kept, new, r, then) == expect, trial  # as a refresh calls it
        assert merged_conflicts(s, "2031-03", now, ends, new, r) == expect, trial
        assert ends[("2031-03", "s")] == _ends_of(s, now, r)  # and the ends kept are those of all the points
        assert list(ends[("2031-03", "s")].latest) == list(_ends_of(s, now, r).latest)  # in the same order
        found += len(expect)
    assert found > 100


def _ends_of(s: Any, pts: list[Any], r: Any) -> Any:
    from crosswire.fuse.conflicts import ENDS_MIN, period_conflicts

    ends: dict[Any, Any] = {}
    period_conflicts(s, "2031-03", pts, r, ends)
    assert len(pts) >= ENDS_MIN
    return ends[("2031-03", "s")]


def test_with_every_period_s_ends_kept_a_refresh_answers_as_a_full_build(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Periods that only gained points are checked from their kept ends (``merged_conflicts``), here for every
    period of two points or more: the answers are a full build's."""
    from crosswire.fuse import conflict_slots, conflicts

    monkeypatch.setattr(conflicts, "ENDS_MIN", 2)
    merged: list[Any] = []
    real = conflict_slots.merged_conflicts
    monkeypatch.setattr(conflict_slots, "merged_conflicts", lambda *a: merged.append(a[1]) or real(*a))
    db, gen = generated(tmp_path, 300, 12)
    cw = Crosswire(db=db)
    everything(cw)
    _refreshes_as_a_full_build(cw, db, gen, ((300, 40), (340, 25)))
    assert len(merged) > 20
    cw.close()
