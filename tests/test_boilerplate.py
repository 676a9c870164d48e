"""Page furniture in pasted text (clean/boilerplate.py): project-written pasted pages with must-contain /
must-not-contain snippets, and the guarantees around it (reasons kept, JSONL and clean text untouched)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixture_checks import check_snippets, clean_fixture, squash

from crosswire.clean import clean_document
from crosswire.clean.boilerplate import find_body
from crosswire.ingest.readers import Input, RawItem, read_items

PASTED = Path(__file__).parent / "fixtures" / "pasted"




@pytest.mark.parametrize("path", sorted(PASTED.glob("*.txt")), ids=lambda p: p.name)
def test_pasted_page_keeps_the_body_and_drops_the_furniture(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    doc = clean_fixture(path)
    check_snippets(doc.text, expected)
    assert expected["title"] in (doc.title or "")


@pytest.mark.parametrize("path", sorted(PASTED.glob("*.txt")), ids=lambda p: p.name)
def test_every_line_is_body_or_removed_with_a_reason(path: Path) -> None:
    doc = clean_fixture(path)
    body = squash(doc.text)
    removed = " | ".join(squash(r.text) for r in doc.removed)  # a broken line may be joined to the one before
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            assert squash(line) in body or squash(line) in removed, f"{line!r} vanished"
    furniture = [r for r in doc.removed if r.rule.startswith("boilerplate:")]
    assert furniture, "nothing was removed as page furniture"
    assert all(len(r.rule) > len("boilerplate:") and r.lineno > 0 for r in furniture)


def test_comment_section_and_menu_have_their_own_reasons() -> None:
    doc = clean_fixture(PASTED / "news_menu_comments.txt")
    def rule(text: str) -> str:
        return next(r.rule for r in doc.removed if text in r.text)

    assert rule("Obituaries") == "boilerplate:outside-body"
    assert rule("Story continues below").startswith("boilerplate:")
    assert rule("Join the conversation").startswith("boilerplate:")
    assert rule("The defences were supposed to last fifty years").startswith("boilerplate:")


def test_plain_report_without_furniture_is_left_whole(tmp_path: Path) -> None:
    paragraphs = [
        "Storm closes mountain pass",
        "The mountain pass road was closed on Friday after heavy snow blocked both lanes near the summit, "
        "and the highway agency said it would stay shut until ploughs could clear the drifts.",
        "Drivers were told to use the valley route, which adds about an hour to the journey.",
        "Why it matters",
        "The pass carries most of the freight between the two provinces during the winter months, and "
        "hauliers say every day of closure delays deliveries to shops on the other side.",
        "It reopened at dusk.",
    ]
    path = tmp_path / "report.txt"
    path.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
    doc = clean_fixture(path)
    assert not [r for r in doc.removed if r.rule.startswith("boilerplate:")]
    for para in paragraphs[1:]:
        assert para in doc.text


def test_jsonl_text_is_an_article_body_and_bypasses_the_classifier(tmp_path: Path) -> None:
    text = ("Home\nNews\nSport\nThe council approved the budget on Tuesday after a debate that lasted "
            "most of the evening, with the opposition voting against.\nShare\nMost Read\nTaxes rise again")
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "d1", "title": "Budget approved", "text": text}) + "\n", encoding="utf-8")
    items = read_items(Input(str(path), path.read_bytes()))
    assert isinstance(items[0], RawItem)
    doc = clean_document(items[0])
    assert "Taxes rise again" in doc.text and "Home" in doc.text
    assert not [r for r in doc.removed if r.rule.startswith("boilerplate:")]


def test_text_without_stop_word_list_falls_back_to_length_and_punctuation() -> None:
    lines = ["ホーム", "ニュース", "スポーツ", "ログイン",
             "台風の影響で沿岸の町では多くの住宅が浸水し、住民たちは朝から泥の片付けに追われている。",
             "町役場によると、被害を受けた住宅は百二十棟を超え、漁船四十隻以上が損傷したという。",
             "気象台は来週も強い雨が降る見込みだとして、引き続き警戒するよう呼びかけている。",
             "関連記事", "人気ランキング", "お問い合わせ", "利用規約"]
    reasons = find_body(lines)
    assert len(reasons) == len(lines)
    assert reasons[4] is None and reasons[5] is None and reasons[6] is None
    assert all(reasons[i] for i in (0, 1, 2, 3, 8, 9, 10))


def test_no_body_evidence_leaves_the_lines_alone() -> None:
    lines = ["Home", "News", "Weather", "Contact"]
    assert find_body(lines) == [None, None, None, None]
    assert find_body([]) == []


PARAGRAPHS = [
    "The regional council voted on Tuesday to close the old harbour bridge to heavy lorries from next month, "
    "after an inspection found corrosion in two of the steel supports that carry the deck.",
    "Engineers told councillors that the bridge was still safe for cars and buses, but that repeated loads of "
    "more than twelve tonnes would speed up the damage and could force a full closure within a year.",
    "Hauliers said the detour through the industrial estate would add twenty minutes to each trip and asked "
    "the council to publish a timetable for the repairs as soon as the contract has been signed.",
]


def test_author_box_and_comment_header_end_the_body() -> None:
    lines = ["Home", "News", "Bridge closed to lorries", *PARAGRAPHS, "About Jane Moreau",
             "Jane Moreau is a reporter covering transport and infrastructure for the paper since 2015, and before "
             "that she worked for a radio station in the north of the country for many years.",
             "14 thoughts on “Bridge closed to lorries”",
             "I drive a lorry over that bridge every day and nobody told us anything about this until this morning, "
             "which is not good enough from a council that says it listens to local businesses."]
    reasons = find_body(lines)
    assert all(reasons[3 + i] is None for i in range(len(PARAGRAPHS)))
    assert all(reasons[i] for i in range(len(PARAGRAPHS) + 3, len(lines)))


def test_timestamps_and_repeated_captions_are_not_body_evidence() -> None:
    caption = ("Lorries queue at the entrance of the harbour bridge on Monday morning, before the council announced "
               "the new weight limit for the crossing.")
    lines = [caption, "2 hours ago", caption, *PARAGRAPHS, "Updated: 10:48, Tue, Nov 19, 2019"]
    reasons = find_body(lines)
    assert reasons[0] and reasons[1] and reasons[2]
    assert reasons[-1] == "boilerplate:timestamp"
    assert all(reasons[3 + i] is None for i in range(len(PARAGRAPHS)))


def test_a_table_pasted_one_cell_per_line_stays_with_the_body() -> None:
    cells = ["Pos.", "Team", "Points"]
    for pos, (team, points) in enumerate([("Harbour Rovers", "61"), ("Valley United", "58"), ("North End", "55"),
                                          ("Castle Athletic", "49"), ("Riverside", "47")], 1):
        cells += [str(pos), team, points]
    lines = ["Home", "Sport", "Standings", *PARAGRAPHS[:2], "The table after the weekend:", *cells,
             "Privacy Policy", "Terms of Use", "Contact Us", "Careers"]
    reasons = find_body(lines)
    kept = [line for line, why in zip(lines, reasons) if why is None]
    assert "Harbour Rovers" in kept and "61" in kept and "Riverside" in kept and "47" in kept
    assert "Home" not in kept and "Careers" not in kept
