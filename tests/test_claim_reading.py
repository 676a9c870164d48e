"""How a figure is read inside its report: whose count it is, what a headline's loose verb counts,
and which country's body says it. Every report here is invented for the project."""
from __future__ import annotations

import json

import pytest

from crosswire import Crosswire

from test_extract import claim, records


def _jsonl(title: str, body: str) -> str:
    return json.dumps({"id": "r1", "title": title, "published": "2025-04-10", "publisher": "Valley Post",
                       "text": f"{title}\n{body}\n"}) + "\n"


def test_the_counter_is_the_source_not_what_is_counted(cw: Crosswire) -> None:
    """"the Delta Flood Monitor had counted about 900 dead": the monitor keeps the count (its source);
    the dead are Tarvish, not the monitor's."""
    recs = records(cw, _jsonl("Flood deaths disputed",
                              "Last week, the Delta Flood Monitor had counted about 900 Tarvish dead on April 2."),
                   "count.jsonl")
    c = claim(recs, 900)
    assert c["subject"] != "Delta Flood Monitor" and c["source"] == "Delta Flood Monitor", c


def test_a_headline_figure_the_body_states_precisely_takes_its_measure(cw: Crosswire) -> None:
    """"Army has lost 1,300 soldiers" over "1,300 soldiers had been killed": killed, not a troop count."""
    recs = records(cw, _jsonl("MP: Tarvish army has lost 1,300 soldiers",
                              "Ola Brandt, a member of parliament, said on Tuesday that about 1,300 Tarvish "
                              "soldiers had been killed in the valley."), "lost.jsonl")
    measures = {c["measure"] for c in recs["claim"] if c["value"] == 1300}
    assert measures == {"killed"}, measures


def test_losing_soldiers_a_day_is_a_casualty_rate(cw: Crosswire) -> None:
    recs = records(cw, _jsonl("Valley fighting", "Tarvish units were losing about 60 soldiers a day, the monitor said."),
                   "rate.jsonl")
    assert claim(recs, 60)["measure"] == "casualties"


def test_an_organisation_the_model_reads_as_a_title_is_kept_as_an_organisation(cw: Crosswire) -> None:
    """After a dateline the model may call "The Valda River Directorate" a WORK_OF_ART (a label
    crosswire drops); its last word names an organisation, so it stays, as an ORG."""
    from spacy.tokens import Span

    from crosswire.nlp.entities import link_entities

    nlp = cw.extractor.nlp
    doc = nlp.make_doc("The Valda River Directorate said on Tuesday that 1,200 homes had been destroyed.")
    doc.ents = [Span(doc, 0, 4, label="WORK_OF_ART")]
    found = link_entities(doc, cw.extractor.gaz)
    assert [(m.canonical, m.label) for m in found] == [("Valda River Directorate", "ORG")]
    doc = nlp.make_doc("The Long Night said on Tuesday that 1,200 homes had been destroyed.")
    doc.ents = [Span(doc, 0, 3, label="WORK_OF_ART")]
    assert link_entities(doc, cw.extractor.gaz) == []


def test_a_bare_toll_where_the_report_counts_the_wounded_is_casualties(cw: Crosswire) -> None:
    """"put the toll at 4,000" right after "300 killed and 2,700 wounded" counts the dead and wounded;
    a "death toll" is always the dead, and a bare toll in a report without wounded is the dead."""
    recs = records(cw, _jsonl("Estimates rise",
                              "The agency's January estimate was about 300 killed and 2,700 wounded. "
                              "The general staff had put the toll at about 4,000 in March. "
                              "The death toll reached 900 by April, the agency said."), "toll.jsonl")
    assert claim(recs, 4000)["measure"] == "casualties"
    assert claim(recs, 900)["measure"] == "killed"
    recs = records(cw, _jsonl("Toll rises", "The directorate had previously put the toll at about 1,100."),
                   "toll2.jsonl")
    assert claim(recs, 1100)["measure"] == "killed"


def test_a_nationality_the_model_leaves_unlabelled_is_still_the_subject(cw: Crosswire) -> None:
    """"about 30,000 Tarvish troops": the model tags no NORP there, but "Tarvish" is a regular demonym of
    Tarvia, which the report names, so the figure is Tarvish, not the Kessian army's who reported it."""
    recs = records(cw, _jsonl("Garrison swells",
                              "The Kessian army said on Friday that about 30,000 Tarvish troops were deployed "
                              "along the border.\nTarvia's defence ministry has not commented."), "demonym.jsonl")
    assert claim(recs, 30000)["subject"] == "Tarvish"


def test_a_wire_dateline_is_no_speaker_subject_or_content(cw: Crosswire) -> None:
    """"ORLAND, May 9 (HW) - Tarvia's interior ministry said ...": the dateline's place and outlet stay
    entities of the report, but the ministry speaks, its statement starts after the dash, and the
    troops are Tarvia's, not the outlet's."""
    body = ("ORLAND, May 9 (HW) - Tarvia's interior ministry said on Friday that about 4,000 of its police "
            "officers were deployed in the north.\n\n"
            "VESKA, May 9 (HW) - Tarvia has about 7,000 troops near the border, a ministry official said.")
    recs = records(cw, _jsonl("Tarvia deploys police", body), "dateline.jsonl")
    doc = recs["document"][0]
    assert doc["text"][doc["dateline"][0]:doc["dateline"][1]].startswith("ORLAND, May 9 (HW) -")
    assert "Orland" in {e["name"].title() for e in recs["entity"]}
    said = [q for q in recs["quote"] if "4,000" in q["text"]]
    assert said and said[0]["text"].startswith("that about 4,000"), said
    assert "Orland" not in (said[0]["speaker"] or "").title() and said[0]["speaker"] is not None
    assert claim(recs, 4000)["source"] not in ("HW", "Orland", "ORLAND")
    assert claim(recs, 4000)["subject"] == "Tarvia"
    # only the report's first dateline is furniture: a later one stays text, and its figure is still Tarvia's
    assert claim(recs, 7000)["subject"] == "Tarvia"


@pytest.mark.parametrize("clause", ["have lost their lives", "lost their lives on the ridge"])
def test_a_multi_word_cue_is_read_as_one_cue(cw: Crosswire, clause: str) -> None:
    """claims.toml's killed cue "lose their live" is a phrase: "1,200 soldiers have lost their lives"
    counts the dead, not casualties (the single word "lose")."""
    recs = records(cw, _jsonl("Valley fighting", f"Officials told us that around 1,200 Tarvish soldiers {clause}."),
                   "lives.jsonl")
    assert claim(recs, 1200)["measure"] == "killed"


def test_a_lone_lose_stays_a_casualty_cue(cw: Crosswire) -> None:
    recs = records(cw, _jsonl("Valley fighting", "Tarvish units lose about 1,200 soldiers every month, the monitor said."),
                   "lose.jsonl")
    assert claim(recs, 1200)["measure"] == "casualties"
