"""Layouts nobody tuned for: wire datelines, portal headers, wire tails and credit lines, transcript
speaker labels, mastheads and site titles — fixtures with expected metadata and body, and the parsers."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fixture_checks import check_snippets, clean_fixture

from crosswire.clean import clean_document
from crosswire.clean.cleaner import clean_text
from crosswire.dates import date_evidence, dateline_date, header_stamp
from crosswire.clean.layouts import (credit_line, dateline_span, headline_of, masthead, outlet_name,
                                     read_dateline, speaker_turn)
from crosswire.clean.metadata import canonical_publisher, copyright_owner, explicit_fields
from crosswire.errors import SettingsError
from crosswire.ingest.readers import Input, read_items
from crosswire.names import name_key

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"




@pytest.mark.parametrize("path", sorted(LAYOUTS.glob("*.txt")), ids=lambda p: p.stem)
def test_layout_fixture(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    doc = clean_fixture(path)
    check_snippets(doc.text, expected)
    assert doc.title == expected["title"]
    assert doc.publisher == expected["publisher"]
    assert doc.published == expected["published"]
    assert [name_key(a) for a in doc.authors] == [name_key(a) for a in expected["authors"]]
    for name in expected.get("not_authors", []):
        assert name_key(name) not in {name_key(a) for a in doc.authors}
    if "place" in expected:
        assert doc.meta_sources["place"] == f"dateline:{expected['place']}"
    for role in expected.get("roles", []):
        assert role in {s.role for s in doc.segments}, f"no {role} segment"
    for field in ("title", "publisher", "published", "authors"):
        assert doc.meta_sources[field], field
    assert all(r.rule for r in doc.removed)


# ---------------------------------------------------------------- datelines and dates

@pytest.mark.parametrize(("line", "place", "month_day", "publisher"), [
    ("BRUSSELS, March 3 (Reuters) - EU ministers met.", "Brussels", (3, 3), "Reuters"),
    ("WASHINGTON (AP) — The Senate voted.", "Washington", (None, None), "Associated Press"),
    ("SEOUL, Nov. 2 (Yonhap) -- North Korea fired.", "Seoul", (11, 2), "Yonhap News Agency"),
    ("KYIV, Ukraine, Sept. 14 (Reuters) - Drones hit.", "Kyiv, Ukraine", (9, 14), "Reuters"),
    ("Kyiv (AFP) - Ukraine said.", "Kyiv", (None, None), "Agence France-Presse"),
    ("(CNN) — Officials said.", None, (None, None), "CNN"),
    ("WASHINGTON — The Senate voted on the bill late on Tuesday.", "Washington", (None, None), None),
])
def test_read_dateline(line: str, place: str | None, month_day: tuple[int | None, int | None],
                       publisher: str | None) -> None:
    found = read_dateline(line)
    assert found is not None
    assert (found.place, (found.month, found.day), found.publisher) == (place, month_day, publisher)


@pytest.mark.parametrize("line", ["North Korea fired (AP) - a missile.", "NATO", "The talks ended (late) - again.",
                                  "RSS - Posts", "BREAKING — Live updates"])
def test_not_a_dateline(line: str) -> None:
    assert read_dateline(line) is None


@pytest.mark.parametrize(("body", "dateline"), [
    ("ORLAND, May 9 (Harbor Wire) - The council said it had 40 buses.", "ORLAND, May 9 (Harbor Wire) - "),
    ("Buses return\n\nORLAND, Vesk, May 9 (HW) -- The council said so.", "ORLAND, Vesk, May 9 (HW) -- "),
    ("ORLAND — The council said on Tuesday that it had ordered 40 new buses.", "ORLAND — "),
    ("(Reuters) - The council said so.", "(Reuters) - "),
])
def test_dateline_span_ends_after_the_dash(body: str, dateline: str) -> None:
    span = dateline_span(body)
    assert span is not None and body[span[0]:span[1]] == dateline


def test_no_dateline_span_in_plain_text() -> None:
    assert dateline_span("The council said (on Tuesday) - again - that it had buses.\n\nNATO") is None


def test_dateline_year_from_evidence_never_future() -> None:
    today = date(2025, 3, 10)
    assert dateline_date(3, 3, [date(2025, 2, 27)], today) == "2025-03-03"
    assert dateline_date(12, 30, [date(2025, 1, 2)], today) == "2024-12-30"  # across the new year
    assert dateline_date(3, 20, [date(2025, 3, 1)], today) == "2024-03-20"  # 2025-03-20 is in the future
    assert dateline_date(3, 3, [], today) is None


def test_copyright_range_gives_its_last_year() -> None:
    assert max(date_evidence("© 1996-2024 Example News")) == date(2024, 7, 1)


def test_only_the_first_credit_line_names_authors() -> None:
    cleaned = clean_text("Troops moved north, officials said.\nWritten by Ana Ruiz\nRelated story one\n"
                         "Written by Olu Bello\n")
    assert [name for _, name in cleaned.clues.authors] == ["Ana Ruiz"]
    assert [r.rule for r in cleaned.removed].count("credit-line") == 2


def test_dateline_without_a_year_and_no_evidence_leaves_published_empty() -> None:
    doc = clean_document(read_items(Input("w.txt", b"BRUSSELS, March 3 (Reuters) - Ministers met on Monday.\n"))[0])
    assert doc.published is None and doc.meta_sources["published"] == "missing"
    assert doc.publisher == "Reuters" and doc.meta_sources["publisher"] == "dateline"


@pytest.mark.parametrize(("line", "iso", "kind"), [
    ("기사입력 2024.11.02. 오전 9:41 최종수정 2024.11.02. 오후 3:10", "2024-11-02T09:41", "entry"),
    ("입력 2024-11-02 09:41 수정 2024-11-03 10:00", "2024-11-02T09:41", "entry"),
    ("Updated 2024.11.03 15:10 | Published 2024.11.02 09:41", "2024-11-02T09:41", "entry"),
    ("Last modified on Sunday 3 Nov 2024", "2024-11-03", "edit"),
    ("2024/11/02 15:30 KST", "2024-11-02T15:30", "plain"),
    ("입력2024.11.02. 오전 9:41  수정2024.11.02. 오후 3:10 기사원문", "2024-11-02T09:41", "entry"),
    ("송고시간2024-11-02 09:41", "2024-11-02T09:41", "entry"),
    ("Published : Nov. 2, 2024 - 09:41 Updated : Nov. 2, 2024 - 15:10", "2024-11-02T09:41", "entry"),
    ("Published: 02 Nov. 2024, 09:41 Updated: 02 Nov. 2024, 15:10", "2024-11-02T09:41", "entry"),
    ("Published 9:41 AM EST, November 2, 2024", "2024-11-02T09:41", "entry"),
    ("Write: 2024-11-02 14:05:00 / Update: 2024-11-02 15:10:12", "2024-11-02T14:05", "entry"),
    ("02.11.2024 09:41", "2024-11-02T09:41", "plain"),
    ("First published on Sat 2 Nov 2024 09.41 GMT", "2024-11-02T09:41", "entry"),
])
def test_header_stamps_prefer_the_entry_time(line: str, iso: str, kind: str) -> None:
    stamp = header_stamp(line)
    assert stamp is not None and (stamp.iso, stamp.kind) == (iso, kind)


def test_a_sentence_with_a_date_is_not_a_stamp() -> None:
    assert header_stamp("The talks on Nov. 2, 2024 ended without a deal after four hours.") is None


def test_a_dated_line_in_the_body_is_kept_unless_it_is_a_bare_stamp() -> None:
    text = ("Troops moved north, officials said on Friday, and more were expected.\n"
            "Another line of the body follows here with more words.\nThird line of the body text here.\n"
            "Fourth line of the body.\nFifth line of the body.\nSixth line of the body.\n"
            "— Jane Roe (@janeroe) November 18, 2019\nNov. 18, 2019 10:02 KST\n")
    cleaned = clean_text(text)
    assert "— Jane Roe (@janeroe) November 18, 2019" in cleaned.text
    assert [(r.text, r.rule) for r in cleaned.removed] == [("Nov. 18, 2019 10:02 KST", "timestamp")]


def test_labelled_stamps_below_the_first_lines_still_date_the_page() -> None:
    menu = "".join(f"Menu item {i}\n" for i in range(10))
    cleaned = clean_text(menu + "Updated: 18 Nov 2024 9:38 pm\nPosted: 18 Nov 2024 8:11 pm\nTroops moved north, officials said.\n")
    assert cleaned.clues.header_date == "2024-11-18T20:11"
    assert {r.rule for r in cleaned.removed if "2024" in r.text} == {"date-header"}


def test_edit_line_before_entry_line_gives_the_entry_time() -> None:
    cleaned = clean_text("Updated: 2024-11-03 10:00\nPosted: 2024-11-02 08:15\nTroops moved north, officials said.\n")
    assert cleaned.clues.header_date == "2024-11-02T08:15"
    assert [r.rule for r in cleaned.removed] == ["date-header", "date-header"]


# ---------------------------------------------------------------- tails and credits

def test_wire_tail_lines_are_removed_with_reasons() -> None:
    text = ("Troops moved north, officials said on Friday.\n-- END --\n###\n-30-\n2024/11/02 15:30 KST\n"
            "Tags: North Korea, Russia\n#Kursk #DPRK\n")
    cleaned = clean_text(text)
    assert cleaned.text == "Troops moved north, officials said on Friday."
    assert {r.text: r.rule for r in cleaned.removed} == {
        "-- END --": "end-marker", "###": "end-marker", "-30-": "end-marker", "2024/11/02 15:30 KST": "timestamp",
        "Tags: North Korea, Russia": "keywords", "#Kursk #DPRK": "hashtags"}


def test_a_keywords_heading_takes_the_tag_list_under_it() -> None:
    cleaned = clean_text("Troops moved north, officials said on Friday.\nKeywords\n#North Korea\nmissiles\n")
    assert cleaned.text == "Troops moved north, officials said on Friday."
    assert [r.rule for r in cleaned.removed] == ["footer", "footer", "footer"]


def test_timestamp_after_end_marker_dates_the_wire() -> None:
    doc = clean_document(read_items(Input("w.txt", "Troops moved north, officials said.\n(END)\n2024/11/02 15:30 KST\n"
                                           .encode()))[0])
    assert (doc.published, doc.meta_sources["published"]) == ("2024-11-02T15:30", "wire-tail")


def test_credit_line_reporters_and_writers_are_authors_editors_are_not() -> None:
    found = credit_line("Reporting by Ana Ruiz in Madrid; additional reporting by Olu Bello; "
                        "Writing by Kim Na-ra; Editing by Tom Walsh and Gerry Lind")
    assert found == [("Ana Ruiz", True), ("Olu Bello", True), ("Kim Na-ra", True), ("Tom Walsh", False),
                     ("Gerry Lind", False)]
    assert credit_line("(Writing by Kim Na-ra)") == [("Kim Na-ra", True)]
    assert credit_line("Reporting on the war continued by other means.") is None
    assert credit_line("Officials said the shells were made by North Korea.") is None


# ---------------------------------------------------------------- speaker labels

@pytest.mark.parametrize(("line", "role", "rest", "keep"), [
    ("ANCHOR: Talks resumed today.", "anchor", "Talks resumed today.", False),
    ("Anchor : Talks resumed today.", "anchor", "Talks resumed today.", False),
    ("REPORTER: The envoy arrived.", "reporter", "The envoy arrived.", False),
    ("Q: Can you confirm it?", "question", "Can you confirm it?", True),
    ("MS. LEE: We cannot confirm it.", "speaker", "We cannot confirm it.", True),
    ("SECRETARY BLINKEN: We are concerned.", "speaker", "We are concerned.", True),
])
def test_speaker_turns(line: str, role: str, rest: str, keep: bool) -> None:
    turn = speaker_turn(line)
    assert turn is not None and (turn.role, turn.rest, turn.keep_label) == (role, rest, keep)


@pytest.mark.parametrize("line", ["UPDATE: Talks resumed.", "North Korea: a timeline of events", "NOTE: Times are KST.",
                                  "Report: Bank sells tower for a record price"])
def test_not_speaker_turns(line: str) -> None:
    assert speaker_turn(line) is None


def test_upper_case_labels_and_bracketed_sections_set_roles_and_keep_statements() -> None:
    cleaned = clean_text("[INTRO]\nTalks resumed in Geneva.\nREPORTER:\nThe envoy arrived late.\n"
                         "MR. PARK: We welcome the talks.\n[END]\nRelated: more stories\n")
    assert "Talks resumed in Geneva." in cleaned.text and "MR. PARK: We welcome the talks." in cleaned.text
    assert "REPORTER" not in cleaned.text and "[END]" not in cleaned.text and "Related" not in cleaned.text
    assert [s.role for s in cleaned.segments] == ["anchor", "reporter", "speaker"]
    assert {r.rule for r in cleaned.removed} >= {"transcript-furniture", "speaker-label", "end-marker"}


def test_broadcaster_markers_sign_offs_and_address_lines() -> None:
    cleaned = clean_text("◀ Anchor ▶\nTalks resumed today in Geneva.\n[Anchor Lead]\nThe envoy arrived.\n"
                         "desk@example.com\nKim Soo-yeon (ksy@example.com)\nMBC News, Kim Ji-yeon.\n")
    assert cleaned.text == "Talks resumed today in Geneva.\n\nThe envoy arrived."
    assert [r.rule for r in cleaned.removed] == ["transcript-furniture", "transcript-furniture", "contact", "contact",
                                                 "sign-off"]
    assert cleaned.clues.publishers == [("sign-off", "MBC")] and cleaned.clues.authors == [("sign-off", "Kim Ji-yeon")]


def test_a_named_turn_sets_the_role_of_its_own_paragraph_only() -> None:
    cleaned = clean_text("[Anchor]\nTalks resumed.\nFTC: We use affiliate links on this page.\nThe envoy arrived late.\n")
    assert [s.role for s in cleaned.segments] == ["anchor", "speaker", "anchor"]


def test_bylines_of_several_names_and_only_the_first_byline() -> None:
    cleaned = clean_text("By JANE ROE and JOHN DOE, The Korea Herald\nTroops moved north, officials said.\n"
                         "By Olu Bello\nBy Monday, Kim and Putin had met in Moscow twice.\n")
    assert cleaned.clues.authors == [("byline", "Jane Roe"), ("byline", "John Doe")]
    assert ("byline", "The Korea Herald") in cleaned.clues.publishers
    assert "By Monday, Kim and Putin had met in Moscow twice." in cleaned.text and "Olu Bello" not in cleaned.text


@pytest.mark.parametrize(("line", "author"), [("BY KIM JI-HYE [kim.jihye@example.com]", "Kim Ji-hye"),
                                              ("Author: Olena Petrenko", "Olena Petrenko")])
def test_bylines_with_an_address_or_an_author_label(line: str, author: str) -> None:
    cleaned = clean_text(f"{line}\nTroops moved north, officials said.\n")
    assert [name_key(n) for _, n in cleaned.clues.authors] == [name_key(author)]
    assert cleaned.text == "Troops moved north, officials said."


def test_headline_right_above_the_byline_when_the_page_opens_with_menus() -> None:
    text = ("Skip to main content\nWorld\nTroops cross into Kursk region, officials say\nBy Ana Ruiz\n"
            "Published 9:41 AM EST, November 2, 2024\nTroops crossed the border on Friday, officials said.\n"
            "More were expected to follow.\n")
    doc = clean_document(read_items(Input("p.txt", text.encode()))[0])
    assert doc.title == "Troops cross into Kursk region, officials say"
    assert (doc.published, doc.authors) == ("2024-11-02T09:41", ["Ana Ruiz"])
    assert "Skip to main content" not in doc.text and "Troops cross into" not in doc.text


def test_broadcaster_intro_and_multiword_sign_off() -> None:
    doc = clean_document(read_items(Input("k.txt", "Anchor: Seoul says more troops were sent.\nOur Kim Bo-ram has more.\n"
                                           "Report:\nThe agency said 3,000 more troops had arrived.\n"
                                           "Kim Bo-ram, KBS World Radio News.\n".encode()))[0])
    assert (doc.publisher, doc.authors) == ("KBS", ["Kim Bo-ram"])
    assert [s.role for s in doc.segments] == ["anchor", "reporter"]


def test_broadcast_transcript_labels_with_titles_and_stage_directions() -> None:
    cleaned = clean_text("JOHN ROE, EXAMPLE NEWS ANCHOR: Welcome back to the programme tonight.\n(BEGIN VIDEOTAPE)\n"
                         "ANA RUIZ, EXAMPLE NEWS CORRESPONDENT (voice-over): Officials say the clashes began this week.\n"
                         "(END VIDEOTAPE)\nROE: Ana Ruiz reporting there.\n")
    assert [s.role for s in cleaned.segments] == ["anchor", "reporter", "speaker"]
    assert "JOHN ROE, EXAMPLE NEWS ANCHOR: Welcome back" in cleaned.text and "VIDEOTAPE" not in cleaned.text
    assert [r.rule for r in cleaned.removed] == ["stage-direction", "stage-direction"]


def test_a_first_line_headline_that_carries_its_date() -> None:
    doc = clean_document(read_items(Input("b.txt", "Department Press Briefing – November 4, 2024\n"
                                           "MR. ROE: Good afternoon, everyone.\nQUESTION: Any news on the talks?\n"
                                           "Washington, DC\n".encode()))[0])
    assert (doc.title, doc.published) == ("Department Press Briefing – November 4, 2024", "2024-11-04")
    assert doc.authors == [] and doc.publisher is None  # "Washington, DC" is no sign-off
    assert clean_text("Nov. 2, 2024 | World | Politics\nTroops moved north.\nMore came.\n").clues.title is None


# ---------------------------------------------------------------- outlets and titles

def test_outlets_from_the_gazetteer_and_layouts_data() -> None:
    assert outlet_name("The Washington Post") == outlet_name("Washington Post") == "The Washington Post"
    assert outlet_name("AP") == "Associated Press" and outlet_name("ap") is None  # short names only in capitals
    assert outlet_name("연합뉴스") == "Yonhap News Agency"
    assert masthead("Korea JoongAng Daily") == "Korea JoongAng Daily"
    assert masthead("North Korea sent more troops to Russia, officials said.") is None
    assert canonical_publisher("Arirang News") == "Arirang TV" and canonical_publisher("Fox News") == "Fox News"


@pytest.mark.parametrize(("line", "owner"), [
    ("© 2024 The Washington Post. All rights reserved.", "The Washington Post"),
    ("Copyright 2019 The Associated Press. All rights reserved.", "Associated Press"),
    ("© 2024 Harbour Watch Daily. All rights reserved", "Harbour Watch Daily"),
    ("[Copyright holder (c) YTN Unauthorized reproduction prohibited]", "YTN"),
])
def test_copyright_owner_of_several_words(line: str, owner: str) -> None:
    assert copyright_owner(line) == owner


@pytest.mark.parametrize(("title", "publisher", "headline"), [
    ("Home | Example News", "Example News", None),
    ("The Washington Post", None, None),
    ("Troops move north | Example News", "Example News", "Troops move north"),
    ("Troops move north - The Korea Herald", None, "Troops move north"),
    ("North Korea: troops move north", None, "North Korea: troops move north"),
])
def test_site_titles_are_not_headlines(title: str, publisher: str | None, headline: str | None) -> None:
    assert headline_of(title, publisher) == headline


def test_page_named_like_its_site_has_no_title() -> None:
    text = "Home | Harbour Watch Daily\nTroops moved north on Friday, officials said.\nThey gave no figure.\n© 2024 Harbour Watch Daily\n"
    doc = clean_document(read_items(Input("p.txt", text.encode()))[0])
    assert doc.publisher == "Harbour Watch Daily" and doc.title is None and doc.meta_sources["title"] == "missing"


# ---------------------------------------------------------------- explicit options

def test_explicit_fields_override_every_layer() -> None:
    fields = explicit_fields(publisher="Harbour Watch Daily", published="2024-11-20", title="Home | Harbour Watch Daily")
    items = read_items(Input("w.txt", (LAYOUTS / "wire_dateline.txt").read_bytes()))
    items[0].fields.update(fields)
    doc = clean_document(items[0])
    assert (doc.publisher, doc.published, doc.title) == ("Harbour Watch Daily", "2024-11-20", "Home | Harbour Watch Daily")
    assert {doc.meta_sources[k] for k in ("publisher", "published", "title")} == {"explicit"}


def test_explicit_published_must_be_a_date() -> None:
    assert explicit_fields(published="Nov. 2, 2024")["published"] == "2024-11-02"
    with pytest.raises(SettingsError, match="expected an ISO date"):
        explicit_fields(published="last Tuesday")


# ---------------------------------------------------------------- the options on the command line

def test_cli_ingest_options_override_and_are_recorded_as_explicit(run_cli) -> None:
    path = str(LAYOUTS / "portal_header.txt")
    result = run_cli("ingest", "--no-extract", "--publisher", "Harbour Watch Daily", "--published", "Nov. 20, 2024",
                     "--title", "Shells to Russia", path)
    assert result.exit_code == 0, result.output
    listed = json.loads(run_cli("docs", "--json").stdout)
    assert [(d["publisher"], d["published"], d["title"]) for d in listed] == [
        ("Harbour Watch Daily", "2024-11-20", "Shells to Russia")]
    shown = json.loads(run_cli("show", listed[0]["id"], "--json").stdout)
    assert {shown["meta_sources"][k] for k in ("publisher", "published", "title")} == {"explicit"}


def test_cli_extract_options_override_jsonl_fields(tmp_path: Path, run_cli) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a1", "text": "Troops moved north, officials said.", "publisher": "Old Name",
                               "published": "2023-01-01"}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli("extract", "--no-extract", "--publisher", "New Name", "--published", "2024-11-02T09:41",
                     str(src), "--jsonl", str(out))
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert (doc["publisher"], doc["published"]) == ("New Name", "2024-11-02T09:41")
    assert doc["meta_sources"]["publisher"] == doc["meta_sources"]["published"] == "explicit"


def test_cli_unreadable_published_is_a_usage_error_naming_the_format(tmp_path: Path, run_cli) -> None:
    (tmp_path / "r.txt").write_text("Troops moved north, officials said.\n", encoding="utf-8")
    result = run_cli("ingest", "--no-extract", "--published", "last Tuesday", str(tmp_path / "r.txt"))
    assert result.exit_code == 2
    assert "--published" in result.stderr and "expected an ISO date" in result.stderr
    assert "0 added" not in result.stderr  # nothing was read


def test_engine_checks_published_before_reading(engine) -> None:
    with pytest.raises(SettingsError, match="expected an ISO date"):
        engine.ingest([str(LAYOUTS)], extract=False, metadata={"published": "soon"})
