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
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
EXAMPLES = Path(__file__).parent.parent / "examples"

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing: run .ci/install-system-deps.sh (as root) to install Debian's chromium",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from crosswire import Crosswire
    from crosswire.web.app import create_app

    cw = Crosswire(db=str(tmp_path_factory.mktemp("browser") / "kb.db"))
    cw.ingest([str(EXAMPLES)])
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(cw), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the dashboard did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
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
