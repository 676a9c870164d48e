"""Fusion heuristics, read from ``data/fusion.toml`` and ``data/estimative.toml``.

Also the small shared helpers every fuse module needs: dates and plain-words number formatting
(names are normalised by crosswire/names.py, as in every stage).
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SettingsError
from ..names import normalize

DATA = Path(__file__).resolve().parent.parent / "data"
INF = math.inf


@dataclass(frozen=True, slots=True)
class Period:
    name: str
    label: str
    granularity: str
    pattern: re.Pattern[str]
    keywords: tuple[str, ...]
    touch_span: bool = False  # the phrase must reach the figure's own span (increments)


@dataclass(frozen=True, slots=True)
class Rules:
    width: dict[str, float]  # qualifier -> relative half-width (point figures)
    lower: frozenset[str]
    upper: frozenset[str]
    tolerance: float
    cumulative_period: str
    epsilon: float
    periods: tuple[Period, ...]
    by_period: dict[str, Period]
    period_hint: re.Pattern[str]  # any keyword of any period
    kinds: dict[str, str]
    kind_patterns: tuple[tuple[re.Pattern[str], str, str], ...]  # pattern, kind, keyword
    total: str
    parts: tuple[str, ...]
    skip_measures: frozenset[str]
    likelihood: dict[str, tuple[float, float]]  # ICD 203 term -> (low, high)
    likelihood_alt: dict[str, str]
    hedges: dict[str, str]  # hedge word -> ICD 203 term
    grades: dict[str, str]  # Admiralty letter -> meaning
    not_series: tuple[tuple[re.Pattern[str], str], ...] = ()  # span pattern, reason: never a series point
    not_series_counted: frozenset[str] = frozenset()
    min_ratio: float = 1.15  # point estimates further apart than this diverge
    growth_days: int = 14  # a running total older by more than this may simply have grown
    skip_rates: frozenset[str] = frozenset()  # rates never compared (increments)
    repeat_days: int = 10  # same figure within this many days: a repeat of one statement
    conduits: frozenset[str] = frozenset()  # role words that pass a figure on (not an origin)
    single_place_is_theatre: bool = True  # one place for a subject and measure is the theatre, not a scope
    people_measures: frozenset[str] = frozenset()  # measures that count people (a unit 'sapper' is a kind)
    far_apart: float = 10.0  # a divergence beyond this ratio may not be one quantity (said in its reason)
    handful: float = 10.0  # an exact count below this, far_apart below another origin's, counts individuals

    def period(self, name: str | None) -> Period | None:
        return self.by_period.get(name) if name else None

    def compares(self, measure: str, rate: str | None) -> bool:
        """Whether a series of this measure and rate is checked for contradictions and divergences (not one of
        ``skip_measures``, which do not say what is counted, nor of ``skip_rates``, increments and parts)."""
        return measure not in self.skip_measures and rate not in self.skip_rates


def _one_pattern(table: list[dict[str, str]]) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The [[not_series]] patterns as one alternation (one search per figure), each in a named group
    whose index gives the reason; the single pair keeps the shape a list of patterns would have."""
    if not table:
        return ()
    joined = "|".join(f"(?P<r{i}>{x['pattern']})" for i, x in enumerate(table))
    reasons = "\x1f".join(x["reason"] for x in table)
    return ((re.compile(joined, re.I), reasons),)


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


def _not_negative(value: Any, name: str) -> float:
    """A tolerance of data/fusion.toml: a number, 0 or more (the conflict checks rely on it)."""
    out = float(value)
    if out < 0:
        raise ValueError(f"fusion.toml {name} must be 0 or more, not {value!r}")
    return out


@functools.lru_cache(maxsize=1)
def rules() -> Rules:
    fusion, est = _read("fusion.toml"), _read("estimative.toml")
    bounds, figs = fusion["bounds"], fusion["figures"]
    periods = tuple(Period(p["name"], p["label"], p["granularity"], re.compile("|".join(p["patterns"]), re.I),
                           tuple(p["keywords"]), bool(p.get("touch_span", False))) for p in fusion["period"])
    return Rules(
        width={k: float(v) for k, v in bounds.items() if isinstance(v, (int, float))},
        lower=frozenset(bounds["lower"]), upper=frozenset(bounds["upper"]),
        tolerance=float(figs["tolerance"]), cumulative_period=figs["cumulative_period"],
        epsilon=_not_negative(figs["epsilon"], "[figures] epsilon"), periods=periods, by_period={p.name: p for p in periods},
        period_hint=re.compile("|".join(re.escape(k) for p in periods for k in p.keywords)),
        kinds={k.casefold(): v for k, v in fusion["kinds"].items()},
        kind_patterns=tuple((re.compile(k["pattern"], re.I), k["kind"], k.get("keyword", "").casefold())
                            for k in fusion["kind_pattern"]),
        total=fusion["arithmetic"]["total"], parts=tuple(fusion["arithmetic"]["parts"]),
        skip_measures=frozenset(fusion["conflicts"]["skip_measures"]),
        likelihood={x["term"]: (float(x["low"]), float(x["high"])) for x in est["likelihood"]},
        likelihood_alt={x["term"]: x["alt"] for x in est["likelihood"]},
        hedges={k.casefold(): v for k, v in est["hedges"].items()},
        grades=dict(est["grades"]),
        not_series=_one_pattern(fusion["not_series"]),
        not_series_counted=frozenset(n.casefold() for n in fusion["not_series_counted"]["nouns"]),
        min_ratio=float(fusion["disagreement"]["min_ratio"]),
        growth_days=int(fusion["disagreement"]["growth_days"]),
        skip_rates=frozenset(fusion["disagreement"]["skip_rates"]),
        repeat_days=int(fusion["origins"]["repeat_days"]),
        conduits=frozenset(normalize(n) for n in fusion["origins"]["conduits"]),
        single_place_is_theatre=bool(fusion["places"]["single_place_is_theatre"]),
        people_measures=frozenset(fusion["people"]["measures"]),
        far_apart=float(fusion["disagreement"]["far_apart"]),
        handful=float(fusion["disagreement"].get("handful", 10.0)),
    )


# ---------------------------------------------------------------- likelihood and grades

def likelihood(hedge: str | None) -> dict[str, Any] | None:
    """The ICD 203 term for a hedge word, with its probability range, or None."""
    if not hedge:
        return None
    hit = _likelihood(hedge)
    return dict(hit) if hit else None


@functools.lru_cache(maxsize=256)
def _likelihood(hedge: str) -> dict[str, Any] | None:
    r = rules()
    term = r.hedges.get(hedge.casefold().strip())
    if term is None:
        return None
    low, high = r.likelihood[term]
    return {"term": term, "alt": r.likelihood_alt[term], "low": low, "high": high, "hedge": hedge}


def source_grades(settings: dict[str, Any] | None) -> dict[str, str]:
    """``source_grades`` setting as {normalised source name: letter}; a bad letter is an error."""
    raw = (settings or {}).get("source_grades") or {}
    if not isinstance(raw, dict):
        raise SettingsError(f"setting 'source_grades' expects a table of source = grade, got {raw!r}")
    known = rules().grades
    out = {}
    for name, letter in raw.items():
        grade = str(letter).strip().upper()
        if grade not in known:
            choices = ", ".join(f"{k} ({v})" for k, v in known.items())
            raise SettingsError(f"source grade {letter!r} for {name!r} is not an Admiralty grade; use one of {choices}")
        out[normalize(str(name))] = grade
    return out


# ---------------------------------------------------------------- dates

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:$|T|\s)")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@functools.lru_cache(maxsize=1 << 14)
def date_key(value: str | None) -> str | None:
    """A sortable ISO date or period (2024, 2024-10, 2024-10-03) from a TIMEX-like value, or None."""
    if not value:
        return None
    value = value.strip()
    m = _DATE.match(value)
    if m:
        return "-".join(g for g in m.groups() if g)
    m = _WEEK.match(value)
    if m:
        try:
            return dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1).isoformat()
        except ValueError:
            return None
    m = _QUARTER.match(value)
    if m:
        return f"{m.group(1)}-{3 * int(m.group(2)) - 2:02d}"
    return None


@functools.lru_cache(maxsize=1 << 14)
def period_of(date: str | None, granularity: str) -> str | None:
    """The period a date falls in: day, ISO week, month or year (coarser dates keep their own)."""
    if not date:
        return None
    if granularity == "year":
        return date[:4]
    if granularity == "month":
        return date[:7]
    if granularity == "week" and len(date) == 10:
        y, w, _ = dt.date.fromisoformat(date).isocalendar()
        return f"{y}-W{w:02d}"
    return date


def days_apart(a: str | None, b: str | None) -> int | None:
    """Days between two day-precise ISO dates, or None when either is coarser or missing."""
    if not a or not b or len(a) != 10 or len(b) != 10:
        return None
    return abs(_ordinal(a) - _ordinal(b))


@functools.lru_cache(maxsize=1 << 14)
def _ordinal(day: str) -> int:
    try:
        return dt.date.fromisoformat(day).toordinal()
    except ValueError:
        return 0


def in_window(date: str | None, since: str | None, until: str | None) -> bool:
    """Whether a date or period overlaps [since, until] (both inclusive, any precision)."""
    if since and (date is None or date < since[: len(date)]):
        return False
    return not (until and (date is None or date[: len(until)] > until))


# ---------------------------------------------------------------- plain words

_SCALE = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
_QUALIFIER_WORDS = {"approx": "about", "more_than": "more than", "at_least": "at least",
                    "less_than": "less than", "at_most": "at most", "up_to": "up to"}


def number(v: float | None) -> str:
    if v is None:
        return "?"
    if v == INF:
        return "∞"
    for size, word in _SCALE:
        if abs(v) >= size:
            return f"{v / size:,.2f}".rstrip("0").rstrip(".") + f" {word}"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")


def with_unit(text: str, unit: str | None) -> str:
    if unit in (None, "", "person"):
        return text
    return text + ("%" if unit == "percent" else f" {unit}")


@functools.lru_cache(maxsize=65536)
def figure_text(value: float | None, low: float | None, high: float | None, qualifier: str | None,
                unit: str | None = None) -> str:
    """"about 300", "more than 10,000", "320 million–1.3 billion USD"."""
    q = qualifier or "exact"
    if q == "range" or (value is None and low is not None and high is not None):
        core = f"{number(low)}–{number(high)}"
    else:
        core = number(value if value is not None else (low if low is not None else high))
    prefix = _QUALIFIER_WORDS.get(q, "")
    return with_unit(f"{prefix} {core}".strip(), unit)


def interval_text(lo: float, hi: float, unit: str | None = None) -> str:
    if hi == INF:
        return with_unit(f"{number(lo)} or more", unit)
    if lo <= 0:
        return with_unit(f"at most {number(hi)}", unit)
    if lo == hi:
        return with_unit(number(lo), unit)
    return with_unit(f"{number(lo)}–{number(hi)}", unit)
