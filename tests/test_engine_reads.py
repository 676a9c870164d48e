"""The engine's read side: one fusion, one cache keyed by the knowledge base's version, one ranking."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from crosswire.store import open_store
from crosswire import Crosswire
from crosswire.cli import cli
from crosswire.fuse import service
from crosswire.fuse.ranking import ranked
from crosswire.store.sqlite import Store
from crosswire.web.app import create_app
from test_fuse import CORPUS, KILLED, add_reports


@pytest.fixture
def cw(db: str) -> Crosswire:
    store = open_store(db)
    add_reports(store, CORPUS)
    store.close()
    engine = Crosswire(db=db)
    yield engine
    engine.close()


def test_answers_are_kept_until_the_knowledge_base_changes(cw: Crosswire) -> None:
    figures, conflicts = cw.figures(), cw.conflicts()
    assert cw.figures() is figures and cw.conflicts() is conflicts  # nothing recomputed
    version = cw.version()
    cw.merge("North Korea", "Kyiv Post")  # a write through the engine
    assert cw.version() != version
    assert cw.figures() is not figures and cw.entity("North Korea")["merged"] == ["Kyiv Post"]


def test_a_write_by_another_connection_drops_the_cache(cw: Crosswire, db: str) -> None:
    before = cw.entities()
    other = Crosswire(db=db)
    other.merge("North Korea", "Kyiv Post")
    other.close()
    after = cw.entities()
    assert after is not before and len(after) == len(before) - 1


def test_the_shells_use_the_engines_one_fusion(cw: Crosswire, db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    real = service.Fusion.__init__

    def counting(self: service.Fusion, *args: object, **kwargs: object) -> None:
        built.append(self)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service.Fusion, "__init__", counting)
    client = TestClient(create_app(cw))
    for path in ("/api/figures", "/api/conflicts", f"/api/series/{KILLED}", "/api/timeline", "/figures", "/"):
        assert client.get(path).status_code == 200, path
    cw.report()
    assert built == [cw.fusion]


def test_top_figures_are_ranked_one_way_in_the_cli_the_dashboard_and_the_report(cw: Crosswire, db: str) -> None:
    everything = cw.figures()
    order = [s["id"] for s in ranked(everything)]
    tracked = [i for i in order if next(s for s in everything if s["id"] == i)["measure"] != "other"]
    assert [s["id"] for s in cw.top_figures(3)] == tracked[:3]
    out = CliRunner().invoke(cli, ["--db", db, "figures", "--top", "3", "--json"], obj={})
    assert [s["id"] for s in json.loads(out.output)] == tracked[:3]
    home = TestClient(create_app(cw)).get("/api/overview").json()
    assert [s["id"] for s in home["figures"]] == order[:8]
    listing = TestClient(create_app(cw)).get("/api/figures", params={"limit": 500}).json()
    assert [s["id"] for s in listing["items"]] == order
    rep = cw.report(since="2024", until="2025")
    in_window = ranked(cw.figures(since="2024", until="2025"))
    assert [k["series_id"] for k in rep["key_figures"]] == [s["id"] for s in in_window][:len(rep["key_figures"])]


def test_the_report_does_not_depend_on_the_dashboard() -> None:
    code = ("import sys, crosswire.report.situation, crosswire.report.export;"
            "print([m for m in sys.modules if m.startswith('crosswire.web')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    assert out.stdout.strip() == "[]"
