"""The dashboard in process (FastAPI TestClient) on the example corpus plus one hostile report."""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from crosswire import Crosswire
from crosswire.web.app import create_app
from crosswire.web.security import is_loopback

EXAMPLES = Path(__file__).parent.parent / "examples"
HOSTILE = """Hostile wire, 2025-02-01

Officials said <script>alert(1)</script> that about 5,000 troops had arrived <img src=x onerror=alert(1)> in Kursk.
Read more at <a href="javascript:alert(1)">this link</a> and javascript:alert(2) too.
"""
HOSTILE_JSONL = ('{"id": "h2", "title": "<script>alert(3)</script> Kursk", "publisher": "<b>Evil</b> Wire", '
                 '"published": "2025-02-02", "url": "javascript:alert(4)", '
                 '"text": "The ministry said <svg onload=alert(5)> about 7,000 soldiers were sent to Kursk."}\n')


def ingest_with_hostile(tmp: Path) -> Crosswire:
    bad = tmp / "hostile"
    bad.mkdir()
    (bad / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (bad / "hostile.jsonl").write_text(HOSTILE_JSONL, encoding="utf-8")
    cw = Crosswire(db=str(tmp / "kb.db"))
    report = cw.ingest([str(EXAMPLES), str(bad)])
    assert report.added >= 12, report.as_dict()
    return cw


@pytest.fixture(scope="module")
def cw(tmp_path_factory: pytest.TempPathFactory) -> Crosswire:
    engine = ingest_with_hostile(tmp_path_factory.mktemp("web"))
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def client(cw: Crosswire) -> TestClient:
    return TestClient(create_app(cw))


def hostile_ids(cw: Crosswire) -> list[str]:
    return [d["id"] for d in cw.documents() if "alert" in (d["title"] or "") or "Hostile" in (d["title"] or "")
            or (d["source"] or "").endswith(("hostile.txt", "hostile.jsonl (line 1)"))
            or "hostile" in (d["source"] or "")]


def a_series_with_points(client: TestClient) -> dict:
    items = client.get("/api/figures", params={"limit": 500}).json()["items"]
    assert items, "the example corpus should give estimate series"
    return max(items, key=lambda s: s["n_points"])


# -- pages -------------------------------------------------------------------------------------
MAIN_PAGES = ["/", "/documents", "/figures", "/conflicts", "/entities", "/timeline", "/search?q=Kursk"]


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_main_pages_render(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert "<main>" in r.text and "crosswire" in r.text


def test_overview(client: TestClient) -> None:
    data = client.get("/api/overview").json()
    assert data["counts"]["documents"] >= 13 and data["figures"] and data["latest"]
    assert "points" not in data["figures"][0]
    assert data["figures"][0]["label"] in html.unescape(client.get("/").text)


def test_report_list_filters_by_publisher_language_and_date(client: TestClient) -> None:
    data = client.get("/api/documents").json()
    assert data["total"] >= 13
    publishers = {f["value"] for f in data["facets"]["publisher"]}
    assert {"KBS", "YTN"} <= publishers
    kbs = client.get("/api/documents", params={"publisher": "KBS"}).json()
    assert kbs["total"] >= 1 and all(d["publisher"] == "KBS" for d in kbs["items"])
    dated = client.get("/api/documents", params={"since": "2025-01-01", "until": "2025-03-31"}).json()
    assert dated["items"] and all("2025-01-01" <= d["published"][:10] <= "2025-03-31" for d in dated["items"])
    en = client.get("/api/documents", params={"language": "en"}).json()
    assert en["total"] >= 1 and all(d["language"] == "en" for d in en["items"])
    page = client.get("/documents", params={"publisher": "YTN"}).text
    assert "YTN" in page and "KBS" in page  # KBS still offered in the publisher menu
    assert client.get("/api/documents", params={"limit": 2, "offset": 2}).json()["items"][0]["id"] == \
        data["items"][2]["id"]


def test_report_page_highlights_every_extraction_with_a_link(client: TestClient, cw: Crosswire) -> None:
    doc = max(cw.documents(), key=lambda d: d["claims"])
    full = client.get(f"/api/document/{doc['id']}").json()
    page = client.get(f"/documents/{doc['id']}").text
    for claim in full["claims"]:
        assert f'id="claim-{claim["id"]}"' in page  # the sentence anchor a chart point links to
        assert f'id="rec-claim-{claim["id"]}"' in page  # and the record it links to
    assert "hl-claim" in page and "hl-mention" in page and "hl-time" in page
    assert "removed line" in page and "original as received" in page
    text = re.sub(r"<[^>]+>", "", page.split('id="text">', 1)[1].split("</div>", 1)[0])
    assert html.unescape(text) == full["text"]  # highlighting never changes the text


def test_original_as_received_and_raw_bytes(client: TestClient, cw: Crosswire) -> None:
    doc = next(d for d in cw.documents() if d["source"].endswith("kbs_casualty_estimates.txt"))
    raw = cw.store.conn.execute("SELECT raw FROM documents WHERE id = ?", (doc["id"],)).fetchone()[0]
    r = client.get(f"/api/document/{doc['id']}/raw")
    assert r.content == raw and r.headers["content-type"] == "application/octet-stream"
    assert "attachment" in r.headers["content-disposition"]
    page = client.get(f"/documents/{doc['id']}/original").text
    assert "Original as received" in page and "cp1252" in page.lower().replace("windows-1252", "cp1252")


def test_removed_lines_are_listed(client: TestClient, cw: Crosswire) -> None:
    doc = next(d for d in cw.documents() if d["removed"])
    full = client.get(f"/api/document/{doc['id']}").json()
    page = client.get(f"/documents/{doc['id']}").text
    assert '<details class="removed"' in page
    assert all(r["rule"] in page for r in full["removed"])


def test_figures_page_draws_one_mark_per_claim(client: TestClient) -> None:
    page = client.get("/figures", params={"limit": 100}).text
    figures = client.get("/api/figures", params={"limit": 100, "points": True}).json()["items"]
    drawable = sum(1 for s in figures for p in s["points"] if p.get("date"))
    marks = page.count('class="mark"')
    assert 0 < marks <= sum(s["n_points"] for s in figures) and marks >= drawable * 0.9
    assert "<svg" in page and "in a disagreement" in page


def test_series_page_chart_and_table_link_to_sentences(client: TestClient) -> None:
    s = a_series_with_points(client)
    full = client.get(f"/api/series/{quote(s['id'], safe='')}").json()
    page = client.get(f"/series/{quote(s['id'], safe='')}").text
    assert page.count('class="mark"') == sum(1 for p in full["points"] if p.get("date"))
    for p in full["points"]:
        assert f'/documents/{p["doc_id"]}#claim-{p["claim_id"]}' in page
        assert f'id="row-{p["claim_id"]}"' in page
    if full["conflicts"]:
        assert 'class="conflict"' in page
    # follow one point to its sentence
    p = full["points"][0]
    doc_page = client.get(f"/documents/{p['doc_id']}").text
    assert f'id="claim-{p["claim_id"]}"' in doc_page


def test_bounds_are_drawn_as_intervals(client: TestClient) -> None:
    figures = client.get("/api/figures", params={"limit": 500, "points": True}).json()["items"]
    ranged = next(s for s in figures if any(p.get("qualifier") == "range" and p.get("date") for p in s["points"]))
    page = client.get(f"/series/{quote(ranged['id'], safe='')}").text
    assert 'stroke-width="3" stroke-opacity="0.45"' in page


def test_conflicts_are_listed_and_marked(client: TestClient) -> None:
    conflicts = client.get("/api/conflicts").json()
    assert conflicts["total"] >= 1
    c = conflicts["items"][0]
    page = client.get(f"/series/{quote(c['series_id'], safe='')}").text
    assert 'class="conflict"' in page
    assert c["reason"].split(":")[0][:20] in client.get("/conflicts").text.replace("&#39;", "'")


def test_entity_pages(client: TestClient) -> None:
    ents = client.get("/api/entities", params={"limit": 500}).json()["items"]
    assert any(e["name"] == "Russia" for e in ents)
    russia = next(e for e in ents if e["name"] == "Russia")
    data = client.get(f"/api/entity/{quote(russia['id'], safe='')}").json()
    assert data["name"] == "Russia" and data["co_occurring"]
    page = client.get(f"/entities/{quote(russia['id'], safe='')}").text
    assert 'class="network"' in page and "Appears with" in page
    assert data["co_occurring"][0]["name"] in page.replace("&#39;", "'").replace("&amp;", "&")
    assert client.get("/entities", params={"type": "PERSON"}).status_code == 200


def test_timeline(client: TestClient) -> None:
    data = client.get("/api/timeline", params={"since": "2024-10", "until": "2024-12"}).json()
    assert data["items"]  # a date of any precision that overlaps the window is in it ("2024" overlaps)
    assert all(t["date"] >= "2024-10"[:len(t["date"])] and t["date"][:7] <= "2024-12" for t in data["items"])
    page = client.get("/timeline", params={"since": "2024-10", "until": "2024-12"}).text
    assert "/documents/" in page


def test_search_finds_words(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "Kursk"}).json()["items"]
    assert hits and all("kursk" in (h["snippet"] + (h["title"] or "")).lower() for h in hits)
    assert "<mark>" in client.get("/search", params={"q": "Kursk"}).text


NASTY = ['"', "Kursk' OR 1=1 --", "NEAR(", "title:Kursk*", "); DROP TABLE documents; --", "^", "*", "-", "%",
         "_", "\\", "Kursk AND NOT OR", "\x00", "'", '""""', "{}", "()", "a:b:c", "\u202e", "<script>"]


@pytest.mark.parametrize("q", NASTY)
def test_search_with_sql_and_fts_metacharacters_is_safe(client: TestClient, cw: Crosswire, q: str) -> None:
    before = cw.store.count("documents")
    for path in ("/api/search", "/search"):
        r = client.get(path, params={"q": q})
        assert r.status_code == 200, (q, r.text[:300])
    assert cw.store.count("documents") == before
    assert "<script>" not in client.get("/search", params={"q": q}).text.split("<main>")[1]


def test_filters_with_metacharacters_are_safe(client: TestClient) -> None:
    for q in ["' OR 1=1 --", "%", "<script>"]:
        for path in ("/documents", "/api/documents", "/figures", "/timeline", "/entities"):
            r = client.get(path, params={"publisher": q, "q": q, "type": q})
            assert r.status_code == 200, (path, q)
            if path != "/entities":  # a date that cannot be read is a 400 saying the forms, never a 500
                r = client.get(path, params={"publisher": q, "since": q, "q": q, "type": q})
                assert r.status_code == 400 and "expected YYYY, YYYY-MM or YYYY-MM-DD" in r.text, (path, q)
                if not path.startswith("/api/"):  # the message quotes the input, escaped on a page
                    assert "<script>" not in r.text.split("<main>")[-1]


# -- untrusted text ----------------------------------------------------------------------------
def _no_live_markup(html: str) -> None:
    body = html.split("<main>", 1)[1]
    assert "<script>" not in body and "<script " not in body
    assert not re.search(r"<img\b", body) and not re.search(r"<svg\s+onload", body, re.I)
    assert not re.search(r"<[^>]*\son\w+\s*=", body), "an event-handler attribute got through"
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", body, re.I)


def test_report_text_is_escaped_everywhere(client: TestClient, cw: Crosswire) -> None:
    ids = hostile_ids(cw)
    assert len(ids) == 2, [d["source"] for d in cw.documents()]
    pages = ["/", "/documents", "/timeline", "/search?q=alert", "/search?q=Kursk", "/entities", "/figures?limit=100",
             "/conflicts"]
    pages += [f"/documents/{i}" for i in ids] + [f"/documents/{i}/original" for i in ids]
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, path
        _no_live_markup(r.text)
    shown = "".join(html.unescape(re.sub(r"<[^>]+>", "", client.get(f"/documents/{i}").text)) for i in ids)
    for text in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">',
                 "<svg onload=alert(5)>", "<script>alert(3)</script>"):
        assert text in shown  # shown to the reader, as text


def test_javascript_url_is_never_a_link(client: TestClient, cw: Crosswire) -> None:
    doc = next(d for d in cw.documents() if "alert(3)" in (d["title"] or ""))
    page = client.get(f"/documents/{doc['id']}").text
    assert "javascript:alert(4)" in page  # shown as text
    assert not re.search(r'href="javascript:', page)


def test_security_headers(client: TestClient) -> None:
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


# -- API ---------------------------------------------------------------------------------------
def test_openapi_describes_every_api_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/overview", "/api/documents", "/api/document/{doc_id}", "/api/search", "/api/figures", "/api/series/{series_id}",
              "/api/conflicts", "/api/entities", "/api/entity/{entity_id}", "/api/timeline"):
        assert p in paths, sorted(paths)
    assert not any(not p.startswith("/api/") for p in paths)


def test_not_found_and_bad_requests(client: TestClient) -> None:
    assert client.get("/api/document/nope").status_code == 404
    assert client.get("/api/document/nope").json()["error"] == "not found"
    assert client.get("/documents/nope").status_code == 404
    assert client.get("/api/series/nope").status_code == 404
    assert client.get("/series/nope").status_code == 404
    assert client.get("/api/entity/zzzz-nobody").status_code == 404
    assert client.get("/api/documents", params={"limit": 0}).status_code == 422
    assert client.get("/documents/x", params={"hl": "1-2;alert"}).status_code == 422


# -- access ------------------------------------------------------------------------------------
def test_token_is_required_when_set(cw: Crosswire) -> None:
    c = TestClient(create_app(cw, token="s3cret-token"))
    assert c.get("/").status_code == 401
    assert c.get("/api/documents").status_code == 401
    assert c.get("/openapi.json").status_code == 401
    assert c.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert c.get("/api/documents", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    assert c.get("/api/documents", headers={"X-Crosswire-Token": "s3cret-token"}).status_code == 200
    r = c.get("/documents?publisher=KBS&token=s3cret-token", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/documents?publisher=KBS"
    assert "httponly" in r.headers["set-cookie"].lower()
    assert c.get("/documents").status_code == 200  # the cookie carries it from now on


def test_loopback_detection() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.5", "example.org", ""))


def test_serve_needs_a_token_off_loopback(cw: Crosswire, monkeypatch: pytest.MonkeyPatch) -> None:
    import click
    import uvicorn
    from click.testing import CliRunner

    from crosswire.cli import cli
    from crosswire.cli_view import register

    register(cli)
    register(cli)  # twice is harmless
    monkeypatch.delenv("CROSSWIRE_TOKEN", raising=False)
    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    db = cw.settings["db"]
    r = CliRunner().invoke(cli, ["--db", db, "serve", "--host", "0.0.0.0"], obj={})
    assert r.exit_code == 2 and "--token" in r.output and not calls
    r = CliRunner().invoke(cli, ["--db", db, "serve", "--host", "0.0.0.0", "--token", "t0k"], obj={})
    assert r.exit_code == 2 and "at least 16" in r.output and not calls  # a short token is refused
    r = CliRunner().invoke(cli, ["--db", db, "serve", "--host", "0.0.0.0", "--token", "t0k-long-enough-0123"], obj={})
    assert r.exit_code == 0, r.output
    assert calls[-1]["host"] == "0.0.0.0"
    assert TestClient(calls[-1]["app"]).get("/").status_code == 401
    r = CliRunner().invoke(cli, ["--db", db, "serve"], obj={})
    assert r.exit_code == 0 and calls[-1]["host"] == "127.0.0.1" and calls[-1]["port"] == 8765
    assert isinstance(cli, click.Group)
    local = TestClient(calls[-1]["app"], base_url="http://127.0.0.1:8765")
    assert local.get("/").status_code == 200
    assert local.get("/", headers={"Host": "evil.example:8765"}).status_code == 400  # DNS rebinding


def test_views_see_new_reports_at_once(tmp_path: Path) -> None:
    engine = Crosswire(db=str(tmp_path / "kb.db"))
    c = TestClient(create_app(engine))
    assert c.get("/api/figures").json()["total"] == 0
    (tmp_path / "r.jsonl").write_text('{"id": "a", "published": "2025-01-02", "publisher": "Wire", "text": '
                                      '"The ministry said about 3,000 North Korean troops were killed in Kursk."}\n',
                                      encoding="utf-8")
    engine.ingest([str(tmp_path / "r.jsonl")])
    assert c.get("/api/documents").json()["total"] == 1
    assert c.get("/api/figures").json()["total"] >= 1  # the cached empty answer is gone
    engine.close()


# -- issue 13: token mode, headers everywhere, linear highlighting -----------------------------------
TOKEN = "s3cret-token-0123456789"


@pytest.mark.parametrize("path", ["//evil.example/x", "///evil.example/x", "/\\evil.example/x", "/%2F%2Fevil.example/x",
                                  "/%5C%5Cevil.example/x", "/documents/%0d%0aSet-Cookie:x=1"])
def test_token_redirect_never_leaves_this_server(cw: Crosswire, path: str) -> None:
    from urllib.parse import urlsplit

    c = TestClient(create_app(cw, token=TOKEN))
    r = c.get(f"http://testserver{path}?token={TOKEN}&a=1", follow_redirects=False)
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("/") and location[1:2] not in ("/", "\\"), location
    assert urlsplit(location).netloc == "" and "\r" not in location and "\n" not in location
    assert location.endswith("?a=1") and TOKEN not in location


def test_every_response_carries_the_security_headers(cw: Crosswire) -> None:
    c = TestClient(create_app(cw, token=TOKEN, allowed_hosts=["testserver"]))
    answers = [c.get("/"), c.get("/api/documents"), c.get(f"/?token={TOKEN}", follow_redirects=False),
               c.get("/", headers={"Host": "evil.example"}), c.get("/api/document/nope", headers={"X-Crosswire-Token": TOKEN})]
    assert [r.status_code for r in answers] == [401, 401, 303, 400, 404]
    for r in answers:
        assert "default-src 'none'" in r.headers.get("content-security-policy", ""), r.status_code
        assert r.headers.get("x-content-type-options") == "nosniff", r.status_code


def test_serve_refuses_a_short_token(cw: Crosswire, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from click.testing import CliRunner

    from crosswire.cli import cli

    calls: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(app))
    for short in ("x", "t0k", "fifteen-chars-x"):
        r = CliRunner().invoke(cli, ["--db", cw.settings["db"], "serve", "--token", short], obj={})
        assert r.exit_code == 2 and f"{len(short)} characters long" in r.output and "at least 16" in r.output
    assert not calls
    r = CliRunner().invoke(cli, ["--db", cw.settings["db"], "serve", "--token", "sixteen-chars-xy"], obj={})
    assert r.exit_code == 0 and len(calls) == 1


def _covering_by_brute_force(text: str, spans: list) -> list[tuple[str, list[int], list[str]]]:
    from crosswire.web.highlight import KINDS, anchor

    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [id(s) for s in spans if s.start <= a and s.end >= b]
        anchors = [anchor(s) for s in sorted((s for s in spans if s.start == a), key=lambda s: KINDS.index(s.kind))]
        out.append((text[a:b], covering, anchors))
    return out


def test_highlight_pieces_match_the_definition() -> None:
    import random

    from crosswire.web.highlight import KINDS, Span, pieces

    rng = random.Random(13)
    for _ in range(200):
        text = "".join(rng.choice("ab <&\n") for _ in range(rng.randrange(1, 120)))
        spans = []
        for i in range(rng.randrange(0, 25)):
            a = rng.randrange(len(text))
            spans.append(Span(rng.choice(KINDS), i, a, rng.randrange(a, len(text) + 1)))
        got = [(p.text, [id(s) for s in p.spans], p.anchors) for p in pieces(text, spans)]
        assert got == _covering_by_brute_force(text, spans)


def test_highlighting_a_long_report_is_linear() -> None:
    import time

    from crosswire.web.highlight import Span, pieces

    text = "Officials said about 3,000 troops arrived. " * 7000  # ~300 KB
    spans = [Span("mention", i, a, a + 9) for i, a in enumerate(range(0, len(text) - 20, 15))]  # ~20,000
    spans.append(Span("mark", "here", 0, len(text)))
    started = time.process_time()  # CPU time: wall time grows with the machine's load
    out = pieces(text, spans)
    assert time.process_time() - started < 2.0  # the per-span rescan took about a minute here (0.2 s now)
    assert "".join(p.text for p in out) == text and all(p.spans for p in out)


def test_search_in_a_very_long_report_is_fast_and_marks_the_word(tmp_path: Path) -> None:
    import time

    engine = Crosswire(db=str(tmp_path / "kb.db"))
    (tmp_path / "r.txt").write_text("Harbour Wire, 2025-03-01\n\nA short report.\n", encoding="utf-8")
    engine.ingest([str(tmp_path / "r.txt")], extract=False)
    filler = "The convoy moved slowly along the coast road while observers waited. " * 45000  # ~3 MB
    engine.store.conn.execute("UPDATE documents SET text = ?", (filler + "Dockworkers unloaded 4,000 Containers. "
                                                                + filler,))
    engine.store.conn.execute("INSERT INTO docs_fts(docs_fts) VALUES ('rebuild')")  # documents have no update trigger
    c = TestClient(create_app(engine))
    started = time.process_time()  # CPU time of every thread here (the app's too): wall time grows with load
    items = c.get("/api/search", params={"q": "containers"}).json()["items"]
    assert time.process_time() - started < 1.0  # FTS5's snippet() tokenized all 3 MB: seconds (0.1 s now)
    assert len(items) == 1
    hits = [p["text"] for p in items[0]["snippet_parts"] if p["hit"]]
    assert hits == ["Containers"] and "Dockworkers unloaded 4,000" in items[0]["snippet"]
    found = engine.search("containers")
    assert "[Containers]" in found[0]["snippet"]
    engine.close()


def test_a_long_report_page_is_rendered_once_per_knowledge_base_version(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from crosswire.web import pages
    from crosswire.web.docpage import PageCache

    engine = Crosswire(db=str(tmp_path / "kb.db"))
    (tmp_path / "a.txt").write_text("Harbour Wire, 2025-03-01\n\nAbout 3,000 containers were unloaded.\n",
                                    encoding="utf-8")
    engine.ingest([str(tmp_path / "a.txt")], extract=False)
    doc_id = engine.documents()[0]["id"]
    app = create_app(engine)
    app.state.page_cache = PageCache(min_bytes=0)  # every page counts as long here
    calls: list[str] = []
    real = pages._document
    monkeypatch.setattr(pages, "_document", lambda *a: calls.append(a[2]) or real(*a))
    c = TestClient(app)
    first, second = c.get(f"/documents/{doc_id}"), c.get(f"/documents/{doc_id}")
    assert first.status_code == second.status_code == 200 and first.text == second.text and len(calls) == 1
    assert c.get(f"/documents/{doc_id}", params={"hl": "0-5"}).status_code == 200 and len(calls) == 2
    (tmp_path / "b.txt").write_text("Dock Wire, 2025-03-02\n\nAbout 4,000 crates arrived.\n", encoding="utf-8")
    engine.ingest([str(tmp_path / "b.txt")], extract=False)  # a new version: rendered again
    assert c.get(f"/documents/{doc_id}").status_code == 200 and len(calls) == 3
    assert c.get("/documents/nope").status_code == 404  # errors are not cached
    engine.close()


def test_page_cache_bounds() -> None:
    from crosswire.web.docpage import PageCache

    cache = PageCache(min_bytes=10, max_bytes=100, max_pages=3)
    assert cache.get(1, "a") is None
    cache.put(1, "small", b"x")  # below min_bytes: not kept
    for key in "abcd":
        cache.put(1, key, key.encode() * 30)
    assert cache.get(1, "small") is None and cache.get(1, "a") is None  # 'a' went first (size and count)
    assert cache.get(1, "d") == b"d" * 30
    assert cache.get(2, "d") is None and cache.get(2, "c") is None  # a new version empties it


def test_highlighted_html_is_the_rendering_of_the_pieces() -> None:
    import random

    from crosswire.web.highlight import KINDS, Span, pieces, to_html

    def esc(t: str) -> str:
        return str(html.escape(t, quote=True)).replace("&quot;", "&#34;").replace("&#x27;", "&#39;")

    def reference(text: str, spans: list[Span]) -> str:  # what the template rendered before to_html
        out = []
        for p in pieces(text, spans):
            out += [f'<span id="{esc(a)}" class="anchor"></span>' for a in p.anchors]
            if p.link is None:
                out.append(esc(p.text))
                continue
            href = "#text" if p.link.kind == "mark" else f"#rec-{p.link.kind}-{p.link.rid}"
            out.append(f'<a class="{esc(p.classes)}" href="{esc(href)}" title="{esc(p.link.title)}" '
                       f'data-refs="{esc(p.refs)}">{esc(p.text)}</a>')
        return "".join(out)

    rng = random.Random(31)
    for _ in range(300):
        text = "".join(rng.choice("ab <&>\"'\n") for _ in range(rng.randrange(1, 80)))
        spans = []
        for i in range(rng.randrange(0, 15)):
            a = rng.randrange(len(text))
            spans.append(Span(rng.choice(KINDS), i, a, rng.randrange(a, len(text) + 1), rng.choice(["t", "<b>'&\""])))
        assert str(to_html(text, spans)) == reference(text, spans)
