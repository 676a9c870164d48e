"""Rule handlers of crosswire.extract.timex: one ``_h_<name>`` per rule of ``data/timex.toml``.

A handler turns a regex match into a TIMEX3 value, a ``(value, type)`` pair, or ``None`` to refuse
the match (a number that is a count, "May" the modal verb ...). ``HANDLERS`` maps each rule's
``handler`` name to its function. Values starting with "@" are placeholders that
``timex._narrative`` fills from neighbouring expressions.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Callable

from crosswire.extract.timex_calendar import (
    DATA, FILTERS, MONTHS, ORD, POD, REL, SEASONS, UNITS, WEEKDAYS, Ctx, ago, duration, holiday_date, iso_week,
    nearest, parse_number, resolve_month, resolve_month_day, resolve_ordinal_day, resolve_weekday, season_value,
    shift, unit_key, valid, ymd,
)

Result = str | tuple[str, str] | None
Match = re.Match[str]


def group_or_none(m: Match, name: str) -> str | None:
    return m.groupdict().get(name)


def _rel(m: Match) -> str | None:
    return (group_or_none(m, "rel") or "").lower() or None


def _mon(m: Match, group: str = "mon") -> int:
    return MONTHS[m[group].lower().rstrip(".")]


def _year_rel(c: Ctx, yrel: str) -> str:
    return "XXXX" if c.a.year is None else str(c.a.year + REL[yrel.lower()])


def _h_iso(m: Match, c: Ctx) -> Result:
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    return f"{y}-{mo:02d}-{d:02d}" if valid(y, mo, d) else None


def _h_month_day(m: Match, c: Ctx) -> Result:
    mon, day = _mon(m), int(re.match(r"\d+", m["day"]).group())  # type: ignore[union-attr]
    if m["y"]:
        return f"{m['y']}-{mon:02d}-{day:02d}" if valid(int(m["y"]), mon, day) else None
    return resolve_month_day(c, mon, day, _rel(m), m.start(), m.end())


def _h_week_of(m: Match, c: Ctx) -> Result:
    v = _h_month_day(m, c)
    return None if not isinstance(v, str) else "XXXX-WXX" if v[0] == "X" else iso_week(date.fromisoformat(v))


def _h_month_year(m: Match, c: Ctx) -> Result:
    return f"{m['y']}-{_mon(m):02d}"


def _month_ok(m: Match, c: Ctx) -> bool:
    """A bare month name is a date after a lead word ("in May"), never "May" the verb or a name."""
    nxt = c.next_word(m.end())
    if group_or_none(m, "rel") or group_or_none(m, "mod") or group_or_none(m, "yrel"):
        return True
    if nxt == "of" or nxt[:1].isupper():
        return False
    if c.prev_word(m.start()) in FILTERS["month_lead_words"]:
        return True
    if m["mon"].lower().rstrip(".") in FILTERS["ambiguous_months"] or c.text[m.start() - 1:m.start()] == "-":
        return False
    prev_cap = re.search(r"[A-Z][\w.'-]*\s+$", c.text[max(0, m.start() - 30):m.start()])
    if prev_cap and not c.sentence_start(m.start() - len(prev_cap.group())):
        return False
    return True


def _h_month(m: Match, c: Ctx) -> Result:
    if not _month_ok(m, c):
        return None
    if m["yrel"]:
        return f"{_year_rel(c, m['yrel'])}-{_mon(m):02d}"
    return resolve_month(c, _mon(m), _rel(m), m.start(), m.end())


def _h_month_range(m: Match, c: Ctx) -> Result:
    m1, m2 = _mon(m, "m1"), _mon(m, "m2")
    if m["y"] or m["yrel"]:
        y2 = m["y"] or _year_rel(c, m["yrel"])
    else:
        y2 = resolve_month(c, m2, None, m.start(), m.end())[:4]
    if y2 == "XXXX":
        return f"XXXX-{m1:02d}/XXXX-{m2:02d}"
    return f"{int(y2) - (m1 > m2)}-{m1:02d}/{y2}-{m2:02d}"


def _h_weekday(m: Match, c: Ctx) -> Result:
    prev = re.search(r"(\w+)\s+$", c.text[max(0, m.start() - 20):m.start()])
    if prev and prev.group(1) in FILTERS["weekday_name_words"] and not _rel(m):
        return None
    wd = WEEKDAYS[m["wd"].lower()]
    if m["pl"]:
        return (f"XXXX-WXX-{wd}", "SET")
    value = resolve_weekday(c, wd, _rel(m), m.start(), m.end(), tense=not m["poss"])
    return value + (f"T{POD[m['pod'].lower()]}" if m["pod"] else "")


_RELDAY: dict[str, list[Any]] = DATA["relative_days"]


def _h_relday(m: Match, c: Ctx) -> Result:
    k, pod = _RELDAY[re.sub(r"\s+", " ", m["w"].lower())]
    pod = pod or (POD[m["pod"].lower()] if m["pod"] else "")
    return shift(c, k, "day") + (f"T{pod}" if pod else "")


def _h_rel_period(m: Match, c: Ctx) -> Result:
    phrase = re.sub(r"\s+", " ", m.group(0).lower())
    if phrase in DATA["fixed_phrases"]:
        value, typ = DATA["fixed_phrases"][phrase]
        return (value, typ)
    rel, unit = _rel(m) or "this", m["unit"].lower()
    if m["season"]:
        return season_value(c, unit, rel, None, m.start(), m.end())
    if unit != "weekend" and (rel == "past" or (m["the"] and rel in ("last", "next", "coming", "previous"))):
        return duration(1, unit)
    return shift(c, REL[rel], unit)


def _h_weekend(m: Match, c: Ctx) -> Result:
    d = c.a.date
    if d is None:
        return "XXXX-WXX-WE"
    back = d.isoweekday() < 6 and not c.future(m.start(), m.end())
    return iso_week(d - timedelta(7 * back)) + "-WE"


def _h_duration(m: Match, c: Ctx) -> Result:
    tail = (m["tail"] or "").lower().strip(" -")
    unit = unit_key(m["unit"])
    if tail.startswith("old") or unit not in UNITS or c.capitalised_inside(m):
        return None
    if m["num"].lower() in ("a", "an") and unit == "second":
        return None
    n = parse_number(m["num"])
    n = n + 0.5 if n is not None and m["half"] else n
    if tail in ("ago", "from now") or tail.startswith("from"):
        return ago(c, n, unit, -1 if tail == "ago" else 1)
    if m["num"].lower() in ("a", "an") and c.prev_word(m.start()) in ("once", "twice", "thrice", "times"):
        return (duration(1, unit), "SET")
    return duration(n, unit)


def _h_half(m: Match, c: Ctx) -> Result:
    return duration(0.5, unit_key(m["unit"]))


def _h_vague(m: Match, c: Ctx) -> Result:
    """Uncounted units: "for years" -> PXY, "decades-long" -> PXDE, "years ago" -> PAST_REF."""
    if m["ago"]:
        return "PAST_REF"
    narrative = m["unit"].endswith("s") and c.prev_word(m.start()) == "the" and c.next_word(m.end()).lower() in (
        "before", "after", "following", "since", "preceding", "leading", "that")
    if not (m["skip"] or m["pre"] or m["long"] or narrative) or c.capitalised_inside(m):
        return None
    return duration(None if m["unit"].lower().endswith("s") else 1, unit_key(m["unit"]))


def _h_year(m: Match, c: Ctx) -> Result:
    nxt = c.next_word(m.end()).lower().rstrip(".,;:")
    if nxt in FILTERS["year_reject_next"] or c.prev_word(m.start()) in FILTERS["year_reject_prev"]:
        return None
    if re.match(r"\s*(?:%|:\d|-(?:meter|metre|strong|man|member|ton|km))", c.text[m.end():m.end() + 8]):
        return None
    return m["y"]


def _h_decade(m: Match, c: Ctx) -> Result:
    if m["dec"]:
        return f"{m['dec']}X"
    short = int(m["short"])
    if c.a.year is None:
        return f"XX{short}X"
    return f"{c.a.year // 100 - (short * 10 > c.a.year % 100)}{short}X"


def _h_century(m: Match, c: Ctx) -> Result:
    return f"{int(m['n']) - 1:02d}"


def _h_quarter(m: Match, c: Ctx) -> Result:
    kind, k = m["kind"].lower(), ORD[m["ord"].lower()]
    explicit = m["y"] or m["yrel"] or m["theyear"]
    if kind == "half" and not explicit:
        return None
    if k == -1 and not explicit:
        return shift(c, -1, "quarter")
    y = m["y"] or (_year_rel(c, m["yrel"]) if m["yrel"] else str(c.a.year or "XXXX"))
    k = (4 if kind == "quarter" else 2) if k == -1 else min(k, 2) if kind == "half" else k
    return f"{y}-{'Q' if kind == 'quarter' else 'H'}{k}"


def _h_q(m: Match, c: Ctx) -> Result:
    return f"{m['y'] or c.a.year or 'XXXX'}-Q{m['q']}"


def _h_season(m: Match, c: Ctx) -> Result:
    rel, name = _rel(m), m["s"].lower()
    if not (rel or m["mod"] or m["skip"] or m["y"] or m["yrel"]):
        return None
    if name == "fall" and not (rel or m["y"] or m["yrel"]) and re.match(r"\s+of\b", c.text[m.end():m.end() + 4]):
        return None
    if m["yrel"]:
        y = _year_rel(c, m["yrel"])
        return f"{y}-{SEASONS[name][0]}"
    return season_value(c, name, rel, int(m["y"]) if m["y"] else None, m.start(), m.end())


def _clock(h: int, mi: int, ap: str | None) -> str:
    ap = re.sub(r"[.\s]", "", (ap or "").lower())
    h = h + 12 if ap == "pm" and h < 12 else 0 if ap == "am" and h == 12 else h
    return f"T{h:02d}:{mi:02d}"


def _day_of(m: Match, c: Ctx) -> str:
    """Date part of a clock time: a weekday or relative day in the match, else '@' (filled in later)."""
    if group_or_none(m, "wd"):
        return resolve_weekday(c, WEEKDAYS[m["wd"].lower()], None, m.start(), m.end())
    return shift(c, _RELDAY[m["rd"].lower()][0], "day") if group_or_none(m, "rd") else "@"


def _h_clock(m: Match, c: Ctx) -> Result:
    if group_or_none(m, "w"):
        if c.capitalised_inside(m) or c.prev_word(m.start()) == "high":
            return None
        return (_day_of(m, c) + ("T24:00" if m["w"].lower() == "midnight" else "T12:00"), "TIME")
    return (_day_of(m, c) + _clock(int(m["h"]), int(m["mi"] or 0), group_or_none(m, "ap")), "TIME")


def _h_clock_pod(m: Match, c: Ctx) -> Result:
    n = parse_number(m["h"])
    if n is None or not 1 <= n <= 12 or n != int(n):
        return None
    pm = (group_or_none(m, "pod") or "").lower() in ("afternoon", "evening")
    return ("@" + _clock(int(n), 0, "pm" if pm else "am"), "TIME")


def _h_set_word(m: Match, c: Ctx) -> Result:
    name = m.group(0)[:1].isupper() and (c.capitalised_inside(m) or c.next_word(m.end())[:1].isupper())
    return None if name else (DATA["sets"][m.group(0).lower()], "SET")


def _h_every(m: Match, c: Ctx) -> Result:
    if group_or_none(m, "wd"):
        return (f"XXXX-WXX-{WEEKDAYS[m['wd'].lower()]}", "SET")
    n = 2.0 if m["other"] else parse_number(m["num"]) if m["num"] else 1.0
    return (duration(n, unit_key(m["unit"])), "SET")


def _h_per(m: Match, c: Ctx) -> Result:
    ok = m["det"].lower() == "per" or m["skip"]
    return (duration(1, unit_key(m["unit"])), "SET") if ok else None


def _h_ref_word(m: Match, c: Ctx) -> Result:
    w = re.sub(r"\s+", " ", m["w"].lower())
    return None if m["w"] == "Now" and c.sentence_start(m.start()) else DATA["ref_words"][w]


def _h_holiday(m: Match, c: Ctx) -> Result:
    spec = DATA["holidays"][re.sub(r"\s+", " ", m["h"])]
    if m["y"] or c.a.year is None:
        d = holiday_date(spec, int(m["y"] or 2000))
        if m["y"]:
            return ymd(d)
        return f"XXXX-{d.month:02d}-{d.day:02d}" if isinstance(spec, str) else f"XXXX-{d.month:02d}-XX"
    y0 = c.a.year
    return nearest(c, [holiday_date(spec, y) for y in (y0 - 1, y0, y0 + 1)], _rel(m), m.start(), m.end())


def _h_anaphor(m: Match, c: Ctx) -> Result:
    u = m["u"].lower()
    k = {"next": 1, "following": 1, "previous": -1, "preceding": -1}.get((group_or_none(m, "dir") or "").lower(), 0)
    return f"@A:{'day' if u in POD else u}:{k}:{POD.get(u, '')}"


def _h_ordinal_day(m: Match, c: Ctx) -> Result:
    day = int(m["day"])
    if m["mrel"]:
        ym = shift(c, REL[m["mrel"].lower()], "month")
        return f"{ym}-{day:02d}" if ym[0] == "X" or valid(int(ym[:4]), int(ym[5:7]), day) else None
    rest = c.text[m.end():m.end() + 20]
    if rest.strip() and not re.match(r"\s*[.,;:!?)(\"'”’\[\]/—–-]", rest):
        if c.next_word(m.end()).lower() not in FILTERS["ordinal_day_follow"]:
            return None
    return resolve_ordinal_day(c, day, m.start(), m.end())


Handler = Callable[[Match, Ctx], Result]
HANDLERS: dict[str, Handler] = {k[3:]: v for k, v in dict(globals()).items() if k.startswith("_h_")}
