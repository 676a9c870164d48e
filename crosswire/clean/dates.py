"""Absolute dates written in headers, meta tags and datelines -> ISO strings.

Formats: 2025-04-28, 2024.10.05. PM 8:58, 2024/10/05, 2024년 10월 5일, November 2, 2024, Nov. 2, 2024,
2 November 2024, with an optional time (AM/PM, 오전/오후, 24-hour) and zone word (KST, UTC).
"""
from __future__ import annotations

import re
from datetime import date

MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], 1) for m in names}
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_TIME = r"(?:\s*,?\s*(?:(?P<ampm1>am|pm|a\.m\.|p\.m\.|오전|오후)\s*)?(?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2})?\s*(?P<ampm2>am|pm|a\.m\.|p\.m\.)?)?"
DATE_PATTERNS = [re.compile(p + _TIME, re.I) for p in (
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})(?!\d)\.?",
    r"(?P<y>(?:19|20)\d{2})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일",
    r"\b" + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})\b",
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(?P<y>(?:19|20)\d{2})\b",
)]
# Words that may sit on a header line beside the date without making it a sentence.
HEADER_WORDS = re.compile(
    r"\b(date|dated|posted|published|updated|modified|last updated|edited|input|kst|utc|gmt|et|est|"
    r"am|pm|on|at|\|)\b|입력|수정|송고|기사입력|최종수정|승인|등록|[·|:,/()\-–—]", re.I)


def parse_date(text: str) -> tuple[str, re.Match[str]] | None:
    """First absolute date in ``text`` as ISO (with THH:MM when a time is given), and its match."""
    for pat in DATE_PATTERNS:
        m = pat.search(text)
        if not m:
            continue
        g = m.groupdict()
        month = int(g["m"]) if g.get("m") else MONTHS[g["mon"].lower().rstrip(".")[:3]]
        try:
            day = date(int(g["y"]), month, int(g["d"]))
        except ValueError:
            continue
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
        return iso, m
    return None


def header_date(line: str) -> str | None:
    """The date of a header line: a line that is a date plus a few label or UI words, not a sentence."""
    found = parse_date(line)
    if not found:
        return None
    iso, m = found
    rest = line[:m.start()] + " " + line[m.end():]
    rest = HEADER_WORDS.sub(" ", rest)
    rest_words = [w for w in rest.split() if not re.fullmatch(r"[\uac00-\ud7a3]+", w)]
    return iso if len(rest_words) <= 3 and len(rest.split()) <= 8 else None
