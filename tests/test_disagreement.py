"""Series that mean one quantity, contradictions vs divergences, independence by origin.

Small corpora of records written for each rule (the end-to-end check on whole reports is
tests/test_scenario.py).
"""
from __future__ import annotations

from typing import Any

import pytest

from crosswire.store import open_store
from crosswire.fuse import Fusion
from crosswire.store.sqlite import Store
from test_fuse import NIS, NK, add_reports, claim, entity, report

KILLED = "north-korea.killed.person"
PERSONNEL = "north-korea.personnel.person"
CASUALTIES = "north-korea.casualties.person"


def fusion_of(db: str, reports: list[dict[str, Any]]) -> Fusion:
    store = open_store(db)
    add_reports(store, reports)
    return Fusion(store, {})


def by_value(series: dict[str, Any]) -> dict[float, dict[str, Any]]:
    return {p["value"]: p for p in series["points"]}


# ---------------------------------------------------------------- series


def test_latest_is_the_latest_as_of_and_a_recalled_figure_is_never_latest(db: str) -> None:
    fu = fusion_of(db, [
        report("a1", "Wire A", "2025-03-01", [
            claim("The agency now puts the toll at 600.", "600", 600, "killed", source="NIS", attribution=["NIS"],
                  as_of="2025-03-01"), NK, NIS]),
        # published later, but recalls older figures: one dated, one the report gives no period for
        report("a2", "Wire B", "2025-03-20", [
            claim("In January the agency had counted 300 dead.", "300", 300, "killed", source="NIS",
                  attribution=["NIS"], as_of="2025-01", flags=["recalled"]),
            claim("It had previously put the toll at 100.", "100", 100, "killed", source="NIS",
                  attribution=["NIS"], as_of=None, flags=["recalled"]), NK, NIS]),
    ])
    s = fu.series(KILLED)
    assert s["latest"]["value"] == 600
    points = by_value(s)
    assert points[300]["date"] == "2025-01" and points[300]["dated_by"] == "as_of"
    assert points[100]["date"] is None and points[100]["dated_by"] == "recalled" and points[100]["recalled"]
    assert points[100]["period"] is None  # compared with nothing


def test_same_as_of_tie_goes_to_the_latest_report(db: str) -> None:
    fu = fusion_of(db, [
        report("b1", "Wire A", "2025-02-02", [claim("Toll 400 as of Feb 1.", "400", 400, "killed",
                                                    as_of="2025-02-01"), NK]),
        report("b2", "Wire B", "2025-02-05", [claim("Toll 420 as of Feb 1.", "420", 420, "killed",
                                                    as_of="2025-02-01"), NK]),
        report("b3", "Wire C", "2025-02-09", [claim("Toll 410 on Jan 30.", "410", 410, "killed",
                                                    as_of="2025-01-30"), NK]),
    ])
    assert fu.series(KILLED)["latest"]["value"] == 420


def test_increments_calibres_durations_stay_out_of_the_total(db: str) -> None:
    fu = fusion_of(db, [
        report("c1", "Wire A", "2025-01-10", [
            claim("Pyongyang has sent about 12,000 troops in all.", "about 12,000", 12000, "personnel",
                  qualifier="approx", as_of="2025-01-10"),
            claim("It is preparing a third deployment of 6,000 troops.", "6,000", 6000, "personnel",
                  as_of="2025-01-10"),
            claim("Some 3,000 more troops arrived in February.", "3,000", 3000, "personnel", as_of="2025-02"),
            claim("The shells are of 152-millimetre calibre.", "152-millimetre", 152, "materiel", counted=None,
                  unit="shell"),
            claim("The troops trained for four days.", "four days", 4, "personnel", counted=None),
            claim("It was one estimate among several.", "one estimate", 1, "other", counted="estimate"),
            NK]),
    ])
    ids = {f["id"] for f in fu.figures()}
    assert [p["value"] for p in fu.series(PERSONNEL)["points"]] == [12000]
    assert "north-korea.personnel.person.per-added" in ids
    assert sorted(p["value"] for p in fu.series("north-korea.personnel.person.per-added")["points"]) == [3000, 6000]
    every = fu.figures(include_other=True)
    values = {p["value"] for f in every for p in f["points"]}
    assert not values & {152, 4, 1}  # a calibre, a duration and 'one estimate' are no series point at all


def test_parts_of_a_total_stay_out_of_the_total(db: str) -> None:
    """A total and two of its parts, in one report: the parts form a series of their own and are never
    compared with each other as two views of one number."""
    fu = fusion_of(db, [
        report("p1", "Wire A", "2025-04-17", [
            claim("The port has earned about 9.1 billion dollars from the transit trade.", "about 9.1 billion dollars",
                  9.1e9, "money", unit="USD", qualifier="approx", counted=None, as_of="2025-04-17"),
            claim("The bureau said the bulk of the gain, about 8.2 billion dollars, came from grain.",
                  "about 8.2 billion dollars", 8.2e9, "money", unit="USD", qualifier="approx", counted=None,
                  as_of="2025-04-17"),
            claim("The ferry service added only about 300 million dollars, the bureau said.",
                  "about 300 million dollars", 3e8, "money", unit="USD", qualifier="approx", counted=None,
                  as_of="2025-04-17"),
            NK]),
    ])
    assert [p["value"] for p in fu.series("north-korea.money.usd")["points"]] == [9.1e9]
    assert sorted(p["value"] for p in fu.series("north-korea.money.usd.per-part")["points"]) == [3e8, 8.2e9]
    assert not [c for c in fu.conflicts() if c["series_id"] == "north-korea.money.usd.per-part"]


def test_other_measure_is_a_series_only_when_asked(db: str) -> None:
    fu = fusion_of(db, [report("d1", "Wire A", "2025-01-10", [
        claim("Some 40 drones were seen.", "Some 40", 40, "other", counted="drones", qualifier="approx"),
        claim("About 300 were killed.", "About 300", 300, "killed", qualifier="approx"), NK])])
    assert {f["measure"] for f in fu.figures()} == {"killed"}
    assert {f["measure"] for f in fu.figures(include_other=True)} == {"killed", "other"}
    other = next(f["id"] for f in fu.figures(include_other=True) if f["measure"] == "other")
    assert fu.series(other)["points"][0]["value"] == 40  # `crosswire series ID` finds it


def test_one_place_is_the_theatre_two_places_are_scopes(db: str, another_db: Any) -> None:
    fu = fusion_of(db, [report("p1", "Wire A", "2025-01-10", [
        claim("About 300 were killed in Kell.", "About 300", 300, "killed", qualifier="approx", location="Kell",
              as_of="2025-01-10"),
        claim("About 900 have been killed in all.", "About 900", 900, "killed", qualifier="approx",
              as_of="2025-01-10"), NK, entity("Kell", "GPE")])])
    assert [f["id"] for f in fu.figures()] == [KILLED]
    fu = fusion_of(another_db(), [report("p2", "Wire A", "2025-01-10", [
        claim("About 300 were killed in Kell.", "About 300", 300, "killed", qualifier="approx", location="Kell",
              as_of="2025-01-10"),
        claim("About 200 were killed in Dorn.", "About 200", 200, "killed", qualifier="approx", location="Dorn",
              as_of="2025-01-10"),
        claim("About 900 have been killed in all.", "About 900", 900, "killed", qualifier="approx",
              as_of="2025-01-10"), NK, entity("Kell", "GPE"), entity("Dorn", "GPE")])])
    assert sorted(f["id"] for f in fu.figures()) == [KILLED, f"{KILLED}.in-dorn", f"{KILLED}.in-kell"]
    assert fu.conflicts() == []  # a town's toll is not the war's


# ---------------------------------------------------------------- disagreement


def _two_origins(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    return [report("e1", "Wire A", "2025-01-20", [claim(a["s"], a["span"], a["v"], a.get("m", "killed"),
                                                        **a["kw"]), NK]),
            report("e2", "Wire B", "2025-01-22", [claim(b["s"], b["span"], b["v"], b.get("m", "killed"),
                                                        **b["kw"]), NK])]


def test_overlapping_about_bands_do_not_hide_a_divergence(db: str) -> None:
    fu = fusion_of(db, _two_origins(
        {"s": "HUR said about 2,500 were killed.", "span": "about 2,500", "v": 2500,
         "kw": {"qualifier": "approx", "source": "HUR", "attribution": ["HUR"], "as_of": "2025-01-18"}},
        {"s": "The NIS said about 3,000 were killed.", "span": "about 3,000", "v": 3000,
         "kw": {"qualifier": "approx", "source": "NIS", "attribution": ["NIS"], "as_of": "2025-01-19"}}))
    [c] = fu.conflicts()
    assert c["kind"] == "divergence" and c["ratio"] == pytest.approx(1.2) and c["period"] == "2025-01"
    assert {x["origin"] for x in c["claims"]} == {"HUR", "NIS"} and {x["date"] for x in c["claims"]} == {
        "2025-01-18", "2025-01-19"}
    assert "1.20 times" in c["reason"]


def test_rounding_is_no_divergence_and_one_origin_updating_is_no_disagreement(db: str, another_db: Any) -> None:
    fu = fusion_of(db, _two_origins(
        {"s": "HUR said about 300 were killed.", "span": "about 300", "v": 300,
         "kw": {"qualifier": "approx", "source": "HUR", "attribution": ["HUR"], "as_of": "2025-01-18"}},
        {"s": "The NIS said 310 were killed.", "span": "310", "v": 310,
         "kw": {"source": "NIS", "attribution": ["NIS"], "as_of": "2025-01-19"}}))
    assert fu.conflicts() == []
    fu = fusion_of(another_db(), _two_origins(
        {"s": "The NIS said 100 were killed.", "span": "100", "v": 100,
         "kw": {"source": "NIS", "attribution": ["NIS"], "as_of": "2025-01-03"}},
        {"s": "The NIS said 300 were killed.", "span": "300", "v": 300,
         "kw": {"source": "NIS", "attribution": ["NIS"], "as_of": "2025-01-28"}}))
    assert fu.conflicts() == []


def test_a_bound_that_misses_is_a_contradiction_but_not_across_periods_or_measures(db: str, another_db: Any) -> None:
    fu = fusion_of(db, _two_origins(
        {"s": "HUR said more than 1,000 were killed.", "span": "more than 1,000", "v": 1000,
         "kw": {"qualifier": "more_than", "low": 1000, "source": "HUR", "attribution": ["HUR"], "as_of": "2025-01-18"}},
        {"s": "The NIS said at most 500 were killed.", "span": "at most 500", "v": 500,
         "kw": {"qualifier": "at_most", "source": "NIS", "attribution": ["NIS"], "as_of": "2025-01-19"}}))
    [c] = fu.conflicts()
    assert (c["kind"], c["check"]) == ("contradiction", "disjoint") and "cannot both be true" in c["reason"]
    # 100 in December and 300 in January; 300 killed and 4,000 killed or wounded: nothing to compare
    fu = fusion_of(another_db(), _two_origins(
        {"s": "The NIS said at most 100 had been killed by December.", "span": "at most 100", "v": 100,
         "kw": {"qualifier": "at_most", "source": "NIS", "attribution": ["NIS"], "as_of": "2024-12"}},
        {"s": "HUR said at least 300 were killed in January.", "span": "at least 300", "v": 300,
         "kw": {"qualifier": "at_least", "low": 300, "source": "HUR", "attribution": ["HUR"], "as_of": "2025-01"}}))
    assert fu.conflicts() == []
    fu = fusion_of(another_db(), _two_origins(
        {"s": "The NIS said 300 were killed.", "span": "300", "v": 300,
         "kw": {"source": "NIS", "attribution": ["NIS"], "as_of": "2025-01-18"}},
        {"s": "HUR said 4,000 were killed or wounded.", "span": "4,000", "v": 4000, "m": "casualties",
         "kw": {"source": "HUR", "attribution": ["HUR"], "as_of": "2025-01-19"}}))
    assert fu.conflicts() == []


def test_running_total_that_grew_is_no_disagreement(db: str) -> None:
    fu = fusion_of(db, _two_origins(
        {"s": "HUR said 100 were killed.", "span": "100", "v": 100,
         "kw": {"source": "HUR", "attribution": ["HUR"], "as_of": "2025-01-02"}},
        {"s": "The NIS said 300 were killed.", "span": "300", "v": 300,
         "kw": {"source": "NIS", "attribution": ["NIS"], "as_of": "2025-01-29"}}))
    assert fu.conflicts() == []


def test_parts_of_one_origin_that_cannot_add_up(db: str) -> None:
    s = "The NIS said 300 were killed, 2,700 wounded and 5,000 in all were casualties."
    fu = fusion_of(db, [report("f1", "Wire A", "2025-01-20", [
        claim(s, "300", 300, "killed", source="NIS", attribution=["NIS"], as_of="2025-01-19"),
        claim(s, "2,700", 2700, "wounded", source="NIS", attribution=["NIS"], as_of="2025-01-19"),
        claim(s, "5,000", 5000, "casualties", source="NIS", attribution=["NIS"], as_of="2025-01-19"), NK, NIS])])
    [c] = fu.conflicts()
    assert (c["kind"], c["check"]) == ("contradiction", "arithmetic") and "cannot add up" in c["reason"]


# ---------------------------------------------------------------- independence


def test_one_briefing_carried_by_three_outlets_is_one_origin(db: str) -> None:
    line = "citing the NIS, about 11,000 troops are in Russia."
    fu = fusion_of(db, [
        report(f"g{i}", outlet, f"2025-01-{10 + i:02d}", [
            claim(f"{who}, {line}", "about 11,000", 11000, "personnel", qualifier="approx", source=who,
                  attribution=[who, "NIS"], as_of="2025-01-09"), NK, NIS])
        for i, (outlet, who) in enumerate([("YTN", "A lawmaker"), ("KBS", "Lawmakers"), ("Seoul Wire", "Park Min")])
    ] + [report("g9", "Digest", "2025-01-14", [
        claim("Lawmakers said about 11,000 troops are in Russia.", "about 11,000", 11000, "personnel",
              qualifier="approx", source="lawmakers", attribution=["lawmakers"], as_of="2025-01-13"), NK])])
    s = fu.series(PERSONNEL)
    assert s["n_independent"] == 1
    [origin] = s["origins"]
    assert origin["origin"] == "NIS" and {"YTN", "KBS", "Seoul Wire", "Digest"} <= set(origin["repeaters"])
    repeats = [p["repeat_of"] for p in s["points"]]
    assert repeats.count(None) == 1  # the first report; the others repeat it


def test_an_outlet_citing_an_outlet_is_not_independent(db: str) -> None:
    fu = fusion_of(db, [
        report("h1", "Seoul Wire", "2025-01-10", [claim("About 300 were killed, the Seoul Wire learned.", "About 300",
                                                        300, "killed", qualifier="approx", source="Seoul Wire",
                                                        as_of="2025-01-10"), NK, entity("Seoul Wire", "ORG")]),
        report("h2", "Digest", "2025-01-12", [claim("The Seoul Wire reported about 300 killed.", "about 300", 300,
                                                    "killed", qualifier="approx", source="Seoul Wire",
                                                    attribution=["Seoul Wire"], as_of="2025-01-10"), NK]),
    ])
    s = fu.series(KILLED)
    assert s["n_independent"] == 1 and s["origins"][0]["origin"] == "Seoul Wire"


def test_a_unit_that_names_a_kind_of_person_joins_that_kind(db: str) -> None:
    fu = fusion_of(db, [report("k1", "Wire A", "2025-06-17", [
        claim("Russia said 1,000 sappers were sent.", "1,000 sappers", 1000, "personnel", unit="sapper",
              counted=None, as_of="2025-06-17", source="Russia", attribution=["Russia"]),
        claim("About 1,000 combat engineers arrived, the NIS said.", "About 1,000 combat engineers", 1000,
              "personnel", counted="combat engineers", qualifier="approx", as_of="2025-06-20", source="NIS",
              attribution=["NIS"]), NK, NIS])])
    [s] = fu.figures()
    assert s["id"] == "north-korea.personnel.person.engineers" and s["n_points"] == 2


def _wounded(hur: float, nis: float) -> list[dict[str, Any]]:
    return _two_origins(
        {"s": f"HUR said {hur:,.0f} soldiers were wounded.", "span": f"{hur:,.0f}", "v": hur,
         "kw": {"source": "HUR", "attribution": ["HUR"], "as_of": "2025-01-11"}, "m": "wounded"},
        {"s": f"The NIS said {nis:,.0f} were wounded.", "span": f"{nis:,.0f}", "v": nis,
         "kw": {"source": "NIS", "attribution": ["NIS"], "as_of": "2025-01-13"}, "m": "wounded"})


def test_estimates_far_apart_say_they_may_not_count_one_thing(db: str) -> None:
    [c] = fusion_of(db, _wounded(150, 2700)).conflicts()
    assert c["kind"] == "divergence" and c["ratio"] == 18 and "may not count the same thing" in c["reason"]


def test_a_handful_of_individuals_is_no_estimate_of_the_total(db: str, another_db: Any) -> None:
    fu = fusion_of(db, _wounded(2, 2700))  # "two soldiers, though wounded, survived" against a toll
    assert fu.conflicts() == [] and fu.series("north-korea.wounded.person")["n_points"] == 2
    [c] = fusion_of(another_db(), _wounded(2, 5)).conflicts()  # two handfuls are two estimates
    assert c["kind"] == "divergence" and c["ratio"] == 2.5


def _staff(doc_id: str, outlet: str, day: str, source: str, *places: str) -> dict[str, Any]:
    return report(doc_id, outlet, f"2025-01-{day}", [
        claim(f"{source} said about 8,000 troops had crossed.", "about 8,000", 8000, "personnel",
              qualifier="approx", source=source, attribution=[source], as_of="2025-01-06"),
        NK, *(entity(p, "GPE") for p in places)])


def test_a_bare_body_name_is_its_one_owners_where_the_report_names_the_owner(db: str, another_db: Any) -> None:
    fu = fusion_of(db, [_staff("m1", "Wire A", "07", "Esland's General Staff", "Esland"),
                        _staff("m2", "Wire B", "08", "the General Staff", "Esland")])
    s = fu.series(PERSONNEL)
    assert [o["origin"] for o in s["origins"]] == ["Esland's General Staff"] and s["n_independent"] == 1
    # a report that does not name the owner keeps the bare name: it may be another country's staff
    fu = fusion_of(another_db(), [_staff("m1", "Wire A", "07", "Esland's General Staff", "Esland"),
                                  _staff("m3", "Wire C", "08", "General Staff")])
    assert {o["origin"] for o in fu.series(PERSONNEL)["origins"]} == {"Esland's General Staff", "General Staff"}


def test_a_bare_body_name_two_owners_share_stays_apart(db: str) -> None:
    fu = fusion_of(db, [_staff("n1", "Wire A", "07", "Esland's General Staff", "Esland"),
                        _staff("n2", "Wire B", "07", "Marovia's General Staff", "Marovia"),
                        _staff("n3", "Wire C", "08", "General Staff", "Esland", "Marovia")])
    assert {o["origin"] for o in fu.series(PERSONNEL)["origins"]} == {
        "Esland's General Staff", "Marovia's General Staff", "General Staff"}


def _figure(doc_id: str, day: str, subject: str, source: str, *names: tuple[str, str]) -> dict[str, Any]:
    return report(doc_id, f"Wire {doc_id}", f"2025-08-{day}", [
        claim(f"{source} said about 2,100 {subject} soldiers had been killed.", "about 2,100", 2100, "killed",
              qualifier="approx", subject=subject, source=source, attribution=[source], as_of=f"2025-08-{day}"),
        *(entity(n, t) for n, t in names)])


def test_a_nationality_no_gazetteer_knows_is_the_one_place_it_names(db: str, another_db: Any) -> None:
    fu = fusion_of(db, [_figure("p1", "11", "Korvalian", "the bureau", ("Korvalian", "NORP")),
                        _figure("p2", "12", "Korvalia", "the bureau", ("Korvalia", "GPE"))])
    [s] = fu.figures()
    assert s["subject"] == "Korvalia" and s["n_points"] == 2
    # without the place in the knowledge base the nationality stays a subject of its own
    fu = fusion_of(another_db(), [_figure("p1", "11", "Korvalian", "the bureau", ("Korvalian", "NORP")),
                                  _figure("p2", "12", "Drusala", "the bureau", ("Drusala", "GPE"))])
    assert {s["subject"] for s in fu.figures()} == {"Korvalian", "Drusala"}


def test_an_acronym_is_the_one_organisation_it_abbreviates(db: str, another_db: Any) -> None:
    ifs = ("Institute for Frontier Studies", "ORG")
    fu = fusion_of(db, [_figure("q1", "11", "Korvalia", "Institute for Frontier Studies", ifs, ("Korvalia", "GPE")),
                        _figure("q2", "20", "Korvalia", "IFS", ("IFS", "ORG"))])
    [s] = fu.figures()
    assert [o["origin"] for o in s["origins"]] == ["Institute for Frontier Studies"]
    # two organisations with those initials: the acronym is neither
    fu = fusion_of(another_db(), [
        _figure("q1", "11", "Korvalia", "Institute for Frontier Studies", ifs, ("Korvalia", "GPE")),
        _figure("q3", "12", "Korvalia", "Institute for Fiscal Studies", ("Institute for Fiscal Studies", "ORG")),
        _figure("q2", "20", "Korvalia", "IFS", ("IFS", "ORG"))])
    assert {o["origin"] for o in fu.figures()[0]["origins"]} == {
        "Institute for Frontier Studies", "Institute for Fiscal Studies", "IFS"}
