"""The scenario test (issue 10's measured target): ingest the project's own invented reports
(tests/fixtures/scenario/reports.jsonl) and score the fused series, latest figures, disagreements
and independence against the answer key written from reading them (expected.json).

Floors sit just under the scores reached when they were set (benchmarks/scenario.py prints them);
what is still missed is mostly extraction (a figure dated by a neighbouring clause, an origin the
sentence names but the attribution misses), listed by ``benchmarks/scenario.py --misses``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = Path(__file__).parent / "fixtures" / "scenario"
FLOORS = {"points": 0.93, "latest": 0.95, "disagreements": 0.95, "independence": 0.75}
# A second corpus written blind (benchmarks/scenarios/brenn-valley: another invented war, outlets and
# registers, its key written before crosswire ran on it); floors just under its scores after the
# extraction fixes for datelines, multi-word cues and "as of" dates (0.873, 0.667, 0.571, 0.500).
BLIND = ROOT / "benchmarks" / "scenarios" / "brenn-valley"
BLIND_FLOORS = {"points": 0.85, "latest": 0.65, "disagreements": 0.55, "independence": 0.48}


def _score(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from scenario import run
    finally:
        sys.path.pop(0)
    expected = json.loads((corpus / "expected.json").read_text(encoding="utf-8"))
    return run(corpus / "reports.jsonl", expected, str(tmp_path_factory.mktemp("scenario") / "kb.db"))


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _score(SCENARIO, tmp_path_factory)


@pytest.fixture(scope="module")
def scored_blind(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _score(BLIND, tmp_path_factory)


def _assert_floors(result: dict[str, Any], floors: dict[str, float]) -> None:
    assert result["points"]["f1"] >= floors["points"], result["misses"]["points"]
    assert result["latest"]["rate"] >= floors["latest"], result["misses"]["latest"]
    assert result["disagreements"]["f1"] >= floors["disagreements"], result["misses"]["disagreements"]
    assert result["independence"]["accuracy"] >= floors["independence"], result["misses"]["independence"]


def test_scores_reach_their_floors(scored: dict[str, Any]) -> None:
    _assert_floors(scored, FLOORS)


def test_blind_corpus_scores_reach_their_floors(scored_blind: dict[str, Any]) -> None:
    """Reports nobody here had seen are scored the same way (issue 10)."""
    _assert_floors(scored_blind, BLIND_FLOORS)


def test_blind_corpus_traps_stay_out_of_totals(scored_blind: dict[str, Any]) -> None:
    """In the blind corpus: the projection 'could reach 10,000' is no casualty figure, the rotation
    of 3,000 and the additional 2,000 are no troop totals, and the calibre 152 is no shell count."""
    extra = {(e["series"], e["value"]) for e in scored_blind["misses"]["extra_points"]}
    assert not extra & {("casualties", 10000.0), ("troops deployed", 3000.0), ("troops deployed", 2000.0),
                        ("shells delivered", 152.0)}


def test_what_must_never_enter_a_total(scored: dict[str, Any]) -> None:
    """The hypothetical 6,000 and the increments 5,000 and 4,000 are never points of a total; the
    newest report's recalled January figure is never the latest; no disagreement across periods."""
    extra = {(e["series"], e["value"]) for e in scored["misses"]["extra_points"]}
    assert not extra & {("killed", 6000.0), ("troops deployed", 5000.0), ("troops deployed", 4000.0)}
    assert not any(m["series"] == "killed" for m in scored["misses"]["latest"])
    false = [d["false"] for d in scored["misses"]["disagreements"] if "false" in d]
    assert not any(series == "killed" and period != "2025-03" for _, series, period in false)


def test_scorer_counts_right_and_wrong_answers() -> None:
    """The scorer itself on a made-up answer: one right point, one point of another report, a
    disagreement the key does not have."""
    from crosswire.fuse.scenario_score import score

    key = json.loads((SCENARIO / "expected.json").read_text(encoding="utf-8"))
    point = {"doc_id": "d1", "value": 3400.0, "date": "2025-04-14", "origin": "Sarn Conflict Observatory"}
    stray = {"doc_id": "d2", "value": 3400.0, "date": "2025-04-14", "origin": "Somebody"}
    series = [{"id": "m.killed", "measure": "killed", "subject": "Marovian", "scope": {"period": "total"},
               "points": [point, stray], "latest": point}]
    conflicts = [{"kind": "divergence", "series_id": "m.killed", "period": "2025-01"}]
    got = score(key, series, conflicts, {"d1": "hw-2025-04-15-observatory", "d2": "nowhere"})
    assert (got["points"]["tp"], got["points"]["fp"]) == (1, 1)
    assert got["latest"]["correct"] == 1  # killed: about 3,400 on April 14
    assert got["disagreements"]["tp"] == 0 and got["disagreements"]["fp"] == 1
    assert score(key, [], [], {})["points"]["f1"] == 0.0
