"""crosswire.extract.quantities: values, bounds, qualifiers, units, trends and exclusions.

Every sentence here is written for these tests (none is copied from the seed reports or
from NewsQuant), so the evaluation sets stay unseen.
"""
from __future__ import annotations

import random
import string

import pytest

from crosswire.extract.quantities import VERSION, find_quantities
from crosswire.models import Quantity


def only(text: str) -> Quantity:
    found = find_quantities(text)
    assert len(found) == 1, [(q.text, q.value) for q in found]
    return found[0]


def values(text: str) -> list[float | None]:
    return [q.value for q in find_quantities(text)]


def test_version_and_type() -> None:
    assert VERSION == "quantities-2"
    assert all(isinstance(q, Quantity) for q in find_quantities("Some 40 trucks crossed."))


# ------------------------------------------------------------------ qualifiers

@pytest.mark.parametrize("text, qualifier", [
    ("The convoy carried about 40 trucks.", "approx"),
    ("Officials counted around 700 vehicles.", "approx"),
    ("It holds approximately 2,000 rounds.", "approx"),
    ("Some 900 engineers arrived.", "approx"),
    ("The depot lost nearly 60 tanks.", "approx"),
    ("They waited almost 11 hours.", "approx"),
    ("An estimated 1,800 conscripts deserted.", "approx"),
    ("The force was estimated at 15,000.", "approx"),
    ("The brigade has more than 4,000 troops.", "more_than"),
    ("Strikes hit over 30 villages.", "more_than"),
    ("At least 12 ships docked.", "at_least"),
    ("No fewer than 70 observers came.", "at_least"),
    ("Fewer than 90 pilots remain.", "less_than"),
    ("The march took less than 3 days.", "less_than"),
    ("Each crate weighs under 50 kg.", "less_than"),
    ("The battalion has at most 450 men.", "at_most"),
    ("They may send no more than 600 advisers.", "at_most"),
    ("The deal is worth up to 90 aircraft.", "up_to"),
    ("As many as 2,500 workers were sent.", "up_to"),
    ("Traders earned as much as 3 trillion won.", "up_to"),
    ("A unit of 500 or more fighters moved.", "at_least"),
    ("There were 30-odd checkpoints.", "approx"),
    ("The squad had exactly 9 members.", "exact"),
])
def test_qualifier(text: str, qualifier: str) -> None:
    assert only(text).qualifier == qualifier


def test_bounds_fill_low_or_high_and_span_covers_qualifier() -> None:
    q = only("The brigade has more than 4,000 troops.")
    assert (q.value, q.low, q.high) == (4000, 4000, None)
    assert q.text == "more than 4,000 troops"
    q = only("They may send no more than 600 advisers.")
    assert (q.value, q.low, q.high, q.qualifier) == (600, None, 600, "at_most")


def test_qualifier_distributes_over_a_coordinated_count() -> None:
    first, second = find_quantities("Medics treated roughly 250 burns and 1,100 fractures.")
    assert (first.qualifier, second.qualifier) == ("approx", "approx")


# ------------------------------------------------------------------ values

@pytest.mark.parametrize("text, value", [
    ("The fleet has twenty-five frigates.", 25),
    ("They built four hundred and twelve bunkers.", 412),
    ("A dozen drones circled.", 12),
    ("Two dozen barges sank.", 24),
    ("The siege lasted one and a half years.", 1.5),
    ("The budget is 3.5 million dollars.", 3_500_000),
    ("Exports reached 480 billion won.", 480_000_000_000),
    ("The package was $1.2bn.", 1_200_000_000),
    ("Rent is $25k a year.", 25_000),
    ("A grant of €2m was approved.", 2_000_000),
    ("They fired 7,250 shells.", 7250),
    ("Yields fell to .75 percent.", 0.75),
    ("Some 4 hundred million people watched.", 400_000_000),
    ("The rail link is 1,300 km long.", 1300),
    ("About 2000 drones were shot down.", 2000),
])
def test_value(text: str, value: float) -> None:
    assert only(text).value == pytest.approx(value)


def test_won_amounts_are_krw_with_qualifier() -> None:
    q = only("Pyongyang may have earned as much as 8 trillion won from the sales.")
    assert (q.value, q.unit, q.qualifier, q.high) == (8e12, "KRW", "up_to", 8e12)
    assert q.text == "as much as 8 trillion won"
    assert only("Seoul set aside KRW 3.2 billion.").unit == "KRW"
    assert only("A bag of rice costs ₩52,000 there.").value == 52000
    assert only("Wages of 4,000 North Korean won a month.").unit == "KPW"


@pytest.mark.parametrize("text, unit", [
    ("Fuel cost $80 a barrel.", "USD per barrel"),
    ("They paid 300 dollars each.", "USD"),
    ("A fine of €40 applies.", "EUR"),
    ("It sold for £9 million.", "GBP"),
    ("The loan was 2 billion yuan.", "CNY"),
    ("Unemployment hit 7.5% in May.", "percent"),
    ("Turnout was 61 per cent.", "percent"),
    ("Rates rose 3 percentage points.", "percentage point"),
    ("The wall is 300-meter-long.", "metre"),
    ("They marched 40 km overnight.", "kilometre"),
    ("The shell travels 900 metres per second.", "metre per second"),
    ("It weighs 208 pounds.", "pound"),
    ("The column stretched 6 miles.", "mile"),
    ("The tour lasts six months.", "month"),
])
def test_unit(text: str, unit: str) -> None:
    assert only(text).unit == unit


def test_counted_noun_and_person_unit() -> None:
    q = only("The port received 1,400 crates holding rifles.")
    assert (q.unit, q.counted, q.text) == ("crate", "crates", "1,400 crates")
    q = only("Seven Russian officers were detained.")
    assert (q.value, q.unit, q.counted) == (7, "person", "officers")
    for noun in ("soldiers", "troops", "casualties", "civilians", "workers", "fatalities"):
        assert only(f"Reports cite 320 {noun} in the region.").unit == "person", noun


def test_partitive_takes_the_unit_before_it() -> None:
    found = find_quantities("The clinic saw 2,700 wounded, 150 of whom later died.")
    assert [(q.value, q.unit) for q in found] == [(2700, "person"), (150, "person")]
    q = only("Roughly 800 of these conscripts went home.")
    assert (q.unit, q.counted, q.qualifier) == ("person", "conscripts", "approx")


def test_elided_unit_in_a_parallel_clause() -> None:
    found = find_quantities("The first depot held 430 shells and the next 390, officials said.")
    assert [(q.value, q.unit) for q in found] == [(430, "shell"), (390, "shell")]
    found = find_quantities("Inflation rose 2.1% and the index climbed 3% to 2,480.")
    assert found[-1].unit is None  # a level after a percentage is not a percentage


def test_unit_from_context() -> None:
    assert only("The shelling killed 14, officials said.").unit == "person"
    assert only("The number of border guards stood at 6,200.").unit == "person"


# ------------------------------------------------------------------ vague amounts and ranges

@pytest.mark.parametrize("text, low, high, unit", [
    ("Factories made millions of rounds.", 1_000_000, 9_999_999, "round"),
    ("Tens of thousands of refugees fled.", 10_000, 99_999, "person"),
    ("Hundreds of drones were launched.", 100, 999, "drone"),
    ("Dozens of villages lost power.", 24, 99, "village"),
    ("Several hundred sailors mutinied.", 300, 999, "person"),
    ("It cost tens of millions of dollars.", 10_000_000, 99_999_999, "USD"),
])
def test_vague_amounts_are_ranges(text: str, low: float, high: float, unit: str) -> None:
    q = only(text)
    assert (q.value, q.low, q.high, q.qualifier, q.unit) == (None, low, high, "range", unit)


@pytest.mark.parametrize("text, low, high", [
    ("The strike left 10 to 15 craters.", 10, 15),
    ("Between 3 and 5 radars went dark.", 3, 5),
    ("Prices jumped 10-15% overnight.", 10, 15),
    ("Estimates run from $2 to $4 million.", 2_000_000, 4_000_000),
    ("The range was from $300 to $2 million.", 300, 2_000_000),
    ("Four to five thousand people queued.", 4000, 5000),
    ("They will stay three or four weeks.", 3, 4),
])
def test_ranges(text: str, low: float, high: float) -> None:
    q = only(text)
    assert (q.value, q.low, q.high, q.qualifier) == (None, low, high, "range")


def test_levels_of_a_change_are_not_a_range() -> None:
    assert values("The price fell from 940 to 860 rubles.") == [940, 860]
    found = find_quantities("The price fell from 940 to 860 rubles.")
    assert [q.unit for q in found] == ["RUB", "RUB"]


# ------------------------------------------------------------------ percentages and fractions

@pytest.mark.parametrize("text, value", [
    ("Half of the barracks burned.", 0.5),
    ("Two-thirds of the crews quit.", 2 / 3),
    ("About 1/3 of the drones failed.", 1 / 3),
    ("A quarter of the budget went to fuel.", 0.25),
    ("One in four recruits is under 20.", 0.25),
    ("Three quarters of the convoy arrived.", 0.75),
])
def test_fractions(text: str, value: float) -> None:
    q = find_quantities(text)[0]
    assert (q.value, q.unit) == (pytest.approx(value), "fraction")


def test_half_is_not_always_a_fraction() -> None:
    assert find_quantities("The second half of the year was calm.") == []
    assert find_quantities("Flags flew at half-staff.") == []
    assert find_quantities("He said a third deployment was likely.") == []


# ------------------------------------------------------------------ trend

@pytest.mark.parametrize("text, trend", [
    ("Exports rose by 5% last year.", "up"),
    ("The index fell 3% on Monday.", "down"),
    ("Staff were cut by 20 percent.", "down"),
    ("Shares were up 4.2% at noon.", "up"),
    ("The bourse slid 1.8 per cent.", "down"),
    ("The won gained 0.3% against the dollar.", "up"),
    ("Markets: Kospi +1.1%, Nikkei -0.4%.", "up"),
])
def test_trend(text: str, trend: str) -> None:
    assert find_quantities(text)[0].trend == trend


def test_no_trend_for_levels_or_people() -> None:
    assert only("The share increased to 40% in June.").trend is None
    assert only("Turnout was 62%, up from last time.").trend is None
    found = find_quantities("Output rose 8% to 1,200 tonnes.")
    assert [(q.value, q.trend) for q in found] == [(8, "up"), (1200, None)]
    assert only("The regiment lost 20 soldiers.").trend is None
    assert only("Air defence shot down 12 drones.").trend is None
    found = find_quantities("The Kospi lost 40 points, or 1.5%, on Friday.")
    assert [q.trend for q in found] == ["down", "down"]


def test_negative_numbers() -> None:
    q = only("Growth was -0.7% in the quarter.")
    assert (q.value, q.trend) == (-0.7, "down")
    assert only("It can reach minus 40 degrees.").value == -40


def test_times_multipliers() -> None:
    q = only("The envoy visited at least twice this year.")
    assert (q.value, q.unit, q.qualifier) == (2, "time", "at_least")
    assert only("Output grew three times over.").unit == "time"
    assert only("Trade grew tenfold.").value == 10


# ------------------------------------------------------------------ not quantities

@pytest.mark.parametrize("text", [
    "The talks began on March 3, 2024.",
    "He arrived on Oct. 3 and left on 12 November.",
    "Fighting resumed on the 3rd.",
    "The vote was in 2024.",
    "It happened in the 1990s.",
    "The meeting starts at 9:30 p.m. local time.",
    "Doors open at 10am.",
    "For tips call 02-123-4567 or 031-987-6543, 5555.",
    "Write to desk2024@newsroom.kr for details.",
    "See https://example.com/story/12345 for more.",
    "He finished third in the 22nd round.",
    "The North tested a KN-23 and a Hwasong-18.",
    "The Su-35 and the MiG-29 are jets.",
    "Leaders met at the G20 after COVID-19.",
    "The S&P 500 and the FTSE 100 both closed.",
    "Seoul beat Tokyo 3-1 in the final.",
    "Dated 2024.10.05. and filed 2025-04-28.",
    "Version 1.2.3 was released.",
    "No one knew; the one who spoke left.",
    "Around 2020, the war began.",
])
def test_not_quantities(text: str) -> None:
    assert [q.text for q in find_quantities(text)] == []


def test_numbers_next_to_exclusions_survive() -> None:
    text = "On Oct. 3, 2024, about 1,200 troops crossed; call 02-123-4567."
    assert values(text) == [1200]


# ------------------------------------------------------------------ offsets and robustness

def test_offsets_and_order_in_a_document() -> None:
    text = ("[Anchor]\nThe ministry said some 3,000 troops moved east.\n\n"
            "About 40% of them are conscripts, and 12 tanks followed on Jan. 5.\n"
            "Costs reached 950 billion won, up 7% from a year earlier.")
    found = find_quantities(text)
    assert [q.value for q in found] == [3000, 40, 12, 950e9, 7]
    assert all(text[q.start:q.end] == q.text for q in found)
    assert [q.start for q in found] == sorted(q.start for q in found)


@pytest.mark.parametrize("bad", [None, 42, b"12 soldiers", "", "   ", "\x00\x01\x02", "...,,,--"])
def test_malformed_input_gives_nothing(bad: object) -> None:
    assert find_quantities(bad) == []  # type: ignore[arg-type]


def test_absurd_numbers_are_flagged_not_raised() -> None:
    q = only("Losses were 9" + "9" * 30 + " soldiers.")
    assert "absurd" in q.flags
    q = only("They claim " + "9" * 400 + " won.")
    assert "absurd" in q.flags and q.value is None and q.unit == "KRW"


def test_random_input_never_raises_and_offsets_hold() -> None:
    rng = random.Random(7)
    pieces = ["more than", "about", "1,000", "3.5", "million", "won", "$", "-", "to", "between",
              "and", "of whom", "half", "one", "twice", "dozens", "%", "km", "2024", "KN-", "Oct.",
              "per cent", "or more", "sub-", "minus", "9/11", "1/3", "bn", "m", "a third", "fold"]
    chars = string.printable + "½⅓–—−~≈…“”’₩€£"
    for i in range(1500):
        if i % 2:
            text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 60)))
        else:
            text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        for q in find_quantities(text):
            assert text[q.start:q.end] == q.text


# ------------------------------------------------------------------ ages

@pytest.mark.parametrize("text, value, unit", [
    ("A 52-year-old engineer was arrested.", 52, "year"),
    ("Voters aged 30 were polled.", 30, "year"),
    ("Park, 47, declined to comment.", 47, "year"),
    ("She will be 61 in May.", 61, "year"),
    ("Her son, who was 8, survived the crash.", 8, "year"),
    ("Life expectancy in the region is about 68.", 68, "year"),
    ("The farm lost a 9 month-old calf.", 9, "month"),
    ("It was her now-7 year-old son.", 7, "year"),
])
def test_ages_are_years_with_counted_age(text: str, value: float, unit: str) -> None:
    q = only(text)
    assert (q.value, q.unit, q.counted) == (value, unit, "age")


def test_age_bounds_and_non_ages() -> None:
    q = only("Children under the age of 12 were excluded.")
    assert (q.value, q.high, q.qualifier, q.unit, q.counted) == (12, 12, "less_than", "year", "age")
    q = only("Only fans over the age of 18 may enter.")
    assert (q.qualifier, q.low, q.unit) == ("more_than", 18, "year")
    assert only("He was 3 points behind.").unit == "point"
    assert only("It was 35 by noon.").unit is None  # "it" is not a person with an age


# ------------------------------------------------------------------ index points and pence

def test_index_level_next_to_a_move_in_points_is_in_points() -> None:
    found = find_quantities("The Kospi climbed 31.2 points to 2,640.5.")
    assert [(q.value, q.unit, q.trend) for q in found] == [(31.2, "point", "up"), (2640.5, "point", None)]
    found = find_quantities("Most active: Bourse index (5,120.44, up 12.3 points).")
    assert [(q.value, q.unit) for q in found] == [(5120.44, "point"), (12.3, "point")]


def test_share_prices_in_pence_stay_pence() -> None:
    found = find_quantities("Shares rose 4% to 212p.")
    assert [(q.value, q.unit) for q in found] == [(4, "percent"), (212, "pence")]


@pytest.mark.parametrize("text", [
    "S&P 500 futures rose 0.4% overnight.",
    "the sp 500 fell 0.4% early.",
    "In Asia: Nikkei 225 +0.4%.",
    "The FTSE 100 and the Stoxx 600 both added 0.4%.",
])
def test_market_index_names_are_not_numbers(text: str) -> None:
    assert values(text) == [0.4]


# ------------------------------------------------------------------ rates

@pytest.mark.parametrize("text, unit", [
    ("Brent traded at $81 a barrel.", "USD per barrel"),
    ("Homes sell for $410 per square foot.", "USD per square foot"),
    ("Gold hit $2,400 an ounce.", "USD per ounce"),
    ("Shares were priced at between $30 and $34 per share.", "USD per share"),
    ("Output reached 1.2 million barrels per day.", "barrel per day"),
    ("Inspectors visit twice a week.", "time per week"),
    ("Staff work 50 hours a week.", "hour per week"),
])
def test_rates(text: str, unit: str) -> None:
    assert only(text).unit == unit


def test_money_over_a_period_stays_money_and_is_flagged() -> None:
    q = only("The plan costs $9.99 a month.")
    assert (q.unit, q.text, q.flags) == ("USD", "$9.99 a month", ["per_month"])
    assert only("It will earn 300 billion won a year.").unit == "KRW"
    assert only("It grew 3 percent a year.").unit == "percent"  # a percentage is already a ratio
    assert only("She paid $5 a unit.").unit == "USD"  # "a" joins only listed denominators


# ------------------------------------------------------------------ temperatures, torque, engines

@pytest.mark.parametrize("text, value, unit", [
    ("Highs of 31 C are forecast.", 31, "celsius"),
    ("It was 35C in Seville.", 35, "celsius"),
    ("Lows near 20 F are likely.", 20, "fahrenheit"),
    ("It makes 380 lb-ft of torque.", 380, "foot pound-force"),
    ("It makes 400 pound-feet of torque.", 400, "foot pound-force"),
    ("Power peaks at 6,500 rpm.", 6500, "revolution per minute"),
    ("It has a 4cyl engine.", 4, "cylinder"),
])
def test_temperature_torque_engine_units(text: str, value: float, unit: str) -> None:
    q = only(text)
    assert (q.value, q.unit) == (value, unit)


def test_capital_c_before_a_hyphen_is_a_model() -> None:
    q = only("The air force flew 12 C-17 transports.")
    assert (q.value, q.unit) == (12, "transport")


# ------------------------------------------------------------------ nouns, restatements, labels

def test_model_names_inside_the_counted_noun() -> None:
    q = only("Tesla shipped 5,000 Model 3s.")
    assert (q.unit, q.counted) == ("model 3", "Model 3s")
    q = only("The airline ordered 30 Boeing 787 jets.")
    assert (q.value, q.unit) == (30, "jet")


def test_bracketed_conversion_shares_the_bound() -> None:
    first, second = find_quantities("The range is more than 200 km (124 miles).")
    assert (second.value, second.qualifier, second.low, second.unit) == (124, "more_than", 124, "mile")
    first, second = find_quantities("The town is about 30 miles (48 km) away.")
    assert second.qualifier == "approx"


def test_a_noun_or_two() -> None:
    q = only("We will wait a day or two.")
    assert (q.value, q.unit) == (2, "day")


def test_singular_person_noun_after_a_name_is_a_label() -> None:
    assert find_quantities("He met the Bravo 6 commander on Monday.") == []
    assert only("He met the Bravo 6 commanders on Monday.").unit == "person"
    assert only("The strike left 200 dead.").unit == "person"
