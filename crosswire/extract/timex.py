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

This module holds the rule table and the driver; the handlers live in ``timex_handlers`` and the
date arithmetic and resolvers they use in ``timex_calendar``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from crosswire.extract.timex_calendar import (
    DATA, FILTERS, NUMBERS, POD, SEASONS, SENT_END, WEEKDAYS, Ctx, add_months, alt, iso_week, parse_number,
    parse_ref, shift, type_of, ymd,
)
from crosswire.extract.timex_handlers import HANDLERS, Handler, group_or_none
from crosswire.models import TimeRef

VERSION = "timex-1"

# ---------------------------------------------------------------- regex fragments

_MON_ANY = rf"(?<!\w)(?:{alt(DATA['months'], True)}|{alt(DATA['month_abbrev'], True)}\.?)(?!\w)"
_MON_BARE = rf"(?<!\w)(?:{alt(DATA['months'], True)}|{alt(DATA['month_abbrev'], True)}\.)(?!\w)"
_WD = alt(WEEKDAYS, cased=True)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d|\.\d|,\d{3})"
_YEAR = r"(?P<y>(?:1[5-9]\d\d|20\d\d)(?!\w))"
_YREL = r"(?P<yrel>last|this|next)\s+year"
_NUMW = alt(k for k in NUMBERS if " " not in k and k not in ("a", "an"))
_NUM = (rf"(?:\d+(?:\.\d+)?(?:\s+1/2|½)?|{_NUMW}(?:[\s-]+{_NUMW})*(?:\s+and\s+a\s+half)?"
        rf"|{alt(k for k in NUMBERS if ' ' in k)}|an?|{alt(DATA['quantifiers']['vague'])})")
_UNIT = (r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|fortnights?|months?|years?|yrs?|decades?"
         r"|century|centuries)")
_POD_RE = alt(POD)
_SEASON_RE = alt(SEASONS)
_AMPM = r"(?:[ap]\.\s?m\.?|[ap]m\b|(?-i:AM|PM)\b)"
_TZ = rf"(?:{alt(DATA['clock']['time_zones'], True)}|local\s+time|\(local\s+time\))"
_MOD = (r"(?:early|earlier|late|later|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of"
        r"|the\s+middle\s+of|the\s+rest\s+of)")
_LB = r"(?<![\w$€£¥₩.,/:-])"
_CLOCKDAY = rf"(?:,?\s+(?:on\s+)?(?P<wd>{_WD})(?!\w)|\s+(?P<rd>today|yesterday|tomorrow|tonight)(?!\w))?"


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    value: str
    type: str
    prio: int = 0


# ---------------------------------------------------------------- the rule table (data/timex.toml)

_FRAGMENTS = {
    "MON_ANY": _MON_ANY, "MON_BARE": _MON_BARE, "WD": _WD, "DAY": _DAY, "YEAR": _YEAR, "YREL": _YREL,
    "NUM": _NUM, "NUMW": _NUMW, "UNIT": _UNIT, "POD": _POD_RE, "SEASON": _SEASON_RE, "AMPM": _AMPM,
    "TZ": _TZ, "MOD": _MOD, "LB": _LB, "CLOCKDAY": _CLOCKDAY, "ORD_LEAD": alt(FILTERS["ordinal_day_lead"]),
    "HOL": alt(DATA["holidays"], cased=True), "REFW": alt(DATA["ref_words"]), "FIXED": alt(DATA["fixed_phrases"]),
    "SETS": alt(DATA["sets"]),
}
_TRIGGER_OF: dict[str, set[str]] = {}
for _key, _spec in DATA["triggers"].items():
    for _item in _spec:
        for _w in {max(k.split(), key=len) for k in DATA[_item[1:]]} if _item[0] == "@" else {_item}:
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
_RULES: list[tuple[str, re.Pattern[str], Handler]] = [
    (r["trigger"], re.compile(re.sub(r"<([A-Z_]+)>", lambda g: _FRAGMENTS[g.group(1)], r["pattern"]), re.I),
     HANDLERS[r["handler"]])
    for r in DATA["rules"]
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


def _candidates(c: Ctx) -> list[_Cand]:
    out: list[_Cand] = []
    windows = _windows(c.text)
    for prio, (trig, rx, handler) in enumerate(_RULES):
        for ws, we in windows.get(trig, ()):
            for m in rx.finditer(c.text, ws, we):
                res = handler(m, c)
                if res is None:
                    continue
                value, typ = res if isinstance(res, tuple) else (res, "")
                start = m.end("skip") if group_or_none(m, "skip") else m.start()
                while start < m.end() and c.text[start].isspace():
                    start += 1
                if start < m.end():
                    out.append(_Cand(start, m.end(), value, typ, prio))
    return out


_BEFORE_AFTER = re.compile(
    rf"(?i)(?<!\w)(?:the\s+)?(?:(?P<num>{_NUM})\s+)?(?P<unit>days?|weeks?)\s+(?P<dir>before|after)\s+$")


def _compose(c: Ctx, cands: list[_Cand]) -> list[_Cand]:
    """"the day before last Tuesday", "two weeks after Aug. 7": a longer candidate shifted from the date."""
    extra = []
    for cd in cands:
        m = _DAY_VALUE.match(cd.value) and _BEFORE_AFTER.search(c.text, max(0, cd.start - 40), cd.start)
        n = parse_number(m["num"]) if m and m["num"] else 1.0
        if m and n is not None and n < 10_000:
            days = int(n) * (7 if m["unit"].lower().startswith("week") else 1)
            days *= -1 if m["dir"].lower() == "before" else 1
            value = ymd(date.fromisoformat(cd.value[:10]) + timedelta(days))
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
    cuts = [m.end() for m in SENT_END.finditer(text, lo, start)]
    stop = SENT_END.search(text, end, end + 400)
    return (cuts[-1] if cuts else lo), (stop.start() if stop else min(len(text), end + 400))


def _clock_day(c: Ctx, keep: list[_Cand], i: int) -> str:
    """The day of a bare clock time: the nearest full date in its sentence, else the anchor."""
    cd = keep[i]
    s, e = _sentence(c.text, cd.start, cd.end)
    before = next((keep[j] for j in range(i - 1, -1, -1) if keep[j].start < s or _DAY_VALUE.match(keep[j].value)), None)
    after = next((keep[j] for j in range(i + 1, len(keep)) if keep[j].end > e or _DAY_VALUE.match(keep[j].value)), None)
    near = [(abs(o.start - cd.start), o.value[:10]) for o in (before, after)
            if o is not None and s <= o.start and o.end <= e and _DAY_VALUE.match(o.value)]
    return min(near)[1] if near else shift(c, 0, "day")


def _anaphor(c: Ctx, spec: str, last: str | None) -> str:
    """"that day" / "the next morning" / "later that year" against the last date mentioned."""
    _, unit, k, pod = spec.split(":")
    suffix = f"T{pod}" if pod else ""
    if last is None:
        return shift(c, int(k), unit) + (suffix if c.a.date else "")
    if unit == "year":
        return str(int(last[:4]) + int(k))
    if unit == "month":
        return "%d-%02d" % add_months(int(last[:4]), int(last[5:7]), int(k)) if len(last) >= 7 else f"{last[:4]}-XX"
    if len(last) < 10:
        return (last + "-XX-XX")[:10] if unit == "day" else f"{last[:4]}-WXX"
    d = date.fromisoformat(last[:10]) + timedelta(int(k))
    return ymd(d) + suffix if unit == "day" else iso_week(d)


def _narrative(c: Ctx, keep: list[_Cand]) -> None:
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
    c = Ctx(text, parse_ref(ref))
    keep = _select(_compose(c, _candidates(c)), len(text))
    _narrative(c, keep)
    return [TimeRef(cd.start, cd.end, text[cd.start:cd.end], cd.value, cd.type or type_of(cd.value), VERSION)
            for cd in keep]
