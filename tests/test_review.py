"""The analyst's review (crosswire claim, conflicts --dismiss) and errors instead of empty answers.

Built on the fusion fixture of test_fuse.py (eight short reports written for these tests).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crosswire import Crosswire
from crosswire.errors import NotFound, SettingsError
from crosswire.store import open_store
from crosswire.store.sqlite import Store
from test_fuse import CORPUS, KILLED, add_reports, replace_extraction

WOUNDED = "north-korea.wounded.person"


@pytest.fixture
def kb(db: str) -> str:
    s = open_store(db)
    add_reports(s, CORPUS)
    s.close()
    return db


@pytest.fixture
def cw(kb: str) -> Crosswire:
    engine = Crosswire(db=kb)
    yield engine
    engine.close()


def claim_id(store: Store, doc_id: str, span: str) -> int:
    row = store.conn.execute("SELECT id FROM claims WHERE doc_id = ? AND span = ?", (doc_id, span)).fetchone()
    return int(row[0])


def cli(kb: str, *args: str) -> Any:
    from crosswire.cli import cli as group

    return CliRunner().invoke(group, ["--db", kb, *args], obj={}, catch_exceptions=False)


def points(cw: Crosswire, series_id: str) -> list[tuple[str, float, str | None]]:
    return [(p["doc_id"], p["value"], p["date"]) for p in cw.series(series_id)["points"]]


# ---------------------------------------------------------------- review through the engine

def test_correction_moves_a_claim_between_series_and_survives_reextraction(cw: Crosswire) -> None:
    cid = claim_id(cw.store, "d4pwire", "about 300")
    assert ("d4pwire", 300, "2025-01-13") in points(cw, KILLED)
    after = cw.review_claim(str(cid), {"measure": "wounded", "as_of": "2024-12"}, reason="misread", analyst="kim")
    assert after["measure"] == "wounded" and after["as_of"] == "2024-12"
    assert after["extracted"] == {"measure": "killed", "as_of": "2025-01-13", "as_of_rule": None}
    assert after["reviews"][0]["analyst"] == "kim" and after["reviews"][0]["created_at"]
    assert ("d4pwire", 300, "2025-01-13") not in points(cw, KILLED)
    assert ("d4pwire", 300, "2024-12") in points(cw, WOUNDED)

    replace_extraction(cw.store, CORPUS)  # every claims row deleted and written again: new ids
    new_id = claim_id(cw.store, "d4pwire", "about 300")
    assert new_id != cid
    again = cw.claim(new_id)
    assert (again["measure"], again["as_of"], again["as_of_rule"]) == ("wounded", "2024-12", "analyst")
    assert ("d4pwire", 300, "2024-12") in points(cw, WOUNDED)
    assert cw.claim(f"d4pwire:{again['start']}-{again['end']}")["id"] == new_id  # the stable reference


def test_dismissed_claim_leaves_series_conflicts_and_timeline_and_can_come_back(cw: Crosswire) -> None:
    cid = claim_id(cw.store, "d7newsaz", "More than 1,000")
    assert any(p["claim_id"] == cid for p in cw.series(KILLED)["points"])
    assert any(t.get("claim_id") == cid for t in cw.timeline()) or cw.claim(cid)["as_of"] is None
    in_conflict = cw.conflicts()[0]["claim_ids"][-1]
    cw.review_claim(cid, dismiss=True, reason="the outlet repeats a rumour", analyst="kim")
    cw.review_claim(in_conflict, dismiss=True, reason="misread", analyst="kim")
    assert all(p["claim_id"] != cid for p in cw.series(KILLED)["points"])
    assert all(not {cid, in_conflict} & set(c["claim_ids"]) for c in cw.conflicts())
    assert all(t.get("claim_id") not in (cid, in_conflict) for t in cw.timeline())
    shown = cw.claim(cid)
    assert shown["dismissed"] and shown["series"] == []
    cw.review_claim(cid, dismiss=False, analyst="lee")
    assert any(p["claim_id"] == cid for p in cw.series(KILLED)["points"])
    assert [r["analyst"] for r in cw.claim(cid)["reviews"]] == ["kim", "lee"]


def test_unset_returns_a_field_to_what_extraction_said(cw: Crosswire) -> None:
    cid = claim_id(cw.store, "d4pwire", "about 300")
    cw.review_claim(cid, {"source": "NIS", "value": "310"}, analyst="kim")
    c = cw.claim(cid)
    assert (c["source"], c["chain"], c["value"]) == ("NIS", ["NIS"], 310)
    c = cw.review_claim(cid, unset=["source"], analyst="kim")
    assert (c["source"], c["chain"], c["value"]) == ("Park Sun-won", ["Park Sun-won", "NIS"], 310)
    assert [r["analyst"] for r in c["reviews"]] == ["kim", "kim"]


@pytest.mark.parametrize("changes, expected", [
    ({"colour": "red"}, "the fields you can set are: as_of, measure"),
    ({"measure": "deaths"}, "the measures are: casualties, killed"),
    ({"as_of": "2025-13"}, "expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ({"value": "lots"}, "as a number"),
    ({"qualifier": "roughly"}, "the qualifiers are: exact, approx"),
    ({}, "nothing to change"),
])
def test_bad_corrections_are_errors_listing_what_is_valid(cw: Crosswire, changes: dict[str, str],
                                                          expected: str) -> None:
    cid = claim_id(cw.store, "d4pwire", "about 300")
    with pytest.raises(SettingsError, match=expected):
        cw.review_claim(cid, changes, analyst="kim")
    assert cw.store.claim_reviews() == []


def test_unknown_claim_references(cw: Crosswire) -> None:
    with pytest.raises(NotFound, match="no claim 99999"):
        cw.claim("99999")
    with pytest.raises(NotFound, match="its claims are at"):
        cw.claim("d4pwire:1-2")
    with pytest.raises(NotFound, match="REPORT:START-END"):
        cw.claim("about 300")


def test_conflict_dismissal_with_reason_leaves_every_view(cw: Crosswire) -> None:
    first = cw.conflicts()[0]
    n = len(cw.conflicts())
    cw.review_conflict(first["id"], reason="two periods", analyst="kim")
    assert first["id"] not in {c["id"] for c in cw.conflicts()} and len(cw.conflicts()) == n - 1
    assert first["id"] not in {c["id"] for c in cw.series(first["series_id"])["conflicts"]}
    gone = cw.dismissed_conflicts()
    assert [(c["id"], c["review"]["reason"], c["review"]["analyst"]) for c in gone] == [(first["id"], "two periods",
                                                                                          "kim")]
    with pytest.raises(SettingsError, match="already dismissed"):
        cw.review_conflict(first["id"], analyst="kim")
    with pytest.raises(NotFound, match="no conflict"):
        cw.review_conflict("disjoint:nothing@2025", analyst="kim")
    cw.review_conflict(first["id"], dismiss=False, analyst="kim")
    assert len(cw.conflicts()) == n


# ---------------------------------------------------------------- CLI

def test_cli_claim_set_dismiss_and_conflicts(kb: str) -> None:
    conflicts = cli(kb, "conflicts")
    shown_ids = sorted({int(x) for x in re.findall(r"#(\d+)", conflicts.output)})
    assert shown_ids and set(shown_ids) == {i for c in json.loads(cli(kb, "conflicts", "--json").output)
                                            for i in c["claim_ids"]}
    for cid in shown_ids:  # every claim id conflicts shows can be looked up
        assert cli(kb, "claim", str(cid)).exit_code == 0
    out = cli(kb, "claim", f"#{shown_ids[0]}", "--set", "as_of=2024-11", "--analyst", "kim", "--reason", "wrong month")
    assert out.exit_code == 0, out.output
    assert "2024-11   [analyst]   (extracted:" in out.output and "kim: as_of=2024-11  (wrong month)" in out.output
    bad = cli(kb, "claim", str(shown_ids[0]), "--set", "deaths=3")
    assert bad.exit_code == 2 and "the fields you can set are: as_of, measure, subject" in bad.output
    bad = cli(kb, "claim", str(shown_ids[0]), "--set", "measure")
    assert bad.exit_code == 2 and "FIELD=VALUE" in bad.output
    data = json.loads(cli(kb, "conflicts", "--json").output)
    done = cli(kb, "conflicts", "--dismiss", data[0]["id"], "--reason", "artefact", "--analyst", "kim")
    assert done.exit_code == 0 and "dismissed" in done.output
    listed = cli(kb, "conflicts", "--dismissed")
    assert "dismissed by kim" in listed.output and "artefact" in listed.output
    assert data[0]["id"] not in cli(kb, "conflicts").output


def test_cli_reading_commands_refuse_what_they_cannot_read(kb: str, tmp_path: Path) -> None:
    missing = str(tmp_path / "typo.db")
    for args in (["figures"], ["conflicts"], ["claim", "1"], ["timeline"], ["series", KILLED]):
        r = cli(missing, *args)
        assert r.exit_code == 4 and f"no knowledge base at {missing}" in r.output and "crosswire ingest" in r.output
    assert not Path(missing).exists()
    r = cli(missing, "claim", "1", "--set", "as_of=2025")
    assert r.exit_code == 4 and not Path(missing).exists()
    r = cli(kb, "figures", "--measure", "deaths")
    assert r.exit_code == 2 and "unknown measure 'deaths'" in r.output and "killed" in r.output
    r = cli(kb, "figures", "--since", "yesterday")
    assert r.exit_code == 2 and "expected YYYY, YYYY-MM or YYYY-MM-DD" in r.output
    r = cli(kb, "timeline", "--since", "2025-13")
    assert r.exit_code == 2 and "'2025-13'" in r.output
    r = cli(kb, "docs", "--until", "2025-02-30")
    assert r.exit_code == 2
    r = cli(kb, "report", "--since", "2025-03", "--until", "2025-01")
    assert r.exit_code == 2 and "after --until" in r.output
    assert cli(kb, "figures", "--measure", "Killed").exit_code == 0


# ---------------------------------------------------------------- dashboard

@pytest.fixture
def client(cw: Crosswire) -> Any:
    from fastapi.testclient import TestClient

    from crosswire.web.app import create_app

    return TestClient(create_app(cw))


def test_review_form_sets_a_field_and_the_series_shows_it(client: Any, cw: Crosswire) -> None:
    cid = claim_id(cw.store, "d4pwire", "about 300")
    page = client.get(f"/claims/{cid}")
    assert page.status_code == 200 and 'action="/claims/' in page.text and "<mark>about 300</mark>" in page.text
    sent = client.post(f"/claims/{cid}/review", data={"f_as_of": "2024-12", "f_measure": "killed",
                                                     "reason": "the briefing was in December", "analyst": "kim",
                                                     "action": "save"}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/claims/{cid}"
    assert ("d4pwire", 300, "2024-12") in points(cw, KILLED)
    shown = client.get(f"/claims/{cid}").text
    assert "the briefing was in December" in shown and "kim" in shown and "2025-01-13" in shown  # what extraction said
    series = client.get(f"/series/{KILLED}").text
    assert f'href="/claims/{cid}"' in series
    assert client.get(f"/api/claims/{cid}").json()["reviews"][0]["changes"]["as_of"] == "2024-12"


def test_review_form_errors_are_400_with_the_message(client: Any, cw: Crosswire) -> None:
    cid = claim_id(cw.store, "d4pwire", "about 300")
    bad = client.post(f"/claims/{cid}/review", data={"f_colour": "red", "action": "save"})
    assert bad.status_code == 400 and "the fields you can set are: as_of, measure" in bad.text
    bad = client.post(f"/claims/{cid}/review", data={"f_as_of": "last week", "action": "save"})
    assert bad.status_code == 400 and "YYYY-MM" in bad.text
    forged = client.post(f"/claims/{cid}/review", data={"f_as_of": "2024"}, headers={"origin": "http://evil.example"})
    assert forged.status_code == 403
    forged = client.post(f"/claims/{cid}/review", data={"f_as_of": "2024"}, headers={"sec-fetch-site": "cross-site"})
    assert forged.status_code == 403
    assert cw.store.claim_reviews() == []
    for url in ("/timeline?since=garbage", "/figures?measure=deaths", "/documents?until=2025-13",
                "/api/timeline?since=garbage", "/api/figures?measure=deaths"):
        r = client.get(url)
        assert r.status_code == 400, url
        assert "expected YYYY" in r.text or "the measures are: casualties" in r.text
    assert client.get("/claims/99999").status_code == 404


def test_review_needs_the_token_off_loopback(cw: Crosswire) -> None:
    from fastapi.testclient import TestClient

    from crosswire.web.app import create_app

    guarded = TestClient(create_app(cw, token="a-long-enough-token-1234"))
    cid = claim_id(cw.store, "d4pwire", "about 300")
    assert guarded.post(f"/claims/{cid}/review", data={"f_as_of": "2024"}).status_code == 401
    ok = guarded.post(f"/claims/{cid}/review", data={"f_as_of": "2024"}, follow_redirects=False,
                      headers={"Authorization": "Bearer a-long-enough-token-1234"})
    assert ok.status_code == 303 and cw.claim(cid)["as_of"] == "2024"


# ---------------------------------------------------------------- exports

def test_exports_carry_the_reviewed_ledger_as_csv_and_xlsx(cw: Crosswire, tmp_path: Path) -> None:
    import csv

    from openpyxl import load_workbook

    from crosswire.report.export import export

    cid = claim_id(cw.store, "d4pwire", "about 300")
    cw.review_claim(cid, {"subject": "=HYPERLINK(\"http://evil.example\")"}, reason="@test", analyst="kim")
    gone = claim_id(cw.store, "d7newsaz", "More than 1,000")
    cw.review_claim(gone, dismiss=True, reason="rumour", analyst="kim")
    cw.review_conflict(cw.conflicts()[0]["id"], reason="artefact", analyst="kim")
    paths = {p.name for p in export(cw, "csv", tmp_path / "csv")}
    assert {"ledger.csv", "series.csv", "conflicts.csv", "reviews.csv", "claims.csv"} <= paths
    with (tmp_path / "csv" / "ledger.csv").open(encoding="utf-8") as f:
        ledger = {int(r["claim_id"]): r for r in csv.DictReader(f)}
    assert ledger[cid]["subject"].startswith("'=HYPERLINK") and ledger[cid]["status"] == "reviewed"
    assert ledger[cid]["reviewed_by"] == "kim" and json.loads(ledger[cid]["extracted"]) == {"subject": "North Korea"}
    assert ledger[gone]["status"] == "dismissed" and ledger[gone]["series"] == ""
    with (tmp_path / "csv" / "series.csv").open(encoding="utf-8") as f:
        assert gone not in {int(r["claim_id"]) for r in csv.DictReader(f)}
    with (tmp_path / "csv" / "conflicts.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert "dismissed" in {r["status"] for r in rows}
    by_id = {r["conflict_id"]: r for r in rows}
    for c in cw.conflicts():  # every conflict record's check and ratio are in its row
        assert by_id[c["id"]]["check"] == (c.get("check") or "")
        assert by_id[c["id"]]["ratio"] == ("" if c.get("ratio") is None else str(c["ratio"]))

    [xlsx] = export(cw, "xlsx", tmp_path / "ledger.xlsx")
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["ledger", "series", "conflicts", "reviews"]
    header = [c.value for c in wb["ledger"][1]]
    rows = {r[0]: dict(zip(header, r)) for r in wb["ledger"].iter_rows(min_row=2, values_only=True)}
    assert rows[cid]["subject"] == "=HYPERLINK(\"http://evil.example\")" and rows[gone]["status"] == "dismissed"
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:  # text, never a formula; text that looks like one is quote-prefixed
                assert cell.data_type != "f"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix


def test_correction_follows_the_figure_into_a_new_version_of_the_report(cw: Crosswire) -> None:
    from crosswire.models import Document
    from test_fuse import _text_and_offsets

    cid = claim_id(cw.store, "d4pwire", "about 300")
    cw.review_claim(cid, {"as_of": "2024-12"}, reason="December briefing", analyst="kim")
    rep = next(r for r in CORPUS if r["id"] == "d4pwire")
    text, records = _text_and_offsets(rep)
    lead = "Updated with a correction. "
    for r in records:
        if "start" in r:
            r["start"], r["end"] = r["start"] + len(lead), r["end"] + len(lead)
    doc = Document(id="d4pwire-v2", source="d4pwire.txt", raw=(lead + text).encode(), text=lead + text,
                   title="Report d4pwire", publisher="The Peninsula Wire", published="2025-01-23")
    with cw.store.transaction():
        assert cw.store.add_document(doc, None, "d4pwire", "test")
        cw.store.save_extraction(doc.id, records, {"test": "1"})
    new_id = claim_id(cw.store, "d4pwire-v2", "about 300")
    c = cw.claim(new_id)
    assert c["as_of"] == "2024-12" and [r["reason"] for r in c["reviews"]] == ["December briefing"]
    assert ("d4pwire-v2", 300, "2024-12") in points(cw, KILLED)
    assert all(p[0] != "d4pwire" for p in points(cw, KILLED))  # only the latest version counts


def test_report_page_links_each_claim_to_its_review_and_marks_dismissed_ones(client: Any, cw: Crosswire) -> None:
    cid = claim_id(cw.store, "d7newsaz", "More than 1,000")
    page = client.get("/documents/d7newsaz").text
    assert f'href="/claims/{cid}"' in page and "dismissed</span>" not in page
    cw.review_claim(cid, dismiss=True, reason="rumour", analyst="kim")
    assert 'class="tag bad">dismissed</span>' in client.get("/documents/d7newsaz").text
