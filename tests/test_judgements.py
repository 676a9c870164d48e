"""Key judgements and the executive summary, on figures written for these tests."""
from __future__ import annotations

from typing import Any

from crosswire.report.judgements import agreement, confidence, key_judgement, likelihood_term, summary_sentence


def pt(cid: int, when: str, value: float, origin: str, qualifier: str = "about", **extra: Any) -> dict[str, Any]:
    width = {"about": 0.1, "exact": 0.0}.get(qualifier, 0.0)
    bounds = [value, None] if qualifier == "more_than" else [value * (1 - width), value * (1 + width)]
    word = {"about": "about ", "more_than": "more than ", "exact": ""}[qualifier]
    return {"claim_id": cid, "date": when, "period": when[:7], "dated_by": "as_of", "value": value, "bounds": bounds,
            "figure": f"{word}{value:,.0f}", "origin": origin, "source": origin, "publisher": "Outlet",
            "published": when, **extra}


def figure(points: list[dict[str, Any]], latest: int) -> dict[str, Any]:
    values = [p["value"] for p in points]
    return {"series_id": "x.killed.person", "label": "X — killed (person)", "unit": "person", "measure": "killed",
            "points": points, "low": min(values), "high": max(values), "n_points": len(points),
            "n_independent": len({p["origin"] for p in points}), "latest": {"claim_id": latest}}


def test_three_independent_origins_that_agree_are_very_likely_with_high_confidence() -> None:
    f = figure([pt(1, "2025-01-10", 300, "NIS"), pt(2, "2025-01-12", 310, "HUR"), pt(3, "2025-01-20", 290, "ISW")], 3)
    j = key_judgement(f, [])
    assert j is not None and j["term"] == "very likely" and j["confidence"] == "high"
    assert j["period"] == "2025-01" and "between 290 and 310" in j["statement"]
    assert "3 of 3 independent origins" in j["statement"]


def test_a_briefing_repeated_by_outlets_is_one_origin() -> None:
    pts = [pt(1, "2025-01-13", 300, "NIS", publisher="YTN"), pt(2, "2025-01-13", 300, "NIS", publisher="KBS"),
           pt(3, "2025-01-14", 300, "National Intelligence Service", publisher="Wire")]
    pts[2]["origin"] = "NIS"  # fusion names the origin once for all three
    j = key_judgement(figure(pts, 3), [])
    assert j is not None and j["n_origins"] == 1 and j["confidence"] == "low"
    assert j["term"] == "likely"  # one origin alone: no higher than the ceiling


def test_dissent_and_contradiction_lower_the_judgement() -> None:
    pts = [pt(1, "2025-01-10", 300, "NIS"), pt(2, "2025-01-12", 310, "HUR"), pt(3, "2025-01-20", 4000, "Kyiv")]
    agree, dissent = agreement({p["origin"]: p for p in pts})
    assert agree == ["NIS", "HUR"] and dissent == ["Kyiv"]
    j = key_judgement(figure(pts, 3), [{"kind": "contradiction", "period": "2025-01", "claim_ids": [1, 3]}])
    assert j is not None and j["term"] == "likely" and j["confidence"] == "low"
    assert "Dissenting: Kyiv about 4,000" in j["statement"] and "contradiction" in j["confidence_reason"]
    j2 = key_judgement(figure(pts, 3), [{"kind": "divergence", "period": "2025-01", "claim_ids": [1, 3]}])
    assert j2 is not None and j2["confidence"] == "moderate"  # a divergence is not a contradiction


def test_open_ranges_agree_with_what_they_allow() -> None:
    pts = [pt(1, "2025-04-30", 600, "NIS", "more_than"), pt(2, "2025-04-02", 2000, "Lee")]
    agree, dissent = agreement({p["origin"]: p for p in pts})
    assert sorted(agree) == ["Lee", "NIS"] and dissent == []


def test_thresholds_and_grades() -> None:
    assert likelihood_term(4, 0.5) == "roughly even chance"
    assert likelihood_term(1, 1.0, {"likelihood": {"term": "unlikely"}}) == "unlikely"  # its own doubt is kept
    assert likelihood_term(1, 1.0, {"likelihood": {"term": "almost certain"}}) == "likely"  # capped
    assert confidence(3, 1.0, False, [])[0] == "high"
    level, why = confidence(3, 1.0, False, ["E", "D"])
    assert level == "moderate" and "graded D/E" in why


def test_summary_says_latest_range_and_direction() -> None:
    pts = [pt(1, "2024-12-10", 100, "NIS"), pt(2, "2025-01-13", 300, "NIS"), pt(3, "2025-04-30", 600, "NIS"),
           pt(4, "2025-01-20", 4000, "Kyiv")]
    text = summary_sentence(figure(pts, 3))
    assert "the latest figure is about 600 (NIS, as of 2025-04-30" in text
    assert "from 100 to 4,000" in text and "2 independent origins" in text
    assert "up from about 300 (2025-01-13)" in text


def test_two_figures_of_one_day_are_not_a_direction() -> None:
    pts = [pt(1, "2025-04-17", 27_400_000_000_000, "KIDA"), pt(2, "2025-04-17", 400_000_000_000, "KIDA")]
    text = summary_sentence(figure(pts, 2))
    assert "down from" not in text and "single dated figure" not in text
    assert "below the period's first figure" in text and "given the same day, so not a trend" in text
