"""Statements: every attribution relation, its speaker, cue, kind and content span (project-written text)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crosswire.engine import Crosswire


@pytest.fixture(scope="module")
def cw() -> Crosswire:
    return Crosswire(db=":memory:")


def read(cw: Crosswire, tmp_path: Path, text: str, name: str = "report.txt") -> dict[str, Any]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out: dict[str, Any] = {"quote": [], "claim": []}
    for rec in cw.extract_records([str(path)]):
        if rec["record"] == "document":
            out["document"] = rec
        else:
            out.setdefault(rec["record"], []).append(rec)
    return out


def statement(report: dict[str, Any], words: str) -> dict[str, Any]:
    hits = [q for q in report["quote"] if words in q["text"]]
    assert hits, f"no statement holds {words!r}: {[q['text'] for q in report['quote']]}"
    return min(hits, key=lambda q: len(q["text"]))


def spans_are_exact(report: dict[str, Any]) -> None:
    """Every statement's offsets point into the clean text: its content, or the pieces it is made of."""
    text = report["document"]["text"]
    for q in report["quote"]:
        assert 0 <= q["start"] <= q["end"] <= len(text)
        if q.get("parts"):
            assert " … ".join(text[a:b] for a, b in q["parts"]) == q["text"]
        elif q["kind"] != "soundbite":
            assert text[q["start"]:q["end"]] == q["text"]


REPORT = """Ministry says 300 soldiers killed near the border

Ukraine's Ministry of Defence published new figures on Monday. General Petro Marchenko said 40 soldiers had died in one week. The ministry said that 300 soldiers had been killed near the border since October.

"We will not send more troops to that sector," Defence Minister Anna Kovacs told reporters in Kyiv. "The line is holding. Reinforcements are not needed."

According to the National Intelligence Service, about 600 soldiers were wounded in the same period.

A lawmaker, citing the National Intelligence Service, said 3,000 troops had been deployed by December.

Kim Jong-un spoke at a party meeting on Friday. He said the army was ready for any order.

Mark Ellison, a researcher at the Institute for Eurasian Studies, called the deployment "a historic mistake for both countries" in an interview.
"""


@pytest.fixture(scope="module")
def report(cw: Crosswire, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return read(cw, tmp_path_factory.mktemp("statements"), REPORT)


def test_indirect_statement_of_a_described_source(report: dict[str, Any]) -> None:
    st = statement(report, "300 soldiers had been killed")
    assert st["kind"] == "indirect" and st["cue"] == "said"
    assert "Ministry of Defence" in (st["speaker"] or "") and st["speaker_text"] == "The ministry"


def test_direct_quote_resumed_after_its_cue_is_one_statement(report: dict[str, Any]) -> None:
    st = statement(report, "We will not send more troops")
    assert st["speaker"] == "Anna Kovacs" and st["cue"] == "told"
    assert "Reinforcements are not needed" in st["text"] and "told reporters" not in st["text"]
    assert len(st["parts"]) == 2


def test_according_to_and_the_claim_it_holds_agree(report: dict[str, Any]) -> None:
    st = statement(report, "about 600 soldiers were wounded")
    assert st["kind"] == "according_to" and st["speaker"] == "National Intelligence Service"
    wounded = next(c for c in report["claim"] if c["value"] == 600)
    assert wounded["source"] == st["speaker"]  # one mechanism for quotes and claims


def test_citing_makes_a_chain(report: dict[str, Any]) -> None:
    st = statement(report, "3,000 troops had been deployed")
    assert st["chain"][-1] == "National Intelligence Service" and len(st["chain"]) == 2
    troops = next(c for c in report["claim"] if c["value"] == 3000)
    assert troops["attribution"] == st["chain"]


def test_pronoun_speaker_is_the_person_named_before(report: dict[str, Any]) -> None:
    st = statement(report, "the army was ready")
    assert st["speaker_text"] == "He" and "Kim Jong" in (st["speaker"] or "")


def test_partly_quoted_content_is_mixed(report: dict[str, Any]) -> None:
    st = statement(report, "a historic mistake")
    assert st["kind"] == "mixed" and st["speaker"] == "Mark Ellison" and st["cue"] == "called"


def test_offsets_are_exact(report: dict[str, Any]) -> None:
    spans_are_exact(report)


def test_a_figure_outside_any_statement_is_the_publishers(cw: Crosswire, tmp_path: Path) -> None:
    got = read(cw, tmp_path, "Border report\n\nAbout 40 trucks crossed the bridge on Tuesday. Nobody was hurt.\n")
    trucks = next(c for c in got["claim"] if c["value"] == 40)
    assert "default-source" in trucks["flags"]


def test_briefing_turns_are_transcript_statements(cw: Crosswire, tmp_path: Path) -> None:
    text = ("Regular Press Briefing\n\nMS. LEE: Our assessment is that 12,000 soldiers are now in the region.\n\n"
            "Q: Can you say where they are?\n\nMS. LEE: I will not go into detail.\n")
    got = read(cw, tmp_path, text)
    turns = [q for q in got["quote"] if q["kind"] == "transcript"]
    assert [q["speaker_text"] for q in turns] == ["MS. LEE", "Q", "MS. LEE"]
    soldiers = next(c for c in got["claim"] if c["value"] == 12000)
    assert soldiers["source"] == turns[0]["speaker"] == "Ms. Lee"


@pytest.mark.parametrize("text", [
    'The minister said "the figure is wrong and will be corrected tomorrow, as she told the\n\ncommittee.',
    'An official said: "' + "troops " * 5000 + '"',
    'He said "they told us \'300 soldiers\' were there" and left.',
    '"It started in March.\n\nIt is not over," the general said.',
    "«»“”\"\"' said said said according to according to",
])
def test_bad_quotes_never_crash_or_misplace(cw: Crosswire, tmp_path: Path, text: str) -> None:
    got = read(cw, tmp_path, "Headline for a test\n\n" + text + "\n")
    assert not got.get("error"), got.get("error")  # a crash would be an error record with no statements
    spans_are_exact(got)


def test_a_pronoun_prefers_the_person_named_since(cw: Crosswire, tmp_path: Path) -> None:
    text = ("Talks in Geneva\n\nJohn Smith said the talks would resume in March. Then Mary Jones arrived "
            "from Vienna. She said the delegations had not agreed on an agenda.\n")
    got = read(cw, tmp_path, text)
    assert statement(got, "not agreed on an agenda")["speaker"] == "Mary Jones"
    assert statement(got, "would resume in March")["speaker"] == "John Smith"


def test_per_cent_is_not_an_attribution(cw: Crosswire, tmp_path: Path) -> None:
    got = read(cw, tmp_path, "Prices\n\nFood prices rose 5 per cent in March and fuel 3 per cent.\n")
    assert not [q for q in got["quote"] if q["kind"] == "according_to"]


def test_a_long_report_keeps_exact_statement_offsets(cw: Crosswire, tmp_path: Path) -> None:
    """Past the first section of a long report (read in sections) every piece still points at its words."""
    para = ('"The convoy left at dawn," the commander said. "It reached the bridge by noon." '
            'Officials said 120 trucks had crossed since Monday.\n\n')
    got = read(cw, tmp_path, "Convoys\n\n" + para * 700)
    assert len(got["document"]["text"]) > 60_000 and not got.get("error")
    assert sum(1 for q in got["quote"] if q.get("parts")) > 100
    spans_are_exact(got)


def test_a_description_used_as_a_title_before_leads_back_to_the_person(cw: Crosswire, tmp_path: Path) -> None:
    text = ("Campaign stop\n\nRepublican candidate Dana Whitfield spoke in Ohio on Monday. The candidate said the "
            "plant would reopen in spring.\n")
    got = read(cw, tmp_path, text)
    st = statement(got, "plant would reopen")
    assert st["speaker_text"] == "The candidate" and st["speaker"] == "Dana Whitfield"


def test_turns_of_a_transcript_quoted_as_a_block(cw: Crosswire, tmp_path: Path) -> None:
    """Each paragraph of a quoted transcript opens with a quotation mark before its speaker's label."""
    text = ("Interview with the governor\n\nThe governor spoke to a local station on Sunday. The station "
            "published the exchange as follows:\n\n"
            '"HOST: Will the bridge reopen before winter?\n\n'
            '"GOVERNOR BALE: We expect the bridge to reopen in November, and the repairs cost 40 million dollars.\n\n'
            '"HOST: Thank you, Governor."\n')
    got = read(cw, tmp_path, text)
    turns = [q for q in got["quote"] if q["kind"] == "transcript"]
    assert [q["speaker_text"] for q in turns] == ["HOST", "GOVERNOR BALE", "HOST"]
    assert turns[1]["text"].startswith("We expect the bridge") and turns[2]["text"] == "Thank you, Governor."
    assert all(q["kind"] == "transcript" for q in got["quote"] if "Will the bridge" in q["text"])  # not "follows"
    spans_are_exact(got)


def test_one_labelled_paragraph_is_not_a_transcript(cw: Crosswire, tmp_path: Path) -> None:
    got = read(cw, tmp_path, 'Notes\n\n"NOTE: The bridge stays closed until Friday.\n\nTraffic was light.\n')
    assert not [q for q in got["quote"] if q["kind"] == "transcript"]


def test_a_cue_ending_its_paragraph_with_a_colon_introduces_the_next(cw: Crosswire, tmp_path: Path) -> None:
    text = ("Budget talks\n\nThe finance committee met on Tuesday. Its chairwoman, Ruth Okafor, wrote:\n\n"
            '"The budget will grow by four percent next year.\n\n'
            '"We will not cut the school programs."\n\nThe vote is on Friday.\n')
    got = read(cw, tmp_path, text)
    st = statement(got, "budget will grow")
    assert st["cue"] == "wrote" and "Ruth Okafor" in (st["speaker"] or "")
    assert "school programs" in st["text"] and "vote is on Friday" not in st["text"]
    assert len(st["parts"]) == 2  # one piece per paragraph: a span never crosses a paragraph break
    spans_are_exact(got)


@pytest.mark.parametrize("block", [
    '"' + "The budget grows. " * 3000 + "\n",  # a 5,000-word quotation that never closes
    '"Unbalanced first part\n\n' * 40,  # more quoted paragraphs than a block may take
    '\u201cNested \u2018quotes\u2019 and \u201cmore\u201d\n\n\u201cStill quoted\u201d\n',
])
def test_colon_blocks_on_bad_input_keep_exact_offsets(cw: Crosswire, tmp_path: Path, block: str) -> None:
    got = read(cw, tmp_path, "Budget talks\n\nThe chairwoman wrote:\n\n" + block + "\nThe vote is on Friday.\n")
    assert not got.get("error"), got.get("error")
    spans_are_exact(got)
    assert all(len(q.get("parts") or []) <= 20 for q in got["quote"])


def read_jsonl(cw: Crosswire, tmp_path: Path, text: str) -> dict[str, Any]:
    """A report given as a JSONL line with only its text: the headline stays its first line."""
    return read(cw, tmp_path, json.dumps({"id": "r1", "text": text}) + "\n", name="report.jsonl")


def test_a_headline_gives_its_words_to_the_source_before_its_colon(cw: Crosswire, tmp_path: Path) -> None:
    got = read_jsonl(cw, tmp_path, "Dana Reyes: The Bridge Must Be Rebuilt This Year.\n\nThe vote is on Friday.\n")
    st = statement(got, "Bridge Must Be Rebuilt")
    assert st["cue"] == ":" and st["speaker_text"] == "Dana Reyes" and "Reyes" in (st["speaker"] or "")
    assert st["text"] == "The Bridge Must Be Rebuilt This Year"
    poll = read_jsonl(cw, tmp_path, "Poll: Most Voters Want Lower Fares.\n\nThe survey ran for a week.\n")
    assert statement(poll, "Most Voters Want")["speaker_text"] == "Poll"


def test_a_headline_colon_without_a_source_is_no_statement(cw: Crosswire, tmp_path: Path) -> None:
    got = read_jsonl(cw, tmp_path, "Winter notes: snow falls early in the valley.\n\nThe roads stayed open.\n")
    assert not [q for q in got["quote"] if q["cue"] == ":"]


def test_a_participle_on_a_name_takes_the_name_as_source(cw: Crosswire, tmp_path: Path) -> None:
    text = ("Front line\n\nGeneral Petro Marchenko, denying that any unit had retreated, flew to the front on "
            "Tuesday.\n")
    st = statement(read(cw, tmp_path, text), "any unit had retreated")
    assert st["speaker"] == "Petro Marchenko" and st["cue"] == "denying"


def test_the_source_as_written_keeps_its_apposition(cw: Crosswire, tmp_path: Path) -> None:
    text = ("Harbour\n\nMaria Olsen, the director of the port authority, said that 40 ships had been turned "
            "away since June.\n")
    st = statement(read(cw, tmp_path, text), "ships had been turned away")
    assert st["speaker"] == "Maria Olsen"
    assert st["speaker_text"] == "Maria Olsen, the director of the port authority"


def test_a_cue_after_a_preposition_takes_the_subject_of_the_verb_before(cw: Crosswire, tmp_path: Path) -> None:
    text = ("Budget\n\nRuth Okafor opened the meeting on Monday by saying that the budget would grow by four "
            "percent next year.\n")
    st = statement(read(cw, tmp_path, text), "budget would grow")
    assert st["speaker"] == "Ruth Okafor" and st["cue"] == "saying"


def test_a_passive_cue_has_its_subject_as_content_and_its_agent_as_source(cw: Crosswire, tmp_path: Path) -> None:
    text = "Harbour\n\nThe new harbour plan was first reported by the Coastal Tribune on Monday.\n"
    got = read(cw, tmp_path, text)
    st = next(q for q in got["quote"] if q["cue"] and "reported" in q["cue"])
    assert st["text"] == "The new harbour plan" and "Coastal Tribune" in (st["speaker"] or "")
    spans_are_exact(got)


def test_a_quotation_the_cue_interrupts_is_one_statement_in_two_parts(cw: Crosswire, tmp_path: Path) -> None:
    report = read(cw, tmp_path, "Harbour reopens\n\n"
                  "“If the cranes are back by May,” the port director says, “the first ships can dock in June.”\n\n"
                  "“We lost two berths,” said Lena Ortiz, an engineer who has worked at the port for a decade. "
                  "“The rest held. The sea wall did its job.”\n")
    spans_are_exact(report)
    first = statement(report, "the first ships can dock")
    assert "If the cranes are back by May" in first["text"] and len(first["parts"]) == 2
    assert "port director" in (first["speaker_text"] or "") and "says" not in first["text"]
    second = statement(report, "The sea wall did its job")
    assert "We lost two berths" in second["text"] and second["speaker"] == "Lena Ortiz"
    assert "engineer" not in second["text"]


def test_the_setting_of_an_act_is_not_its_content(cw: Crosswire, tmp_path: Path) -> None:
    report = read(cw, tmp_path, "Mayor and the budget\n\n"
                  "Mayor Dana Whitfield criticized the new budget as a “gift to developers” during a campaign "
                  "stop in Riverton on Tuesday.\n\n"
                  "The harbour master announced a new tariff on Monday in a statement to shipping agents.\n\n"
                  "The council member praised the plan as he toured the new depot.\n")
    spans_are_exact(report)
    budget = statement(report, "gift to developers")
    assert budget["text"] == "the new budget as a “gift to developers”"
    assert statement(report, "tariff")["text"] == "a new tariff"
    assert statement(report, "the plan")["text"] == "the plan"  # his own act while he speaks is the setting


def test_a_quotation_another_cue_introduces_is_not_the_resumption_of_the_one_before(cw: Crosswire,
                                                                                   tmp_path: Path) -> None:
    """'"A," she said, adding later, "B."' and '"A," she said. "B," he said.': B is the next cue's; with
    no cue of its own ('"A," she said. "B."') it goes on with A."""
    report = read(cw, tmp_path, "Harbour works\n\n"
                  "“The cranes are back,” the port director said, adding later, “The berths open in May.”\n\n"
                  "“We lost two berths,” said Lena Ortiz. “The ferry line will pay for the repairs,” her deputy "
                  "said.\n\n"
                  "“The sea wall held,” Ortiz said. “It did its job.”\n")
    spans_are_exact(report)
    assert statement(report, "The cranes are back")["text"] == "“The cranes are back,”"
    assert statement(report, "We lost two berths")["text"] == "“We lost two berths,”"
    ferry = statement(report, "ferry line")
    assert ferry["text"] == "“The ferry line will pay for the repairs,”" and "Ortiz" not in str(ferry["speaker"])
    held = statement(report, "The sea wall held")
    assert "It did its job" in held["text"] and len(held["parts"]) == 2


def test_a_paragraph_that_is_only_a_quotation_goes_on_with_the_last_speaker(cw: Crosswire, tmp_path: Path) -> None:
    """'"A," she said.' closing its paragraph and the next paragraph a bare quotation: one statement of two
    pieces; a next paragraph with a cue of its own, or with more than the quotation, stays apart."""
    report = read(cw, tmp_path, "Harbour reopens\n\n"
                  "“The berths are open,” the port director said.\n\n"
                  "“The ferries start on Monday and the cargo ships a week later.”\n\n"
                  "“The cranes are back,” Lena Ortiz said.\n\n"
                  "“The sea wall held,” her deputy said.\n\n"
                  "“We lost two berths,” Ortiz said.\n\n"
                  "“Repairs take a year.” The council meets on Friday.\n")
    spans_are_exact(report)
    opened = statement(report, "The berths are open")
    assert "The ferries start on Monday" in opened["text"] and len(opened["parts"]) == 2
    assert statement(report, "The cranes are back")["text"] == "“The cranes are back,”"
    assert "Repairs" not in statement(report, "We lost two berths")["text"]


def test_a_signed_line_is_one_quotation_with_the_quotations_inside_it(cw: Crosswire, tmp_path: Path) -> None:
    report = read(cw, tmp_path, "What readers wrote\n\n"
                  "“I would rather wait for what the council calls “progress” than pay twice for it.” ― Mara Quist\n")
    spans_are_exact(report)
    signed = statement(report, "pay twice")
    assert signed["text"].startswith("“I would rather wait") and signed["speaker"] == "Mara Quist"
    assert not any(q["cue"] == "calls" for q in report["quote"])  # the signer's own words hold no cue


def _relations(cw: Crosswire, text: str, bounds: Any = None) -> list[tuple[str, str]]:
    from crosswire.extract.statements import find_relations

    res = cw.resources
    doc = cw.extractor.nlp(text)
    return [(r.cue, text[r.start:r.end]) for r in find_relations(doc, res.cues, bounds=bounds or res.boundaries)]


BOUNDS_TEXT = ("The harbour master announced a new tariff on Monday in a statement to shipping agents.\n\n"
               "Councillor Ines Varga said the depot would close in March, but the transport board has not "
               "confirmed the date.")


def test_the_content_boundary_model_decides_where_the_content_ends(cw: Crosswire) -> None:
    """The learned model (data/content_model.json) leaves the time and the occasion of the act out and keeps a
    clause the speaker coordinates; with a model that keeps every dependent the content runs to the stop."""
    from crosswire.extract.cues import CueTable

    learned = dict(_relations(cw, BOUNDS_TEXT))
    assert learned["announced"] == "a new tariff"
    assert learned["said"].endswith("has not confirmed the date")
    everything = dict(_relations(cw, BOUNDS_TEXT, CueTable(weights={}, threshold=0.5)))
    assert everything["announced"] == "a new tariff on Monday in a statement to shipping agents"


def test_a_data_folder_content_model_replaces_the_bundled_one(tmp_path: Path) -> None:
    """The boundary model is a data file: one in --data DIR is the one read (a model that keeps nothing but the
    clause a cue says drops the statements without one and cuts the clause to its core)."""
    model = {"about": "test model: every unit out", "threshold": 0.5, "weights": {"bias": -5.0}}
    (tmp_path / "content_model.json").write_text(json.dumps(model), encoding="utf-8")
    cw = Crosswire(db=":memory:", data=str(tmp_path))
    report = read(cw, tmp_path, "Port report\n\n" + BOUNDS_TEXT + "\n")
    texts = [q["text"] for q in report["quote"]]
    assert not any("tariff" in t for t in texts)
    said = [t for t in texts if t.startswith("the depot would close")]
    assert said and "confirmed" not in said[0]


def test_said_citing_a_source_that_takes_the_clause_and_the_chain(cw: Crosswire, tmp_path: Path) -> None:
    report = read(cw, tmp_path, "Flood toll rises\n\n"
                  "Mara Quist, a member of the regional assembly, said on Friday, citing the Coastal Survey Office, "
                  "that about 240 homes had been flooded in the delta.\n")
    st = statement(report, "240 homes had been flooded")
    assert "citing" not in st["text"] and st["speaker"] == "Mara Quist"
    assert st["chain"][-1].endswith("Coastal Survey Office") and len(st["chain"]) == 2
    homes = next(c for c in report["claim"] if c["value"] == 240)
    assert homes["source"] == "Mara Quist"


def test_a_possessive_organisation_is_not_its_possessor(cw: Crosswire, tmp_path: Path) -> None:
    report = read(cw, tmp_path, "Border report\n\n"
                  "About 700 troops crossed the river overnight, Velmar's Joint Border Command said on Monday.\n")
    st = statement(report, "700 troops crossed the river")
    assert st["speaker"] in ("Velmar's Joint Border Command", "Joint Border Command")  # never "Velmar"
    troops = next(c for c in report["claim"] if c["value"] == 700)
    assert troops["source"] == st["speaker"]


def test_a_stance_noun_attributes_its_object_to_its_owner(cw: Crosswire, tmp_path: Path) -> None:
    report = read(cw, tmp_path, "Harbour budget\n\n"
                  "The mayor's critique of the harbour budget drew applause. "
                  "Councillor Ines Varga raised questions about the ferry contract.\n\n"
                  "Support for the ferry grew over the summer.\n")
    spans_are_exact(report)
    criticism = statement(report, "the harbour budget")
    assert criticism["text"] == "the harbour budget" and criticism["speaker_text"] == "The mayor"
    questions = statement(report, "the ferry contract")
    assert questions["text"] == "the ferry contract" and "Ines Varga" in (questions["speaker"] or "")
    assert "about" in questions["cue"] and not any(q["text"].startswith("questions") for q in report["quote"])
    assert not any("the ferry" == q["text"] for q in report["quote"])  # support with no owner: no statement


def test_a_name_after_the_cue_is_the_source_when_the_parser_took_a_quoted_subject(cw: Crosswire, tmp_path: Path) -> None:
    report = read(cw, tmp_path, "Port strike\n\n"
                  "“The port is closed. Fully closed,” said Tomas Reyl, a spokesman for the dockers' union.\n")
    st = statement(report, "Fully closed")
    assert st["speaker"] == "Tomas Reyl"


def test_a_subject_the_parse_lost_is_found_from_the_clause_around_the_cue(cw: Crosswire, tmp_path: Path) -> None:
    """A fronted clause or phrase without a subject is its main clause's subject's act; a finite cue whose
    subject the parser hung on a fronted phrase as an apposition takes that noun phrase back."""
    got = read(cw, tmp_path, "Harbour vote delayed\n\nPromising that the harbour would reopen by June, Mayor "
               "Ines Varga asked the council for patience.\n\nAfter blasting the ferry operator for its delays, "
               "Tomas Reyl demanded a public hearing.\n\nConsidering that the ferries stopped, it is odd that "
               "the port stayed open.\n\nAt Dunmore Pier, where it costs sailors $500 to moor, Jan Okafor, the "
               "pier's longtime manager, suggested that the fees could be lowered next year.\n")
    assert "Ines Varga" in (statement(got, "the harbour would reopen")["speaker"] or "")
    assert statement(got, "the ferry operator")["speaker"] == "Tomas Reyl"
    assert not any("the ferries stopped" in q["text"] and q["speaker"] for q in got["quote"])
    fees = statement(got, "the fees could be lowered")
    assert fees["speaker"] == "Jan Okafor" and "longtime manager" in (fees["speaker_text"] or "")


def test_a_quotation_of_several_sentences_before_its_cue_is_the_statement(cw: Crosswire, tmp_path: Path) -> None:
    """The parser hangs '… Jane Roe told reporters' on a verb of the quotation's last sentence: the quotation
    is the content, whole, even when it closes on an inner quotation ("… say 'it works,'")."""
    got = read(cw, tmp_path, "Ferry strike\n\nThe union met on Monday.\n\n\u201cThe crews are tired. Maybe you "
               "don\u2019t agree with the strike, but you can at least say \u2018they\u2019re honest people,\u2019"
               "\u201d Maria Olsen told reporters.\n")
    st = statement(got, "The crews are tired")
    assert st["speaker"] == "Maria Olsen" and st["cue"] == "told"
    assert "honest people" in st["text"] and st["kind"] == "direct"
    spans_are_exact(got)


def test_a_participle_cue_at_the_end_of_a_statement_starts_the_next(cw: Crosswire, tmp_path: Path) -> None:
    """'said …, telling reporters that …': the participle and what it introduces are the speaker's next
    statement, not the end of the first."""
    got = read(cw, tmp_path, "Ferry schedule\n\nMaria Olsen said she saw no need to change the schedule, "
               "telling reporters that the ferries would run on Sunday.\n")
    first = statement(got, "no need to change")
    assert "telling" not in first["text"] and "ferries" not in first["text"]
    assert statement(got, "the ferries would run")["cue"] == "telling"
    spans_are_exact(got)


def test_a_description_points_back_to_the_named_speaker_no_entity_carries(cw: Crosswire, tmp_path: Path) -> None:
    """'The directorate also said' after a speaker the tagger did not name as an entity ("Esland's Defence
    Intelligence Directorate told …"): the same speaker, for the statement and the figures it holds."""
    got = read(cw, tmp_path, "Esland losses\n\nEsland's Defence Intelligence Directorate told lawmakers on Monday "
               "that about 9,000 soldiers had been killed since March. The directorate also said about 12,000 "
               "soldiers were wounded.\n")
    first = statement(got, "9,000 soldiers")
    second = statement(got, "12,000 soldiers")
    assert first["speaker"] and "Directorate" in first["speaker"]
    assert second["speaker"] == first["speaker"] and second["speaker_text"] == "The directorate"
    wounded = next(c for c in got["claim"] if c["value"] == 12000)
    assert wounded["source"] == first["speaker"]


def test_a_name_the_parser_hung_on_a_fronted_phrase_is_the_subject_of_the_verb_after_it(cw: Crosswire,
                                                                                         tmp_path: Path) -> None:
    """'In a meeting with the board of the Gazette Jane Roe said …': the parser makes the name the object of
    the phrase and leaves the verb without a subject; the name right before the verb is its subject."""
    got = read(cw, tmp_path, "Ferry plans\n\nIn a June meeting with the editorial board of the Washington Post "
               "Obama said that the ferry service may need to be cut in the coming years.\n")
    st = statement(got, "the ferry service may need")
    assert st["speaker_text"] == "Obama" and st["speaker"] and st["speaker"].endswith("Obama")


def test_a_statement_inside_another_statement_is_passed_on_by_the_outer_speaker(cw: Crosswire,
                                                                                 tmp_path: Path) -> None:
    """'X said that Y estimated …': Y's statement reached the report through X, so its chain is [X, Y]; a
    statement that no other holds keeps a chain of its own speaker only."""
    got = read(cw, tmp_path, "Harbour damage\n\nMayor Ines Varga said the harbor master, Tomas Reyl, had warned "
               "that 14 ships could sink.\n\nMayor Ines Varga said that, according to the Harbor Authority, 9 "
               "cranes had been damaged.\n\nTomas Reyl said the repairs would take a year.\n")
    outer = next(q for q in got["quote"] if q["cue"] == "said" and "14 ships" in q["text"])
    assert "Ines Varga" in outer["speaker"]
    ships = next(c for c in got["claim"] if c["value"] == 14)  # the figure Y gave, passed on by X
    assert ships["source"] == "Tomas Reyl" and ships["attribution"] == [outer["speaker"], "Tomas Reyl"]
    warned = next((q for q in got["quote"] if q["cue"] == "had warned"), None)
    if warned is not None:  # (the statement filter may withhold the nested statement's own record)
        assert warned["speaker"] == "Tomas Reyl" and warned["chain"] == [outer["speaker"], "Tomas Reyl"]
    cited = next(q for q in got["quote"] if q["kind"] == "according_to")
    host = next(q for q in got["quote"] if q["cue"] == "said" and "9 cranes" in q["text"])
    assert cited["chain"] == [host["speaker"], "Harbor Authority"] and "Ines Varga" in host["speaker"]
    assert statement(got, "the repairs would take")["chain"] == ["Tomas Reyl"]


def test_subjects_listed_side_by_side_are_one_source(cw: Crosswire, tmp_path: Path) -> None:
    """'The family, protesters and civic leaders have demanded …' (the parser hangs each on the verb) and
    'Jane Roe, the mayor, and John Doe, a lawyer, said …': the source as written is the whole list."""
    got = read(cw, tmp_path, "Harbour video\n\nThe family, protesters and civic leaders have been demanding "
               "that the harbour police release the video.\n\nInes Varga, the mayor, and Tomas Reyl, a lawyer, "
               "said the video was clear.\n")
    assert statement(got, "the harbour police release")["speaker_text"] == "The family, protesters and civic leaders"
    assert statement(got, "the video was clear")["speaker_text"] == "Ines Varga, the mayor, and Tomas Reyl, a lawyer"


def test_a_finite_verb_after_a_reported_clause_goes_with_the_reporting_verb(cw: Crosswire, tmp_path: Path) -> None:
    """'X said that the port would close … and suggested that …': the parser coordinates "suggested" with
    "would close"; the tense says it goes with "said", so its source is X, not the clause's subject."""
    got = read(cw, tmp_path, "Harbour plans\n\nMayor Ines Varga said this week that the port authority would "
               "formally close the north pier by the end of March and suggested that it would sell the old "
               "cranes.\n")
    st = statement(got, "it would sell the old cranes")
    assert "Ines Varga" in (st["speaker"] or "") and "Ines Varga" in (st["speaker_text"] or "")


def test_a_cue_that_restates_the_one_it_is_inside_is_not_a_second_statement(cw: Crosswire, tmp_path: Path) -> None:
    """'went on to explain how …', 'published its results by announcing that …': one act, one statement."""
    found = read(cw, tmp_path, "Harbor Gazette reports on the flood.\n\n"
                               "Mayor Lena Ortiz went on to explain how the city would pay for repairs to the "
                               "levee and the pumps.\n\nThe inspection board published the results of its review "
                               "on Tuesday by announcing that the dam had failed because of poor maintenance.\n")
    for words in ("how the city would pay", "the dam had failed"):
        holding = [q for q in found["quote"] if words in q["text"]]
        assert len(holding) == 1, holding
    assert statement(found, "how the city would pay")["speaker"] == "Lena Ortiz"
    spans_are_exact(found)


def test_a_source_after_its_cue_that_the_parser_took_for_an_object_is_the_source(cw: Crosswire, tmp_path: Path) -> None:
    """'"…," added a Harbor County Democrat.': the noun phrase after a cue set right after its quotation."""
    found = read(cw, tmp_path, "Harbor Gazette reports on the vote.\n\n“Look, the mayor needed to win the first "
                               "two votes,” added a Harbor County Democrat. “She has done that.”\n")
    st = statement(found, "the mayor needed to win")
    assert st["speaker_text"] == "a Harbor County Democrat" and st["cue"] == "added"
    spans_are_exact(found)


def test_a_source_with_a_relative_clause_is_named_without_its_pronoun(cw: Crosswire, tmp_path: Path) -> None:
    """'The unions that organised the strike said …': the speaker is "the unions", not "the unions that"."""
    found = read(cw, tmp_path, "Harbor Gazette reports on the port.\n\nThe unions that organised the strike said "
                               "the port would stay closed until Friday.\n")
    st = statement(found, "the port would stay closed")
    assert st["speaker"] == "the unions" and st["speaker_text"] == "The unions that organised the strike"


def test_a_source_after_its_cue_keeps_a_relative_clause_the_parser_gave_it_a_verb_of(cw: Crosswire, tmp_path: Path) -> None:
    """'"…," said Robert Ray, who served … yet backed …': the parser makes the name the subject of a verb of its
    own relative clause; the name is still the source of the cue before it."""
    found = read(cw, tmp_path, "Harbor Gazette reports on the plan.\n\n''She needs one or two big ideas that match "
                               "the size of the problems,'' said Robert Ray, who served as labor secretary during the "
                               "first term yet backed Mr. Lee in the primary.\n")
    st = statement(found, "big ideas that match")
    assert st["speaker"] == "Robert Ray" and st["cue"] == "said"
    spans_are_exact(found)


def test_an_infinitive_cue_after_an_object_takes_the_object_as_source(cw: Crosswire, tmp_path: Path) -> None:
    """'The strikes prompted the alliance to order …': the alliance orders (object control), not the strikes;
    a cue with no object before its infinitive keeps the subject ('The mayor wants to announce')."""
    found = read(cw, tmp_path, "Harbor Gazette reports on the border.\n\nThe border strikes prompted the Northern "
                               "Alliance to announce that four new battalions would be sent to the coast. The mayor "
                               "wants to announce that the port will reopen.\n")
    assert statement(found, "four new battalions")["speaker_text"] == "the Northern Alliance"
    assert statement(found, "the port will reopen")["speaker_text"] == "The mayor"
    spans_are_exact(found)


def test_an_attribution_phrase_inside_its_content_is_left_out_of_it(cw: Crosswire, tmp_path: Path) -> None:
    """'Now, according to the state poll, some towns are swinging': the content is the two pieces around the
    phrase, which is the writer's attribution, not what the poll says; a phrase at the end is cut as before."""
    found = read(cw, tmp_path, "Harbor Gazette reports on the vote.\n\nNow, according to the recent state poll, "
                               "some towns are swinging.\n\nMost voters view the plan unfavorably, according to a "
                               "new city survey.\n")
    st = statement(found, "some towns are swinging")
    assert st["text"] == "Now … some towns are swinging" and st["speaker"] == "the recent state poll"
    assert statement(found, "view the plan")["text"] == "Most voters view the plan unfavorably"
    spans_are_exact(found)


def test_a_subject_the_parser_hung_elsewhere_is_found_after_an_opening_conjunction() -> None:
    """'But Jane Roe, a party official, vouched for …' parsed with the name as an adverb of the verb and no
    subject: the name before the verb is its source, the opening "But" notwithstanding."""
    import spacy
    from spacy.tokens import Doc

    from crosswire.extract.statements import _source_of

    words = ["But", "Jane", "Roe", ",", "a", "party", "official", ",", "vouched", "for", "Lee", "."]
    sdoc = Doc(spacy.blank("en").vocab, words=words, spaces=[True, True, False, True, True, True, False, True, True,
                                                               True, False, False],
               heads=[8, 2, 8, 2, 6, 6, 2, 2, 8, 8, 9, 8],
               deps=["cc", "compound", "advmod", "punct", "det", "compound", "appos", "punct", "ROOT", "prep",
                     "pobj", "punct"],
               pos=["CCONJ", "PROPN", "PROPN", "PUNCT", "DET", "NOUN", "NOUN", "PUNCT", "VERB", "ADP", "PROPN",
                    "PUNCT"],
               tags=["CC", "NNP", "NNP", ",", "DT", "NN", "NN", ",", "VBD", "IN", "NNP", "."],
               ents=["O", "B-PERSON", "I-PERSON", "O", "O", "O", "O", "O", "O", "O", "B-PERSON", "O"],
               sent_starts=[True] + [False] * 11)
    src = _source_of(sdoc[8])
    assert src is not None and sdoc.text[src[0]:src[1]].startswith("Jane Roe")


def test_a_quotation_with_marks_that_do_not_match_is_still_a_quotation(cw: Crosswire, tmp_path: Path) -> None:
    """'“A," she said. "B.”': each quotation opens with one kind of mark and closes with the other; the cue
    between them is outside both (not inside one quotation from the first mark to the last), and both
    pieces are her statement; straight marks inside a curly quotation stay inside it."""
    found = read(cw, tmp_path, "Harbor Gazette reports on the roads.\n\nThe mayor spoke on Monday. “Our roads and "
                               "bridges are old,\" she said. \"Families endure blackouts because the grid fails.”\n\n"
                               "“He called the plan \"bad\" today,” Jones said.\n")
    st = statement(found, "Our roads and bridges")
    assert st["cue"] == "said" and "Families endure blackouts" in st["text"] and st["speaker_text"] == "she"
    assert statement(found, "He called the plan")["text"] == "“He called the plan \"bad\" today,”"
    spans_are_exact(found)


def test_a_cue_set_off_inside_its_sentence_takes_both_sides(cw: Crosswire, tmp_path: Path) -> None:
    """'The plan is so costly, the senator said, that the town would have to borrow': the content is the
    sentence on both sides of the cue; a participle after the cue's comma is the next act, not content."""
    found = read(cw, tmp_path, "Harbor Gazette reports on the budget.\n\nThe mayor is so careless, the senator "
                               "said, that if his son had planned to join the city staff, he would have quit.\n\n"
                               "The plan failed, the treasurer said, adding that the town would try again.\n")
    st = statement(found, "so careless")
    assert st["text"] == ("The mayor is so careless … that if his son had planned to join the city staff, he would "
                          "have quit") and st["speaker_text"] == "the senator"
    assert statement(found, "The plan failed")["text"] == "The plan failed"
    spans_are_exact(found)


def test_a_quotation_resumes_after_a_cue_that_names_a_show_in_quotation_marks(cw: Crosswire, tmp_path: Path) -> None:
    """'"A," Jones said on the network's "Morning Hour." "B."': the quoted title in the cue's own words is not
    the quotation that goes on; the one after it is, and both pieces are Jones's statement."""
    found = read(cw, tmp_path, "Harbor Gazette reports on the race.\n\n“We are not winning yet, but it is too soon "
                               "to say,” Jones said on the network’s “Morning Hour” on Sunday. “I think the plan will "
                               "work in the end.”\n")
    st = statement(found, "We are not winning yet")
    assert "I think the plan will work" in st["text"] and st["speaker"] == "Jones"
    spans_are_exact(found)


def test_a_participle_after_a_cue_and_its_comma_takes_that_cue_s_source(cw: Crosswire, tmp_path: Path) -> None:
    """'"…," Jones said, suggesting a few questions, including, "…?"': the parser hangs the participle on a verb
    of the quotation; the act goes on from the cue before its comma, so its source is Jones."""
    found = read(cw, tmp_path, "Harbor Gazette reports on the race.\n\n\"I think what she has got to do is contrast. "
                               "And start talking about the real issues. The voters do not agree with Smith,\" Jones "
                               "said, suggesting a few questions, including, \"Mr. Smith, do you really think that the "
                               "rich need a tax break?\"\n")
    st = statement(found, "a few questions")
    assert st["cue"] == "suggesting" and st["speaker"] == "Jones"
    spans_are_exact(found)
