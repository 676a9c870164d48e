"""Executive summary and key judgements of a situation report, from the key figures fusion gives.

    summary_sentence(figure)                 -> "North Korea — killed (person): the latest figure is ..."
    key_judgement(figure, contradictions)    -> {"statement": ..., "term": "likely", "confidence": "moderate", ...}

How a key judgement is made (the report's method note says the same):

1. The period judged is the latest period of the series that has figures (a month for running
   totals: fusion's ``period`` of each point).
2. Each independent origin of that period (fusion's origins: repeats of one briefing and outlets
   citing another outlet are one origin) counts once, with its latest figure there.
3. Agreement: the value covered by the most origins' stated ranges ("about 300" allows 270-330,
   "more than 500" allows 500 and up); those origins agree, the others dissent.
4. Likelihood that the figure lies where the agreeing origins put it: an ICD 203 term chosen by the
   number of origins and the share that agree (``data/report.toml``); one origin alone gets the
   term its own wording gives, never above a ceiling.
5. Confidence (a separate sentence, as ICD 203 asks): high, moderate or low from how many agree,
   their share, whether a contradiction falls in the period, and the Admiralty grades the user set.
"""
from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fuse.rules import rules as fusion_rules
from .sources import History, origin_histories, origin_of, source_key

DATA = Path(__file__).parent.parent / "data" / "report.toml"


@dataclass(frozen=True, slots=True)
class Thresholds:
    likelihood: tuple[tuple[int, float, str], ...]  # min origins, min share, term
    single_ceiling: str
    confidence: tuple[tuple[str, int, float, bool], ...]  # level, min agreeing, min share, contradiction allowed
    fallback: str
    lower_grades: frozenset[str]


@functools.lru_cache(maxsize=1)
def thresholds() -> Thresholds:
    raw = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return Thresholds(
        likelihood=tuple((int(r["min_origins"]), float(r["min_share"]), str(r["term"])) for r in raw["likelihood"]),
        single_ceiling=str(raw["single"]["ceiling"]),
        confidence=tuple((str(r["level"]), int(r["min_agreeing"]), float(r["min_share"]), bool(r["contradiction"]))
                         for r in raw["confidence"]),
        fallback=str(raw["fallback"]["confidence"]),
        lower_grades=frozenset(str(g) for g in raw["grades"]["lower"]))


LEVELS = ("low", "moderate", "high")


# ---------------------------------------------------------------- numbers in words

def num(v: Any) -> str:
    """1234 -> "1,234"; 2.5e9 -> "2.5 billion"."""
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return "—" if v is None else str(v)
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(v) >= size:
            return f"{v / size:,.2f}".rstrip("0").rstrip(".") + f" {word}"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.4g}"


def _bounds(p: dict[str, Any]) -> tuple[float, float]:
    b = p.get("bounds")
    if isinstance(b, (list, tuple)) and len(b) == 2 and b[0] is not None:
        return float(b[0]), math.inf if b[1] is None else float(b[1])
    stated = [x for x in (p.get("low"), p.get("value"), p.get("high")) if isinstance(x, (int, float))]
    return (min(stated), max(stated)) if stated else (0.0, math.inf)


def _stated(p: dict[str, Any]) -> float | None:
    for k in ("value", "low", "high"):
        if isinstance(p.get(k), (int, float)) and not isinstance(p.get(k), bool):
            return float(p[k])
    return None


# ---------------------------------------------------------------- summary

def _where(p: dict[str, Any]) -> str:
    when = p.get("date") or "undated"
    via = p.get("publisher")
    return f"{origin_of(p)}, as of {when}" + (f", reported by {via}" if via and source_key(via) != source_key(origin_of(p)) else "")


def direction(figure: dict[str, Any], histories: list[History] | None = None) -> str:
    """How the latest figure compares with the same origin's previous one, else with the period's first."""
    latest = _latest_point(figure)
    if latest is None:
        return "no dated figure to compare"
    histories = histories if histories is not None else origin_histories(figure.get("points") or [])
    mine = next((h for h in histories if h.key == source_key(origin_of(latest))), None)
    value = _stated(latest)
    if mine is not None and len(mine.steps) > 1 and value is not None:
        mine_now = next((s for s in mine.steps if latest in s.points), None)
        prev = next((s for s in reversed(mine.steps)  # an earlier date: two figures of one day are no trend
                     if mine_now is not None and s.day < mine_now.day), None)
        if prev is not None:
            word = "up" if value > prev.value else ("down" if value < prev.value else "unchanged")
            return (f"{word} from {prev.figure} ({prev.points[0].get('date')}) in the same origin's previous estimate"
                    if word != "unchanged" else f"unchanged from the same origin's previous estimate ({prev.points[0].get('date')})")
    dated = sorted((p for p in figure.get("points") or [] if p.get("date") and _stated(p) is not None),
                   key=lambda p: str(p["date"]))
    if len(dated) < 2 or value is None:
        return "a single dated figure, so no direction yet"
    first = dated[0]
    fv = _stated(first) or 0.0
    word = "above" if value > fv else ("below" if value < fv else "level with")
    why = ("given the same day, so not a trend" if first.get("date") == latest.get("date")
           else "a different origin, so not a trend")
    return f"{word} the period's first figure, {first.get('figure')} ({_where(first)}); {why}"


def _latest_point(figure: dict[str, Any]) -> dict[str, Any] | None:
    latest = figure.get("latest") or {}
    points = figure.get("points") or []
    hit = next((p for p in points if latest.get("claim_id") is not None and p.get("claim_id") == latest.get("claim_id")),
               None)
    if hit is None and points:
        dated = [p for p in points if p.get("date")]
        hit = max(dated, key=lambda p: (str(p["date"]), str(p.get("published") or ""))) if dated else None
    return hit


def summary_sentence(figure: dict[str, Any]) -> str:
    """One sentence: the latest figure and who gave it, the range over the period, the direction."""
    latest = _latest_point(figure)
    unit = f" {figure['unit']}" if figure.get("unit") and figure.get("unit") not in ("person", "count") else ""
    low, high = figure.get("low"), figure.get("high")
    n = figure.get("n_independent") or 0
    origins = f"{n} independent origin{'s' if n != 1 else ''}"
    spread = (f"every figure over the period was {num(low)}{unit} ({origins})" if low == high else
              f"over the period the figures ranged from {num(low)} to {num(high)}{unit} ({origins})")
    if latest is None:
        return f"{figure['label']}: {figure.get('n_points')} figure(s), none dated; {spread}."
    return (f"{figure['label']}: the latest figure is {latest.get('figure')} ({_where(latest)}); {spread}; "
            f"{direction(figure)}.")


# ---------------------------------------------------------------- key judgements

def _period(p: dict[str, Any]) -> str:
    return str(p.get("period") or str(p.get("date") or "")[:7])


def _latest_period(points: Sequence[dict[str, Any]]) -> str | None:
    """The latest period of the figures dated by what they say (as of); of those dated by publication
    only when no figure says its date."""
    stated = [p for p in points if p.get("date") and p.get("dated_by") != "published"]
    periods = [_period(p) for p in stated or [p for p in points if p.get("date")]]
    return max(periods) if periods else None


def _per_origin(points: Sequence[dict[str, Any]], period: str) -> dict[str, dict[str, Any]]:
    """The latest figure of each origin in ``period`` (repeats of one origin count once)."""
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(points, key=lambda p: (str(p.get("date") or ""), str(p.get("published") or ""))):
        if p.get("date") and _period(p) == period and _stated(p) is not None:
            out[source_key(origin_of(p))] = p
    return out


def agreement(estimates: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(agreeing keys, dissenting keys): the origins whose ranges cover the most-covered value."""
    events = sorted([(lo, 0, k) for k, p in estimates.items() for lo in [_bounds(p)[0]]]
                    + [(hi, 1, k) for k, p in estimates.items() for hi in [_bounds(p)[1]]])
    best: set[str] = set()
    open_now: set[str] = set()
    for _, end, key in events:  # starts sort before ends at one value: touching ranges overlap
        if end:
            open_now.discard(key)
        else:
            open_now.add(key)
            if len(open_now) > len(best):
                best = set(open_now)
    agree = sorted(best, key=lambda k: str(estimates[k].get("date")))
    return agree, sorted(set(estimates) - best)


def _consensus_text(points: list[dict[str, Any]]) -> str:
    open_ended = [p for p in points if _bounds(p)[1] == math.inf]
    values = sorted(v for p in points if p not in open_ended for v in [_stated(p)] if v is not None)
    if not values:
        return f"at least {num(max(_bounds(p)[0] for p in open_ended))}"
    if values[0] == values[-1]:
        return str(next(p.get("figure") for p in points if p not in open_ended) or f"about {num(values[0])}")
    return f"between {num(values[0])} and {num(values[-1])}"


def _term_rank(term: str) -> int:
    return list(fusion_rules().likelihood).index(term)


def likelihood_term(n: int, share: float, single: dict[str, Any] | None = None) -> str:
    """ICD 203 term for: the figure lies where the agreeing origins put it."""
    t = thresholds()
    if n <= 1:
        own = ((single or {}).get("likelihood") or {}).get("term") if single else None
        if own and _term_rank(own) < _term_rank(t.single_ceiling):
            return str(own)
        return t.single_ceiling
    return next((term for lo, sh, term in t.likelihood if n >= lo and share >= sh - 1e-9), "roughly even chance")


def confidence(agreeing: int, share: float, contradicted: bool, grades: list[str]) -> tuple[str, str]:
    """(level, reason in words)."""
    t = thresholds()
    level = next((lv for lv, a, sh, ok in t.confidence
                  if agreeing >= a and share >= sh - 1e-9 and (not contradicted or ok)), t.fallback)
    why = [f"{agreeing} independent origin{'s' if agreeing != 1 else ''} agree"
           + (f" ({share:.0%} of those reporting in the period)" if share < 1 else "")]
    if agreeing <= 1:
        why = ["a single origin, not corroborated by an independent one"]
    if contradicted:
        why.append("a contradiction falls in this period")
    if grades and all(g in t.lower_grades for g in grades):
        lowered = LEVELS[max(0, LEVELS.index(level) - 1)]
        if lowered != level:
            why.append(f"lowered from {level}: every graded agreeing origin is graded {'/'.join(sorted(set(grades)))}")
        level = lowered
    return level, "; ".join(why)


def key_judgement(figure: dict[str, Any], contradictions: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The judgement on the latest period of one key figure, or None when nothing in it is dated."""
    points = figure.get("points") or []
    period = _latest_period(points)
    if period is None:
        return None
    estimates = _per_origin(points, period)
    if not estimates:
        return None
    agree, dissent = agreement(estimates)
    n, share = len(estimates), len(agree) / len(estimates)
    ids = {p.get("claim_id") for p in points if _period(p) == period}
    contradicted = any(c.get("kind", "contradiction") != "divergence" and ids & set(c.get("claim_ids") or [])
                       and (c.get("period") in (None, period) or str(c.get("period"))[:7] == period[:7])
                       for c in contradictions)
    term = likelihood_term(n, share, estimates[agree[0]] if n == 1 else None)
    low, high = fusion_rules().likelihood[term]
    grades = [g["grade"] for k in agree for g in [estimates[k].get("grade")] if isinstance(g, dict) and g.get("grade")]
    level, why = confidence(len(agree), share, contradicted, grades)
    agreeing = [estimates[k] for k in agree]
    names = ", ".join(f"{origin_of(p)} {p.get('figure')}" for p in agreeing)
    lead = "there is" if term.endswith("chance") else "it is"  # "there is a roughly even chance", "it is likely"
    article = "a " if term == "roughly even chance" else ""
    statement = (f"{figure['label']}: {lead} {article}{term} ({low:.0%}–{high:.0%}) that the figure for {period} is "
                 f"{_consensus_text(agreeing)}, as {len(agree)} of {n} independent origin{'s' if n != 1 else ''} "
                 f"reporting for that period put it ({names}).")
    if dissent:
        statement += " Dissenting: " + "; ".join(f"{origin_of(estimates[k])} {estimates[k].get('figure')}"
                                                 for k in dissent) + "."
    return {"series_id": figure.get("series_id"), "label": figure.get("label"), "period": period, "term": term,
            "probability": [low, high], "confidence": level, "confidence_reason": why, "statement": statement,
            "confidence_text": f"We have {level} confidence in this judgement: {why}.",
            "agreeing": [origin_of(p) for p in agreeing], "dissenting": [origin_of(estimates[k]) for k in dissent],
            "n_origins": n}
