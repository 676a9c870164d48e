"""Units read from the words around a number, for crosswire.extract.quantities.

    count(text, atom, v, previous)   the counted noun ("20,000 containers" -> container); people
                                     nouns give unit "person"; with no noun, the unit from the
                                     context (ages, "killed 20", "the number of troops ... 6,200")
    rate(text, atom, v)              "$52 a barrel" -> "USD per barrel", "twice a day" -> "time per day";
                                     money over a period keeps its currency, flagged "per_month"
    elided_units(text, out)          "435 homes ... and 187 by tender"; an index level next to a
                                     change in points ("rose 64 points to 4,577") is in points
    restated(text, out)              "lost 190 points, or 0.6%" shares the trend; "under 9 ksi
                                     (61 MPa)" shares the bound; "around 400 ... and 3,600" the "around"

The vocabularies (rate denominators, age contexts, person nouns) are in ``crosswire/data/units.toml``
and ``numbers.toml``; ``quantity_vocab.py`` compiles them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from crosswire.extract.quantity_vocab import Vocab, key
from crosswire.models import Quantity


@dataclass(slots=True)
class Atom:
    """A number on its way to becoming a Quantity."""

    start: int
    end: int
    num_start: int
    num_end: int
    value: float | None
    low: float | None = None
    high: float | None = None
    kind: str = "digits"  # digits | words | vague | fraction | times
    scale: float = 1.0
    qualifier: str = "exact"
    trend: str | None = None
    unit: str | None = None
    unit_surface: str | None = None
    counted: str | None = None
    currency: bool = False
    sign: str = ""
    drop: str | None = None
    flags: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ counted noun

# a word; "Su-27" and, for a capitalised name, a model number after a space ("Model 3s")
_TOKEN = re.compile(r"[ \t]*(?:(?P<w>[A-Z][A-Za-z]*[ ]\d{1,3}s?(?![\w,/-]|[.:]\d)"
                    r"|[A-Za-z][A-Za-z'’]*(?:-[A-Za-z0-9]+)*)|(?P<o>\S))")
_DETERMINERS = {"the", "these", "those", "its", "their", "his", "her", "our", "my", "your", "this", "that"}
_ANAPHORA = {"whom", "them", "which", "us", "those", "these"}
_AGES = ("year", "month", "week", "day")


def count(text: str, a: Atom, v: Vocab, previous: list[Quantity]) -> None:
    """Counted noun and, for people, unit "person"; otherwise the noun becomes the unit."""
    if a.unit in _AGES and (a.unit_surface or "").lower().endswith("old") or \
            a.unit == "year" and v.age_before_re.search(text, max(0, a.num_start - 40), a.num_start):
        a.counted = "age"  # "a 35-year-old", "under the age of 5 years"
    if a.currency or (a.unit and a.unit != "fraction"):
        return
    words = _words_after(text, a.end)
    partitive = bool(words) and words[0][0].lower() == "of"
    if partitive:
        det = words[1][0].lower() if len(words) > 1 else ""
        if det in ("whom", "them", "which", "us") or (det in _ANAPHORA and len(words) < 3):
            _inherit(text, a, words[1][2], previous)
            return
        if det in _DETERMINERS or det.endswith(("'s", "’s")):
            words = words[2:]
        elif a.kind in ("vague", "fraction") or a.scale > 1:
            words = words[1:]
        else:
            return
    elif a.kind == "fraction" and words and words[0][0].lower() in _DETERMINERS:
        words = words[1:]  # "half the condos"
    head = _head(words, a.value, v, partitive)
    if head is None:
        if not a.unit:
            _context_unit(text, a, v)
        return
    surface, _s, end = head
    a.counted, a.end = surface, end
    if a.unit != "fraction":
        a.unit, a.unit_surface = v.unit_of_noun(surface), surface


def _words_after(text: str, pos: int) -> list[tuple[str, int, int]]:
    """Up to six words after pos on the same line, stopping at punctuation or a number."""
    out: list[tuple[str, int, int]] = []
    if text[pos:pos + 1] == "-":
        pos += 1
    for _ in range(6):
        m = _TOKEN.match(text, pos)
        if not m or not m["w"]:
            break
        out.append((m["w"], m.start("w"), m.end("w")))
        pos = m.end()
    return out


def _head(words: list[tuple[str, int, int]], value: float | None, v: Vocab,
          partitive: bool = False) -> tuple[str, int, int] | None:
    run: list[tuple[str, int, int]] = []
    for i, (w, s, e) in enumerate(words):
        lw = w.lower()
        if lw in ("and", "or") and run and v.modifier(run[-1][0]) and i + 1 < len(words):
            continue  # "technical and medical support units"
        if (lw in v.stop or lw in v.verbs) and lw not in v.person:
            break
        run.append((w, s, e))
    nouns = [x for x in run if not v.modifier(x[0]) and not v.verbish(x[0]) and len(x[0]) > 2]
    if value == 1 and not partitive:  # "one significant change", "one proposal asks"
        cut = next((i for i, x in enumerate(run) if i and v.plural(x[0])), len(run))
        single = [x for x in nouns if x in run[:cut]]
        return single[-1] if single else None
    for item in run:
        if item[0].lower() in v.person or v.plural(item[0]) and not v.modifier(item[0]):
            return item
    if nouns and nouns[0] is run[0]:
        return nouns[0]  # "12 page document", "a 40 yard line"
    return None


def _inherit(text: str, a: Atom, end: int, previous: list[Quantity]) -> None:
    """ "3,600 injuries - 300 of whom": the unit of the quantity just before."""
    if not previous or a.start - previous[-1].end > 120:
        return
    if re.search(r"[.!?]\s", text[previous[-1].end:a.start]):
        return
    last = previous[-1]
    a.counted, a.end = last.counted, end
    if a.unit != "fraction":
        a.unit, a.unit_surface = last.unit, last.unit_surface


def _context_unit(text: str, a: Atom, v: Vocab) -> None:
    """ "the strength of ... troops is estimated at 63,000", "killed 20", "aged 35": unit from context."""
    left = re.split(r"[.!?]\s|\n", text[max(0, a.start - 160):a.start])[-1]
    left = re.split(r"\d", left)[-1]  # never reach past another number
    if re.search(r"\b(?:killed|wounded|injured|captured|evacuated|executed|detained|abducted)\s+$", left):
        a.unit = "person"
        return
    other = re.search(r"\b(?:a|an|another|one)\s+([a-z]{3,})\s+or\s+$", left)
    if other and a.kind == "words" and other.group(1) not in v.stop:
        a.unit, a.counted = v.unit_of_noun(other.group(1)), other.group(1)  # "a day or two"
        return
    if _is_age(text, a, v, left):
        a.unit, a.counted = "year", "age"  # "aged 18 to 34", "Kim, 40, said", "he will be 35"
        return
    found = list(re.finditer(r"\b(?:number|strength|total|tally|count|size)\s+of\s+", left))
    if found:
        for w in re.findall(r"[A-Za-z][\w'’-]*", left[found[-1].end():])[:7]:
            if w.lower() in v.person or (v.plural(w) and not v.modifier(w)):
                a.unit, a.counted = v.unit_of_noun(w), w
                return
    if re.search(r"\b(?:death|casualty|injury)\s+tolls?\b", left, re.I):
        a.unit = "person"


def _is_age(text: str, a: Atom, v: Vocab, left: str) -> bool:
    """ "aged 35", "over the age of 21", "Kim, 40, said", "he will be 35.", "life expectancy ... 73"."""
    if a.value is None and a.low is None or not 0 < (a.value or a.high or 0) < 130:
        return False
    if v.age_before_re.search(text, max(0, a.num_start - 40), a.num_start) or v.age_context_re.search(left):
        return True
    after = text[a.end:a.end + 2]
    if re.search(r"[A-Z][a-z]+,\s*$", left) and re.match(r"\s*,", after):
        return True  # apposition
    said = v.age_predicate_re.search(left)
    return bool(said) and not a.sign and float(a.value or 0).is_integer() and bool(v.age_after_re.match(text, a.end))


# ------------------------------------------------------------------ rates

def rate(text: str, a: Atom, v: Vocab) -> None:
    """ "$52 a barrel", "twice a day": unit per unit (money and units, not counted nouns);
    "$14.95 a month": money with flag "per_month"."""
    if not a.unit or a.unit in v.rate_never or " per " in a.unit:
        return
    m = v.rate_re.match(text, a.end)
    if not m:
        return
    per = v.rate_per[key(m["d"])]
    if m["w"] and m["w"].lower() in ("a", "an") and per not in v.rate_after_a:
        return
    if a.currency and per in v.periods:
        a.flags.append(f"per_{per}")  # "300 billion won a year": still money, over a year
    else:
        a.unit = f"{a.unit} per {per}"
    a.end = m.end()


# ------------------------------------------------------------------ passes over the sentence

_NOT_ELIDED = {None, "fraction", "time", "second",
               "minute", "hour", "day", "week", "month", "year", "decade", "century"}
_LEVEL_AFTER = re.compile(r"\s+(?:to|at)\s+(?:(?:a\s+)?close\s+(?:of|at)\s+|end\s+at\s+)?")
_LEVEL_BEFORE = re.compile(r"\s*,?\s*(?:up|down|higher|lower|off)\s+(?:by\s+)?")


def elided_units(text: str, out: list[Quantity]) -> None:
    """ "435 homes by open sale and 187 by tender": a bare number takes the unit of the
    nearest earlier quantity of the same sentence and of similar size (within 10x)."""
    for i, q in enumerate(out):
        if q.unit or q.counted or q.value is None and q.low is None:
            continue
        after = out[i + 1] if i + 1 < len(out) else None
        if after and after.unit and re.fullmatch(r"\s+of\s+(?:the\s+|its\s+|their\s+)?", text[q.end:after.start]):
            q.unit, q.unit_surface = after.unit, after.unit_surface  # "280 million of the 1.5 billion shekels"
            continue
        if _index_level(text, q, out[i - 1] if i else None, after):
            q.unit, q.flags = "point", q.flags + ["elided_unit"]
            continue
        size = abs(q.value if q.value is not None else q.low or 0.0)
        for p in reversed(out[max(0, i - 4):i]):
            psize = abs(p.value if p.value is not None else p.low or 0.0)
            if q.start - p.end > 150 or re.search(r"[.!?](?:\s|$)|\n", text[p.end:q.start]):
                break
            target = re.search(r"\b(?:to|at|from)\s*$", text[max(0, q.start - 8):q.start])
            if target and p.unit in ("percent", "percentage point", "basis point"):
                continue  # "rose 8.15% to 3.65": a level, not another percentage
            if p.unit not in _NOT_ELIDED and size and psize and max(size, psize) <= 10 * min(size, psize):
                q.unit, q.unit_surface, q.flags = p.unit, p.unit_surface, q.flags + ["elided_unit"]
                break


def _index_level(text: str, q: Quantity, before: Quantity | None, after: Quantity | None) -> bool:
    """ "rose 64.06 points to 4,577.10", "(16,369.03, up 58.06 points)": the level is in points too."""
    if before and before.unit == "point" and before.trend and _LEVEL_AFTER.fullmatch(text, before.end, q.start):
        return True
    return bool(after and after.unit == "point" and after.trend and _LEVEL_BEFORE.fullmatch(text, q.end, after.start))


def restated(text: str, out: list[Quantity]) -> None:
    """ "lost 190 points, or 0.6%": the restatement shares the trend of the change;
    "under 8.9 ksi (61.4 MPa)": a conversion in brackets shares the bound and the trend;
    "around 400 fatalities and 3,600 injuries": "around" covers both."""
    for p, q in zip(out, out[1:]):
        gap = text[p.end:q.start]
        if p.trend and not q.trend and re.fullmatch(r"\s*,?\s*or\s+", gap):
            q.trend = p.trend
        if re.fullmatch(r"\s*[(\[]\s*", gap) and q.qualifier == "exact" and q.unit != p.unit \
                and re.match(r"\s*[)\]/]", text[q.end:q.end + 2]):
            q.trend = q.trend or p.trend
            _bound(q, p.qualifier)
        if p.qualifier == "approx" and q.qualifier == "exact" and re.fullmatch(r"\s*,?\s*and\s+", gap):
            q.qualifier = "approx"


def _bound(q: Quantity, qualifier: str) -> None:
    if qualifier in ("exact", "range") or q.value is None:
        return
    q.qualifier = qualifier
    if qualifier in ("more_than", "at_least"):
        q.low = q.value
    elif qualifier in ("less_than", "at_most", "up_to"):
        q.high = q.value
