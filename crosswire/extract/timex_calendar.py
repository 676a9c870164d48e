"""Calendar side of crosswire.extract.timex: vocabulary, date arithmetic and resolvers.

Reads ``crosswire/data/timex.toml`` once (``DATA`` and the word tables drawn from it) and provides
what the rule handlers build values from: ``Anchor`` / ``parse_ref`` (the reference date),
value helpers (``ymd``, ``iso_week``, ``add_months``, ``parse_number``, ``duration`` ...), ``Ctx``
(the text around a match: tense, neighbouring words) and the resolvers that read an
under-specified date against the anchor (weekdays, months, month days, ordinal days, shifts,
"ago", seasons, holidays).
"""
from __future__ import annotations

import re
import tomllib
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

with (Path(__file__).resolve().parent.parent / "data" / "timex.toml").open("rb") as _fh:
    DATA: dict[str, Any] = tomllib.load(_fh)
FILTERS: dict[str, list[str]] = DATA["filters"]

MONTHS: dict[str, int] = {**DATA["months"], **DATA["month_abbrev"]}
WEEKDAYS: dict[str, int] = DATA["weekdays"]
NUMBERS: dict[str, int] = DATA["numbers"]
UNITS: dict[str, list[Any]] = DATA["units"]
POD: dict[str, str] = DATA["parts_of_day"]
SEASONS: dict[str, list[Any]] = DATA["seasons"]
REL = {"last": -1, "previous": -1, "past": -1, "this": 0, "current": 0, "next": 1, "coming": 1}
ORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
       "latter": 2, "last": -1, "final": -1}


def alt(words: Any, cased: bool = False) -> str:
    """Regex alternation of ``words``, longest first; ``cased`` accepts only Title and UPPER forms."""
    forms = set(words)
    if cased:
        forms = {w[:1].upper() + w[1:] for w in words} | {w.title() for w in words} | {w.upper() for w in words}
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(forms, key=len, reverse=True))
    return f"(?-i:{body})" if cased else f"(?:{body})"


# ---------------------------------------------------------------- tense and sentence regexes

_VAGUE_RE = re.compile(alt(DATA["quantifiers"]["vague"]))
_NOT_ABBR = (r"(?<!\b[A-Za-z])(?<!\b(?:Mr|Ms|Dr|St|Jr|Sr|No|Lt|Mt|Ft|Co|vs))"
             r"(?<!\b(?:Mrs|Gen|Sen|Rep|Gov|Col|Sgt|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Inc|Ltd))"
             r"(?<!\b(?:Corp|Sept|Prof|Gens))")
SENT_END = re.compile(rf"(?=[.!?\n])(?:{_NOT_ABBR}[.!?][\"'”’)]*\s+(?=[\"'“‘(`]*[A-Z0-9])|\n\s*)")
_FUT = alt(DATA["tense"]["future"])
_PASSIVE = re.compile(r"(?i)\b(?:be|been|being)\s+$")  # "would be held": a participle, not a past tense
_TENSE_RE = re.compile(rf"(?i)(?<![\w'])(?:(?P<f>{_FUT})|(?P<p>{alt(DATA['tense']['past'])}|(?-i:[a-z]{{2,}}ed)))(?!\w)")


@dataclass(frozen=True, slots=True)
class Anchor:
    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def date(self) -> date | None:
        return date(self.year, self.month, self.day) if self.year and self.month and self.day else None


def parse_ref(ref: str | None) -> Anchor:
    m = re.match(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", ref or "")
    if not m:
        return Anchor()
    y, mo, d = (int(g) if g else None for g in m.groups())
    if not 1001 <= (y or 0) <= 9998:  # room for a year either side of the anchor
        return Anchor()
    try:
        date(y, mo or 1, d or 1)  # type: ignore[arg-type]
    except ValueError:
        return Anchor(y)
    return Anchor(y, mo, d)


# ---------------------------------------------------------------- value helpers

def ymd(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def add_months(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def valid(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= monthrange(y, m)[1]


def parse_number(s: str) -> float | None:
    """Digits or number words -> value ("twenty-five" -> 25, "5 1/2" -> 5.5); None when vague."""
    s = re.sub(r"\s+", " ", s.lower().strip())
    if _VAGUE_RE.fullmatch(s):
        return None
    half = 0.5 if re.search(r"1/2|½|and a half", s) else 0.0
    s = re.sub(r"\s*(?:1/2|½|and a half)$", "", s)
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s) + half
    if s in NUMBERS:
        return NUMBERS[s] + half
    total = 0
    for part in re.split(r"[\s-]+", s):
        n = NUMBERS.get(part)
        if n is None:
            return None
        total = total * n if n == 100 and total else total + n
    return total + half


def _fmt_n(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:g}"


def duration(n: float | None, unit: str) -> str:
    """``n`` units as an ISO 8601 duration: (3, "day") -> P3D, (5.5, "hour") -> PT5H30M, None -> PXD;
    a quarter is three months ("the past quarter" -> P3M)."""
    if unit == "quarter" and unit not in UNITS:
        return duration(None if n is None else n * 3, "month")
    tpart, letter, mult = UNITS[unit]
    if n is None:
        return f"P{tpart}X{DATA['vague_units'].get(unit, letter)}"
    n *= mult
    whole, frac = int(n), n - int(n)
    sub = DATA["sub_units"].get("TM" if tpart and letter == "M" else letter)
    if frac and sub:
        stp, sletter, smult = sub
        head = f"P{tpart}{whole}{letter}" if whole else f"P{tpart}"
        return f"{head}{'T' if stp and not tpart else ''}{_fmt_n(round(frac * smult, 3))}{sletter}"
    return f"P{tpart}{_fmt_n(n)}{letter}"


def unit_key(word: str) -> str:
    w = word.lower()
    if w == "centuries":
        return "century"
    return w[:-1] if w.endswith("s") and w[:-1] in UNITS else w


def type_of(value: str) -> str:
    if value.endswith("_REF"):
        return "DATE"
    if value.startswith("P"):
        return "DURATION"
    return "TIME" if "T" in value[4:] else "DATE"


# ---------------------------------------------------------------- context: tense and neighbours

class Ctx:
    def __init__(self, text: str, anchor: Anchor) -> None:
        self.text = text
        self.a = anchor

    def tense(self, start: int, end: int) -> bool | None:
        """True/False when the nearest tense marker in the sentence (left first, then right) is future/past."""
        left = self.text[max(0, start - 120):start]
        cut = [m.end() for m in SENT_END.finditer(left)]
        marks = [m for m in _TENSE_RE.finditer(left, cut[-1] if cut else 0) if not _PASSIVE.search(left, 0, m.start())]
        if not marks:
            right = self.text[end:end + 80]
            stop = SENT_END.search(right)
            marks = [m for m in _TENSE_RE.finditer(right, 0, stop.start() if stop else len(right))
                     if not _PASSIVE.search(right, 0, m.start())][:1]
        return (marks[-1].group("f") is not None) if marks else None

    def future(self, start: int, end: int) -> bool:
        return bool(self.tense(start, end))

    def prev_word(self, pos: int) -> str:
        m = re.search(r"([\w.'-]+)[^\w]*$", self.text[max(0, pos - 30):pos])
        return m.group(1).lower() if m else ""

    def next_word(self, pos: int) -> str:
        m = re.match(r"\s*([\w.'-]+)", self.text[pos:pos + 30])
        return m.group(1) if m else ""

    def sentence_start(self, pos: int) -> bool:
        before = self.text[max(0, pos - 6):pos].rstrip(" \t\"'`“‘(")
        return not before or before[-1] in ".!?\n:;[" or before.endswith("--")

    def capitalised_inside(self, m: re.Match[str]) -> bool:
        """A capitalised word that does not start a sentence: part of a name or title ("60 Minutes")."""
        return m.group(0)[:1].isupper() and not self.sentence_start(m.start())


# ---------------------------------------------------------------- resolvers

def resolve_weekday(c: Ctx, wd: int, rel: str | None, start: int, end: int, tense: bool = True) -> str:
    d = c.a.date
    if d is None:
        return f"XXXX-WXX-{wd}"
    iso = d.isoweekday()
    if rel in ("last", "past"):
        return ymd(d - timedelta((iso - wd) % 7 or 7))
    if rel in ("next", "coming"):
        return ymd(d + timedelta((wd - iso) % 7 or 7))
    if rel == "this":
        return ymd(d + timedelta(wd - iso))
    if wd != iso and tense and c.future(start, end):
        return ymd(d + timedelta((wd - iso) % 7))
    return ymd(d - timedelta((iso - wd) % 7))


def resolve_month(c: Ctx, mon: int, rel: str | None, start: int, end: int) -> str:
    a = c.a
    if a.year is None or a.month is None:
        return f"{a.year or 'XXXX'}-{mon:02d}"
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


def nearest(c: Ctx, cands: list[date], rel: str | None, start: int, end: int) -> str | None:
    """The candidate date nearest the anchor; a future one counts double (four times in a past-tense sentence)."""
    a = c.a
    ref = a.date or date(a.year or 2000, a.month or 7, 15)
    if rel in ("last", "past"):
        cands = [x for x in cands if x < ref]
    elif rel in ("next", "coming"):
        cands = [x for x in cands if x > ref]
    if not cands:
        return None
    weight = {True: 1, None: 2, False: 4}[c.tense(start, end) if any(x > ref for x in cands) else None]
    return ymd(min(cands, key=lambda x: (abs((x - ref).days) * (weight if x > ref else 1), x > ref)))


def resolve_month_day(c: Ctx, mon: int, day: int, rel: str | None, start: int, end: int) -> str | None:
    if c.a.year is None:
        return f"XXXX-{mon:02d}-{day:02d}" if valid(2000, mon, day) else None
    y0 = c.a.year
    return nearest(c, [date(y, mon, day) for y in (y0 - 1, y0, y0 + 1) if valid(y, mon, day)], rel, start, end)


def resolve_ordinal_day(c: Ctx, day: int, start: int, end: int) -> str | None:
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
    y, m = add_months(a.year, a.month, step)
    while not valid(y, m, day):
        y, m = add_months(y, m, -1 if step <= 0 else 1)
    return f"{y}-{m:02d}-{day:02d}"


def shift(c: Ctx, k: int, unit: str) -> str:
    """The period ``k`` units away from the anchor at that unit's granularity ("last month" -> 2024-09)."""
    a = c.a
    if unit in ("week", "weekend", "day"):
        d = a.date
        if d is None:
            return {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "day": "XXXX-XX-XX"}[unit]
        if abs(k) > 100_000:  # "a million days ago": beyond the calendar
            return "XXXX-XX-XX" if unit == "day" else "XXXX-WXX"
        if unit == "day":
            return ymd(d + timedelta(k))
        return iso_week(d + timedelta(7 * k)) + ("-WE" if unit == "weekend" else "")
    if a.year is None:
        return {"month": "XXXX-XX", "quarter": "XXXX-QX", "decade": "XXX", "century": "XX"}.get(unit, "XXXX")
    if unit == "month":
        return "%d-%02d" % add_months(a.year, a.month, k) if a.month else f"{a.year}-XX"
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


def ago(c: Ctx, n: float | None, unit: str, sign: int) -> str:
    """"two days ago" -> that day, at the unit's granularity; an unknown count -> PAST/FUTURE_REF."""
    if n is None:
        return "PAST_REF" if sign < 0 else "FUTURE_REF"
    tpart, letter, mult = UNITS[unit]
    if tpart:
        return shift(c, 0, "day")
    gran = {"D": "day", "W": "week", "M": "month"}.get(letter, "year")
    return shift(c, int(sign * n * mult), gran)


def season_value(c: Ctx, name: str, rel: str | None, year: int | None, start: int, end: int) -> str:
    code, first = SEASONS[name.lower()]
    a = c.a
    if year is not None or a.year is None or a.month is None:
        return f"{year or 'XXXX'}-{code}"
    starts = [3, 6, 9, 12]
    cur = (a.year - (a.month < 3)) * 4 + starts.index(max((f for f in starts if f <= a.month), default=12))
    idx = starts.index(first)
    past = max(i for i in range(cur - 4, cur + 1) if i % 4 == idx)
    fut = min(i for i in range(cur, cur + 5) if i % 4 == idx)
    if rel in ("last", "past"):
        pick = past if past < cur else past - 4
    elif rel in ("next", "coming"):
        pick = fut if fut > cur else fut + 4
    else:
        pick = past if past == cur or not c.future(start, end) else fut
    return f"{pick // 4}-{code}"


def holiday_date(spec: Any, year: int) -> date:
    if isinstance(spec, str):
        return date(year, int(spec[:2]), int(spec[3:]))
    month, wd, nth, first_day = spec
    if nth < 0:
        last = date(year, month, monthrange(year, month)[1])
        return last - timedelta((last.isoweekday() - wd) % 7)
    d = date(year, month, first_day)
    return d + timedelta((wd - d.isoweekday()) % 7 + 7 * (nth - 1))
