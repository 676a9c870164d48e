"""As of when: figures dated by their own clause, by recall cues, by the statement, then the report.

Every report here is written for the project; each test fails if its rule of extract/asof.py breaks.
"""
from __future__ import annotations

import pytest

from crosswire import Crosswire
from crosswire.extract.asof import _shift, cues
from crosswire.models import TimeRef
from crosswire.extract.asof import _with_year
from crosswire.extract.timex_calendar import parse_ref
from crosswire.store.sqlite import Store

from test_extract import records


def figure(recs: dict, value: float) -> dict:
    hits = [c for c in recs.get("claim", []) if value in (c["value"], c["low"], c["high"])]
    assert hits, f"no claim with {value}: {[c['span'] for c in recs.get('claim', [])]}"
    return hits[0]


REPORT = """Flood toll climbs in the delta
Published 2025-03-10 by Riverside Gazette

The regional health office said the toll rose to 140 in December and 320 by mid-January.
The agency had previously put the number of missing at 600.
Its January estimate of 95 displaced families was revised on Monday.
Last month's figure of 45 shelters was far lower.
The office said on March 3, 2025 that 210 homes had been destroyed.
A month earlier the count stood at 80 homes.
Volunteers reported 75 rescues, up from 30.
The river authority counted 12 breached levees.
"""

QUOTED = """Aid convoy reaches the valley
Published 2025-03-10 by Riverside Gazette

[Mara Lind/Relief Coordinator/Feb. 14: "We delivered 900 tonnes of grain to the valley."]
"""


@pytest.fixture(scope="module")
def report(cw: Crosswire) -> dict:
    return records(cw, REPORT, "flood.txt")


def test_publication_date_is_read(report: dict) -> None:
    assert report["document"][0]["published"] == "2025-03-10"


def test_two_figures_in_one_sentence_each_get_their_own_date(report: dict) -> None:
    first, second = figure(report, 140), figure(report, 320)
    assert (first["as_of"], first["as_of_rule"]) == ("2024-12", "clause-time")
    assert (second["as_of"], second["as_of_rule"]) == ("2025-01", "clause-time")


def test_past_perfect_with_previously_is_recalled_not_published(report: dict) -> None:
    c = figure(report, 600)
    assert c["as_of"] != "2025-03-10"
    assert c["as_of"] is None and c["as_of_rule"] == "recall-undated" and "recalled" in c["flags"]


def test_its_january_estimate_is_january(report: dict) -> None:
    c = figure(report, 95)
    assert c["as_of"] == "2025-01" and c["as_of_rule"] == "clause-time"


def test_last_months_figure_is_last_month(report: dict) -> None:
    c = figure(report, 45)
    assert c["as_of"] == "2025-02" and c["as_of_rule"] == "clause-time"


def test_reported_past_perfect_is_not_a_recall(report: dict) -> None:
    c = figure(report, 210)  # "said on March 3 that 210 homes had been destroyed": backshifted speech
    assert c["as_of"] == "2025-03-03" and c["as_of_rule"] == "clause-time" and "recalled" not in c["flags"]


def test_a_month_earlier_counts_back_from_the_last_date(report: dict) -> None:
    c = figure(report, 80)
    assert (c["as_of"], c["as_of_rule"]) == ("2025-02", "recall-offset") and "recalled" in c["flags"]


def test_up_from_is_the_earlier_value(report: dict) -> None:
    later, earlier = figure(report, 75), figure(report, 30)
    assert "recalled" not in later["flags"]
    assert earlier["as_of_rule"] == "recall-undated" and earlier["as_of"] is None


def test_undated_figure_falls_back_to_publication(report: dict) -> None:
    c = figure(report, 12)
    assert (c["as_of"], c["as_of_rule"]) == ("2025-03-10", "published")


def test_earlier_estimate_is_recalled_but_former_members_are_not(cw: Crosswire) -> None:
    recs = records(cw, "Toll revised\nPublished 2025-03-10 by Riverside Gazette\n\n"
                       "The agency raised its earlier estimate of 640 missing people.\n"
                       "Two former officials joined the inquiry.\n", "earlier.txt")
    assert figure(recs, 640)["as_of_rule"] == "recall-undated"
    assert figure(recs, 2)["as_of_rule"] == "published" and "recalled" not in figure(recs, 2)["flags"]


def test_soundbite_date_dates_its_figures(cw: Crosswire) -> None:
    c = figure(records(cw, QUOTED, "convoy.txt"), 900)
    assert (c["as_of"], c["as_of_rule"]) == ("2025-02-14", "said-on")


def test_running_count_since_a_date_is_not_dated_to_its_start(cw: Crosswire) -> None:
    recs = records(cw, "Toll update\nPublished 2025-03-10 by Riverside Gazette\n\n"
                       "Since January, 300 people have been evacuated from the delta, the office said.\n", "since.txt")
    c = figure(recs, 300)
    assert c["as_of"] != "2025-01" and c["as_of_rule"] != "clause-time"


def test_shift_keeps_the_duration_granularity() -> None:
    assert _shift("2025-03-10", "P1M") == "2025-02"
    assert _shift("2025-03-10", "P2W") == "2025-02-24"
    assert _shift("2025-03-10", "P1Y") == "2024"
    assert _shift("2025-03", "P3D") == "2025-03"
    assert _shift(None, "P1M") is None


def test_year_less_date_takes_the_latest_year_before_the_reference() -> None:
    ref = parse_ref("2025-04-28")
    assert _with_year(TimeRef(0, 7, "October", "XXXX-10"), ref) == "2024-10"
    assert _with_year(TimeRef(0, 5, "March", "XXXX-03"), ref) == "2025-03"
    assert _with_year(TimeRef(0, 9, "Nov-Feb", "XXXX-11/XXXX-02"), ref) == "2024-11/2025-02"
    assert _with_year(TimeRef(0, 5, "later", "FUTURE_REF"), ref) is None


def test_recall_vocabulary_is_data() -> None:
    c = cues()
    assert "previously" in c.adverbs and "earlier" not in c.speech_adverbs and "since" in c.period_start


def test_store_keeps_the_rule(tmp_path) -> None:
    store = Store(tmp_path / "kb.db")
    assert "as_of_rule" in store._columns("claims")


def test_a_time_in_another_figures_relative_clause_does_not_date_the_total(cw: Crosswire) -> None:
    """"17,000 ..., including 5,000 that arrived in May": May dates the 5,000 (its relative clause), not
    the 17,000, which is the statement's (carried from the sentence before)."""
    recs = records(cw, "Garrison grows\nPublished 2025-06-12 by Riverside Gazette\n\n"
                       "The border agency said on Tuesday that the garrison was growing.\n"
                       "It said about 9,000 guards were now at the river, including a second rotation of "
                       "about 2,000 guards that arrived in May.\n", "garrison.txt")
    assert figure(recs, 2000)["as_of"] == "2025-05"
    total = figure(recs, 9000)
    assert total["as_of"] != "2025-05" and total["as_of"] == "2025-06-10"


def test_backshifted_speech_under_a_participle_or_a_dated_statement_is_not_a_recall(cw: Crosswire) -> None:
    """"rejected the figure, insisting on Monday that fewer than 90 had drowned" and "said on Friday,
    citing the coast guard, that about 70 had drowned": the statement's day dates the figure."""
    recs = records(cw, "Ferry toll disputed\nPublished 2025-03-12 by Riverside Gazette\n\n"
                       "The port authority rejected the figure, insisting on Monday that fewer than 90 "
                       "passengers had drowned.\n"
                       "Ida Marsh, a member of the harbour council, said on Friday, citing the coast guard, "
                       "that about 70 passengers had drowned in the strait.\n", "ferry.txt")
    for value, day in ((90, "2025-03-10"), (70, "2025-03-07")):
        c = figure(recs, value)
        assert c["as_of"] == day and "recalled" not in c["flags"], c


def test_a_headline_figure_takes_the_date_its_body_gives_it(cw: Crosswire) -> None:
    """The headline's figure (dated only by publication) and the body's (dated by its clause) are one
    claim: the headline's takes the body's date, even when neither names a source."""
    import json
    line = json.dumps({"id": "h1", "title": "Monitor counts 730 flooded homes", "published": "2025-03-12",
                       "publisher": "Riverside Gazette",
                       "text": "Monitor counts 730 flooded homes\nRising water flooded 730 homes on Monday in the lower town.\n"})
    recs = records(cw, line + "\n", "headline.jsonl")
    dates = [c["as_of"] for c in recs["claim"] if c["value"] == 730]
    assert len(dates) == 2 and set(dates) == {"2025-03-10"}, dates


def test_an_explicit_as_of_dates_figures_a_past_perfect_would_recall(cw: Crosswire) -> None:
    """"According to the monitor, 1,300 had been killed and 4,100 wounded as of Tuesday": both figures say
    when they hold; neither is a recalled figure without a date."""
    recs = records(cw, "Toll update\nPublished 2025-03-13 by Riverside Gazette\n\n"
                       "According to the flood monitor, 1,300 villagers had been evacuated and 4,100 "
                       "sheltered as of Tuesday.\n", "asof.txt")
    for value in (1300, 4100):
        c = figure(recs, value)
        assert (c["as_of"], c["as_of_rule"]) == ("2025-03-11", "as-of"), c
        assert "recalled" not in c["flags"]


def test_a_time_in_a_clause_opened_by_since_does_not_date_the_figure(cw: Crosswire) -> None:
    """"..., its first figure since the flooding began nearly two months ago": the time says when the
    flooding began, not when the 200 held; the statement's day dates it."""
    recs = records(cw, "Toll update\nPublished 2025-03-13 by Riverside Gazette\n\n"
                       "The ministry said on Wednesday that about 200 of its workers had died in what it calls "
                       "the delta relief effort, its first figure since the flooding began nearly two months ago.\n",
                   "since-clause.txt")
    c = figure(recs, 200)
    assert c["as_of"] == "2025-03-12", c


def test_explicit_as_of_leads_are_data() -> None:
    lead = cues().explicit_lead
    assert lead is not None and lead.search("wounded as of ") and not lead.search("as well as ")
