"""Time expressions: find them in text and resolve them to TIMEX3 values.

    find_times("The talks resumed on Friday.", "1998-08-08")
    -> [TimeRef(start=22, end=28, text="Friday", value="1998-08-07", type="DATE")]

How it works, in three steps:

1. ``_RULES`` is a table of (regex, handler). Every regex runs over the text; a handler turns a
   match into a candidate ``(start, end, value, type)`` or refuses it (a number that is a count,
   "May" the modal verb ...).
2. Overlapping candidates are settled longest-first (then by rule order).
3. A document-order pass fills values that depend on neighbours: a clock time takes the day named
   in its sentence ("10:35 a.m. ... Friday"), "that day" takes the last day mentioned.

Under-specified dates ("Friday", "in April", "on the 3rd") are read against ``ref`` (the
publication date), preferring the past as news does, unless a future marker ("will", "planned
to") is the nearest tense word. Without ``ref`` unknown digits are X ("XXXX-10"). Vocabulary and
word lists live in ``crosswire/data/timex.toml``.
"""
from __future__ import annotations

import re
import tomllib
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

from crosswire.models import TimeRef

VERSION = "timex-1"

_DATA_PATH = Path(__file__).resolve().parent.parent / "data" / "timex.toml"
with _DATA_PATH.open("rb") as _fh:
    _D: dict[str, Any] = tomllib.load(_fh)

_MONTHS: dict[str, int] = {**_D["months"], **_D["month_abbrev"]}
_WEEKDAYS: dict[str, int] = _D["weekdays"]
_NUMBERS: dict[str, int] = _D["numbers"]
_UNITS: dict[str, list[Any]] = _D["units"]
_POD: dict[str, str] = _D["parts_of_day"]
_SEASONS: dict[str, list[Any]] = _D["seasons"]
_REL = {"last": -1, "previous": -1, "past": -1, "this": 0, "current": 0, "same": 0,
        "next": 1, "coming": 1, "following": 1}


def _alt(words: Any, cased: bool = False) -> str:
    """Regex alternation of ``words`` (longest first); ``cased`` matches Title and UPPER forms only."""
    forms = set(words)
    if cased:
        forms = {w.title() for w in words} | {w.upper() for w in words}
        forms |= {w[:1].upper() + w[1:] for w in words}
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(forms, key=len, reverse=True))
    return f"(?-i:{body})" if cased else f"(?:{body})"


# ---------------------------------------------------------------- regex fragments

_MON_FULL = _alt(_D["months"], cased=True)
_MON_ANY = rf"(?:{_alt(_D['months'], cased=True)}|{_alt(_D['month_abbrev'], cased=True)}\.?)(?![\w])"
_MON_BARE = rf"(?:{_MON_FULL}|{_alt(_D['month_abbrev'], cased=True)}\.)(?![\w])"
_WD = _alt(_WEEKDAYS, cased=True)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d|\.\d|,\d{3})"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)(?![\d\w])"
_NUMW = _alt(_NUMBERS)
_VAGUE = _alt(_D["vague_numbers"])
_NUM = (rf"(?:\d+(?:\.\d+)?(?:\s+1/2|½)?|{_NUMW}(?:[\s-]+{_NUMW})*(?:\s+and\s+a\s+half)?|{_VAGUE})")
_UNIT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|fortnights?|months?|years?|yrs?|decades?|century|centuries)"
_POD_RE = _alt(_POD)
_SEASON_RE = _alt(_SEASONS)
_AMPM = r"(?:[ap]\.\s?m\.?|[ap]m\b|(?-i:AM|PM)\b)"
_TZ = _alt(_D["time_zones"], cased=True)
_MOD = r"(?:early|earlier|late|later|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of|the\s+rest\s+of)"
_RELW = r"(?:last|this|next|past|coming|previous|current)"
_LB = r"(?<![\w$€£¥₩.,/:-])"


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    value: str
    type: str
    prio: int = 0


@dataclass(frozen=True, slots=True)
class _Anchor:
    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def date(self) -> date | None:
        return date(self.year, self.month, self.day) if self.year and self.month and self.day else None


def _parse_ref(ref: str | None) -> _Anchor:
    m = re.match(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", ref or "")
    if not m:
        return _Anchor()
    y, mo, d = (int(g) if g else None for g in m.groups())
    try:
        date(y or 1, mo or 1, d or 1)
    except ValueError:
        return _Anchor(y)
    return _Anchor(y, mo, d)


# ---------------------------------------------------------------- value helpers

def _ymd(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def _valid(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= monthrange(y, m)[1]


def _num(s: str) -> float | None:
    """Number words or digits -> value; None for vague quantifiers ("several")."""
    s = s.lower().strip()
    if re.fullmatch(_VAGUE, s):
        return None
    half = 0.5 if re.search(r"1/2|½|and\s+a\s+half", s) else 0.0
    s = re.sub(r"\s*(?:1/2|½|and\s+a\s+half)$", "", s)
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s) + half
    total = 0
    for part in re.split(r"[\s-]+", s):
        n = _NUMBERS.get(part)
        if n is None:
            n = _NUMBERS.get(s)
            return None if n is None else n + half
        total = total * n if n == 100 and total else total + n
    return total + half


def _fmt_n(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:g}"


def _duration(n: float | None, unit: str) -> str:
    """``n`` units as an ISO 8601 duration: (3, "day") -> P3D, (5.5, "hour") -> PT5H30M."""
    tpart, letter, mult = _UNITS[unit]
    if n is None:
        return f"P{tpart}X{_D['vague_units'].get(unit, letter)}"
    n *= mult
    whole, frac = int(n), n - int(n)
    if frac and (sub := _D["sub_units"].get(("T" + letter) if tpart and letter == "M" else letter)):
        stp, sletter, smult = sub
        sub_val = _fmt_n(round(frac * smult, 3))
        head = f"P{tpart}{whole}{letter}" if whole else f"P{tpart}"
        sep = "T" if stp and not tpart else ""
        return f"{head}{sep}{sub_val}{sletter}"
    return f"P{tpart}{_fmt_n(n)}{letter}"


def _unit_key(word: str) -> str:
    w = word.lower()
    if w == "centuries":
        return "century"
    w = w[:-1] if w.endswith("s") and w[:-1] in _UNITS else w
    return w if w in _UNITS else {"secs": "sec", "mins": "min", "hrs": "hr", "yrs": "yr"}.get(w, w)


def _type_of(value: str) -> str:
    if value.startswith("P") and not value.endswith("_REF"):
        return "DURATION"
    return "TIME" if "T" in value[4:] and not value.endswith("_REF") else "DATE"


# ---------------------------------------------------------------- context: tense and neighbours

_FUT = _alt(_D["future_markers"])
_PAST = _alt(_D["past_markers"])
_TENSE_RE = re.compile(rf"(?i)(?<![\w'])(?:(?P<f>{_FUT})|(?P<p>{_PAST}|\w{{2,}}ed))(?!\w)")
_SENT_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9])|\n\s*")


class _Ctx:
    def __init__(self, text: str, anchor: _Anchor) -> None:
        self.text = text
        self.a = anchor

    def future(self, start: int, end: int) -> bool:
        """True when the nearest tense marker (left first, then right) points to the future."""
        left = self.text[max(0, start - 120):start]
        cut = [m.end() for m in _SENT_END.finditer(left)]
        left = left[cut[-1]:] if cut else left
        marks = list(_TENSE_RE.finditer(left))
        if marks:
            return marks[-1].group("f") is not None
        right = self.text[end:end + 80]
        stop = _SENT_END.search(right)
        right = right[:stop.start()] if stop else right
        m = _TENSE_RE.search(right)
        return bool(m and m.group("f"))

    def prev_word(self, pos: int) -> str:
        m = re.search(r"([\w.'-]+)\W*$", self.text[max(0, pos - 30):pos])
        return m.group(1).lower() if m else ""

    def next_word(self, pos: int) -> str:
        m = re.match(r"\s*([\w.'-]+)", self.text[pos:pos + 30])
        return m.group(1) if m else ""

    def sentence_start(self, pos: int) -> bool:
        before = self.text[max(0, pos - 4):pos].rstrip(" \t\"'`“‘(")
        return not before or before[-1] in ".!?\n:;"


# ---------------------------------------------------------------- resolvers

def _resolve_weekday(c: _Ctx, wd: int, rel: str | None, start: int, end: int) -> str:
    d = c.a.date
    if d is None:
        return f"XXXX-WXX-{wd}"
    iso = d.isoweekday()
    if rel in ("last", "past"):
        return _ymd(d - timedelta((iso - wd) % 7 or 7))
    if rel in ("next", "coming"):
        return _ymd(d + timedelta((wd - iso) % 7 or 7))
    if rel == "this":
        return _ymd(d + timedelta(wd - iso))
    if wd == iso:
        return _ymd(d)
    if c.future(start, end):
        return _ymd(d + timedelta((wd - iso) % 7))
    return _ymd(d - timedelta((iso - wd) % 7))


def _resolve_month(c: _Ctx, mon: int, rel: str | None, start: int, end: int) -> str:
    a = c.a
    if a.year is None:
        return f"XXXX-{mon:02d}"
    if a.month is None:
        return f"{a.year}-{mon:02d}"
    if rel in ("last", "past"):
        y = a.year if mon < a.month else a.year - 1
    elif rel in ("next", "coming"):
        y = a.year if mon > a.month else a.year + 1
    elif rel == "this" or mon == a.month:
        y = a.year
    elif c.future(start, end):
        y = a.year if mon > a.month else a.year + 1
    else:
        y = a.year if mon < a.month else a.year - 1
    return f"{y}-{mon:02d}"


def _resolve_month_day(c: _Ctx, mon: int, day: int, rel: str | None = None) -> str | None:
    a = c.a
    if a.year is None:
        return f"XXXX-{mon:02d}-{day:02d}" if _valid(2000, mon, day) else None
    ref = a.date or date(a.year, a.month or 7, 15)
    cands = [date(y, mon, day) for y in (a.year - 1, a.year, a.year + 1) if _valid(y, mon, day)]
    if rel in ("last", "past"):
        cands = [x for x in cands if x < ref]
    elif rel in ("next", "coming"):
        cands = [x for x in cands if x > ref]
    if not cands:
        return None
    best = min(cands, key=lambda x: (abs((x - ref).days), x > ref))
    return _ymd(best)


def _resolve_ordinal_day(c: _Ctx, day: int, start: int, end: int) -> str | None:
    a = c.a
    if a.year is None or a.month is None:
        return f"XXXX-XX-{day:02d}"
    if a.day is None:
        return f"{a.year}-{a.month:02d}-{day:02d}"
    step = 0
    if day > a.day and not c.future(start, end):
        step = -1
    elif day < a.day and c.future(start, end):
        step = 1
    y, m = _add_months(a.year, a.month, step)
    while not _valid(y, m, day):
        y, m = _add_months(y, m, -1 if step <= 0 else 1)
    return f"{y}-{m:02d}-{day:02d}"


def _shift(c: _Ctx, k: int, unit: str) -> str:
    """The period ``k`` units from the anchor, at that unit's granularity ("last month" -> 2024-09)."""
    a = c.a
    if unit in ("week", "weekend", "day"):
        d = a.date
        if d is None:
            return {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "day": "XXXX-XX-XX"}[unit]
        if unit == "day":
            return _ymd(d + timedelta(k))
        w = _week(d + timedelta(7 * k))
        return w + "-WE" if unit == "weekend" else w
    if a.year is None:
        return {"month": "XXXX-XX", "quarter": "XXXX-QX", "decade": "XXX", "year": "XXXX"}.get(unit, "XXXX")
    if unit == "month":
        if a.month is None:
            return f"{a.year}-XX"
        return "%d-%02d" % _add_months(a.year, a.month, k)
    if unit == "quarter":
        if a.month is None:
            return f"{a.year}-QX"
        q = a.year * 4 + (a.month - 1) // 3 + k
        return f"{q // 4}-Q{q % 4 + 1}"
    if unit == "decade":
        return f"{a.year // 10 + k}X"
    if unit == "century":
        return f"{a.year // 100 + k:02d}"
    return str(a.year + k)


def _ago(c: _Ctx, n: float | None, unit: str, sign: int) -> str:
    """"two days ago" -> the day, at the granularity of the unit; vague counts -> PAST/FUTURE_REF."""
    if n is None:
        return "PAST_REF" if sign < 0 else "FUTURE_REF"
    tpart, letter, mult = _UNITS[unit]
    a, amount = c.a, n * mult
    if tpart:
        return _ymd(a.date) if a.date else "XXXX-XX-XX"
    if letter == "D":
        return _shift(c, int(sign * amount), "day")
    if letter == "W":
        return _shift(c, int(sign * amount), "week")
    if letter == "M":
        return _shift(c, int(sign * amount), "month")
    return str(a.year + int(sign * amount)) if a.year else "XXXX"


def _season_value(c: _Ctx, name: str, rel: str | None, year: int | None, start: int, end: int) -> str:
    code, first = _SEASONS[name.lower()]
    if year is not None:
        return f"{year}-{code}"
    a = c.a
    if a.year is None or a.month is None:
        return f"XXXX-{code}"
    order = [3, 6, 9, 12]
    cur_first = max((f for f in order if f <= a.month), default=12)
    cur = (a.year - (1 if a.month < 3 else 0)) * 4 + order.index(cur_first)
    idx = order.index(first)
    past = max(i for i in range(cur - 4, cur + 1) if i % 4 == idx)
    fut = min(i for i in range(cur, cur + 5) if i % 4 == idx)
    if rel in ("last", "past"):
        pick = past if past < cur else past - 4
    elif rel in ("next", "coming"):
        pick = fut if fut > cur else fut + 4
    elif past == cur or rel != "future" and not c.future(start, end):
        pick = past
    else:
        pick = fut
    return f"{pick // 4}-{code}"


def _holiday_date(spec: Any, year: int) -> date:
    if isinstance(spec, str):
        mm, dd = spec.split("-")
        return date(year, int(mm), int(dd))
    month, wd, nth, first_day = spec
    if nth < 0:
        last = date(year, month, monthrange(year, month)[1])
        return last - timedelta((last.isoweekday() - wd) % 7)
    d = date(year, month, first_day)
    d += timedelta((wd - d.isoweekday()) % 7)
    return d + timedelta(7 * (nth - 1))
