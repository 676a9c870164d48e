"""A dashboard page asks the knowledge base for its version once (``VersionCache.pinned``), not once per cached
answer: on PostgreSQL every ask is a round trip to the server. The knowledge base is made by the web
benchmark's generator (direct SQL, no spaCy), small."""
from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from crosswire import Crosswire
from crosswire.cache import VersionCache
from crosswire.fuse.service import Model
from crosswire.web import charts
from crosswire.web.app import create_app

BENCH = Path(__file__).parent.parent / "benchmarks" / "web.py"


class Counter:
    """A version function that counts its calls; ``value`` is what it answers."""

    def __init__(self) -> None:
        self.calls = 0
        self.value = 1

    def __call__(self) -> int:
        self.calls += 1
        return self.value


def test_pinned_block_asks_once_and_unpinned_asks_every_time() -> None:
    ask = Counter()
    cache = VersionCache(ask)
    cache.version()
    cache.version()
    assert ask.calls == 2  # no block: every ask reaches the store (a write by another process is seen)
    with cache.pinned():
        assert [cache.version() for _ in range(5)] == [1] * 5
        assert cache.get("k", lambda: "v") == "v"
        with cache.pinned():  # nested: still the outer block's one ask
            cache.version()
    assert ask.calls == 3
    ask.value = 2
    assert cache.version() == 2  # after the block the store is asked again
    assert ask.calls == 4


def test_pinned_block_still_drops_answers_of_an_older_version() -> None:
    ask = Counter()
    cache = VersionCache(ask)
    assert cache.get("k", lambda: "old") == "old"
    ask.value = 2  # written by another process between two requests
    with cache.pinned():
        assert cache.get("k", lambda: "new") == "new"  # the block's one ask saw the change
        ask.value = 3
        assert cache.get("k", lambda: "newer") == "new"  # within the block the version stays
    assert cache.get("k", lambda: "newer") == "newer"


def test_pinned_blocks_are_per_thread_and_per_cache() -> None:
    ask, other_ask = Counter(), Counter()
    cache, other = VersionCache(ask), VersionCache(other_ask)
    with cache.pinned():
        cache.version()
        other.version()
        other.version()
        seen: list[Any] = []
        t = threading.Thread(target=lambda: seen.extend(cache.version() for _ in range(3)))  # not in the block
        t.start()
        t.join()
        cache.version()
    assert other_ask.calls == 1  # each cache asks its own store once
    assert ask.calls == 1 + 3  # the other thread (no block of its own) asked each time
    assert seen == [1, 1, 1]


def _build(db: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_web", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(str(db), 40, 400)


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("webver") / "kb.db"
    _build(db)
    return db


@pytest.fixture
def counted(small_kb: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, Counter, Crosswire]]:
    cw = Crosswire(db=str(small_kb))
    real = cw.store.version
    ask = Counter()

    def version() -> Any:
        ask.calls += 1
        return real()

    monkeypatch.setattr(cw.store, "version", version)
    client = TestClient(create_app(cw))
    yield client, ask, cw
    cw.close()


def _ids(client: TestClient) -> tuple[str, str, int]:
    series = client.get("/api/figures").json()["items"]
    entity = client.get("/api/entities").json()["items"]
    claim = client.get(f"/api/series/{quote(series[0]['id'], safe='')}").json()["points"][0]["claim_id"]
    return quote(series[0]["id"], safe=""), quote(entity[0]["id"], safe=""), claim


def test_each_dashboard_page_asks_the_version_once(counted: tuple[TestClient, Counter, Crosswire]) -> None:
    client, ask, _ = counted
    sid, eid, claim = _ids(client)
    pages = ["/", "/figures", f"/series/{sid}", f"/entities/{eid}", "/entities", "/conflicts", "/timeline",
             "/documents", f"/claims/{claim}", "/api/figures", f"/api/series/{sid}", f"/api/entity/{eid}",
             "/api/overview", "/api/timeline", "/api/status"]
    for url in pages:
        for _ in range(2):  # first view (answers computed) and a second one (answers cached)
            before = ask.calls
            r = client.get(url)
            assert r.status_code == 200, (url, r.text[:200])
            assert r.headers.get("X-Crosswire-Fusion", "").startswith("current"), url
            assert ask.calls - before == 1, f"{url} asked the store for its version {ask.calls - before} times"


def test_a_write_between_requests_is_seen_by_the_next_page(counted: tuple[TestClient, Counter, Crosswire]) -> None:
    client, _, cw = counted
    before = client.get("/api/overview").json()["counts"]["times"]
    doc = cw.store.conn.execute("SELECT id FROM documents LIMIT 1").fetchone()[0]
    with cw.store.conn:  # the next request must not answer from before the write
        cw.store.conn.execute("INSERT INTO times (doc_id, text, value, type, start, \"end\")"
                              " VALUES (?, 'then', '2024-01-01', 'DATE', 0, 4)", (doc,))
    assert client.get("/api/overview").json()["counts"]["times"] == before + 1


def test_api_series_answers_what_fastapi_would_serialize(counted: tuple[TestClient, Counter, Crosswire]) -> None:
    client, _, cw = counted
    sid = client.get("/api/figures").json()["items"][0]["id"]
    page = dict(cw.series_page(sid, 0, 1000, 0))
    rows = page.pop("rows")
    page.pop("chart_points")
    expected = TypeAdapter(dict[str, Any]).dump_json({**page, "points": cw.with_text(rows), "limit": 1000,
                                                      "offset": 0})
    assert page["figures"] and list(page)[-1] == "figures"
    for _ in range(2):  # the figures serialized on the first answer, kept for the second
        r = client.get(f"/api/series/{quote(sid, safe='')}")
        assert r.headers["content-type"] == "application/json"
        assert r.content == expected


def test_series_page_builds_no_figure_records(counted: tuple[TestClient, Counter, Crosswire],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    client, _, cw = counted
    sid = quote(client.get("/api/figures").json()["items"][1]["id"], safe="")

    def refuse(*args: Any) -> None:
        raise AssertionError("the HTML series page does not show figure records")

    monkeypatch.setattr(Model, "figures", refuse)
    assert client.get(f"/series/{sid}").status_code == 200
    with pytest.raises(AssertionError):
        client.get(f"/api/series/{sid}")  # the JSON twin has them


def test_figures_cards_are_drawn_once_per_fusion_state(counted: tuple[TestClient, Counter, Crosswire],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    client, _, cw = counted
    drawn: list[str] = []
    build = charts.build

    def counting(series: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        drawn.append(series["id"])
        return build(series, *args, **kwargs)

    monkeypatch.setattr(charts, "build", counting)
    first = client.get("/figures?limit=3&since=2023-02-01")
    assert first.status_code == 200 and len(drawn) == 3
    assert first.text.count('<figure class="chart">') == 3
    again = client.get("/figures?limit=3&since=2023-02-01")
    assert again.text == first.text and len(drawn) == 3  # the same cards, not drawn again
    client.get("/figures?limit=3&offset=3&since=2023-02-01")
    assert len(drawn) == 6 and len(set(drawn)) == 6
