"""Per-source charts: one look per source everywhere, one step line per origin, a real time axis."""
from __future__ import annotations

from datetime import date
from typing import Any

from crosswire.report.sources import (DASHES, MARKERS, PALETTE, origin_histories, source_key, source_style)
from crosswire.web import charts


def pt(cid: int, when: str, value: float, origin: str, publisher: str = "Outlet", **extra: Any) -> dict[str, Any]:
    return {"claim_id": cid, "date": when, "value": value, "figure": f"{value:g}", "origin": origin,
            "source": origin, "publisher": publisher, "published": when, **extra}


def test_one_source_one_look_whatever_else_is_drawn() -> None:
    assert source_key("The Peninsula Wire") == source_key("Peninsula Wire")
    assert source_style("The Peninsula Wire") == source_style("peninsula wire")
    alone = source_style("National Intelligence Service")
    names = [f"Outlet number {i}" for i in range(40)]
    assert all(source_style(n).color in PALETTE and source_style(n).marker in MARKERS
               and source_style(n).dash in DASHES for n in names)
    assert source_style("National Intelligence Service") == alone  # no dependence on the other sources


def test_many_sources_never_share_colour_marker_and_dash_silently() -> None:
    looks = {source_style(f"Source {i}") for i in range(12)}
    assert len({(s.color, s.marker, s.dash) for s in looks}) == 12  # 12 sources: 12 different looks
    assert len({s.color for s in looks}) <= len(PALETTE) < 12  # colour alone could not do it


def test_origin_histories_are_step_lines_and_repeats_collapse() -> None:
    points = [pt(1, "2024-12", 100, "National Intelligence Service", "YTN"),
              pt(2, "2025-01-13", 300, "National Intelligence Service", "YTN"),
              pt(3, "2025-01-13", 300, "National Intelligence Service", "KBS"),  # the same briefing again
              pt(4, "2025-04", 600, "National Intelligence Service", "KBS"),
              pt(5, "2025-01", 4000, "Volodymyr Zelensky", "The Peninsula Wire")]
    hist = origin_histories(points)
    assert [h.name for h in hist] == ["National Intelligence Service", "Volodymyr Zelensky"]
    nis = hist[0]
    assert [s.value for s in nis.steps] == [100, 300, 600]
    assert [len(s.points) for s in nis.steps] == [1, 2, 1]
    assert nis.trail() == "100 (2024-12) → 300 (2025-01-13) → 600 (2025-04)"


def test_a_restated_figure_holds_its_step_and_a_recalled_one_is_not_drawn() -> None:
    points = [pt(1, "2025-01-13", 300, "NIS"), pt(2, "2025-02-20", 300, "NIS"),  # said again a month later
              pt(3, "2025-04-30", 600, "NIS"),
              {**pt(4, "2025-09-03", 600, "NIS"), "date": None, "recalled": True}]  # recalled: no date of its own
    nis = origin_histories(points)[0]
    assert [(s.value, [p["claim_id"] for p in s.points]) for s in nis.steps] == [(300, [1, 2]), (600, [3])]
    chart = charts.build({"points": points}, set(), lambda p: "#")
    assert sorted(m.claim_id for m in chart.marks) == [1, 2, 3] and chart.undated == 1


def test_time_axis_puts_ticks_at_their_dates() -> None:
    ticks = charts.time_ticks(date(2024, 11, 20), date(2025, 9, 10))
    assert [label for _, label in ticks][:3] == ["2025-01", "2025-03", "2025-05"]  # aligned on January
    assert all(d.day == 1 for d, _ in ticks)
    assert [label for _, label in charts.time_ticks(date(2019, 3, 1), date(2025, 3, 1))][0] == "2020"
    days = charts.time_ticks(date(2025, 1, 1), date(2025, 1, 20))
    assert date(2025, 1, 1) <= days[0][0] and days[-1][0] <= date(2025, 1, 20) and len(days) >= 4
    assert len({(b[0] - a[0]).days for a, b in zip(days, days[1:])}) == 1  # evenly spaced days
    assert days[0][1] == days[0][0].isoformat()


def test_chart_draws_one_line_per_origin_on_a_time_scale() -> None:
    points = [pt(1, "2024-12-20", 100, "NIS"), pt(2, "2025-01-09", 300, "NIS"), pt(3, "2025-03-02", 600, "NIS"),
              pt(4, "2025-01-20", 4000, "Zelensky"), pt(5, "2025-02-01", 3000, "The Peninsula Wire"),
              pt(6, "2025-03-01", 3500, "Peninsula Wire")]
    chart = charts.build({"points": points, "unit": "person"}, {4}, lambda p: f"#c{p['claim_id']}")
    assert sorted(line.name for line in chart.lines) == ["NIS", "Peninsula Wire", "Zelensky"] or \
        sorted(line.name for line in chart.lines) == ["NIS", "The Peninsula Wire", "Zelensky"]
    nis = next(line for line in chart.lines if line.name == "NIS")
    assert nis.n_steps == 3 and nis.path.count("H") == 2 and nis.path.count("V") == 2  # across, then up
    x = {m.claim_id: m.x for m in chart.marks}
    tick = dict((label, pos) for pos, label in chart.xticks)
    assert tick["2025-01"] < x[2] < tick["2025-02"]  # 2025-01-09 sits right of the "2025-01" tick
    assert x[1] < tick["2025-01"]
    jan, feb, mar = tick["2025-01"], tick["2025-02"], tick["2025-03"]
    assert abs((feb - jan) / 31 - (mar - feb) / 28) < 0.05  # a time scale: pixels per day are constant
    colours = {m.claim_id: m.color for m in chart.marks}
    assert colours[1] == colours[2] == colours[3] == source_style("NIS").color
    assert colours[5] == colours[6]  # "The Peninsula Wire" and "Peninsula Wire" are one source
    assert [m.conflict for m in chart.marks if m.claim_id == 4] == [True]
    labels = sorted(line.label_y for line in chart.lines)
    assert all(b - a >= charts.LABEL_GAP - 0.2 for a, b in zip(labels, labels[1:]))  # end labels do not overlap


def test_a_long_source_name_wraps_whole_and_its_label_takes_two_lines_of_room() -> None:
    assert charts.label_lines("National Intelligence Service") == ["National Intelligence", "Service"]
    assert charts.label_lines("NIS") == ["NIS"]
    cut = charts.label_lines("Ministry of Defence of the Democratic Republic of Somewhere Far Away")
    assert len(cut) == charts.LABEL_LINES and cut[-1].endswith("…")
    assert all(len(line) <= charts.LABEL_CHARS for line in cut)
    points = [pt(1, "2025-01-10", 1000, "National Intelligence Service"), pt(2, "2025-01-20", 1010, "Joint Chiefs"),
              pt(3, "2025-02-01", 990, "Zelensky")]
    chart = charts.build({"points": points, "unit": "person"}, set(), lambda p: "#")
    ordered = sorted(chart.lines, key=lambda line: line.label_y)
    for prev, line in zip(ordered, ordered[1:]):  # no label runs into the next one, however many lines it has
        assert line.label_y - prev.label_y >= charts.LABEL_GAP * len(prev.label) - 0.2


def test_the_highest_mark_sits_inside_the_plot_not_on_its_frame() -> None:
    points = [pt(1, "2025-01-10", 2000, "A"), pt(2, "2025-02-10", 6000, "B")]  # 6,000 is a round top tick
    chart = charts.build({"points": points, "unit": "person"}, set(), lambda p: "#")
    top = chart.plot[1]
    assert min(m.y for m in chart.marks) > top + 5
