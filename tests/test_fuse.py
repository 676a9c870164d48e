"""Across reports: entities, estimate series, contradictions, corroboration, timeline, CLI.

The fixture is eight short reports about North Korean casualties with a known answer:

* series north-korea.killed.person, in as_of order: 6 (Kyiv Post) · at least 100 (NIS) · about 300
  (Lee Seong-kweun citing NIS) · about 300 (Park Sun-won citing NIS) · 300 (Caspian Daily Digest
  repeating The Peninsula Wire) · about 310 (Budanov) · more than 1,000 (news.az, undated → its
  publication date);
* "about 300 killed": 4 reports, 4 asserters, 2 independent origins (NIS, Kyrylo Budanov); the
  lawmaker and the committee member citing the NIS, and the digest repeating the Peninsula Wire,
  count once;
* contradictions in January 2025: killed "more than 1,000" against "about 300"; casualties "about
  3,000" against "about 4,500"; killed + wounded (YTN: 300 + 2,700) against "about 4,500";
* Kirby's "more than 1,000 in the past week" is a per-week series, apart from the running total.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crosswire import Crosswire, NotFound
from crosswire.fuse import Fusion
from crosswire.models import Document
from crosswire.store.sqlite import Store
from crosswire.store import open_store

FIXTURES = Path(__file__).parent / "fixtures" / "fuse"
KILLED = "north-korea.killed.person"
CASUALTIES = "north-korea.casualties.person"


# ---------------------------------------------------------------- fixture builder

def claim(sentence: str, span: str, value: float | None, measure: str, **kw: Any) -> dict[str, Any]:
    rec = {"record": "claim", "sentence": sentence, "span": span, "value": value, "low": None, "high": None,
           "qualifier": "exact", "unit": "person", "measure": measure, "subject": "North Korea", "source": None,
           "attribution": [], "hedge": None, "conditional": False, "as_of": None, "location": None,
           "counted": "soldiers", "trend": None, "flags": [], "version": "test"}
    rec.update(kw)
    return rec


def entity(name: str, type_: str, kb: str | None = None, mentions: list[str] | None = None) -> dict[str, Any]:
    return {"record": "entity", "name": name, "type": type_, "kb_id": kb, "mentions": mentions or [name], "count": 1}


def report(doc_id: str, publisher: str, published: str | None, records: list[dict[str, Any]],
           extra_text: str = "") -> dict[str, Any]:
    return {"id": doc_id, "publisher": publisher, "published": published, "records": records, "extra": extra_text}


NK = entity("North Korea", "GPE", "Q423", ["North Korea", "DPRK"])
NIS = entity("NIS", "ORG", "nis", ["NIS", "National Intelligence Service"])

S_YTN_K = "A lawmaker, citing the NIS, said about 300 North Korean soldiers had been killed and some 2,700 wounded."
S_YTN_T = "That brings North Korean casualties to around 3,000."
S_UP = "Budanov believed that about 310 North Korean soldiers were killed and about 4,500 were casualties by mid-January."

CORPUS = [
    report("d1kyivpost", "Kyiv Post", "2024-10-03", [
        claim("Six North Korean officers were killed near Donetsk, the Kyiv Post reported.", "Six", 6, "killed",
              counted="officers", source="Kyiv Post", as_of="2024-10-03", hedge="reported"),
        entity("Kyiv Post", "ORG"), entity("North Korea", "GPE", "Q423", ["North Korean"]),
    ]),
    report("d2kbs", "KBS", "2024-12-20", [
        claim("The NIS said on the 19th that at least 100 North Korean soldiers had been killed.", "at least 100",
              100, "killed", low=100, qualifier="at_least", source="NIS", attribution=["NIS"], as_of="2024-12-19",
              hedge="estimated"),
        claim("The NIS said close to 1,000 were wounded.", "close to 1,000", 1000, "wounded", qualifier="approx",
              source="NIS", attribution=["NIS"], as_of="2024-12-19"),
        claim("Each soldier is paid as much as 2,000 dollars a month, analysts say.", "as much as 2,000 dollars",
              2000, "money", qualifier="up_to", unit="USD", counted="dollars", source="analysts"),
        {"record": "time", "text": "on the 19th", "value": "2024-12-19", "type": "DATE",
         "anchor": "Officials confirmed on the 19th that the count was rising."},
        NK | {"mentions": ["North Korea", "Pyongyang"]}, NIS, entity("KBS", "ORG"),
    ]),
    report("d3ytn", "YTN", "2025-01-13", [
        claim(S_YTN_K, "about 300", 300, "killed", qualifier="approx", source="Lee Seong-kweun",
              attribution=["Lee Seong-kweun", "NIS"], as_of="2025-01-13", hedge="said"),
        claim(S_YTN_K, "some 2,700", 2700, "wounded", qualifier="approx", source="Lee Seong-kweun",
              attribution=["Lee Seong-kweun", "NIS"], as_of="2025-01-13", hedge="said"),
        claim(S_YTN_T, "around 3,000", 3000, "casualties", qualifier="approx", source="YTN", as_of="2025-01-13"),
        claim("Ukraine's defence minister said 11,000 North Korean troops are in Kursk.", "11,000", 11000,
              "personnel", counted="troops", location="Kursk", source="Rustem Umerov", as_of="2025-01-06"),
        {"record": "quote", "speaker": "Lee Seong-kweun", "text": "About 300 were killed.", "said_on": "2025-01-13",
         "anchor": "Lee Seong-kweun told reporters:"},
        NK, NIS, entity("Lee Seong-kweun", "PERSON", None, ["Lee Seong-kweun", "Lee Seong-kwon"]),
        entity("Kursk", "GPE", "Q7327"),
    ]),
    report("d4pwire", "The Peninsula Wire", "2025-01-22", [
        claim("The NIS told committee member Park Sun-won that about 300 North Korean soldiers were killed.",
              "about 300", 300, "killed", qualifier="approx", source="Park Sun-won",
              attribution=["Park Sun-won", "NIS"], as_of="2025-01-13", hedge="said"),
        entity("North Korea", "GPE"), entity("National Intelligence Service", "ORG"),
        entity("Park Sun-won", "PERSON"),
    ]),
    report("d5caspian", "Caspian Daily Digest", "2025-03-14", [
        claim("The Peninsula Wire reported that 300 North Korean soldiers were killed.", "300", 300, "killed",
              source="The Peninsula Wire", attribution=["The Peninsula Wire"], as_of="2025-01-13",
              hedge="reported"),
        claim("If the new figures are correct, as many as 14,000 North Korean troops may be in Russia.",
              "as many as 14,000", 14000, "personnel", qualifier="up_to", conditional=True, counted="troops"),
        entity("Peninsula Wire", "ORG"),
    ]),
    report("d6upravda", "Ukrainska Pravda", "2025-01-16", [
        claim(S_UP, "about 310", 310, "killed", qualifier="approx", source="Kyrylo Budanov",
              attribution=["Kyrylo Budanov"], as_of="2025-01-15", hedge="believed"),
        claim(S_UP, "about 4,500", 4500, "casualties", qualifier="approx", source="Kyrylo Budanov",
              attribution=["Kyrylo Budanov"], as_of="2025-01-15", hedge="believed"),
        entity("Kyrylo Budanov", "PERSON"), entity("HUR", "ORG"),
    ]),
    report("d7newsaz", "news.az", "2025-01-20", [
        claim("More than 1,000 North Korean soldiers have been killed, the outlet claimed.", "More than 1,000",
              1000, "killed", low=1000, qualifier="more_than", source="news.az", hedge="claimed"),
        entity("news.az", "ORG"),
    ]),
    report("d8frontline", "Frontline Monitor", "2024-12-28", [
        claim("North Korean troops suffered more than 1,000 killed or wounded in the past week, John Kirby said.",
              "more than 1,000", 1000, "casualties", low=1000, qualifier="more_than", source="John Kirby",
              as_of="2024-12-27", hedge="said"),
        {"record": "quote", "speaker": "John Kirby", "text": "They are taking heavy losses.",
         "said_on": "2024-12-27", "anchor": "John Kirby told reporters:"},
        entity("John Kirby", "PERSON"), entity("Main Intelligence Directorate", "ORG", None, ["HUR's directorate"]),
    ]),
]


def _extra_sentence(r: dict[str, Any]) -> str:
    return f"{r['anchor']} “{r['text']}”" if r["record"] == "quote" else r["anchor"]


def _text_and_offsets(rep: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    sentences: list[str] = []
    for r in rep["records"]:
        if r["record"] == "claim" and r["sentence"] not in sentences:
            sentences.append(r["sentence"])
    sentences += [_extra_sentence(r) for r in rep["records"] if r["record"] in ("time", "quote")]
    text = " ".join(sentences) + (" " + rep["extra"] if rep["extra"] else "")
    out = []
    for r in rep["records"]:
        r = dict(r)
        if r["record"] == "claim":
            base = text.index(r["sentence"])
            r["start"] = base + r["sentence"].index(r["span"])
            r["end"] = r["start"] + len(r["span"])
        elif r["record"] in ("time", "quote"):
            sentence = _extra_sentence(r)
            base = text.index(sentence)
            r.pop("anchor")
            inner = sentence.index(r["text"])
            r["start"], r["end"] = base + inner, base + inner + len(r["text"])
        out.append(r)
    return text, out


def add_reports(store: Store, reports: list[dict[str, Any]]) -> None:
    for rep in reports:
        text, records = _text_and_offsets(rep)
        doc = Document(id=rep["id"], source=f"{rep['id']}.txt", raw=text.encode(), text=text,
                       title=f"Report {rep['id']}", publisher=rep["publisher"], published=rep["published"])
        with store.transaction():
            store.add_document(doc, None, rep["id"], "test")
            store.save_extraction(doc.id, records, {"test": "1"})


def replace_extraction(store: Store, reports: list[dict[str, Any]]) -> None:
    """A re-extraction: every record row is deleted and written again (new row ids)."""
    for rep in reports:
        _, records = _text_and_offsets(rep)
        with store.transaction():
            store.save_extraction(rep["id"], records, {"test": "2"})


@pytest.fixture
def store(db: str) -> Store:
    s = open_store(db)
    add_reports(s, CORPUS)
    yield s
    s.close()


@pytest.fixture
def fusion(store: Store) -> Fusion:
    return Fusion(store, {"source_grades": {"NIS": "B", "news.az": "E"}})


def _claim_ids(store: Store) -> dict[tuple[str, str], int]:
    """(doc id, span) -> claim id."""
    return {(r[0], r[1]): r[2] for r in store.conn.execute("SELECT doc_id, span, id FROM claims")}


# ---------------------------------------------------------------- series

def test_series_is_ordered_by_as_of_with_sources(fusion: Fusion) -> None:
    s = fusion.series(KILLED)
    assert s["label"] == "North Korea — killed (person)"
    assert [(p["value"], p["publisher"]) for p in s["points"]] == [
        (6, "Kyiv Post"), (100, "KBS"), (300, "YTN"), (300, "The Peninsula Wire"), (300, "Caspian Daily Digest"),
        (310, "Ukrainska Pravda"), (1000, "news.az")]
    assert [p["date"] for p in s["points"]] == ["2024-10-03", "2024-12-19", "2025-01-13", "2025-01-13",
                                                 "2025-01-13", "2025-01-15", "2025-01-20"]
    last = s["points"][-1]
    assert last["dated_by"] == "published" and last["bounds"] == [1000, None]
    ytn = s["points"][2]
    assert ytn["chain"] == ["YTN", "Lee Seong-kweun", "NIS"] and ytn["bounds"] == pytest.approx([270, 330])
    assert ytn["sentence"].startswith("A lawmaker") and ytn["span"] == "about 300"
    assert (s["low"], s["high"], s["n_points"]) == (6, 1000, 7)


def test_scope_keeps_places_rates_and_hypotheticals_apart(fusion: Fusion) -> None:
    ids = {f["id"] for f in fusion.figures()}
    assert "north-korea.casualties.person.per-week" in ids  # Kirby: "in the past week"
    assert CASUALTIES in ids
    # Kursk is the only place named for North Korean personnel: where the fighting is, not a part of it
    assert "north-korea.personnel.person" in ids and not any("in-kursk" in i for i in ids)
    assert "north-korea.money.usd.per-month" in ids
    with_hypo = fusion.figures(measure="personnel", include_conditional=True)
    assert any(p["value"] == 14000 for f in with_hypo for p in f["points"])


def test_figures_filters(fusion: Fusion) -> None:
    rows = fusion.figures(measure="killed", subject="DPRK", since="2025-01", until="2025-01-14")
    assert [f["id"] for f in rows] == [KILLED]
    assert [p["value"] for p in rows[0]["points"]] == [300, 300, 300]
    with pytest.raises(NotFound, match="no series"):
        fusion.series("north-korea.killd.person")


# ---------------------------------------------------------------- conflicts

def test_contradictions_and_divergences_with_reasons(fusion: Fusion, store: Store) -> None:
    ids = _claim_ids(store)
    conflicts = {c["id"]: c for c in fusion.conflicts()}
    # killed: a lower bound above another origin's figure is a contradiction; casualties: two point
    # estimates of different origins (about 3,000 and about 4,500) diverge. YTN's killed + wounded
    # (NIS via a lawmaker) against Budanov's total is two origins disagreeing, not arithmetic that
    # cannot add up, so it is no arithmetic contradiction.
    assert set(conflicts) == {f"disjoint:{KILLED}@2025-01", f"divergence:{CASUALTIES}@2025-01"}
    killed = conflicts[f"disjoint:{KILLED}@2025-01"]
    assert (killed["kind"], killed["check"]) == ("contradiction", "disjoint")
    # the clearest pair: the lowest upper bound (an unqualified 300) and the highest lower bound
    assert killed["pair"] == [ids[("d5caspian", "300")], ids[("d7newsaz", "More than 1,000")]]
    assert "cannot both be true" in killed["reason"] and "300 (Peninsula Wire citing Park Sun-won citing NIS, in Caspian Daily Digest" in killed["reason"]
    assert "1,000 or more" in killed["reason"] and killed["ratio"] == pytest.approx(1000 / 300, rel=1e-3)
    assert {c["date"] for c in killed["claims"]} == {"2025-01-13", "2025-01-20"}
    cas = conflicts[f"divergence:{CASUALTIES}@2025-01"]
    assert cas["kind"] == "divergence" and cas["ratio"] == pytest.approx(1.5)
    assert set(cas["pair"]) == {ids[("d3ytn", "around 3,000")], ids[("d6upravda", "about 4,500")]}
    assert "1.50 times the smaller" in cas["reason"] and "different origins" in cas["reason"]


# ---------------------------------------------------------------- corroboration

def test_corroboration_counts_origins_once(fusion: Fusion, store: Store) -> None:
    figures = fusion.corroboration(KILLED)
    top = figures[0]
    assert top["figure"] == "about 300"
    assert (top["n_reports"], top["n_sources"], top["n_independent"]) == (4, 4, 2)
    assert sorted(o["origin"] for o in top["origins"]) == ["Kyrylo Budanov", "NIS"]
    chains = {c["publisher"]: c["chain"] for c in top["chains"]}
    # the digest repeats the Peninsula Wire, which relied on a committee member, who relied on the NIS
    # ("The Peninsula Wire" and the entity "Peninsula Wire" are one name after normalisation)
    assert chains["Caspian Daily Digest"] == ["Caspian Daily Digest", "Peninsula Wire", "Park Sun-won", "NIS"]
    assert chains["YTN"] == ["YTN", "Lee Seong-kweun", "NIS"]
    s = fusion.figures(measure="killed")[0]
    assert s["n_sources"] == 7  # Kyiv Post, NIS, Lee, Park, Peninsula Wire, Budanov, news.az
    assert s["n_independent"] == 4  # Kyiv Post, NIS, Budanov, news.az: the repeats count once


def test_hedges_map_to_icd203_and_grades_travel(fusion: Fusion) -> None:
    points = {p["publisher"]: p for p in fusion.series(KILLED)["points"]}
    assert points["Ukrainska Pravda"]["likelihood"]["term"] == "likely"
    assert (points["Ukrainska Pravda"]["likelihood"]["low"], points["Ukrainska Pravda"]["likelihood"]["high"]) == (
        0.55, 0.80)
    assert points["YTN"]["likelihood"]["term"] == "very likely"
    assert points["news.az"]["likelihood"]["term"] == "roughly even chance"
    assert points["YTN"]["grade"] == {"grade": "B", "meaning": "Usually reliable", "of": "NIS"}
    assert points["news.az"]["grade"]["grade"] == "E"
    assert points["Kyiv Post"]["grade"] is None and points["Kyiv Post"]["likelihood"]["term"] == "likely"


def test_bad_grade_is_an_error(store: Store) -> None:
    from crosswire.errors import SettingsError

    with pytest.raises(SettingsError, match="Admiralty"):
        Fusion(store, {"source_grades": {"NIS": "Z"}})


# ---------------------------------------------------------------- entities

def test_entities_resolve_across_reports(fusion: Fusion) -> None:
    nk = fusion.entity("DPRK")
    assert nk["id"] == "Q423" and nk["name"] == "North Korea"
    assert nk["doc_ids"] == ["d1kyivpost", "d2kbs", "d3ytn", "d4pwire"]  # d4 has no kb id: joined by name
    nis = fusion.entity("nis")
    assert "National Intelligence Service" in nis["aliases"] and "d4pwire" in nis["doc_ids"]  # joined by alias
    assert any(o["name"] == "Lee Seong-kweun" for o in nis["co_occurring"])
    assert {"subject"} <= set(r for c in nk["claims"] for r in c["roles"])
    kirby = fusion.entity("John Kirby")
    assert kirby["quotes"][0]["said_on"] == "2024-12-27"
    with pytest.raises(NotFound, match="did you mean"):
        fusion.entity("Jon Kirby")


def test_merge_survives_reextraction_and_a_new_report(fusion: Fusion, store: Store) -> None:
    out = fusion.merge("Main Intelligence Directorate", "HUR")
    assert out["changed"] and "HUR" in out["entity"]["aliases"]
    replace_extraction(store, CORPUS)  # new row ids for every entity
    add_reports(store, [report("d9new", "Kyiv Independent", "2025-02-01", [entity("HUR", "ORG")])])
    again = Fusion(store, {})
    hur = again.entity("HUR")
    assert hur["name"] == "Main Intelligence Directorate"
    assert hur["doc_ids"] == ["d6upravda", "d8frontline", "d9new"]
    assert again.merge("HUR", "Main Intelligence Directorate")["changed"] is False
    undone = again.unmerge("Main Intelligence Directorate", "HUR")
    assert undone["other"]["name"] == "HUR" and again.entity("HUR")["doc_ids"] == ["d6upravda", "d9new"]


def test_merge_joins_series_and_split_takes_an_alias_out(store: Store) -> None:
    add_reports(store, [report("d10", "YTN", "2025-02-02", [
        claim("Pyongyang lost 2,000 troops.", "2,000", 2000, "killed", subject="Kim Jong Un's army",
              as_of="2025-02-01")])])
    fu = Fusion(store, {})
    assert "kim-jong-un-army.killed.person" in {f["id"] for f in fu.figures()}
    fu.merge("North Korea", "Kim Jong Un's army")
    assert "kim-jong-un-army.killed.person" not in {f["id"] for f in fu.figures()}
    assert fu.series(KILLED)["points"][-1]["value"] == 2000
    split = fu.split("North Korea", "Pyongyang")
    assert split["split"]["name"] == "Pyongyang" and "Pyongyang" not in split["entity"]["aliases"]
    assert fu.entity("Pyongyang")["doc_ids"] == ["d2kbs"]
    fu.undo(split["edit_id"])
    assert "Pyongyang" in fu.entity("North Korea")["aliases"]
    with pytest.raises(NotFound):
        fu.split("North Korea", "Seoul")
    fu.split("North Korea", "Kim Jong Un's army")  # undoes the merge
    assert "kim-jong-un-army.killed.person" in {f["id"] for f in fu.figures()}


def test_merge_survives_reingest_through_the_engine(tmp_path: Path, engine: Crosswire) -> None:
    """Real ingest path (extraction records written as the extractor would); a changed text is a new version."""
    src = tmp_path / "r.txt"
    src.write_text((FIXTURES / "hur_report.txt").read_text(encoding="utf-8"), encoding="utf-8")

    def ingest_with(names: list[str]) -> str:
        engine.ingest([str(src)], extract=False)
        doc_id = engine.documents()[-1]["id"]
        with engine.store.transaction():
            engine.store.save_extraction(doc_id, [entity(n, "ORG") for n in names], {})
        return doc_id

    first = ingest_with(["HUR", "Main Intelligence Directorate of Ukraine"])
    fu = Fusion(engine.store, engine.settings)
    fu.merge("Main Intelligence Directorate of Ukraine", "HUR")
    src.write_text(src.read_text(encoding="utf-8") + "\nUpdated: HUR repeated the estimate.\n", encoding="utf-8")
    second = ingest_with(["HUR"])
    assert first != second
    hur = Fusion(engine.store, engine.settings).entity("HUR")
    assert hur["name"] == "Main Intelligence Directorate of Ukraine" and hur["doc_ids"] == [second]


def test_ingested_reports_fuse_when_extraction_is_present(tmp_path: Path, engine: Crosswire) -> None:
    engine.ingest([str(FIXTURES)])
    if engine.store.count("claims") == 0:
        pytest.skip("extraction is not in place yet (no claims extracted from tests/fixtures/fuse)")
    fu = Fusion(engine.store, engine.settings)
    killed = [f for f in fu.figures(measure="killed")]
    assert killed and all(f["points"] for f in killed)
    fu.conflicts()
    fu.timeline()


# ---------------------------------------------------------------- timeline

def test_timeline_is_in_date_order(fusion: Fusion) -> None:
    items = fusion.timeline()
    dates = [i["date"] for i in items]
    assert dates == sorted(dates)
    kinds = {(i["date"], i["kind"]) for i in items}
    assert ("2024-12-19", "claim") in kinds and ("2024-12-27", "statement") in kinds
    assert ("2024-12-19", "event") in kinds  # "on the 19th", its sentence is not a claim sentence
    statement = next(i for i in items if i["kind"] == "statement" and i["source"] == "John Kirby")
    assert statement["doc_id"] == "d8frontline" and statement["start"] is not None
    assert [i["date"] for i in fusion.timeline(since="2025-01-14")] == ["2025-01-15", "2025-01-15"]


# ---------------------------------------------------------------- CLI

@pytest.fixture
def cli_run(store: Store, db: str, monkeypatch: pytest.MonkeyPatch):
    from crosswire.cli import cli
    from crosswire.cli_fuse import register

    register(cli)
    register(cli)  # a second call is harmless
    monkeypatch.setenv("CROSSWIRE_SOURCE_GRADES", '{"NIS" = "B"}')

    def run(*args: str) -> Any:
        result = CliRunner().invoke(cli, ["--db", db, *args], obj={}, catch_exceptions=False)
        return result

    return run


def test_cli_json_of_each_command(cli_run: Any) -> None:
    figures = json.loads(cli_run("figures", "--measure", "killed", "--json").output)
    assert [f["id"] for f in figures] == [KILLED] and figures[0]["points"][2]["grade"]["grade"] == "B"
    series = json.loads(cli_run("series", KILLED, "--json").output)
    assert series["n_points"] == 7 and series["figures"][0]["n_independent"] == 2
    conflicts = json.loads(cli_run("conflicts", "--json").output)
    assert {(c["kind"], c["check"]) for c in conflicts} == {("contradiction", "disjoint"), ("divergence", "divergence")}
    timeline = json.loads(cli_run("timeline", "--since", "2025-01", "--json").output)
    assert timeline and all(i["date"] >= "2025-01" for i in timeline)
    ents = json.loads(cli_run("entities", "list", "--type", "ORG", "--json").output)
    assert "nis" in {e["id"] for e in ents}
    merged = json.loads(cli_run("entities", "merge", "Main Intelligence Directorate", "HUR", "--json").output)
    assert merged["changed"] is True
    shown = json.loads(cli_run("entities", "show", "HUR", "--json").output)
    assert shown["name"] == "Main Intelligence Directorate"
    edits = json.loads(cli_run("entities", "edits", "--json").output)
    assert edits[0]["action"] == "merge"


def test_cli_plain_output_and_errors(cli_run: Any) -> None:
    out = cli_run("figures", "--measure", "killed").output
    assert "North Korea — killed (person)" in out and "YTN → Lee Seong-kweun → NIS" in out
    assert "said (very likely)" in out
    brief = cli_run("figures", "--brief").output
    assert "6 to 1,000" in brief
    assert "cannot both be true" in cli_run("conflicts").output
    assert "statement" in cli_run("timeline").output
    assert "Pyongyang" in cli_run("entities", "split", "North Korea", "Pyongyang").output
    bad = cli_run("series", "nope")
    assert bad.exit_code == 2 and "no series 'nope'" in bad.output
