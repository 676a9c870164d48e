"""The dashboard in a real browser: Playwright driving Debian's chromium (no browser download).

Loads the dashboard on the example corpus, opens a figure, follows a point to its source sentence,
and checks that a screenshot of each main page is not blank. Screenshots go to a temporary folder,
or to $CROSSWIRE_SCREENSHOTS when it is set.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
EXAMPLES = Path(__file__).parent.parent / "examples"

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing: run .ci/install-system-deps.sh (as root) to install Debian's chromium",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")


@contextmanager
def running(cw: Any) -> Iterator[str]:
    """The dashboard of ``cw`` served on a free loopback port in a thread; yields its base URL. The port is
    bound here and its socket handed to the server (a port found free and bound later may be taken in
    between by another process on a busy machine)."""
    import uvicorn

    from crosswire.web.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(cw), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # against a hang only: a server that fails stops its thread
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the dashboard did not start (its error, if any, is in the captured output)"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus ingested once for the dashboard and the report."""
    from crosswire import Crosswire

    path = tmp_path_factory.mktemp("browser") / "kb.db"
    cw = Crosswire(db=str(path))
    cw.ingest([str(EXAMPLES)])
    cw.close()
    return path


@pytest.fixture(scope="module")
def base_url(kb: Path) -> Iterator[str]:
    from crosswire import Crosswire

    cw = Crosswire(db=str(kb))
    with running(cw) as url:
        yield url
    cw.close()


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.js_errors = errors  # type: ignore[attr-defined]
        yield pg
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CROSSWIRE_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def not_blank(png: Path) -> bool:
    """A page with content: many shades, and dark (text) pixels as well as light ones."""
    from PIL import Image

    img = Image.open(png).convert("L")
    lo, hi = img.getextrema()
    colours = Image.open(png).convert("RGB").getcolors(maxcolors=1 << 20) or []
    dark = sum(img.histogram()[:100])
    return hi - lo > 120 and len(colours) > 40 and dark > 500


def test_dashboard_loads_on_the_example_corpus(page, base_url: str, shots: Path) -> None:  # noqa: ANN001
    page.goto(base_url + "/")
    assert page.title() == "Overview · crosswire"
    assert page.locator("ul.counts li").count() >= 4
    page.click("text=Reports")
    assert page.locator("table.docs tbody tr").count() == 11


def test_open_a_figure_and_follow_a_point_to_its_sentence(page, base_url: str, shots: Path) -> None:  # noqa: ANN001
    page.goto(base_url + "/figures?q=killed")
    page.locator("section.series-card h2 a").first.click()
    page.wait_for_load_state()
    assert "/series/" in page.url
    marks = page.locator("svg a.mark")
    assert marks.count() >= 2
    page.screenshot(path=str(shots / "series.png"), full_page=True)
    mark = marks.last  # painted last, so on top: two sources with one figure and date share a place
    claim = mark.get_attribute("data-claim")
    mark.click()
    page.wait_for_url("**/documents/**#claim-*")
    assert page.url.endswith(f"#claim-{claim}")
    target = page.locator(f"#claim-{claim}")
    assert target.count() == 1
    highlighted = page.locator(".text .targeted")
    highlighted.first.wait_for()
    text = " ".join(highlighted.all_inner_texts())
    assert any(ch.isdigit() for ch in text), text  # the figure itself is highlighted in its sentence
    assert highlighted.first.is_visible()
    page.screenshot(path=str(shots / "followed.png"))
    assert not page.js_errors, page.js_errors


def test_series_table_rows_link_to_their_sentences(page, base_url: str) -> None:  # noqa: ANN001
    page.goto(base_url + "/figures?q=wounded")
    page.locator("section.series-card h2 a").first.click()
    page.wait_for_load_state()
    link = page.locator("table.claims a.sentence").first
    sentence = link.inner_text()
    link.click()
    page.wait_for_url("**/documents/**#claim-*")
    assert sentence[:30] in page.locator("#text").inner_text().replace("\n", " ")


MAIN_PAGES = {"home": "/", "documents": "/documents", "figures": "/figures", "conflicts": "/conflicts",
              "entities": "/entities", "timeline": "/timeline", "search": "/search?q=Kursk"}


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_screenshot_of_each_main_page_is_not_blank(page, base_url: str, shots: Path, name: str) -> None:  # noqa: ANN001
    page.goto(base_url + MAIN_PAGES[name])
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert not_blank(path), f"{name} looks blank"
    assert not page.js_errors, page.js_errors


def test_report_and_entity_pages_are_not_blank(page, base_url: str, shots: Path) -> None:  # noqa: ANN001
    page.goto(base_url + "/documents")
    page.locator("table.docs tbody tr a").first.click()
    page.wait_for_load_state()
    page.screenshot(path=str(shots / "report.png"), full_page=True)
    assert not_blank(shots / "report.png")
    assert page.locator(".text a.hl-claim").count() >= 1
    page.locator("details.removed summary").click()
    page.goto(base_url + "/entities?q=Russia")
    page.locator("table tbody tr a").first.click()
    page.wait_for_load_state()
    assert page.locator("svg.network circle").count() >= 3
    page.screenshot(path=str(shots / "entity.png"), full_page=True)
    assert not_blank(shots / "entity.png")


def test_per_source_chart_one_line_per_origin_in_the_colours_of_legend_and_table(page, base_url: str,  # noqa: ANN001
                                                                                 shots: Path) -> None:
    page.goto(base_url + "/figures?q=casualties")  # six origins, one of them with two estimates
    page.locator("section.series-card h2 a").first.click()
    page.wait_for_load_state()
    chart = page.locator("figure.chart").first
    lines = chart.locator("g.origin-line")
    origins_of_marks = set(chart.locator("a.mark").evaluate_all("els => els.map(e => e.dataset.origin)"))
    line_colours = dict(lines.evaluate_all("els => els.map(e => [e.dataset.origin, e.dataset.color])"))
    assert len(line_colours) == lines.count() >= 3  # several origins, one line each
    assert set(line_colours) == origins_of_marks
    stepped = [g for g in lines.evaluate_all("els => els.map(e => [e.dataset.steps, !!e.querySelector('path')])")]
    assert any(int(n) > 1 and has_path for n, has_path in stepped)  # at least one origin changed its estimate
    legend = dict(chart.locator("figcaption span.key[data-origin]").evaluate_all(
        "els => els.map(e => [e.dataset.origin, e.querySelector('svg.swatch').dataset.color])"))
    assert legend == line_colours
    rows = page.locator("table.claims span.dot").evaluate_all(
        "els => els.map(e => [e.dataset.origin, e.querySelector('svg.swatch').dataset.color])")
    drawn = [(o, c) for o, c in rows if o in line_colours]
    assert drawn and all(line_colours[o] == c for o, c in drawn)  # the table's swatch is the line's colour
    # a time scale: the x distance between two ticks is proportional to the days between them
    ticks = chart.locator("line.xtick").evaluate_all("els => els.map(e => [e.dataset.label, +e.getAttribute('x1')])")
    if len(ticks) >= 3 and all(len(t[0]) == 7 for t in ticks[:3]):
        from datetime import date

        (a, xa), (b, xb), (c, xc) = [(date.fromisoformat(t + "-01"), x) for t, x in ticks[:3]]
        assert abs((xb - xa) / (b - a).days - (xc - xb) / (c - b).days) < 0.05
    chart.screenshot(path=str(shots / "per-source-chart.png"))
    assert not_blank(shots / "per-source-chart.png")
    assert not page.js_errors, page.js_errors


def test_situation_report_page_in_the_browser(page, kb: Path, shots: Path, tmp_path: Path) -> None:  # noqa: ANN001
    from crosswire import Crosswire
    from crosswire.report import situation_report, to_html

    cw = Crosswire(db=str(kb), read_only=True)
    try:
        html_text = to_html(situation_report(cw, since="2024-10-01", until="2025-09-30"))
    finally:
        cw.close()
    (tmp_path / "report.html").write_text(html_text, encoding="utf-8")
    page.goto((tmp_path / "report.html").as_uri())
    widths = page.locator("img.chart").evaluate_all("els => els.map(e => e.naturalWidth)")
    assert len(widths) >= 3 and all(w > 300 for w in widths)  # the embedded charts load under the page's CSP
    assert page.locator("ol.judgements li").count() >= 3
    assert page.locator("figure figcaption").count() == len(widths)
    page.screenshot(path=str(shots / "situation-report.png"), full_page=True)
    assert not_blank(shots / "situation-report.png")
