"""Extraction on sentences written for the project: quotes, attribution chains, claims fields."""
from __future__ import annotations

from pathlib import Path

import pytest

from crosswire import Crosswire
from crosswire.clean import clean_document
from crosswire.ingest.readers import Input, read_items


def records(cw: Crosswire, text: str, name: str = "r.txt") -> dict[str, list[dict]]:
    items = read_items(Input(name, text.encode("utf-8")))
    doc = clean_document(items[0])
    out: dict[str, list[dict]] = {}
    for rec in cw.extractor.extract_many([doc])[doc.id]:
        out.setdefault(rec["record"], []).append(rec)
    out["document"] = [doc.record()]
    return out


def claim(recs: dict, value: float) -> dict:
    hits = [c for c in recs.get("claim", []) if value in (c["value"], c["low"], c["high"])]
    assert hits, f"no claim with {value}: {[c['span'] for c in recs.get('claim', [])]}"
    return hits[0]


REPORT = """date 2024-12-20
[Anchor]
South Korea's spy agency says North Korean losses in Russia are mounting.
Reporter Park Ji-won reports.
[Reporter]
On the 18th local time, Ukrainian drones struck a North Korean unit near Kursk.
The strike killed 30 soldiers, including four North Korean officers, according to the Ukrainian outlet Kiwu Post.
It added that more than 20 North Korean soldiers were wounded.
A South Korean lawmaker revealed that about 1,000 North Korean troops have been pulled back.
Rep. Lee Seong-kweun of the ruling party gave the figure after a closed briefing.
Analysts estimate that even if 5,000 more troops are sent, Pyongyang will earn more than 300 billion won a year.
[Marcus Hale/Senior Fellow, Institute for Eurasian Studies/Dec. 12: "North Korea has shipped millions of shells to Russia this year."]
[Inga Berg, Defence Analyst: Russia supplies less than 5% of the North's imports, while China supplies more than 80%.
I'm YTN's Park Jiwon.
"""


@pytest.fixture(scope="module")
def report(cw: Crosswire) -> dict:
    return records(cw, REPORT)


def test_metadata_and_romanised_byline(report: dict) -> None:
    doc = report["document"][0]
    assert doc["publisher"] == "YTN" and doc["published"] == "2024-12-20" and doc["authors"] == ["Park Ji-won"]


def test_soundbite_layouts_give_speaker_and_date(report: dict) -> None:
    quotes = {q["speaker"]: q for q in report["quote"]}
    assert quotes["Marcus Hale"]["said_on"] == "2024-12-12"
    assert quotes["Marcus Hale"]["text"].startswith("North Korea has shipped millions of shells")
    assert quotes["Inga Berg"]["text"].startswith("Russia supplies less than 5%")  # closing bracket missing
    assert len([q for q in report["quote"] if q["kind"] == "soundbite"]) == 2


def test_according_to_and_mistranscribed_outlet(report: dict) -> None:
    c = claim(report, 30)
    assert (c["measure"], c["source"], c["as_of"]) == ("killed", "Kyiv Post", "2024-12-18")
    officers = claim(report, 4)
    assert (officers["measure"], officers["subject"]) == ("killed", "North Korea")


def test_pronoun_carries_the_previous_source(report: dict) -> None:
    c = claim(report, 20)
    assert (c["qualifier"], c["measure"], c["source"]) == ("more_than", "wounded", "Kyiv Post")


def test_role_noun_resolves_to_the_titled_person(report: dict) -> None:
    c = claim(report, 1000)
    assert c["qualifier"] == "approx" and c["source"] == "Lee Seong-kweun" and c["subject"] == "North Korea"


def test_hypothetical_and_generic_source(report: dict) -> None:
    troops, money = claim(report, 5000), claim(report, 300e9)
    assert troops["conditional"] and money["conditional"]
    assert money["unit"] == "KRW" and money["qualifier"] == "more_than" and money["source"] == "analysts"


def test_claims_in_soundbites_belong_to_the_speaker(report: dict) -> None:
    shells = claim(report, 1_000_000)
    assert (shells["unit"], shells["measure"], shells["source"]) == ("shell", "materiel", "Marcus Hale")
    assert shells["as_of"] == "2024-12-12"
    share = claim(report, 5)
    assert (share["unit"], share["qualifier"], share["subject"]) == ("percent", "less_than", "Russia")
    assert claim(report, 80)["subject"] == "China"


def test_times_resolved_against_publication_date(report: dict) -> None:
    values = {t["text"]: t["value"] for t in report["time"]}
    assert values.get("the 18th") == "2024-12-18"
    assert any(v == "2024-12-12" for v in values.values())


def test_versions_on_every_record(report: dict) -> None:
    for kind in ("entity", "quote", "claim", "time"):
        assert all(r["version"] for r in report[kind]), kind


def test_no_claims_from_dates_phones_and_identifiers(cw: Crosswire) -> None:
    recs = records(cw, "On Oct. 3, 2024, the KN-23 missile hit Kharkiv. Call 02-398-8585 or mail tips2024@example.com.\n")
    assert recs.get("claim", []) == []


def test_malformed_and_absurd_input_never_crashes(cw: Crosswire) -> None:
    recs = records(cw, "[[[: ]]] 99999999999999999999999999999 troops ,,, 1e999 % % [ :\n")
    assert "error" not in recs
    for c in recs.get("claim", []):
        assert c["flags"], "an absurd number must be flagged"


def test_extract_cli_writes_contract_records(tmp_path: Path, run_cli) -> None:
    src = tmp_path / "r.txt"
    src.write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli("extract", str(src), "--jsonl", str(out))
    assert result.exit_code == 0, result.output
    kinds = {line.split('"record": "')[1].split('"')[0] for line in out.read_text().splitlines()}
    assert {"document", "entity", "quote", "claim", "time"} <= kinds
