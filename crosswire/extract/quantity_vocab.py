"""Vocabulary for crosswire.extract.quantities, read once from the data files.

``Vocab`` holds the word lists of ``crosswire/data/numbers.toml`` and ``units.toml`` and the
regular expressions compiled from them; ``mask_text`` marks the spans that are never
quantities (dates, times of day, phone numbers, e-mail addresses, URLs, versions, decades);
the ``noun_*`` functions tell the shape of the word after a number (plural, modifier, verb).
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data"
SPACE = r"[ \t\u00a0]"
_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
           r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
MASKS = [re.compile(p) for p in (
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",                                  # e-mail
    r"(?i:https?://|www\.)\S+",                                       # URL
    r"(?<![\w.,])\+?\(?\d{2,4}\)?[-.\s]\d{3,4}[-.]\d{4}(?:,\s*\d{3,4}\b)*",  # phone 02-398-8585
    r"\b\d{4}[-./]\d{1,2}[-./]\d{1,2}(?:T[\d:.]+Z?)?\.?",             # 2024-10-05, 2024.10.05.
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}[-.]\d{1,2}[-.]\d{4}\b",   # 10/03/2024, 03-10-2024
    rf"\b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?",  # Oct. 3, 2024
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\b\.?(?:,?\s+\d{{4}}\b)?",  # 3 October
    rf"\b{_MONTHS}\.?,?\s+(?:of\s+)?\d{{4}}\b",                        # Oct. 2024, June of 2018
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:\s*(?i:[ap]\.?m\.?))?",  # 8:58, 9:01 p.m.
    r"\b\d{1,2}(?:[.:]\d{2})?\s*(?i:[ap]\.m\.|[ap]m\b)",              # 11 a.m., 10.45pm
    r"\b\d+(?:\.\d+){2,}",                                            # versions 1.2.3
    r"(?<![\w'’])['’]?\d\d(?:\d\d)?s\b",                                # 1970s, '90s
    r"(?<=\d)(?:st|nd|rd|th)\b",                                      # ordinal suffix
)]



def alt(phrases: Any) -> str:
    """Regex alternation of phrases, longest first; a space matches any run of spaces."""
    items = sorted({str(p) for p in phrases if str(p)}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in items)


def key(surface: str) -> str:
    return " ".join(surface.split()).lower()


class Vocab:
    """Every vocabulary and compiled expression, built once from the data files."""

    def __init__(self, num: dict[str, Any], units: dict[str, Any]) -> None:
        self.words = {k: float(v) for k, v in num["words"].items()}
        self.mult = {k: float(v) for k, v in num["multipliers"].items()}
        self.suffixes = {k: float(v) for k, v in num["suffixes"].items()}
        self.metre_after_m = set(num["metre_after_m"]["words"])
        self.vague = {k: tuple(v) for k, v in num["vague"].items()}
        self.vague_counts = {key(k): tuple(v) for k, v in num["vague_counts"].items()}
        self.denoms = {k: int(v) for k, v in num["fractions"].items()}
        self.glyphs = {k: float(v) for k, v in num["glyphs"].items()}
        self.times = {k: float(v) for k, v in num["times"].items()}
        self.half_after, self.half_before = set(num["half"]["after"]), set(num["half"]["before"])
        self.one = {k: set(v) for k, v in num["one"].items()}
        self.qual = {key(p): q for q, ps in num["qualifiers"].items() for p in ps}
        self.qual_after = {key(p): q for p, q in num["qualifiers_after"].items()}
        self.hyphen_prefixes = dict(num["hyphen_prefixes"])
        self.trend = {key(w): d for d, ws in num["trend"].items() if d != "between" for w in ws}
        ids = num["identifiers"]
        self.cap_ok, self.streets = set(ids["capitalised_ok"]), ids["streets"]
        years = num["years"]
        self.year_first, self.year_last = int(years["first"]), int(years["last"])
        self.absurd = {k: float(v) for k, v in num["absurd"].items()}
        self.currency_prefix = dict(units["currency_prefix"])
        self.unit_ci = {key(s): c for c, ss in units["currency_words"].items() for s in ss}
        self.currencies = set(units["currency_words"]) - {"cent", "pence"}
        self.currencies |= set(self.currency_prefix.values())
        self.unit_ci |= {key(s): c for c, ss in units["units"].items() for s in ss}
        self.unit_cs, self.unit_glued = dict(units["symbols"]), dict(units["glued"])
        self.money_if_scaled = dict(units["money_if_scaled"])
        self.person = {w.lower() for w in units["person"]["words"]}
        self.person_collective = set(units["person"]["collective"])
        self.temperature = dict(units["temperature_symbols"])
        rates = units["rates"]
        self.rate_never, self.rate_after_a = set(rates["never"]), set(rates["after_a"])
        self.periods = set(rates["periods"])
        self.rate_per = {key(s): c for c, ss in rates["denominators"].items() for s in ss}
        self.glued_ok = set(ids["glued_ok"])
        self.plurals = dict(units["plurals"])
        counted = units["counted"]
        self.stop, self.adjectives = set(counted["stop"]), set(counted["adjectives"])
        self.verbs = set(counted["verbs"])
        self.starters = ({"a", "half", "tens", "several"} | set(self.words) | set(self.mult)
                         | set(self.vague) | set(self.times))
        self._compile(num)
        self._compile_units(units, num)

    def starts_number(self, word: str) -> bool:
        """Can a number expression start with this word? ("a", "six", "dozens", "tenfold")"""
        w = word.lower()
        return w in self.starters or w.endswith("fold")

    def _compile(self, num: dict[str, Any]) -> None:
        nw = alt(list(self.words) + [k for k in self.mult if k not in ("lakh", "crore")])
        scales = "dozen|hundred|thousand|million|billion|trillion"
        plural_scales = "thousands|millions|billions|trillions"
        denoms = alt(self.denoms)
        counts = alt(self.vague_counts)
        self.atom_re = re.compile(
            rf"(?P<vague>\b(?:(?:{counts})\s+(?:{scales})|(?:{alt(self.vague)})"
            rf"(?:\s+of\s+(?:{plural_scales}))?)\b)"
            rf"|(?P<frac>\b(?:a|one|{nw})[\s-]+(?:{denoms})\b|\bhalf\b"
            r"|(?<![\d/.,])\d{1,4}/\d{1,4}(?:/\d{1,4})?(?![\d/])|[½¼¾⅓⅔⅛])"
            rf"|(?P<times>\b(?:{alt(self.times)})\b|\b(?:\d+|{nw})-?fold\b)"
            rf"|(?P<words>\b(?:a\s+(?=(?:{scales})\b))?(?:{nw})(?:(?:[ \t]+|-|\s+and\s+(?=(?:{nw})\b))"
            rf"(?:{nw}))*(?:\s+and\s+a\s+half)?\b)"
            r"|(?P<num>(?<!\d)(?<!\d[.,])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|(?<![\d.])\.\d+)",
            re.I)
        self.mag_re = re.compile(
            rf"{SPACE}?-?{SPACE}?(?P<w>(?i:(?:hundred|thousand|million|billion|trillion|lakh|crore)"
            r"(?:\s+(?:hundred|thousand|million|billion|trillion))*))\b"
            rf"|(?P<a>{alt(self.suffixes)})(?![A-Za-z])"
            rf"|{SPACE}(?P<s>mn|mln|bn|bln|tn|trn)\b|{SPACE}(?P<u>[MB])(?={SPACE}+[a-z])")
        self.unit_ci_re = re.compile(rf"(?P<sep>{SPACE}?-?)(?P<u>{alt(self.unit_ci)})(?![A-Za-z])", re.I)
        self.unit_cs_re = re.compile(rf"(?P<sep>{SPACE}?)(?P<u>{alt(self.unit_cs)})(?![A-Za-z])")
        self.unit_glued_re = re.compile(rf"(?P<sep>)(?P<u>{alt(self.unit_glued)})(?![A-Za-z])")
        prefixes = sorted(self.currency_prefix, key=len, reverse=True)
        cur = "|".join((r"(?<![A-Za-z])" if p[0].isalpha() else "")
                       + r"\s?".join(map(re.escape, re.findall(r"[A-Za-z.]+|[^A-Za-z.]+", p)))
                       for p in prefixes)
        self.cur_re = re.compile(rf"(?P<c>{cur}){SPACE}?(?P<neg>[-−])?$")
        self.cur_after_re = re.compile(rf"{SPACE}?(?:US|U\.S\.)(?![A-Za-z])")
        self.qual_re = re.compile(rf"(?<![A-Za-z])(?P<q>{alt(self.qual)}){SPACE}*$", re.I)
        self.qual_after_re = re.compile(
            rf"(?:{SPACE}*(?P<w>or\s+(?:more|over|above|so|thereabouts|fewer|less|under))"
            rf"|-?(?P<p>odd|plus)|(?P<s>\+))(?![A-Za-z])", re.I)
        between = alt(num["trend"]["between"])
        self.trend_re = re.compile(
            rf"(?<![A-Za-z])(?P<t>{alt(self.trend)})(?:{SPACE}+(?:{between}))*{SPACE}*$", re.I)
        self.from_re = re.compile(rf"(?<![A-Za-z])(?:{alt(self.trend)})\b(?:\W+\w+){{0,3}}?\W+from{SPACE}*$", re.I)
        self.between_re = re.compile(rf"\bbetween{SPACE}*$", re.I)
        self.id_re = re.compile(rf"(?<![\w.])(?:{alt(num['identifiers']['before'])}){SPACE}?$", re.I)
        early = num["years"]
        self.early_before = re.compile(rf"(?<![\w.])(?:{alt(early['early_marks_before'])}){SPACE}*$", re.I)
        self.early_after = re.compile(rf"{SPACE}*(?:{alt(early['early_marks_after'])})(?![\w])", re.I)
        streets = alt({s.title() for s in self.streets} | {s.upper() for s in self.streets})
        self.street_re = re.compile(rf"(?:{SPACE}+[A-Z0-9][\w.'’]*){{0,3}}?{SPACE}+(?:{streets})(?![A-Za-z])")
        self.scores_re = re.compile(rf"\b(?:{alt(num['scores']['words'])})\b", re.I)
        self.sign_re = re.compile(r"(?:(?<=[\s(\[:;,=])|^)(?P<s>[-−+])$")
        self.minus_re = re.compile(rf"(?<![A-Za-z])minus[{SPACE[1:-1]}-]?$", re.I)
        self.hyphen_re = re.compile(rf"(?<![A-Za-z])(?P<w>{alt(self.hyphen_prefixes)})-$", re.I)

    def _compile_units(self, units: dict[str, Any], num: dict[str, Any]) -> None:
        age = units["age"]
        qual = alt(self.qual)
        self.age_before_re = re.compile(rf"\b(?:{alt(age['before'])}){SPACE}+(?:(?:{qual}){SPACE}+)?$", re.I)
        self.age_context_re = re.compile(rf"\b(?:{alt(age['context'])})\b", re.I)
        self.age_predicate_re = re.compile(
            rf"(?<![\w'’])(?:{alt(age['subjects'])})(?:['’]s)?{SPACE}+(?:{alt(age['predicates'])}){SPACE}+$", re.I)
        self.age_after_re = re.compile(rf"{SPACE}*(?:[,.;:!?)]|$)|{SPACE}+(?:{alt(age['after'])})\b", re.I)
        self.temp_re = re.compile(rf"(?P<sep>{SPACE}?)(?P<u>{alt(self.temperature)})(?![\w'’-])")
        self.rate_re = re.compile(
            rf"{SPACE}*(?:(?P<w>per|a|an){SPACE}+|/)(?P<d>{alt(self.rate_per)})(?![A-Za-z])", re.I)
        self.index_re = re.compile(rf"(?<![\w&])(?:{alt(num['identifiers']['market_indices'])})(?![\w])", re.I)

    def word_numbers(self, m: re.Match[str]) -> list[tuple[int, int, float]]:
        """Split "twenty-eight thousand six hundred" / "two and three" into numbers."""
        segs: list[tuple[int, int, float]] = []
        total = current = 0.0
        start = end = -1
        last_small: float | None = None
        for t in re.finditer(r"[A-Za-z]+", m.group()):
            w, s, e = t.group().lower(), m.start() + t.start(), m.start() + t.end()
            if w in ("and", "a") or w == "half":
                current += 0.5 if w == "half" else 0
                end = e if w == "half" else end
                start = s if start < 0 and w == "a" else start
                continue
            if w in self.words:
                val = self.words[w]
                if last_small is not None and not (last_small >= 20 and last_small % 10 == 0 and val < 10):
                    segs.append((start, end, total + current))
                    total = current = 0.0
                    start = -1
                current += val
                last_small = val
            elif w in ("hundred", "dozen"):
                current, last_small = (current or 1) * self.mult[w], None
            else:
                total, current, last_small = total + (current or 1) * self.mult[w], 0.0, None
            start, end = (s if start < 0 else start), e
        if start >= 0:
            segs.append((start, end, total + current))
        return segs

    # -------------------------------------------------------------- word shapes

    def plural(self, w: str) -> bool:
        """ "soldiers", "fishermen", "F-16s" (not "boss", "various", "Johnson's")."""
        lw = w.lower().rsplit("-", 1)[-1]
        if lw[:1].isdigit():
            lw = w.lower()  # F-16s
        if lw in self.plurals:
            return self.plurals[lw] != lw or lw in ("personnel", "police", "staff", "crew")
        if len(lw) > 4 and lw.endswith("men"):
            return True  # fishermen, servicemen
        return len(lw) > 3 and lw.endswith("s") and not lw.endswith(("ss", "us", "is", "ous", "'s", "’s"))

    def modifier(self, w: str) -> bool:
        """A word that modifies the counted noun but is never it ("different", "Korean")."""
        lw = w.lower()
        if lw in self.person:
            return False
        if lw in self.adjectives or lw.endswith(("'s", "’s")):
            return True
        if w[0].isupper() and not self.plural(w):
            return True  # North, Korean, Chinese, NBA
        return lw.endswith(("ous", "ful", "less", "able", "ible", "ish", "ese"))

    def verbish(self, w: str) -> bool:
        lw = w.lower()
        if lw in self.verbs:
            return True
        return len(lw) > 4 and (lw.endswith(("ing", "ly")) or lw.endswith("ed") and not lw.endswith("eed"))

    def singular(self, word: str) -> str:
        prefix, _, last = word.lower().rpartition("-")
        if last in self.plurals:
            last = self.plurals[last]
        elif last.endswith("men") and len(last) > 4:
            last = last[:-3] + "man"
        elif last.endswith("ies") and len(last) > 4:
            last = last[:-3] + "y"
        elif last.endswith(("sses", "shes", "ches", "xes", "zzes")):
            last = last[:-2]
        elif last.endswith("s") and not last.endswith(("ss", "us", "is")):
            last = last[:-1]
        return f"{prefix}-{last}" if prefix else last

    def unit_of_noun(self, word: str) -> str:
        """The unit a counted noun gives: "person" for people, else the singular noun."""
        lw = word.lower()
        single = self.singular(word)
        if lw in self.person or single in self.person or (word[0].isupper() and lw.endswith("ans")):
            return "person"  # soldiers, casualties, North Koreans
        return single


def load(numbers: Path = DATA / "numbers.toml", units: Path = DATA / "units.toml") -> Vocab:
    """The vocabulary of two data files (an engine loads it once, from its data folder)."""
    with open(numbers, "rb") as fh:
        num = tomllib.load(fh)
    with open(units, "rb") as fh:
        unit_data = tomllib.load(fh)
    return Vocab(num, unit_data)


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    """The bundled files' vocabulary, for callers without an engine's resources (tests, benchmarks)."""
    return load()


def mask_text(text: str) -> bytearray:
    """One byte per character; 1 where a date, time, phone number, address ... sits."""
    mask = bytearray(len(text))
    for rx in MASKS if "@" in text else MASKS[1:]:
        for m in rx.finditer(text):
            mask[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return mask
