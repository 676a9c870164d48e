"""Absolute dates written in headers, meta tags, datelines and wire tails -> ISO strings.

Public functions:
- ``parse_date(text)``   the first absolute date of a text (ISO, with THH:MM when a time is given);
- ``find_dates(text)``   every absolute date of a text, in order;
- ``header_stamp(line)`` a header or timestamp line ("기사입력 2024.11.02. 오전 9:41 최종수정 …",
                         "Published 2024.11.02 09:41 | Updated …", "2024/11/02 15:30 KST"): the
                         entry time when the line labels one, else the unlabelled date, else the edit
                         time; None when the line is a sentence rather than a stamp;
- ``header_date(line)``  the ISO date of ``header_stamp``;
- ``date_evidence(text)`` full dates and month-year mentions of a text (for a dateline's year);
- ``iso_date(value)``    an explicit date field (ISO string, RFC date, datetime) -> ISO, or None;
- ``dateline_date(month, day, evidence, today)`` the year of a dateline's "March 3" from the
                         report's own dates: the year that puts it nearest the latest evidence date,
                         never after ``today`` (None without evidence).

Formats: 2025-04-28, 2024.10.05. PM 8:58, 2024/10/05, 2024년 10월 5일, November 2, 2024, Nov. 2, 2024,
2 November 2024, 02.11.2024 (day first, as Ukrainian and Russian outlets write it), with an optional
time after the date (AM/PM, 오전/오후, 24-hour, 09.41) or before it in a header line, and a zone word.
Timestamp labels (entry / edit) come from data/layouts.toml ``[timestamps]``.

On the ground floor: the readers (ingest/) and the cleaner (clean/) both read dates with it.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

LAYOUTS = Path(__file__).resolve().parent / "data" / "layouts.toml"
MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], 1) for m in names}
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_TIME = r"(?:\s*[,\-–—]?\s*(?:at\s+)?(?:(?P<ampm1>am|pm|a\.m\.|p\.m\.|오전|오후)\s*)?(?P<H>\d{1,2})[:.](?P<M>\d{2})(?::\d{2})?(?!\d)\s*(?P<ampm2>am|pm|a\.m\.|p\.m\.)?)?"
DATE_PATTERNS = [re.compile(p + _TIME, re.I) for p in (
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})(?!\d)\.?",
    r"(?P<y>(?:19|20)\d{2})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일",
    r"\b" + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})\b",
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(?P<y>(?:19|20)\d{2})\b",
    r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d{2})(?![\d.])",  # 02.11.2024 (day first)
)]
_MONTH_YEAR = re.compile(r"\b" + _MON + r",?\s+(?P<y>(?:19|20)\d{2})\b", re.I)
_COPYRIGHT_YEAR = re.compile(r"(?:©|ⓒ|\(c\)|copyright)\s*(?:(?:19|20)\d{2}\s*[-–]\s*)?(?P<y>(?:19|20)\d{2})\b", re.I)
# Words that may sit on a header line beside the date without making it a sentence.
HEADER_WORDS = re.compile(
    r"\b(date|dated|posted|published|updated|modified|last updated|edited|input|kst|utc|gmt|et|est|"
    r"am|pm|on|at|\|)\b|입력|수정|송고|기사입력|최종수정|승인|등록|[·|:,/()\-–—]", re.I)
_LEAD_TIME = re.compile(r"(?<!\d)(?P<H>\d{1,2})[:.](?P<M>\d{2})\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?\s*"
                        r"(?:kst|est|edt|et|utc|gmt|cet|cest|bst|pst|pdt|jst)?\s*[,|·]?\s*(?:on\s+)?$", re.I)
_WEEKDAY = re.compile(r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\b\.?", re.I)
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")


@dataclass(frozen=True, slots=True)
class Stamp:
    """A header or timestamp line: the chosen date and whether it is an entry, edit or plain date."""

    iso: str
    kind: str  # entry | edit | plain
    rest_words: int = 0  # words on the line besides dates, labels and zone/UI words


@lru_cache(maxsize=1)
def _labels() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    data = tomllib.loads(LAYOUTS.read_text(encoding="utf-8"))["timestamps"]

    def alt(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    entry, edit = alt(data["entry"]), alt(data["edit"])
    weekday = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s*)?"
    tail = rf"\s*[:：]?\s*(?:on|at)?\s*{weekday}$"
    return (re.compile(rf"(?:^|[^\w])(?:{entry}){tail}", re.I), re.compile(rf"(?:^|[^\w])(?:{edit}){tail}", re.I),
            re.compile(rf"(?<!\w)(?:{entry}|{edit})(?!\w)", re.I))


def _iso(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    month = int(g["m"]) if g.get("m") else MONTHS[g["mon"].lower().rstrip(".")[:3]]
    try:
        day = date(int(g["y"]), month, int(g["d"]))
    except ValueError:
        return None
    iso = day.isoformat()
    if g.get("H"):
        hour = int(g["H"]) % 24
        ampm = (g.get("ampm1") or g.get("ampm2") or "").lower()
        if ampm in ("pm", "p.m.", "오후") and hour < 12:
            hour += 12
        elif ampm in ("am", "a.m.", "오전") and hour == 12:
            hour = 0
        if hour < 24 and int(g["M"]) < 60:
            iso += f"T{hour:02d}:{int(g['M']):02d}"
    return iso


def parse_date(text: str) -> tuple[str, re.Match[str]] | None:
    """First absolute date in ``text`` as ISO (with THH:MM when a time is given), and its match."""
    for pat in DATE_PATTERNS:
        for m in pat.finditer(text):
            iso = _iso(m)
            if iso:
                return iso, m
    return None


def find_dates(text: str) -> list[tuple[str, re.Match[str]]]:
    """Every absolute date in ``text`` in order of position (overlaps go to the earlier pattern)."""
    found: list[tuple[str, re.Match[str]]] = []
    for pat in DATE_PATTERNS:
        for m in pat.finditer(text):
            iso = _iso(m)
            if iso and not any(m.start() < o.end() and o.start() < m.end() for _, o in found):
                found.append((iso, m))
    return sorted(found, key=lambda f: f[1].start())


def header_stamp(line: str) -> Stamp | None:
    """The date of a header or timestamp line (a date plus label or UI words, not a sentence)."""
    dates = find_dates(line)
    if not dates:
        return None
    entry, edit, any_label = _labels()
    rest, prev, kinds = "", 0, []
    for iso, m in dates:
        before = line[prev:m.start()]
        lead = _LEAD_TIME.search(before)  # "Published 9:41 AM EST, November 2, 2024"
        if lead:
            before = before[:lead.start()]
            iso = iso if "T" in iso else iso + _clock(lead)
        kinds.append((iso, "entry" if entry.search(before) else "edit" if edit.search(before) else "plain"))
        rest += " " + before
        prev = m.end()
    rest = HEADER_WORDS.sub(" ", _WEEKDAY.sub(" ", any_label.sub(" ", rest + " " + line[prev:])))
    rest_words = [w for w in rest.split() if not _HANGUL_WORD.fullmatch(w)]
    if len(rest_words) > 3 or len(rest.split()) > 8:
        return None
    for want in ("entry", "plain", "edit"):
        for iso, kind in kinds:
            if kind == want:
                return Stamp(iso, kind, len(rest_words))
    return None


def _clock(m: re.Match[str]) -> str:
    hour, minute = int(m.group("H")), int(m.group("M"))
    ampm = (m.group("ampm") or "").lower()
    if ampm in ("pm", "p.m.") and hour < 12:
        hour += 12
    elif ampm in ("am", "a.m.") and hour == 12:
        hour = 0
    return f"T{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else ""


def header_date(line: str) -> str | None:
    """The date of a header line: a line that is a date plus a few label or UI words, not a sentence."""
    stamp = header_stamp(line)
    return stamp.iso if stamp else None


def date_evidence(text: str) -> list[date]:
    """Full dates, month-year mentions (as the 1st) and copyright years (as 1 July) of ``text``."""
    out = [date.fromisoformat(iso[:10]) for iso, _ in find_dates(text)]
    for m in _MONTH_YEAR.finditer(text):
        out.append(date(int(m.group("y")), MONTHS[m.group("mon").lower().rstrip(".")[:3]], 1))
    out += [date(int(m.group("y")), 7, 1) for m in _COPYRIGHT_YEAR.finditer(text)]
    return out


def month_number(name: str) -> int | None:
    """'Nov.' / 'November' / 'sept' -> 11 / 11 / 9; None for anything else."""
    return MONTHS.get(name.lower().rstrip(".")[:3] if name.lower().rstrip(".")[:4] != "sept" else "sep")


def dateline_date(month: int, day: int, evidence: list[date], today: date) -> str | None:
    """ISO date of a dateline's month and day: the year nearest the latest evidence, never after today."""
    past = [e for e in evidence if e <= today]
    if not past:
        return None
    ref = max(past)
    cands = []
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            cand = date(year, month, day)
        except ValueError:
            continue
        if cand <= today:
            cands.append(cand)
    if not cands:
        return None
    return min(cands, key=lambda c: abs((c - ref).days)).isoformat()


EXPECTED_DATE = ("an ISO date or date-time (2024-11-02, 2024-11-02T09:41, 2024-11-02T09:41:00+09:00), "
                 "a year-month (2024-11) or a written date (Nov. 2, 2024; 2 November 2024; 2024.11.02)")


def iso_date(value: object) -> str | None:
    """An explicit date field (ISO string, RFC date, datetime) -> ISO; None when unreadable."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:16]
    text = str(value or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed.date().isoformat() if len(text) <= 10 else parsed.isoformat()[:16]
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}(-\d{2})?", text):
        return text
    found = parse_date(text)
    return found[0] if found else None
