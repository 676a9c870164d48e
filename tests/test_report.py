"""Situation reports on the example corpus: data, Markdown, HTML (with charts) and PDF (with pages)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from crosswire import Crosswire, CrosswireError
from crosswire.report import situation_report, to_html, to_markdown, to_pdf
from crosswire.report.render import md
from crosswire.report.situation import previous_window

EXAMPLES = Path(__file__).parent.parent / "examples"
HOSTILE = ('{"id": "h1", "title": "Kursk <script>alert(1)</script>", "publisher": "Evil", "published": "2025-02-02",'
           ' "text": "Kursk officials said <img src=x onerror=alert(1)> about 7,000 troops were killed in Kursk,'
           ' <a href=\\"javascript:alert(1)\\">more</a>."}\n')


@pytest.fixture(scope="module")
def cw(tmp_path_factory: pytest.TempPathFactory) -> Crosswire:
    tmp = tmp_path_factory.mktemp("report")
    (tmp / "in").mkdir()
    (tmp / "in" / "hostile.jsonl").write_text(HOSTILE, encoding="utf-8")
    engine = Crosswire(db=str(tmp / "kb.db"))
    engine.ingest([str(EXAMPLES), str(tmp / "in")])
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def report(cw: Crosswire) -> dict:
    return situation_report(cw, since="2024-10-01", until="2025-09-30")


@pytest.fixture(scope="module")
def html_text(report: dict) -> str:
    return to_html(report)


def run(cw: Crosswire, *args: str):
    from crosswire.cli import cli
    from crosswire.cli_view import register

    register(cli)
    return CliRunner().invoke(cli, ["--db", cw.settings["db"], *args], obj={}, catch_exceptions=False)


def test_previous_window_has_the_same_length() -> None:
    assert previous_window("2025-01-01", "2025-03-31") == ("2024-10-03", "2024-12-31")
    assert previous_window("2025-02", "2025-02") == ("2025-01-04", "2025-01-31")
    assert previous_window("2024", "2024") == ("2022-12-31", "2023-12-31")  # 366 days: 2024 is a leap year


def test_report_has_every_section(report: dict) -> None:
    assert report["key_figures"] and report["timeline"] and report["quotes"]
    assert report["contradictions"] or report["divergences"], "the example corpus disagrees on purpose"
    assert all(d["kind"] == "divergence" and d["ratio"] > 1 for d in report["divergences"])
    assert all(c["kind"] != "divergence" for c in report["contradictions"])
    assert report["summary"] and report["judgements"] and report["sources"] and report["method"]
    top = report["key_figures"][0]
    assert top["low"] <= top["high"] and top["sources"] and top["latest"]["figure"]
    assert all(c["change"] in ("new", "up", "down", "unchanged", "no new reports") for c in report["changes"])


def test_what_changed_compares_with_the_window_before(cw: Crosswire) -> None:
    rep = situation_report(cw, since="2025-01-01", until="2025-06-30")
    assert rep["previous"] == {"since": "2024-07-04", "until": "2024-12-31", "has_data": True}
    kinds = {c["change"] for c in rep["changes"]}
    assert kinds & {"up", "down", "unchanged"}, rep["changes"]
    moved = [c for c in rep["changes"] if c["change"] in ("up", "down")]
    assert all(c["before"] and c["after"] for c in moved)
    assert all(t["date"][:7] >= "2025-01"[:len(t["date"][:7])] for t in rep["timeline"])


def test_topic_narrows_the_report(cw: Crosswire) -> None:
    rep = situation_report(cw, topic="killed")
    assert rep["key_figures"] and all("killed" in f["label"].lower() for f in rep["key_figures"])
    assert all("killed" in (t["text"] or "").lower() for t in rep["timeline"])


def test_bad_dates_are_errors_that_say_what_is_expected(cw: Crosswire) -> None:
    with pytest.raises(CrosswireError, match="YYYY-MM-DD"):
        situation_report(cw, since="2025-13-01", until="2025-12-31")
    with pytest.raises(CrosswireError, match="after it ends"):
        situation_report(cw, since="2025-06-01", until="2025-01-01")


def test_markdown(report: dict, tmp_path: Path) -> None:
    text = to_markdown(report, tmp_path / "charts")
    for heading in ("## Summary", "## Key judgements", "## Key figures", "## What changed since the previous period",
                    "## Contradictions", "## Divergences", "## Notable quotes", "## Timeline", "## Charts",
                    "## Sources", "## Method"):
        assert heading in text
    charts = sorted((tmp_path / "charts").glob("*.png"))
    assert charts and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in charts)
    assert "](charts/chart-1.png)" in text
    assert "\n_Figure 1. " in text and "Origins: " in text  # every chart has a caption naming its sources
    contradictions = text.split("## Contradictions", 1)[1].split("## Divergences", 1)[0]
    divergences = text.split("## Divergences", 1)[1].split("\n## ", 1)[0]
    for d in report["divergences"]:  # under their own heading, never under Contradictions
        assert d["reason"] in divergences and d["reason"] not in contradictions
    for c in report["contradictions"]:
        assert c["kind"] == "contradiction" and c["reason"] in contradictions
    for d in report["divergences"]:  # each disagreement lists its claims with their dates
        assert f"(ratio {d['ratio']:.2g})" in text
        assert all(f"#{c['claim_id']} " in text for c in d["claims"])
    assert "data:image/png;base64," in to_markdown(report)  # embedded when there is no folder


def test_html_has_its_charts(html_text: str) -> None:
    images = re.findall(r'<img class="chart" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html_text)
    assert len(images) >= 3
    assert html_text.count("<figcaption>Figure ") == len(images)
    for h in ("Summary", "Key judgements", "Key figures", "What changed since the previous period", "Contradictions",
              "Divergences", "Notable quotes", "Timeline", "Sources", "Method"):
        assert f"<h2>{h}</h2>" in html_text


def split_rows(html_text: str) -> tuple[int, int]:
    """(body rows, body rows laid out on more than one page) of the PDF WeasyPrint makes of the page."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    pages: dict[int, set[int]] = {}
    for i, page in enumerate(HTML(string=html_text).render().pages):
        for box in page._page_box.descendants():  # the laid-out boxes of one page
            if isinstance(box, boxes.TableRowGroupBox) and not box.is_header:  # repeated headers are meant
                for row in box.children:
                    pages.setdefault(id(row.element), set()).add(i)
    return len(pages), sum(1 for on in pages.values() if len(on) > 1)


def test_pdf_has_pages_and_no_row_is_split(report: dict, html_text: str) -> None:
    pdf = to_pdf(report)
    assert pdf[:5] == b"%PDF-" and len(pdf) > 20_000
    rows, split = split_rows(html_text)
    assert rows > 40 and split == 0
    without = html_text.replace("break-inside: avoid; page-break-inside: avoid;", "")
    assert split_rows(without)[1] > 0, "the check would not see a split row"


def test_default_period_has_a_period_before_it_with_figures(cw: Crosswire) -> None:
    rep = cw.report()
    last = max(d["published"] for d in cw.store.documents() if d["published"])[:10]
    assert rep["until"] == last and rep["since"].endswith("-01") and rep["since"] < last
    assert rep["previous"]["has_data"] and rep["changes"], rep["previous"]
    assert rep["previous"]["until"] < rep["since"]


def test_what_changed_steps_back_past_empty_periods(cw: Crosswire) -> None:
    rep = situation_report(cw, since="2026-01-01", until="2026-01-31")  # nothing dated in 2025-12
    assert rep["previous"]["has_data"] and rep["previous"]["until"] <= "2025-09-30", rep["previous"]
    assert {c["change"] for c in rep["changes"]} == {"no new reports"}
    first = situation_report(cw, since="2000-01-01", until="2000-12-31")
    assert not first["previous"]["has_data"] and first["changes"] == []
    assert "Nothing to compare with" in to_markdown(first)


def test_timeline_covers_the_whole_period(cw: Crosswire) -> None:
    from crosswire.report import situation

    rep = situation_report(cw, since="2024-01-01", until="2025-12-31")
    every = situation._timeline(cw, None, "2024-01-01", "2025-12-31")
    months = sorted({t["date"][:7] for t in every})
    assert len(every) > situation.TIMELINE and rep["timeline_omitted"] == len(every) - len(rep["timeline"])
    assert {t["date"][:7] for t in rep["timeline"]} == set(months)  # every month keeps entries
    assert rep["timeline"][-1]["date"][:7] == months[-1]


def test_sources_have_grades_and_urls(cw: Crosswire, tmp_path: Path) -> None:
    graded = Crosswire(db=cw.settings["db"], source_grades={"National Intelligence Service": "B"})
    try:
        rep = situation_report(graded, since="2024-10-01", until="2025-09-30")
    finally:
        graded.close()
    nis = next(s for s in rep["sources"] if s["name"] == "National Intelligence Service")
    assert nis["grade"] == "B" and nis["grade_meaning"] == "Usually reliable"
    assert nis["reports"] and any(r.get("url") for s in rep["sources"] for r in s["reports"])
    html_text = to_html(rep)
    assert "Usually reliable" in html_text and 'href="https://' in html_text


def test_key_judgements_use_icd_203_terms_and_say_their_confidence(report: dict) -> None:
    from crosswire.fuse.rules import rules

    for j in report["judgements"]:
        assert j["term"] in rules().likelihood and j["confidence"] in ("low", "moderate", "high")
        assert j["term"] in j["statement"] and j["confidence"] in j["confidence_text"]
        assert j["term"] not in j["confidence_text"]  # ICD 203: likelihood and confidence in separate sentences


def test_report_text_is_escaped(cw: Crosswire) -> None:
    rep = situation_report(cw, topic="Kursk")
    html_text = to_html(rep)
    assert "<script>" not in html_text and "<img src=x" not in html_text
    assert not re.search(r"<[^>]*\son\w+\s*=", html_text)
    assert not re.search(r"""href\s*=\s*["']?javascript:""", html_text)
    assert md("<script>alert(1)</script> [x](javascript:alert(1))") == \
        r"\<script\>alert(1)\</script\> \[x\](javascript:alert(1))"
    text = to_markdown(rep)
    assert "<script>" not in text and "<img" not in text


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_report_command(cw: Crosswire, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    r = run(cw, "report", "--format", fmt, "--out", str(out), "--since", "2024-10-01", "--until", "2025-09-30")
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    if fmt == "pdf":
        assert data[:5] == b"%PDF-"
    elif fmt == "html":
        assert b"data:image/png;base64," in data
    else:
        assert b"## Key figures" in data and list((tmp_path / "report_charts").glob("*.png"))


def test_report_command_to_stdout_and_bad_input(cw: Crosswire) -> None:
    r = run(cw, "report", "--topic", "troops")
    assert r.exit_code == 0 and r.output.startswith("# Situation report: troops")
    assert run(cw, "report", "--since", "soon").exit_code == 2
    assert run(cw, "report", "--format", "docx").exit_code == 2
