"""Long documents in sections: bounded memory, time linear in length, offsets exact.

Public functions: ``section_bounds`` (where to cut), ``clip_segments`` (a section's own transcript
segments), ``shift_records`` (section offsets -> document offsets), ``merge_records`` (one list per
document: entities of all sections merged by name and type), ``partial_record`` (the flag a time
budget leaves when it runs out).

Steps for one long document, in order: cut the clean text into sections of at most ``size``
characters, each ending at the last paragraph break, else the last sentence end, else the last line
end, else the last space in the second half of the window (a hard cut only in a run of ``size/2``
characters without a space); extract each section as a document of its own; add the section's
start to every offset; merge. Sections partition the text, so ``text[start:end]`` of every record
is exactly its span. What a section cannot see (a name spelled out only in an earlier section, a
date in the sentence before the cut) is the price of bounded work; cuts at paragraph breaks keep
it small.
"""
from __future__ import annotations

import re
from typing import Any

from ..models import Segment

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")


def _cut(text: str, start: int, limit: int) -> int:
    """Where the section that begins at ``start`` ends (at most ``limit``)."""
    low = start + (limit - start) // 2
    para = text.rfind("\n\n", low, limit)
    if para >= 0:
        return para + 2
    last = None
    for last in _SENTENCE_END.finditer(text, low, limit):
        pass
    if last is not None:
        return last.end()
    line = text.rfind("\n", low, limit)
    if line >= 0:
        return line + 1
    space = max(text.rfind(" ", low, limit), text.rfind("\t", low, limit))
    return space + 1 if space >= 0 else limit


def section_bounds(text: str, size: int) -> list[tuple[int, int]]:
    """(start, end) of each section; together they cover ``text`` exactly, in order."""
    out, start = [], 0
    while len(text) - start > size:
        end = _cut(text, start, start + size)
        out.append((start, end))
        start = end
    out.append((start, len(text)))
    return out


def clip_segments(segments: list[Segment], start: int, end: int) -> list[Segment]:
    """The segments that overlap [start, end), clipped to it, in section offsets."""
    return [Segment(s.role, max(s.start, start) - start, min(s.end, end) - start)
            for s in segments if s.start < end and s.end > start]


def _is_offset(key: str, value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and (
        key in ("start", "end") or key.endswith("_start") or key.endswith("_end"))


def shift_records(records: list[dict[str, Any]], base: int) -> list[dict[str, Any]]:
    """Every character offset (``start``, ``end``, ``*_start``, ``*_end``, the pieces of ``parts``) moved by
    ``base``."""
    if not base:
        return records
    for rec in records:
        for key, value in rec.items():
            if _is_offset(key, value):
                rec[key] = value + base
        if rec.get("parts"):
            rec["parts"] = [[a + base, b + base] for a, b in rec["parts"]]
    return records


def merge_records(parts: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One record list: entities merged by (name, type), mentions in first-seen order, counts added."""
    out: list[dict[str, Any]] = []
    entities: dict[tuple[Any, Any], dict[str, Any]] = {}
    for records in parts:
        for rec in records:
            if rec.get("record") != "entity":
                out.append(rec)
                continue
            key = (rec.get("name"), rec.get("type"))
            seen = entities.get(key)
            if seen is None:
                entities[key] = rec
                out.append(rec)
                continue
            seen["mentions"] = list(dict.fromkeys([*(seen.get("mentions") or []), *(rec.get("mentions") or [])]))
            seen["count"] = (seen.get("count") or 0) + (rec.get("count") or 0)
            seen["kb_id"] = seen.get("kb_id") or rec.get("kb_id")
    return out


def partial_record(budget: float, covered: int, total: int) -> dict[str, Any]:
    """The flag left when the time budget runs out: what the records cover."""
    return {"record": "error", "stage": "extract", "partial": True, "covered": [0, covered],
            "reason": f"time budget of {budget:g} s per document ran out; the records cover characters "
                      f"0-{covered:,} of {total:,} (partial result; raise CROSSWIRE_TIME_BUDGET to read it all)"}
