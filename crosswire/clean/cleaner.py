"""Boilerplate and transcript structure: text in, body text + removed lines + clues out.

``clean_text`` never raises on odd input: a line it cannot place is kept as body text.
Every line it takes out is returned as a RemovedLine naming the rule (principle 6).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import RemovedLine, Segment
from .boilerplate import find_body
from .layouts import Clues, headline_above, layout_line, note_dateline, stamp_line, tail_stamps, take_turn
from .rules import first_match

HEADER_LINES = 6  # a date header sits among the first non-empty lines
FOOTER_MAX_WORDS = 20
_TERMINAL = re.compile(r"[.!?:;\"'”’)\]…]$")
_RUN_TOGETHER = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")
_SOUNDBITE = re.compile(r"^[\[［]")


@dataclass(slots=True)
class Cleaned:
    text: str
    removed: list[RemovedLine]
    segments: list[Segment]
    clues: Clues


@dataclass(slots=True)
class _Para:
    text: str
    role: str
    lineno: int


def _capture(m: re.Match[str], rule_name: str, clues: Clues) -> None:
    groups = m.groupdict()
    if groups.get("publisher"):
        clues.publishers.append((rule_name, groups["publisher"].strip(" .")))
    if groups.get("author"):
        clues.authors.append((rule_name, groups["author"].strip(" .")))


def _classify(line: str, lineno: int, nonempty_seen: int, state: dict[str, object], clues: Clues) -> str | None:
    """Return the rule that removes ``line``, or None to keep it. Updates role/footer state."""
    in_header = nonempty_seen < HEADER_LINES and not state.get("footer")
    stamp = stamp_line(line, in_header, nonempty_seen, clues, bool(state.get("footer")))  # layouts.py
    if stamp:
        return stamp
    hit = first_match("furniture", line)
    if hit:
        state["role"] = hit[0].role or "body"
        return "transcript-furniture"
    footer = first_match("footer_start", line)
    if footer:
        state["footer"] = True
    layout = layout_line(line, clues)  # credit lines, mastheads (layouts.py)
    if layout:
        return layout
    hit = first_match("remove", line)
    if hit:
        _capture(hit[1], hit[0].name, clues)
        return hit[0].name
    if footer:
        return "footer"
    if state.get("footer"):
        if len(line.split()) <= FOOTER_MAX_WORDS:
            return "footer"
        state["footer"] = False
    return None


def _title_candidate(paras: list[_Para], lines: list[str], header_lineno: int | None) -> bool:
    """Is the first kept paragraph a headline? (first line of the file, short, not a sentence)."""
    if not paras:
        return False
    first = paras[0]
    if any(ln.strip() for ln in lines[:first.lineno]):  # something (furniture, header) came before it
        if header_lineno is None or header_lineno < first.lineno:
            return False
    words = first.text.split()
    if not 3 <= len(words) <= 30 or _SOUNDBITE.match(first.text) or first_match("dateline", first.text):
        return False
    if len(paras) < 2:
        return False
    before_header = header_lineno is not None and header_lineno > first.lineno
    return before_header or not _TERMINAL.search(first.text)


def _join_broken(paras: list[_Para], removed: list[RemovedLine]) -> list[_Para]:
    out: list[_Para] = []
    for p in paras:
        prev = out[-1] if out else None
        if (prev and p.text[:1].islower() and not _TERMINAL.search(prev.text)
                and not _SOUNDBITE.match(p.text)):
            prev.text = f"{prev.text} {p.text}"
            removed.append(RemovedLine("\\n", "repair:joined-broken-line", p.lineno))
            continue
        out.append(p)
    return out


def _drop_furniture(paras: list[_Para], removed: list[RemovedLine], title: str | None) -> list[_Para]:
    reasons = find_body([p.text for p in paras], title)
    removed.extend(RemovedLine(p.text, why, p.lineno + 1) for p, why in zip(paras, reasons) if why)
    return [p for p, why in zip(paras, reasons) if not why]


def _assemble(paras: list[_Para]) -> tuple[str, list[Segment]]:
    parts: list[str] = []
    segments: list[Segment] = []
    pos = 0
    for p in paras:
        if parts:
            pos += 2
        start, end = pos, pos + len(p.text)
        if segments and segments[-1].role == p.role:
            segments[-1].end = end
        else:
            segments.append(Segment(p.role, start, end))
        parts.append(p.text)
        pos = end
    return "\n\n".join(parts), segments


def clean_text(text: str, detect_title: bool = True, drop_furniture: bool = False) -> Cleaned:
    """Split ``text`` into body paragraphs and removed lines; read header, sign-off and byline clues."""
    clues = Clues()
    removed: list[RemovedLine] = []
    paras: list[_Para] = []
    state: dict[str, object] = {"role": "body", "footer": False}
    lines = text.split("\n")
    nonempty = 0
    header_lineno: int | None = None
    for lineno, raw_line in enumerate(lines):
        line = raw_line.strip()
        if not line:
            continue
        rule = _classify(line, lineno, nonempty, state, clues)
        nonempty += 1
        if rule == "date-header":
            header_lineno = lineno
        if rule:
            removed.append(RemovedLine(line, rule, lineno + 1))
            continue
        byline = first_match("byline_in_text", line)
        if byline:
            _capture(byline[1], "byline-in-text", clues)
        note_dateline(line, clues)
        fixed = _RUN_TOGETHER.sub(" ", line)
        if fixed != line:
            removed.append(RemovedLine(line, "repair:split-run-together-sentences", lineno + 1))
        fixed, turn_role, next_role = take_turn(fixed, lineno + 1, removed)  # speaker labels (layouts.py)
        if next_role:
            state["role"] = next_role
        if not fixed:
            continue
        role = "soundbite" if _SOUNDBITE.match(fixed) else turn_role or str(state["role"])
        paras.append(_Para(fixed, role, lineno))
    paras = tail_stamps(_join_broken(paras, removed), removed)  # layouts.py
    if detect_title and _title_candidate(paras, lines, header_lineno):
        title = paras.pop(0)
        clues.title = title.text
        removed.append(RemovedLine(title.text, "title", title.lineno + 1))
    elif detect_title:
        paras = headline_above(paras, removed, clues)  # layouts.py: the line above the byline/date
    if drop_furniture:  # page furniture of pasted web pages, judged by evidence (boilerplate.py)
        paras = _drop_furniture(paras, removed, clues.title)
    body, segments = _assemble(paras)
    removed.sort(key=lambda r: r.lineno)
    return Cleaned(body, removed, segments, clues)
