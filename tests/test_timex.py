"""crosswire.extract.timex: time expressions and their TIMEX3 values against fixed reference dates."""
from __future__ import annotations

import pytest

from crosswire.extract.timex import VERSION, find_times
from crosswire.models import TimeRef


def values(text: str, ref: str | None) -> dict[str, str]:
    """Surface text -> value for every expression found."""
    return {t.text: t.value for t in find_times(text, ref)}


def one(text: str, ref: str | None, surface: str) -> TimeRef:
    hits = [t for t in find_times(text, ref) if t.text == surface]
    assert hits, f"{surface!r} not found in {[t.text for t in find_times(text, ref)]}"
    return hits[0]


# ---------------------------------------------------------------- relative days, weeks, months, years

@pytest.mark.parametrize("sentence, surface, value", [
    ("The envoy arrived yesterday.", "yesterday", "2024-03-13"),
    ("Talks continue today in Geneva.", "today", "2024-03-14"),
    ("A vote is due tomorrow.", "tomorrow", "2024-03-15"),
    ("The minister will speak tonight.", "tonight", "2024-03-14TNI"),
    ("Shelling resumed last night.", "last night", "2024-03-13TNI"),
    ("Exports fell last year.", "last year", "2023"),
    ("Exports rose this year.", "this year", "2024"),
    ("The plant opens next year.", "next year", "2025"),
    ("Prices climbed last month.", "last month", "2024-02"),
    ("The drills end early next month.", "early next month", "2024-04"),
    ("Seoul raised the alert earlier this month.", "earlier this month", "2024-03"),
    ("The ministers met this week.", "this week", "2024-W11"),
    ("The ministers met last week.", "last week", "2024-W10"),
    ("The envoy visits next week.", "next week", "2024-W12"),
    ("Two ships docked over the past month.", "the past month", "P1M"),
    ("Sales fell over the past quarter.", "the past quarter", "P3M"),
    ("Inflation cooled in the first half of this year.", "the first half of this year", "2024-H1"),
    ("Output grew in the third quarter of 2023.", "the third quarter of 2023", "2023-Q3"),
])
def test_relative_periods(sentence: str, surface: str, value: str) -> None:
    assert one(sentence, "2024-03-14", surface).value == value


def test_next_week_is_the_following_iso_week() -> None:
    assert one("A summit could follow next week.", "2025-04-28", "next week").value == "2025-W19"
    assert one("Inspectors return next week.", "2024-12-30", "next week").value == "2025-W02"


def test_ago_takes_the_granularity_of_its_unit() -> None:
    got = values("The dam broke two days ago; the port closed a year ago and the mine three weeks ago.",
                 "2024-03-14")
    assert got == {"two days ago": "2024-03-12", "a year ago": "2023", "three weeks ago": "2024-W08"}


# ---------------------------------------------------------------- weekdays

def test_weekday_prefers_the_past_in_news() -> None:
    # 2024-03-16 is a Saturday
    assert one("Rebels shelled the bridge on Friday.", "2024-03-16", "Friday").value == "2024-03-15"
    assert one("Rebels shelled the bridge Monday.", "2024-03-16", "Monday").value == "2024-03-11"


def test_weekday_on_the_reference_day_is_that_day() -> None:
    assert one("The cabinet met Saturday.", "2024-03-16", "Saturday").value == "2024-03-16"


def test_weekday_with_future_marker_looks_ahead() -> None:
    assert one("The envoy will fly to Hanoi on Tuesday.", "2024-03-16", "Tuesday").value == "2024-03-19"
    assert one("A rally is scheduled for Monday.", "2024-03-16", "Monday").value == "2024-03-18"


def test_weekday_relations_and_parts_of_day() -> None:
    got = values("The convoy left last Friday and returns next Friday; a blast hit Thursday morning.",
                 "2024-03-15")  # a Friday
    assert got["last Friday"] == "2024-03-08"
    assert got["next Friday"] == "2024-03-22"
    assert got["Thursday morning"] == "2024-03-14TMO"


def test_weekday_sets_and_names() -> None:
    assert one("Markets close on Sundays.", "2024-03-15", "Sundays").type == "SET"
    assert "Friday" not in values("Shops opened early for Black Friday sales.", "2024-03-15")


# ---------------------------------------------------------------- months and days of the month

@pytest.mark.parametrize("sentence, ref, surface, value", [
    ("Troops crossed the border in August.", "2024-10-05", "August", "2024-08"),
    ("Troops crossed the border in November.", "2024-10-05", "November", "2023-11"),
    ("Troops crossed the border in October.", "2024-10-05", "October", "2024-10"),
    ("The parliament will vote in November.", "2024-10-05", "November", "2024-11"),
    ("Elections were held last October.", "2024-10-05", "last October", "2023-10"),
    ("Aid has flowed since August last year.", "2025-03-01", "August last year", "2024-08"),
    ("Aid has flowed since March of last year.", "2025-03-01", "March of last year", "2024-03"),
    ("Fighting flared in mid-July.", "2024-10-05", "mid-July", "2024-07"),
])
def test_bare_months_prefer_the_most_recent(sentence: str, ref: str, surface: str, value: str) -> None:
    assert one(sentence, ref, surface).value == value


@pytest.mark.parametrize("sentence, ref, surface, value", [
    ("The blockade began on Jan. 6.", "2025-01-28", "Jan. 6", "2025-01-06"),
    ("The blockade began on Dec. 28.", "2025-01-05", "Dec. 28", "2024-12-28"),
    ("The deadline is Feb. 10.", "2025-01-05", "Feb. 10", "2025-02-10"),
    ("The council met on Sept. 24.", "2024-10-05", "Sept. 24", "2024-09-24"),
    ("Envoys signed it on October 5, 1998.", "2024-10-05", "October 5, 1998", "1998-10-05"),
    ("An interview from Oct. 2024 resurfaced.", "2025-01-28", "Oct. 2024", "2024-10"),
    ("Reported 2024.10.05 by the agency.", None, "2024.10.05", "2024-10-05"),
    ("The ISO form 2023-07-27 works too.", None, "2023-07-27", "2023-07-27"),
    ("The strike came on the 3rd local time.", "2024-10-05", "the 3rd", "2024-10-03"),
    ("The strike came on the 28th.", "2024-10-05", "the 28th", "2024-09-28"),
    ("Inspections resume on the 12th of next month.", "2024-10-05", "the 12th of next month", "2024-11-12"),
    ("The ceasefire held until Monday, March 4.", "2024-03-14", "Monday, March 4", "2024-03-04"),
])
def test_dates(sentence: str, ref: str | None, surface: str, value: str) -> None:
    assert one(sentence, ref, surface).value == value


def test_month_range_between() -> None:
    text = "More units arrived between January and February."
    assert one(text, None, "between January and February").value == "XXXX-01/XXXX-02"
    assert one(text, "2025-03-10", "between January and February").value == "2025-01/2025-02"
    assert one("Talks ran from November to January.", "2025-03-10",
               "from November to January").value == "2024-11/2025-01"


# ---------------------------------------------------------------- no reference date

def test_without_reference_unknown_digits_are_x() -> None:
    got = values("Exports fell last year, rose in October and dipped on Friday, two days ago.", None)
    assert got == {"last year": "XXXX", "October": "XXXX-10", "Friday": "XXXX-WXX-5", "two days ago": "XXXX-XX-XX"}
    assert values("Since August last year, trade has grown.", None) == {"August last year": "XXXX-08"}


def test_month_only_reference() -> None:
    assert values("Shipments rose last month and in July.", "2024-10") == {"last month": "2024-09", "July": "2024-07"}


# ---------------------------------------------------------------- durations and sets

@pytest.mark.parametrize("phrase, value", [
    ("six months", "P6M"), ("five years", "P5Y"), ("two weeks", "P2W"), ("24 hours", "PT24H"),
    ("three days", "P3D"), ("16-hour", "PT16H"), ("5 1/2 hours", "PT5H30M"), ("half an hour", "PT30M"),
    ("a year and a half", "P1Y6M"), ("twenty-five minutes", "PT25M"), ("several years", "PXY"),
    ("the past two months", "P2M"), ("decades", "PXDE"),
])
def test_durations(phrase: str, value: str) -> None:
    t = one(f"The siege went on for {phrase}, officials said.", "2024-03-14", phrase)
    assert (t.value, t.type) == (value, "DURATION")


def test_ages_are_not_durations() -> None:
    assert values("A 6-year-old boy and his 52-year-old father, aged 40 years old, fled.", "2024-03-14") == {}


@pytest.mark.parametrize("phrase, value", [
    ("daily", "P1D"), ("weekly", "P1W"), ("every day", "P1D"), ("annually", "P1Y"), ("every two weeks", "P2W"),
])
def test_sets(phrase: str, value: str) -> None:
    t = one(f"Convoys run {phrase} along the corridor.", "2024-03-14", phrase)
    assert (t.value, t.type) == (value, "SET")


# ---------------------------------------------------------------- clock times, seasons, decades, refs

def test_clock_time_takes_the_day_named_in_its_sentence() -> None:
    got = values("The blast came at about 10:35 a.m. (0735 GMT) Friday.", "2024-03-16")
    assert got["10:35 a.m."] == "2024-03-15T10:35"
    assert got["Friday"] == "2024-03-15"
    assert one("Sirens sounded at 9 p.m. yesterday.", "2024-03-16", "9 p.m. yesterday").value == "2024-03-15T21:00"
    assert one("Posted 2024.10.05. PM 8:58", "2024-10-05", "PM 8:58").value == "2024-10-05T20:58"


def test_seasons_decades_and_refs() -> None:
    got = values("The offensive stalled last fall, as in the 1990s; now the army is currently regrouping "
                 "and recently moved north.", "1999-04-10")
    assert got == {"last fall": "1998-FA", "the 1990s": "199X", "now": "PRESENT_REF",
                   "currently": "PRESENT_REF", "recently": "PAST_REF"}
    assert "Now" not in values("Now, the question is who pays.", "1999-04-10")


def test_years_and_composed_dates() -> None:
    assert values("Trade peaked in 2019 and again in 2023.", "2024-03-14") == {"2019": "2019", "2023": "2023"}
    assert one("The deal was signed the day before last Tuesday.", "2024-03-14",
               "the day before last Tuesday").value == "2024-03-11"


# ---------------------------------------------------------------- things that are not times

@pytest.mark.parametrize("sentence", [
    "North Korea sent 3,500 soldiers and 2000 troops to the front.",
    "The KN-23 missile flew 600 km; 20 people were hurt.",
    "Call 02-781-1234 or write to desk1998@example.com.",
    "Rescuers reached the 3rd floor; the 2nd battalion waited.",
    "Analysts say Pyongyang may test again, said Theresa May.",
    "Daily NK reported it first.",
    "About 2024 residents were evacuated from Room 1998.",
])
def test_non_times_are_not_tagged(sentence: str) -> None:
    assert find_times(sentence, "2024-10-05") == []


# ---------------------------------------------------------------- contract

def test_offsets_order_and_version() -> None:
    text = ("On the 3rd local time, Ukraine said six officers died; last year 11,000 troops came, and "
            "between January and February more arrived. Officials met Friday at 10:35 a.m. and will meet "
            "again next week for two days.")
    times = find_times(text, "2024-10-05")
    assert len(times) >= 6
    for t in times:
        assert text[t.start:t.end] == t.text
        assert t.version == VERSION
        assert t.type in {"DATE", "DURATION", "SET", "TIME"}
    assert all(a.end <= b.start for a, b in zip(times, times[1:]))


def test_empty_and_bad_reference() -> None:
    assert find_times("", "2024-10-05") == []
    assert one("It ended last year.", "not a date", "last year").value == "XXXX"
