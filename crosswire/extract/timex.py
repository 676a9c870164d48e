"""Time expressions: find them in text and resolve them to TIMEX3 values.

    find_times("The talks resumed on Friday.", "1998-08-08")
    -> [TimeRef(start=22, end=28, text="Friday", value="1998-08-07", type="DATE")]

1. ``_RULES`` (read from the ``[[rules]]`` table of the data file) pairs a regex with a handler
   ``_h_<name>`` and a trigger word list. One fast case-sensitive scan finds all trigger words;
   each regex then runs only in small windows around its triggers. A handler turns a match into
   a value or refuses it (a number that is a count, "May" the modal verb ...).
2. Overlapping candidates are settled longest first, then by rule order.
3. A pass in document order fills values that depend on neighbours: a clock time takes the day
   named in its sentence ("10:35 a.m. ... Friday"); "that day" takes the last date mentioned.

Under-specified dates ("Friday", "in April", "on the 3rd") are read against ``ref`` (the
publication date), preferring the past as news does unless the nearest tense word points to the
future ("will", "planned to"). Without ``ref`` unknown digits are X ("XXXX-10"). Vocabulary and
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

with (Path(__file__).resolve().parent.parent / "data" / "timex.toml").open("rb") as _fh:
    _D: dict[str, Any] = tomllib.load(_fh)
_F: dict[str, list[str]] = _D["filters"]

_MONTHS: dict[str, int] = {**_D["months"], **_D["month_abbrev"]}
_WEEKDAYS: dict[str, int] = _D["weekdays"]
_NUMBERS: dict[str, int] = _D["numbers"]
_UNITS: dict[str, list[Any]] = _D["units"]
_POD: dict[str, str] = _D["parts_of_day"]
_SEASONS: dict[str, list[Any]] = _D["seasons"]
_REL = {"last": -1, "previous": -1, "past": -1, "this": 0, "current": 0, "next": 1, "coming": 1}
_ORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
        "latter": 2, "last": -1, "final": -1}


def _alt(words: Any, cased: bool = False) -> str:
    """Regex alternation of ``words``, longest first; ``cased`` accepts only Title and UPPER forms."""
    forms = set(words)
    if cased:
        forms = {w[:1].upper() + w[1:] for w in words} | {w.title() for w in words} | {w.upper() for w in words}
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(forms, key=len, reverse=True))
    return f"(?-i:{body})" if cased else f"(?:{body})"


# ---------------------------------------------------------------- regex fragments

_MON_ANY = rf"(?<!\w)(?:{_alt(_D['months'], True)}|{_alt(_D['month_abbrev'], True)}\.?)(?!\w)"
_MON_BARE = rf"(?<!\w)(?:{_alt(_D['months'], True)}|{_alt(_D['month_abbrev'], True)}\.)(?!\w)"
_WD = _alt(_WEEKDAYS, cased=True)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d|\.\d|,\d{3})"
_YEAR = r"(?P<y>(?:1[5-9]\d\d|20\d\d)(?!\w))"
_YREL = r"(?P<yrel>last|this|next)\s+year"
_NUMW = _alt(k for k in _NUMBERS if " " not in k and k not in ("a", "an"))
_NUM = (rf"(?:\d+(?:\.\d+)?(?:\s+1/2|½)?|{_NUMW}(?:[\s-]+{_NUMW})*(?:\s+and\s+a\s+half)?"
        rf"|{_alt(k for k in _NUMBERS if ' ' in k)}|an?|{_alt(_D['quantifiers']['vague'])})")
_VAGUE_RE = re.compile(_alt(_D["quantifiers"]["vague"]))
_UNIT = (r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|fortnights?|months?|years?|yrs?|decades?"
         r"|century|centuries)")
_POD_RE = _alt(_POD)
_SEASON_RE = _alt(_SEASONS)
_AMPM = r"(?:[ap]\.\s?m\.?|[ap]m\b|(?-i:AM|PM)\b)"
_TZ = rf"(?:{_alt(_D['clock']['time_zones'], True)}|local\s+time|\(local\s+time\))"
_MOD = (r"(?:early|earlier|late|later|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of"
        r"|the\s+middle\s+of|the\s+rest\s+of)")
_LB = r"(?<![\w$€£¥₩.,/:-])"
_CLOCKDAY = rf"(?:,?\s+(?:on\s+)?(?P<wd>{_WD})(?!\w)|\s+(?P<rd>today|yesterday|tomorrow|tonight)(?!\w))?"
_NOT_ABBR = (r"(?<!\b[A-Za-z])(?<!\b(?:Mr|Ms|Dr|St|Jr|Sr|No|Lt|Mt|Ft|Co|vs))"
             r"(?<!\b(?:Mrs|Gen|Sen|Rep|Gov|Col|Sgt|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Inc|Ltd))"
             r"(?<!\b(?:Corp|Sept|Prof|Gens))")
_SENT_END = re.compile(rf"(?=[.!?\n])(?:{_NOT_ABBR}[.!?][\"'”’)]*\s+(?=[\"'“‘(`]*[A-Z0-9])|\n\s*)")
_FUT = _alt(_D["tense"]["future"])
_PASSIVE = re.compile(r"(?i)\b(?:be|been|being)\s+$")  # "would be held": a participle, not a past tense
_TENSE_RE = re.compile(rf"(?i)(?<![\w'])(?:(?P<f>{_FUT})|(?P<p>{_alt(_D['tense']['past'])}|(?-i:[a-z]{{2,}}ed)))(?!\w)")


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
    if not 1001 <= (y or 0) <= 9998:  # room for a year either side of the anchor
        return _Anchor()
    try:
        date(y, mo or 1, d or 1)  # type: ignore[arg-type]
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
    """Digits or number words -> value ("twenty-five" -> 25, "5 1/2" -> 5.5); None when vague."""
    s = re.sub(r"\s+", " ", s.lower().strip())
    if _VAGUE_RE.fullmatch(s):
        return None
    half = 0.5 if re.search(r"1/2|½|and a half", s) else 0.0
    s = re.sub(r"\s*(?:1/2|½|and a half)$", "", s)
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s) + half
    if s in _NUMBERS:
        return _NUMBERS[s] + half
    total = 0
    for part in re.split(r"[\s-]+", s):
        n = _NUMBERS.get(part)
        if n is None:
            return None
        total = total * n if n == 100 and total else total + n
    return total + half


def _fmt_n(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:g}"


def _duration(n: float | None, unit: str) -> str:
    """``n`` units as an ISO 8601 duration: (3, "day") -> P3D, (5.5, "hour") -> PT5H30M, None -> PXD."""
    tpart, letter, mult = _UNITS[unit]
    if n is None:
        return f"P{tpart}X{_D['vague_units'].get(unit, letter)}"
    n *= mult
    whole, frac = int(n), n - int(n)
    sub = _D["sub_units"].get("TM" if tpart and letter == "M" else letter)
    if frac and sub:
        stp, sletter, smult = sub
        head = f"P{tpart}{whole}{letter}" if whole else f"P{tpart}"
        return f"{head}{'T' if stp and not tpart else ''}{_fmt_n(round(frac * smult, 3))}{sletter}"
    return f"P{tpart}{_fmt_n(n)}{letter}"


def _unit_key(word: str) -> str:
    w = word.lower()
    if w == "centuries":
        return "century"
    return w[:-1] if w.endswith("s") and w[:-1] in _UNITS else w


def _type_of(value: str) -> str:
    if value.endswith("_REF"):
        return "DATE"
    if value.startswith("P"):
        return "DURATION"
    return "TIME" if "T" in value[4:] else "DATE"


# ---------------------------------------------------------------- context: tense and neighbours

class _Ctx:
    def __init__(self, text: str, anchor: _Anchor) -> None:
        self.text = text
        self.a = anchor

    def tense(self, start: int, end: int) -> bool | None:
        """True/False when the nearest tense marker in the sentence (left first, then right) is future/past."""
        left = self.text[max(0, start - 120):start]
        cut = [m.end() for m in _SENT_END.finditer(left)]
        marks = [m for m in _TENSE_RE.finditer(left, cut[-1] if cut else 0) if not _PASSIVE.search(left, 0, m.start())]
        if not marks:
            right = self.text[end:end + 80]
            stop = _SENT_END.search(right)
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

def _resolve_weekday(c: _Ctx, wd: int, rel: str | None, start: int, end: int, tense: bool = True) -> str:
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
    if wd != iso and tense and c.future(start, end):
        return _ymd(d + timedelta((wd - iso) % 7))
    return _ymd(d - timedelta((iso - wd) % 7))


def _resolve_month(c: _Ctx, mon: int, rel: str | None, start: int, end: int) -> str:
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


def _nearest(c: _Ctx, cands: list[date], rel: str | None, start: int, end: int) -> str | None:
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
    return _ymd(min(cands, key=lambda x: (abs((x - ref).days) * (weight if x > ref else 1), x > ref)))


def _resolve_month_day(c: _Ctx, mon: int, day: int, rel: str | None, start: int, end: int) -> str | None:
    if c.a.year is None:
        return f"XXXX-{mon:02d}-{day:02d}" if _valid(2000, mon, day) else None
    y0 = c.a.year
    return _nearest(c, [date(y, mon, day) for y in (y0 - 1, y0, y0 + 1) if _valid(y, mon, day)], rel, start, end)


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
    """The period ``k`` units away from the anchor at that unit's granularity ("last month" -> 2024-09)."""
    a = c.a
    if unit in ("week", "weekend", "day"):
        d = a.date
        if d is None:
            return {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "day": "XXXX-XX-XX"}[unit]
        if abs(k) > 100_000:  # "a million days ago": beyond the calendar
            return "XXXX-XX-XX" if unit == "day" else "XXXX-WXX"
        if unit == "day":
            return _ymd(d + timedelta(k))
        return _week(d + timedelta(7 * k)) + ("-WE" if unit == "weekend" else "")
    if a.year is None:
        return {"month": "XXXX-XX", "quarter": "XXXX-QX", "decade": "XXX", "century": "XX"}.get(unit, "XXXX")
    if unit == "month":
        return "%d-%02d" % _add_months(a.year, a.month, k) if a.month else f"{a.year}-XX"
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
    """"two days ago" -> that day, at the unit's granularity; an unknown count -> PAST/FUTURE_REF."""
    if n is None:
        return "PAST_REF" if sign < 0 else "FUTURE_REF"
    tpart, letter, mult = _UNITS[unit]
    if tpart:
        return _shift(c, 0, "day")
    gran = {"D": "day", "W": "week", "M": "month"}.get(letter, "year")
    return _shift(c, int(sign * n * mult), gran)


def _season_value(c: _Ctx, name: str, rel: str | None, year: int | None, start: int, end: int) -> str:
    code, first = _SEASONS[name.lower()]
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


def _holiday_date(spec: Any, year: int) -> date:
    if isinstance(spec, str):
        return date(year, int(spec[:2]), int(spec[3:]))
    month, wd, nth, first_day = spec
    if nth < 0:
        last = date(year, month, monthrange(year, month)[1])
        return last - timedelta((last.isoweekday() - wd) % 7)
    d = date(year, month, first_day)
    return d + timedelta((wd - d.isoweekday()) % 7 + 7 * (nth - 1))


# ---------------------------------------------------------------- handlers: match -> value

_Result = str | tuple[str, str] | None
_M = re.Match[str]


def _get(m: _M, name: str) -> str | None:
    return m.groupdict().get(name)


def _rel(m: _M) -> str | None:
    return (_get(m, "rel") or "").lower() or None


def _mon(m: _M, group: str = "mon") -> int:
    return _MONTHS[m[group].lower().rstrip(".")]


def _year_rel(c: _Ctx, yrel: str) -> str:
    return "XXXX" if c.a.year is None else str(c.a.year + _REL[yrel.lower()])


def _h_iso(m: _M, c: _Ctx) -> _Result:
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    return f"{y}-{mo:02d}-{d:02d}" if _valid(y, mo, d) else None


def _h_month_day(m: _M, c: _Ctx) -> _Result:
    mon, day = _mon(m), int(re.match(r"\d+", m["day"]).group())  # type: ignore[union-attr]
    if m["y"]:
        return f"{m['y']}-{mon:02d}-{day:02d}" if _valid(int(m["y"]), mon, day) else None
    return _resolve_month_day(c, mon, day, _rel(m), m.start(), m.end())


def _h_week_of(m: _M, c: _Ctx) -> _Result:
    v = _h_month_day(m, c)
    return None if not isinstance(v, str) else "XXXX-WXX" if v[0] == "X" else _week(date.fromisoformat(v))


def _h_month_year(m: _M, c: _Ctx) -> _Result:
    return f"{m['y']}-{_mon(m):02d}"


def _month_ok(m: _M, c: _Ctx) -> bool:
    """A bare month name is a date after a lead word ("in May"), never "May" the verb or a name."""
    nxt = c.next_word(m.end())
    if _get(m, "rel") or _get(m, "mod") or _get(m, "yrel"):
        return True
    if nxt == "of" or nxt[:1].isupper():
        return False
    if c.prev_word(m.start()) in _F["month_lead_words"]:
        return True
    if m["mon"].lower().rstrip(".") in _F["ambiguous_months"] or c.text[m.start() - 1:m.start()] == "-":
        return False
    prev_cap = re.search(r"[A-Z][\w.'-]*\s+$", c.text[max(0, m.start() - 30):m.start()])
    if prev_cap and not c.sentence_start(m.start() - len(prev_cap.group())):
        return False
    return True


def _h_month(m: _M, c: _Ctx) -> _Result:
    if not _month_ok(m, c):
        return None
    if m["yrel"]:
        return f"{_year_rel(c, m['yrel'])}-{_mon(m):02d}"
    return _resolve_month(c, _mon(m), _rel(m), m.start(), m.end())


def _h_month_range(m: _M, c: _Ctx) -> _Result:
    m1, m2 = _mon(m, "m1"), _mon(m, "m2")
    if m["y"] or m["yrel"]:
        y2 = m["y"] or _year_rel(c, m["yrel"])
    else:
        y2 = _resolve_month(c, m2, None, m.start(), m.end())[:4]
    if y2 == "XXXX":
        return f"XXXX-{m1:02d}/XXXX-{m2:02d}"
    return f"{int(y2) - (m1 > m2)}-{m1:02d}/{y2}-{m2:02d}"


def _h_weekday(m: _M, c: _Ctx) -> _Result:
    prev = re.search(r"(\w+)\s+$", c.text[max(0, m.start() - 20):m.start()])
    if prev and prev.group(1) in _F["weekday_name_words"] and not _rel(m):
        return None
    wd = _WEEKDAYS[m["wd"].lower()]
    if m["pl"]:
        return (f"XXXX-WXX-{wd}", "SET")
    value = _resolve_weekday(c, wd, _rel(m), m.start(), m.end(), tense=not m["poss"])
    return value + (f"T{_POD[m['pod'].lower()]}" if m["pod"] else "")


_RELDAY: dict[str, list[Any]] = _D["relative_days"]


def _h_relday(m: _M, c: _Ctx) -> _Result:
    k, pod = _RELDAY[re.sub(r"\s+", " ", m["w"].lower())]
    pod = pod or (_POD[m["pod"].lower()] if m["pod"] else "")
    return _shift(c, k, "day") + (f"T{pod}" if pod else "")


def _h_rel_period(m: _M, c: _Ctx) -> _Result:
    phrase = re.sub(r"\s+", " ", m.group(0).lower())
    if phrase in _D["fixed_phrases"]:
        value, typ = _D["fixed_phrases"][phrase]
        return (value, typ)
    rel, unit = _rel(m) or "this", m["unit"].lower()
    if m["season"]:
        return _season_value(c, unit, rel, None, m.start(), m.end())
    if unit != "weekend" and (rel == "past" or (m["the"] and rel in ("last", "next", "coming", "previous"))):
        return _duration(1, unit)
    return _shift(c, _REL[rel], unit)


def _h_weekend(m: _M, c: _Ctx) -> _Result:
    d = c.a.date
    if d is None:
        return "XXXX-WXX-WE"
    back = d.isoweekday() < 6 and not c.future(m.start(), m.end())
    return _week(d - timedelta(7 * back)) + "-WE"


def _h_duration(m: _M, c: _Ctx) -> _Result:
    tail = (m["tail"] or "").lower().strip(" -")
    unit = _unit_key(m["unit"])
    if tail.startswith("old") or unit not in _UNITS or c.capitalised_inside(m):
        return None
    if m["num"].lower() in ("a", "an") and unit == "second":
        return None
    n = _num(m["num"])
    n = n + 0.5 if n is not None and m["half"] else n
    if tail in ("ago", "from now") or tail.startswith("from"):
        return _ago(c, n, unit, -1 if tail == "ago" else 1)
    if m["num"].lower() in ("a", "an") and c.prev_word(m.start()) in ("once", "twice", "thrice", "times"):
        return (_duration(1, unit), "SET")
    return _duration(n, unit)


def _h_half(m: _M, c: _Ctx) -> _Result:
    return _duration(0.5, _unit_key(m["unit"]))


def _h_vague(m: _M, c: _Ctx) -> _Result:
    """Uncounted units: "for years" -> PXY, "decades-long" -> PXDE, "years ago" -> PAST_REF."""
    if m["ago"]:
        return "PAST_REF"
    narrative = m["unit"].endswith("s") and c.prev_word(m.start()) == "the" and c.next_word(m.end()).lower() in (
        "before", "after", "following", "since", "preceding", "leading", "that")
    if not (m["skip"] or m["pre"] or m["long"] or narrative) or c.capitalised_inside(m):
        return None
    return _duration(None if m["unit"].lower().endswith("s") else 1, _unit_key(m["unit"]))


def _h_year(m: _M, c: _Ctx) -> _Result:
    nxt = c.next_word(m.end()).lower().rstrip(".,;:")
    if nxt in _F["year_reject_next"] or c.prev_word(m.start()) in _F["year_reject_prev"]:
        return None
    if re.match(r"\s*(?:%|:\d|-(?:meter|metre|strong|man|member|ton|km))", c.text[m.end():m.end() + 8]):
        return None
    return m["y"]


def _h_decade(m: _M, c: _Ctx) -> _Result:
    if m["dec"]:
        return f"{m['dec']}X"
    short = int(m["short"])
    if c.a.year is None:
        return f"XX{short}X"
    return f"{c.a.year // 100 - (short * 10 > c.a.year % 100)}{short}X"


def _h_century(m: _M, c: _Ctx) -> _Result:
    return f"{int(m['n']) - 1:02d}"


def _h_quarter(m: _M, c: _Ctx) -> _Result:
    kind, k = m["kind"].lower(), _ORD[m["ord"].lower()]
    explicit = m["y"] or m["yrel"] or m["theyear"]
    if kind == "half" and not explicit:
        return None
    if k == -1 and not explicit:
        return _shift(c, -1, "quarter")
    y = m["y"] or (_year_rel(c, m["yrel"]) if m["yrel"] else str(c.a.year or "XXXX"))
    k = (4 if kind == "quarter" else 2) if k == -1 else min(k, 2) if kind == "half" else k
    return f"{y}-{'Q' if kind == 'quarter' else 'H'}{k}"


def _h_q(m: _M, c: _Ctx) -> _Result:
    return f"{m['y'] or c.a.year or 'XXXX'}-Q{m['q']}"


def _h_season(m: _M, c: _Ctx) -> _Result:
    rel, name = _rel(m), m["s"].lower()
    if not (rel or m["mod"] or m["skip"] or m["y"] or m["yrel"]):
        return None
    if name == "fall" and not (rel or m["y"] or m["yrel"]) and re.match(r"\s+of\b", c.text[m.end():m.end() + 4]):
        return None
    if m["yrel"]:
        y = _year_rel(c, m["yrel"])
        return f"{y}-{_SEASONS[name][0]}"
    return _season_value(c, name, rel, int(m["y"]) if m["y"] else None, m.start(), m.end())


def _clock(h: int, mi: int, ap: str | None) -> str:
    ap = re.sub(r"[.\s]", "", (ap or "").lower())
    h = h + 12 if ap == "pm" and h < 12 else 0 if ap == "am" and h == 12 else h
    return f"T{h:02d}:{mi:02d}"


def _day_of(m: _M, c: _Ctx) -> str:
    """Date part of a clock time: a weekday or relative day in the match, else '@' (filled in later)."""
    if _get(m, "wd"):
        return _resolve_weekday(c, _WEEKDAYS[m["wd"].lower()], None, m.start(), m.end())
    return _shift(c, _RELDAY[m["rd"].lower()][0], "day") if _get(m, "rd") else "@"


def _h_clock(m: _M, c: _Ctx) -> _Result:
    if _get(m, "w"):
        if c.capitalised_inside(m) or c.prev_word(m.start()) == "high":
            return None
        return (_day_of(m, c) + ("T24:00" if m["w"].lower() == "midnight" else "T12:00"), "TIME")
    return (_day_of(m, c) + _clock(int(m["h"]), int(m["mi"] or 0), _get(m, "ap")), "TIME")


def _h_clock_pod(m: _M, c: _Ctx) -> _Result:
    n = _num(m["h"])
    if n is None or not 1 <= n <= 12 or n != int(n):
        return None
    pm = (_get(m, "pod") or "").lower() in ("afternoon", "evening")
    return ("@" + _clock(int(n), 0, "pm" if pm else "am"), "TIME")


def _h_set_word(m: _M, c: _Ctx) -> _Result:
    name = m.group(0)[:1].isupper() and (c.capitalised_inside(m) or c.next_word(m.end())[:1].isupper())
    return None if name else (_D["sets"][m.group(0).lower()], "SET")


def _h_every(m: _M, c: _Ctx) -> _Result:
    if _get(m, "wd"):
        return (f"XXXX-WXX-{_WEEKDAYS[m['wd'].lower()]}", "SET")
    n = 2.0 if m["other"] else _num(m["num"]) if m["num"] else 1.0
    return (_duration(n, _unit_key(m["unit"])), "SET")


def _h_per(m: _M, c: _Ctx) -> _Result:
    ok = m["det"].lower() == "per" or m["skip"]
    return (_duration(1, _unit_key(m["unit"])), "SET") if ok else None


def _h_ref_word(m: _M, c: _Ctx) -> _Result:
    w = re.sub(r"\s+", " ", m["w"].lower())
    return None if m["w"] == "Now" and c.sentence_start(m.start()) else _D["ref_words"][w]


def _h_holiday(m: _M, c: _Ctx) -> _Result:
    spec = _D["holidays"][re.sub(r"\s+", " ", m["h"])]
    if m["y"] or c.a.year is None:
        d = _holiday_date(spec, int(m["y"] or 2000))
        if m["y"]:
            return _ymd(d)
        return f"XXXX-{d.month:02d}-{d.day:02d}" if isinstance(spec, str) else f"XXXX-{d.month:02d}-XX"
    y0 = c.a.year
    return _nearest(c, [_holiday_date(spec, y) for y in (y0 - 1, y0, y0 + 1)], _rel(m), m.start(), m.end())


def _h_anaphor(m: _M, c: _Ctx) -> _Result:
    u = m["u"].lower()
    k = {"next": 1, "following": 1, "previous": -1, "preceding": -1}.get((_get(m, "dir") or "").lower(), 0)
    return f"@A:{'day' if u in _POD else u}:{k}:{_POD.get(u, '')}"


def _h_ordinal_day(m: _M, c: _Ctx) -> _Result:
    day = int(m["day"])
    if m["mrel"]:
        ym = _shift(c, _REL[m["mrel"].lower()], "month")
        return f"{ym}-{day:02d}" if ym[0] == "X" or _valid(int(ym[:4]), int(ym[5:7]), day) else None
    rest = c.text[m.end():m.end() + 20]
    if rest.strip() and not re.match(r"\s*[.,;:!?)(\"'”’\[\]/—–-]", rest):
        if c.next_word(m.end()).lower() not in _F["ordinal_day_follow"]:
            return None
    return _resolve_ordinal_day(c, day, m.start(), m.end())


# ---------------------------------------------------------------- the rule table (data/timex.toml)

_FRAGMENTS = {
    "MON_ANY": _MON_ANY, "MON_BARE": _MON_BARE, "WD": _WD, "DAY": _DAY, "YEAR": _YEAR, "YREL": _YREL,
    "NUM": _NUM, "NUMW": _NUMW, "UNIT": _UNIT, "POD": _POD_RE, "SEASON": _SEASON_RE, "AMPM": _AMPM,
    "TZ": _TZ, "MOD": _MOD, "LB": _LB, "CLOCKDAY": _CLOCKDAY, "ORD_LEAD": _alt(_F["ordinal_day_lead"]),
    "HOL": _alt(_D["holidays"], cased=True), "REFW": _alt(_D["ref_words"]), "FIXED": _alt(_D["fixed_phrases"]),
    "SETS": _alt(_D["sets"]),
}
_TRIGGER_OF: dict[str, set[str]] = {}
for _key, _spec in _D["triggers"].items():
    for _item in _spec:
        for _w in {max(k.split(), key=len) for k in _D[_item[1:]]} if _item[0] == "@" else {_item}:
            _TRIGGER_OF.setdefault(_w.lower(), set()).add(_key)
for _w in _TRIGGER_OF:  # the scan takes the longest form ("year's"): it also stands for its prefixes ("year")
    _TRIGGER_OF[_w] = set().union(*(keys for p, keys in _TRIGGER_OF.items() if _w.startswith(p)))


def _trie_regex(words: set[str]) -> str:
    """``words`` as a case-sensitive character trie: much faster to scan than a flat alternation."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        body = "" if not alts else alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node and body else body
    return emit(trie)


# One scan finds every trigger word (lower, Title, UPPER; an "s" may follow) and every number; the
# rules' re.IGNORECASE regexes then run only in windows around those hits.
_TRIGGER_RE = re.compile(r"(?<![A-Za-z])" + _trie_regex(
    {v for w in _TRIGGER_OF for v in (w, w[:1].upper() + w[1:], w.upper())}) + r"(?![a-rt-z])|\d+")
_Handler = Callable[[_M, _Ctx], _Result]
_HANDLERS: dict[str, _Handler] = {k[3:]: v for k, v in dict(globals()).items() if k.startswith("_h_")}
_RULES: list[tuple[str, re.Pattern[str], _Handler]] = [
    (r["trigger"], re.compile(re.sub(r"<([A-Z_]+)>", lambda g: _FRAGMENTS[g.group(1)], r["pattern"]), re.I),
     _HANDLERS[r["handler"]])
    for r in _D["rules"]
]
_REACH = 45  # how far (in characters) a match may extend beyond its trigger word


# ---------------------------------------------------------------- driver

def _windows(text: str) -> dict[str, list[list[int]]]:
    """Per trigger key, merged text windows around its hits, never cutting a word at the right edge."""
    out: dict[str, list[list[int]]] = {}
    n = len(text)
    for t in _TRIGGER_RE.finditer(text):
        s, e = max(0, t.start() - _REACH), min(n, t.end() + _REACH)
        while e < n and text[e].isalnum():
            e += 1
        word = t.group()
        for key in ("digit",) if word[0].isdigit() else _TRIGGER_OF[word.lower()]:
            spans = out.setdefault(key, [])
            if spans and s <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], e)
            else:
                spans.append([s, e])
    return out


def _candidates(c: _Ctx) -> list[_Cand]:
    out: list[_Cand] = []
    windows = _windows(c.text)
    for prio, (trig, rx, handler) in enumerate(_RULES):
        for ws, we in windows.get(trig, ()):
            for m in rx.finditer(c.text, ws, we):
                res = handler(m, c)
                if res is None:
                    continue
                value, typ = res if isinstance(res, tuple) else (res, "")
                start = m.end("skip") if _get(m, "skip") else m.start()
                while start < m.end() and c.text[start].isspace():
                    start += 1
                if start < m.end():
                    out.append(_Cand(start, m.end(), value, typ, prio))
    return out


_BEFORE_AFTER = re.compile(
    rf"(?i)(?<!\w)(?:the\s+)?(?:(?P<num>{_NUM})\s+)?(?P<unit>days?|weeks?)\s+(?P<dir>before|after)\s+$")


def _compose(c: _Ctx, cands: list[_Cand]) -> list[_Cand]:
    """"the day before last Tuesday", "two weeks after Aug. 7": a longer candidate shifted from the date."""
    extra = []
    for cd in cands:
        m = _DAY_VALUE.match(cd.value) and _BEFORE_AFTER.search(c.text, max(0, cd.start - 40), cd.start)
        n = _num(m["num"]) if m and m["num"] else 1.0
        if m and n is not None and n < 10_000:
            days = int(n) * (7 if m["unit"].lower().startswith("week") else 1)
            days *= -1 if m["dir"].lower() == "before" else 1
            value = _ymd(date.fromisoformat(cd.value[:10]) + timedelta(days))
            extra.append(_Cand(m.start(), cd.end, value, "", cd.prio))
    return cands + extra


def _select(cands: list[_Cand], size: int) -> list[_Cand]:
    """Non-overlapping candidates, longest first, then by rule order."""
    taken = bytearray(size)
    keep: list[_Cand] = []
    for cd in sorted(cands, key=lambda x: (x.start - x.end, x.prio, x.start)):
        if taken.find(1, cd.start, cd.end) == -1:
            taken[cd.start:cd.end] = b"\x01" * (cd.end - cd.start)
            keep.append(cd)
    return sorted(keep, key=lambda x: x.start)


_DAY_VALUE = re.compile(r"\d{4}-\d\d-\d\d")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - 400)
    cuts = [m.end() for m in _SENT_END.finditer(text, lo, start)]
    stop = _SENT_END.search(text, end, end + 400)
    return (cuts[-1] if cuts else lo), (stop.start() if stop else min(len(text), end + 400))


def _clock_day(c: _Ctx, keep: list[_Cand], i: int) -> str:
    """The day of a bare clock time: the nearest full date in its sentence, else the anchor."""
    cd = keep[i]
    s, e = _sentence(c.text, cd.start, cd.end)
    before = next((keep[j] for j in range(i - 1, -1, -1) if keep[j].start < s or _DAY_VALUE.match(keep[j].value)), None)
    after = next((keep[j] for j in range(i + 1, len(keep)) if keep[j].end > e or _DAY_VALUE.match(keep[j].value)), None)
    near = [(abs(o.start - cd.start), o.value[:10]) for o in (before, after)
            if o is not None and s <= o.start and o.end <= e and _DAY_VALUE.match(o.value)]
    return min(near)[1] if near else _shift(c, 0, "day")


def _anaphor(c: _Ctx, spec: str, last: str | None) -> str:
    """"that day" / "the next morning" / "later that year" against the last date mentioned."""
    _, unit, k, pod = spec.split(":")
    suffix = f"T{pod}" if pod else ""
    if last is None:
        return _shift(c, int(k), unit) + (suffix if c.a.date else "")
    if unit == "year":
        return str(int(last[:4]) + int(k))
    if unit == "month":
        return "%d-%02d" % _add_months(int(last[:4]), int(last[5:7]), int(k)) if len(last) >= 7 else f"{last[:4]}-XX"
    if len(last) < 10:
        return (last + "-XX-XX")[:10] if unit == "day" else f"{last[:4]}-WXX"
    d = date.fromisoformat(last[:10]) + timedelta(int(k))
    return _ymd(d) + suffix if unit == "day" else _week(d)


def _narrative(c: _Ctx, keep: list[_Cand]) -> None:
    """Fill values that depend on earlier or nearby expressions, in document order."""
    last: str | None = None
    for i, cd in enumerate(keep):
        if cd.value.startswith("@A:"):
            cd.value = _anaphor(c, cd.value, last)
        elif cd.value.startswith("@"):
            cd.value = _clock_day(c, keep, i) + cd.value[1:]
        dated = re.match(r"\d{4}(?:-\d\d(?:-\d\d)?)?(?![\d-]|-W)", cd.value)
        if dated and cd.type != "SET":
            last = dated.group()


def find_times(text: str, ref: str | None) -> list[TimeRef]:
    """Time expressions in ``text``, TIMEX3 values resolved against ``ref`` ('YYYY-MM-DD', 'YYYY-MM' or None).

    Returns non-overlapping TimeRefs sorted by start, with ``text[t.start:t.end] == t.text``.
    """
    if not text:
        return []
    c = _Ctx(text, _parse_ref(ref))
    keep = _select(_compose(c, _candidates(c)), len(text))
    _narrative(c, keep)
    return [TimeRef(cd.start, cd.end, text[cd.start:cd.end], cd.value, cd.type or _type_of(cd.value), VERSION)
            for cd in keep]
