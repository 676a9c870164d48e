"""The review form in a real browser (Playwright driving Debian's chromium, as tests/test_browser.py).

On the fusion fixture of test_fuse.py: open a series, follow a claim to its page, correct its as-of date
with the form, see the correction in the series; a bad date gives the 400 page with the message.
Screenshots go to a temporary folder, or to $CROSSWIRE_SCREENSHOTS when it is set.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_browser import ARGS, CHROMIUM, not_blank, running, sync_api  # skips without chromium/playwright
from test_fuse import CORPUS, KILLED, add_reports


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:

    from crosswire import Crosswire
    from crosswire.store import open_store

    db = str(tmp_path_factory.mktemp("review") / "kb.db")
    store = open_store(db)
    add_reports(store, CORPUS)
    store.close()
    cw = Crosswire(db=db, read_only=True)  # as `crosswire serve` opens it: reviews go through a writer
    with running(cw) as url:
        yield url, cw
    cw.close()


@pytest.fixture(scope="module")
def page(served: tuple[str, object]) -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 1000})
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.js_errors = errors  # type: ignore[attr-defined]
        yield pg
        browser.close()


def _row_date(page, claim: str) -> str:  # noqa: ANN001
    return str(page.locator(f"#row-{claim} td").first.inner_text())


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CROSSWIRE_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_review_form_sets_a_field_and_the_series_shows_it(page, served, shots: Path) -> None:  # noqa: ANN001
    base, _ = served
    page.goto(f"{base}/series/{KILLED}")
    row = page.locator("tr", has_text="Park Sun-won").first
    link = row.locator("a[href^='/claims/']")
    claim = link.get_attribute("href").rsplit("/", 1)[-1]
    assert _row_date(page, claim).startswith("2025-01-13")
    link.click()
    page.wait_for_url(f"**/claims/{claim}")
    assert page.locator("mark").first.inner_text() == "about 300"
    page.fill("#f_as_of", "2024-12")
    page.fill("#reason", "the briefing was in December")
    page.fill("#analyst", "kim")
    page.click("button[value=save]")
    page.wait_for_url(f"**/claims/{claim}")
    assert "2024-12" in page.locator("#field-as_of").inner_text()
    assert "2025-01-13" in page.locator("#field-as_of").inner_text()  # what extraction said, beside it
    assert "the briefing was in December" in page.locator("table.reviews").inner_text()
    shot = shots / "claim-review.png"
    page.screenshot(path=str(shot), full_page=True)
    assert not_blank(shot)
    page.goto(f"{base}/series/{KILLED}")
    assert _row_date(page, claim).startswith("2024-12")
    series_shot = shots / "series-after-review.png"
    page.screenshot(path=str(series_shot), full_page=True)
    assert not_blank(series_shot)
    assert not page.js_errors


def test_review_form_bad_date_shows_the_message(page, served) -> None:  # noqa: ANN001
    base, cw = served
    page.goto(f"{base}/series/{KILLED}")
    claim = page.locator("tr", has_text="news.az").first.locator("a[href^='/claims/']").get_attribute("href")
    page.goto(base + claim)
    page.fill("#f_as_of", "2025-13")
    response_status = []
    page.on("response", lambda r: response_status.append(r.status) if r.request.method == "POST" else None)
    page.click("button[value=save]")
    page.wait_for_load_state()
    assert response_status == [400]
    assert "expected YYYY, YYYY-MM or YYYY-MM-DD" in page.locator("p.error").inner_text()
    page.goto(base + claim)
    page.click("button[value=dismiss]")
    page.wait_for_url(f"**{claim}")
    assert "dismissed" in page.locator("h1").inner_text()
    page.goto(f"{base}/series/{KILLED}")
    assert page.locator("tr", has_text="news.az").count() == 0
