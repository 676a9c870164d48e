"""Quantities in news text: value or bounds, qualifier, unit, counted noun and trend.

    find_quantities(text) -> list[Quantity]      (sorted by start; never raises)

Works on a sentence or a whole document with precompiled regular expressions over the
vocabularies in ``crosswire/data/numbers.toml`` and ``crosswire/data/units.toml`` (loaded and
compiled once by ``quantity_vocab.py``); no model. Offsets are into ``text``
(``text[q.start:q.end] == q.text``); the span covers the qualifier, sign or currency, the
number, its unit and the counted noun. About 3,000 sentences or 300 short reports a second.

Steps, one function each, in this order:
  mask_text  dates, times of day, phone numbers, e-mail addresses, URLs, versions, decades,
             market indices named with a number ("S&P 500", "FTSE 100"); then _mask_code: markup
             and code left in the text (tags, character references, "alert(1)", "x = 5;",
             "{width: 300px}") holds no figures
  _atoms     numbers: digits, number words, vague plurals ("millions"), fractions, "twice";
             with magnitude ("3.5 million", "$1.2bn"), currency and unit. Labels ("KN-23",
             "Section 427"), years, ordinals and addresses are dropped here.
  _ranges    "10 to 15", "between 3 and 5", "10-15%", "one in five"; match scores dropped
  _qualify   qualifier and trend from the words around the number
  rate       "$52 a barrel" -> "USD per barrel"; money over a period is flagged "per_month"
  count      the counted noun ("20,000 containers carrying weapons" -> containers), or the
             unit from context (ages: "aged 35", "Kim, 40,", "he will be 35")
  then passes over the sentence (quantity_units.py): a bare number takes an elided unit ("435
  homes ... and 187 by tender"; "rose 64 points to 4,577" -> points), a restatement takes the
  trend ("lost 190 points, or 0.6%") and a conversion in brackets the bound ("under 9 ksi (61 MPa)").

Conventions (sources in numbers.toml and units.toml): a range or vague amount has value None and
low/high ("millions" -> 1,000,000-9,999,999); a bound keeps value and fills low (more_than,
at_least) or high (less_than, at_most, up_to); "nearly"/"almost" are approx; trend is set only
when the number is the size of a change ("rose 5%", "cut by 3"), not for the level reached
("rose to 3.9 million") nor the start ("from 50"); fractions have unit "fraction" and a value in
[0, 1]; people nouns (soldiers, casualties, ...) have unit "person" and keep the noun in
``counted``; ages have unit "year" (or "month") and counted "age"; currencies are ISO 4217 codes;
"164p" is pence (London share prices are quoted in pence), index moves are "point".
"""
from __future__ import annotations

import math
import re

from crosswire.extract.quantity_units import Atom as _Atom
from crosswire.extract.quantity_units import count, elided_units, rate, restated
from crosswire.extract.quantity_vocab import Vocab, key, mask_text, vocab
from crosswire.models import Quantity

VERSION = "quantities-2"
_WIDTH = {"qual": 32, "trend": 50, "id": 16, "from": 70, "between": 12}  # left context read
_CANDIDATE = re.compile(r"(?<![\d.])\.?\d|(?<![A-Za-z])[A-Za-z]+|[½¼¾⅓⅔⅛]")
_CODE = re.compile(
    r"<[/!?]?[A-Za-z][^<>\n]{0,300}>"  # a tag: <div width="300">, </p>, <!-- -->
    r"|&#?\w{1,10};"  # a character reference left as written: &#160; &nbsp;
    r"|(?<![\w$.])[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\((?:[\w$.'\"]+(?:,\s?[\w$.'\"]+)*)?\)"  # alert(1), f(a, 2)
    r"|(?<![\w$])[A-Za-z_$][\w$.\[\]]*\s?[-+*/]?=\s?[^=;\n]{1,80};"  # x = 5;  i += 2;
    r"|\{[^{}\n]{0,300}:[^{}\n]{0,300};[^{}\n]{0,300}\}"  # a style rule: {width: 300px;}
)


# ------------------------------------------------------------------ public API

def find_quantities(text: str, v: Vocab | None = None) -> list[Quantity]:
    """Every quantity in ``text``, sorted by start offset. Malformed input gives [].

    ``v``: the number and unit vocabulary (an engine's resources); the bundled files' when None.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    v = v or vocab()
    mask = mask_text(text)
    _mask_code(text, mask)
    for m in v.index_re.finditer(text):  # "S&P 500", "FTSE 100": the number is part of a name
        mask[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    atoms = _drop_year_pairs(text, _atoms(text, mask, v), v)
    atoms = [a for a in _ranges(text, [a for a in atoms if not a.drop], v) if _one_counts(text, a, v)]
    out: list[Quantity] = []
    for atom in atoms:
        try:
            _qualify(text, atom, v)
            rate(text, atom, v)
            count(text, atom, v, out)
        except (ValueError, IndexError, OverflowError):  # keep the number, say what failed
            atom.flags.append("unparsed")
        out.append(_quantity(text, atom, v))
    out.sort(key=lambda q: (q.start, q.end))
    elided_units(text, out)
    restated(text, out)
    return out


def _mask_code(text: str, mask: bytearray) -> None:
    """Markup and code residue ("<td width=3>", "alert(1)", "var n = 5;") holds no figures."""
    if not any(c in text for c in "<&(=;{"):
        return
    for m in _CODE.finditer(text):
        mask[m.start():m.end()] = b"\x01" * (m.end() - m.start())


def _ends(rx: re.Pattern[str], text: str, pos: int, width: str) -> re.Match[str] | None:
    """rx (anchored with $) matched on the few characters just before pos."""
    return rx.search(text, max(0, pos - _WIDTH[width]), pos)


# ------------------------------------------------------------------ atoms

def _atoms(text: str, mask: bytearray, v: Vocab) -> list[_Atom]:
    atoms: list[_Atom] = []
    consumed = 0  # "8 trillion won": "trillion" belongs to the 8
    for c in _CANDIDATE.finditer(text):  # cheap scan; the big expression runs only here
        if c.start() < consumed or c.group()[0].isalpha() and not v.starts_number(c.group()):
            continue
        m = v.atom_re.match(text, c.start())
        if not m or 1 in mask[m.start():m.end()]:
            continue
        kind = m.lastgroup or "num"
        try:
            made = _MAKERS[kind](text, m, v)
        except (ValueError, KeyError, IndexError, OverflowError):  # keep it, say it failed
            made = [_Atom(m.start(), m.end(), m.start(), m.end(), None, flags=["unparsed"])]
        for atom in made:
            if atom.kind in ("digits", "words") and not atom.drop:
                _label_or_year(text, atom, v)
            prev = atoms[-1] if atoms else None
            if prev and prev.drop and text[prev.num_end:atom.num_start] in ("-", "–", "/"):
                atom.drop = prev.drop  # "ISO 3888-2", "Charlton 2-1"
            atoms.append(atom)
            consumed = max(consumed, atom.num_end)
    return atoms


def _from_digits(text: str, m: re.Match[str], v: Vocab) -> list[_Atom]:
    s, e = m.span()
    a = _Atom(s, e, s, e, float(m.group().replace(",", "")))
    half = re.match(r"\s+and\s+a\s+half\b", text[e:e + 20])
    if half:
        a.value, a.num_end = (a.value or 0) + 0.5, e + half.end()
    _left(text, a, v)
    if not a.drop:
        _magnitude(text, a, v)
        _unit(text, a, v, a.num_end)
        if a.end < len(text) and text[a.end].isalpha():
            a.drop = "glued"  # 5G, 3cyl, 22nd, S23 ...
    return [a]


def _left(text: str, a: _Atom, v: Vocab) -> None:
    """Sign, currency, "sub-"/"minus-" and labels glued on the left ("KN-23", "G7")."""
    lo = max(0, a.start - 12)
    cur = v.cur_re.search(text, lo, a.start)
    if cur:
        a.unit, a.unit_surface, a.currency = v.currency_prefix[re.sub(r"\s", "", cur["c"])], cur["c"], True
        a.start, a.sign = cur.start(), ("-" if cur["neg"] else "")
        return
    hyph = v.hyphen_re.search(text, lo, a.start)
    if hyph:
        what = v.hyphen_prefixes[hyph["w"].lower()]
        a.sign, a.qualifier = ("-", a.qualifier) if what == "negative" else ("", what)
        a.start = hyph.start()
        return
    glued = re.search(r"([A-Za-z]+)-$", text[max(0, a.start - 12):a.start])
    if a.start and (text[a.start - 1].isalpha() or text[a.start - 1] in "#" or
                    glued and glued.group(1).lower() not in v.glued_ok):
        a.drop = "label"  # KN-23, G7, COVID-19, #1
        return
    sign = v.sign_re.search(text, lo, a.start)
    minus = v.minus_re.search(text, lo, a.start)
    if sign or minus:
        a.sign = "+" if sign and sign["s"] == "+" else "-"
        a.start = (sign or minus).start()  # type: ignore[union-attr]


def _magnitude(text: str, a: _Atom, v: Vocab) -> None:
    m = v.mag_re.match(text, a.num_end)
    if not m or a.value is None:
        return
    if m["w"]:
        scale = math.prod(v.mult[w.lower()] for w in m["w"].split())
    else:
        abbr = m["a"] or m["s"] or m["u"]
        if abbr == "m" and not _million_m(text, m.end(), a, v):
            return
        if abbr in ("K", "B") and not a.currency and m["a"]:
            return  # 4K video, 8B model: labels unless money
        scale = v.suffixes.get(abbr) or v.suffixes[abbr.lower()]
    a.value, a.scale, a.num_end, a.end = a.value * scale, scale, m.end(), m.end()


def _million_m(text: str, pos: int, a: _Atom, v: Vocab) -> bool:
    """A glued "m" is a million with money or before a counted noun, else a metre."""
    if a.currency:
        return True
    nxt = re.match(r"[ \t]+([a-z]+)", text[pos:pos + 30])
    return bool(nxt) and nxt.group(1) not in v.metre_after_m  # type: ignore[union-attr]


def _unit(text: str, a: _Atom, v: Vocab, pos: int) -> None:
    """Unit or currency word right after the number (longest match of three tables)."""
    best: tuple[int, str, str] | None = None
    for rx, table, fold in ((v.unit_ci_re, v.unit_ci, True), (v.unit_cs_re, v.unit_cs, False),
                            (v.unit_glued_re, v.unit_glued, False), (v.temp_re, v.temperature, False)):
        m = rx.match(text, pos)
        if m and (best is None or m.end() > best[0]):
            best = (m.end(), table[key(m["u"]) if fold else m["u"]], m["u"])
    if best is None:
        if a.currency:
            after = v.cur_after_re.match(text, pos)
            a.end = after.end() if after else pos
        return
    end, unit, surface = best
    if a.currency and unit not in v.currencies and unit not in ("cent", "pence"):
        return  # "$5 million" is money whatever follows
    if a.scale > 1 and unit in v.money_if_scaled:
        unit = v.money_if_scaled[unit]
    a.unit, a.unit_surface, a.end = unit, surface, end
    a.currency = a.currency or unit in v.currencies


def _label_or_year(text: str, a: _Atom, v: Vocab) -> None:
    """Drop labels ("S&P 500", "Section 427", "49 Zorro Road") and years ("in 2019")."""
    raw = text[a.num_start:a.num_end]
    plain = (raw.isdigit() or a.kind == "words") and not a.unit and a.scale == 1 and not a.sign
    if plain and len(raw) == 4 and raw.isdigit() and _is_year(text, a, v, int(raw)):
        a.drop = "year"
    elif plain and _ends(v.id_re, text, a.start, "id"):
        a.drop = "label"
    elif plain and a.kind == "digits" and _capital_label(text, a, v):
        a.drop = "label"
    elif raw.isdigit() and not a.unit and v.street_re.match(text, a.num_end):
        a.drop = "address"
    elif a.kind == "words" and raw.lower() in v.mult:
        a.drop = "bare multiplier"  # "a baker's dozen"


def _capital_label(text: str, a: _Atom, v: Vocab) -> bool:
    """ "Game 7", "Stoxx 50", "iPhone 11": a name right before an integer."""
    m = re.search(r"(?<![\w&.'’-])([A-Za-z][\w&.'’-]*)[ ]$", text[max(0, a.start - 40):a.start])
    if not m or not any(c.isupper() for c in m.group(1)):
        return False
    word = m.group(1)
    if word.lower().strip(".") in v.cap_ok or _person_next(text, a.num_end, v):
        return False
    before = text[max(0, a.start - len(word) - 20):a.start - len(word) - 1].rstrip()
    return bool(before) and before[-1] not in ".!?:;\"“”'‘’(\n[—-"


def _is_year(text: str, a: _Atom, v: Vocab, n: int) -> bool:
    if v.year_first <= n <= v.year_last:  # "about 2000 drones" is a count, "around 2020," a year
        ends = re.match(r"\s*(?:[,.;:!?)\]]|$)", text[a.num_end:a.num_end + 3])
        dated = bool(ends) or _next_word(text, a.num_end) in v.stop
        return not (_ends(v.qual_re, text, a.start, "qual") and not dated or _person_next(text, a.num_end, v))
    return 1000 <= n < v.year_first and bool(
        _ends(v.early_before, text, a.start, "id") or v.early_after.match(text, a.num_end))


def _next_word(text: str, pos: int, fold: bool = True) -> str:
    m = re.match(r"[ \t-]*([A-Za-z][\w'’]*)", text[pos:pos + 40])
    return "" if not m else m.group(1).lower() if fold else m.group(1)


def _person_next(text: str, pos: int, v: Vocab) -> bool:
    """The next word counts people ("2000 soldiers", "20 Soldiers", "500 dead"; not "2017 National",
    "Planet 9 citizen scientists")."""
    w = _next_word(text, pos, fold=False)
    return w.lower() in v.person and (v.plural(w) or w.lower() in v.person_collective)


def _from_words(text: str, m: re.Match[str], v: Vocab) -> list[_Atom]:
    atoms = []
    for s, e, value in v.word_numbers(m):
        last = text[s:e].lower().rsplit(None, 1)[-1]
        a = _Atom(s, e, s, e, value, kind="words", scale=v.mult.get(last, 1.0))
        _unit(text, a, v, e)
        atoms.append(a)
    return atoms


def _from_vague(text: str, m: re.Match[str], v: Vocab) -> list[_Atom]:
    words = m.group().lower().split()
    head = " ".join(words[:-1])
    if head in v.vague_counts:  # "several hundred", "a few thousand"
        low, high = v.vague_counts[head]
        scale = v.mult[words[-1]]
    else:  # "millions", "tens of thousands"
        low, high = v.vague[words[0]]
        scale = v.mult[words[-1][:-1]] if len(words) > 1 else 1.0
    a = _Atom(m.start(), m.end(), m.start(), m.end(), None, low * scale, (high + 1) * scale - 1,
              kind="vague", qualifier="range")
    of = re.match(r"\s+of\s+", text[m.end():m.end() + 8])
    _unit(text, a, v, m.end() + of.end() if of else m.end())
    return [a]


def _from_fraction(text: str, m: re.Match[str], v: Vocab) -> list[_Atom]:
    raw, s, e = m.group(), m.start(), m.end()
    value: float | None = None
    if raw in v.glyphs:
        value = v.glyphs[raw]
    elif raw[0].isdigit():
        parts = [int(p) for p in raw.split("/")]
        if len(parts) == 2 and 0 < parts[0] < parts[1] <= 10:
            value = parts[0] / parts[1]
    elif raw.lower() == "half":
        value = _half(text, s, e, v)
    else:
        num, den = re.split(r"[\s-]+", raw.lower())
        n = 1.0 if num == "a" else v.words.get(num, 0.0)
        plural_ok = den.endswith("s") and n > 1
        if (plural_ok or re.match(r"\s+of\b", text[e:e + 5])) and 0 < n < v.denoms[den]:
            value = n / v.denoms[den]
    if value is None:
        return []
    scaled = re.match(r"\s+an?\s+(dozen|hundred|thousand|million|billion|trillion)\b", text[e:e + 16], re.I)
    if scaled:  # "half a million"
        a = _Atom(s, e + scaled.end(), s, e + scaled.end(), value * v.mult[scaled.group(1).lower()])
        _unit(text, a, v, a.end)
        return [a]
    return [_Atom(s, e, s, e, value, kind="fraction", unit="fraction", unit_surface=raw)]


def _half(text: str, s: int, e: int, v: Vocab) -> float | None:
    """ "half the troops", "almost half": a fraction; "second half", "half-staff": not."""
    if text[e:e + 1] == "-" or text[max(0, s - 1):s] == "-":
        return None
    before = re.findall(r"[A-Za-z]+", text[max(0, s - 20):s])
    after = _next_word(text, e)
    if before and before[-1].lower() in ("a", "the", "first", "second", "other", "this", "last", "next"):
        return None
    if after in v.half_after or (before and before[-1].lower() in v.half_before):
        return 0.5
    return None


def _from_times(text: str, m: re.Match[str], v: Vocab) -> list[_Atom]:
    raw = m.group().lower()
    if raw in v.times:
        value = v.times[raw]
    else:
        stem = re.sub(r"-?fold$", "", raw)
        value = float(stem) if stem.isdigit() else v.words.get(stem, v.mult.get(stem, 0.0))
    if not value:
        return []
    return [_Atom(m.start(), m.end(), m.start(), m.end(), value, kind="times", unit="time",
                  unit_surface=m.group())]


_MAKERS = {"num": _from_digits, "words": _from_words, "vague": _from_vague,
           "frac": _from_fraction, "times": _from_times}


def _drop_year_pairs(text: str, atoms: list[_Atom], v: Vocab) -> list[_Atom]:
    """ "between 1600 and 1900", "1914-1918": the partner of a year is a year too."""
    for a, b in zip(atoms, atoms[1:]):
        gap = text[a.end:b.start]
        if not re.fullmatch(r"\s*(?:and|to|-|–|—)\s*", gap):
            continue
        for one, other in ((a, b), (b, a)):
            raw = text[one.num_start:one.num_end]
            if other.drop == "year" and not one.drop and raw.isdigit() and len(raw) == 4 and not one.unit:
                one.drop = "year"
    return atoms


# ------------------------------------------------------------------ ranges

_CONNECT = re.compile(r"[ \t]*(?:(?P<dash>[-–—])|-?(?P<to>to)-?|(?P<and>and)|(?P<or>or)"
                      r"|(?P<thru>through|till|until)|(?P<outof>out\s+of|in))[ \t]*", re.I)


def _ranges(text: str, atoms: list[_Atom], v: Vocab) -> list[_Atom]:
    out: list[_Atom] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        joined = _join(text, a, b, v) if b else None
        if joined is None:
            out.append(a)
            i += 1
            continue
        if joined.drop is None:
            out.append(joined)
        i += 2
    return out


def _join(text: str, a: _Atom, b: _Atom, v: Vocab) -> _Atom | None:
    """A range, fraction or match score made of two neighbouring numbers, else None."""
    m = _CONNECT.fullmatch(text, a.end, b.start)
    plain = {"digits", "words"}
    if not m or a.kind not in plain or b.kind not in plain or a.value is None or b.value is None:
        return None
    if a.unit and b.unit != a.unit:
        return None
    if m["outof"]:
        ok = a.value < b.value <= 1000 and (m["outof"].lower() != "in" or a.value <= 10) and not b.unit
        return _merge(a, b, a.value / b.value, "fraction") if ok and a.value.is_integer() else None
    if m["dash"] and a.value >= b.value:
        score = a.value.is_integer() and b.value.is_integer() and not b.unit
        return _Atom(a.start, b.end, a.start, b.end, None, drop="score") if score else None
    if m["dash"] and v.scores_re.search(text[max(0, a.start - 30):a.start] + " " + text[b.end:b.end + 20]) \
            and not b.unit:
        return _Atom(a.start, b.end, a.start, b.end, None, drop="score")
    if m["and"] and not _ends(v.between_re, text, a.start, "between"):
        return None
    if m["or"] and (a.kind != b.kind or not 0 < b.value - a.value <= max(1.0, a.value / 2)):
        return None  # "three or four", not "25k or 40k ... respectively"
    if m["to"] and _ends(v.from_re, text, a.start, "from"):
        _share(a, b)
        return None  # "fell from 208 to 193 pounds": two levels, not a range
    trend = _ends(v.trend_re, text, a.start, "trend")
    if m["to"] and trend and b.value > 3 * a.value:
        return None  # "rose 64 points to 4,577", "increased by $43.6 billion to $419.2 billion"
    if b.scale > 1 and a.scale == 1 and a.value < b.value / b.scale:
        a.value, a.scale = a.value * b.scale, b.scale  # "$10 to $15 billion"
    return _merge(a, b, None, b.kind)


def _share(a: _Atom, b: _Atom) -> None:
    """ "from 13.5 to 14.0 mm": the first number takes the unit and scale of the second."""
    if b.scale > 1 and a.scale == 1 and a.value is not None and b.value is not None \
            and a.value < b.value / b.scale * 10:
        a.value, a.scale = a.value * b.scale, b.scale
    if not a.unit and b.unit:
        a.unit, a.unit_surface, a.currency = b.unit, b.unit_surface, b.currency


def _merge(a: _Atom, b: _Atom, value: float | None, kind: str) -> _Atom:
    lows = sorted(x for x in (a.value, b.value) if x is not None)
    fraction = kind == "fraction"
    return _Atom(a.start, b.end, a.num_start, b.num_end, value,
                 None if fraction else lows[0], None if fraction else lows[-1],
                 kind=kind, scale=b.scale, qualifier="exact" if fraction else "range",
                 unit="fraction" if fraction else (b.unit or a.unit),
                 unit_surface=None if fraction else (b.unit_surface or a.unit_surface),
                 currency=a.currency or b.currency, sign=a.sign)


def _one_counts(text: str, a: _Atom, v: Vocab) -> bool:
    """ "one soldier", "one of the": a count; "no one", "one another", "the one": not."""
    if a.kind != "words" or text[a.num_start:a.num_end].lower() != "one" or a.unit:
        return True
    before = re.findall(r"[A-Za-z'’-]+", text[max(0, a.start - 20):a.start])
    if before and before[-1].lower() in v.one["not_after"]:
        return False
    after = re.findall(r"[A-Za-z'’]+|[^\sA-Za-z]", text[a.end:a.end + 40])
    if not after or not after[0][0].isalpha() or after[0].lower() in v.one["not_before"]:
        return False
    return after[0].lower() != "of" or (len(after) > 1 and after[1].lower() in v.one["of_needs"])


# ------------------------------------------------------------------ qualifier and trend

def _qualify(text: str, a: _Atom, v: Vocab) -> None:
    q = _ends(v.qual_re, text, a.start, "qual")
    if q:
        a.qualifier, a.start = v.qual[key(q["q"])], q.start()
    after = v.qual_after_re.match(text, a.end)
    if after and a.kind in ("digits", "words"):
        a.qualifier = v.qual_after[key(after["w"] or after["p"] or after["s"])]
        a.end = after.end()
    t = _ends(v.trend_re, text, a.start, "trend")
    if t:
        direction = v.trend[key(t["t"])]
        market = a.unit in ("percent", "point", "basis point", "percentage point", "cent", "pence") or a.currency
        if direction in ("up", "down") or market:
            a.trend = direction.replace("market_", "")
    elif a.sign and a.unit in ("percent", "point", "basis point", "percentage point"):
        a.trend = "up" if a.sign == "+" else "down"



# ------------------------------------------------------------------ records

def _quantity(text: str, a: _Atom, v: Vocab) -> Quantity:
    sign = -1.0 if a.sign == "-" else 1.0
    value, low, high = (_clean(x, sign) for x in (a.value, a.low, a.high))
    if value is not None and low is None and high is None:
        if a.qualifier in ("more_than", "at_least"):
            low = value
        elif a.qualifier in ("less_than", "at_most", "up_to"):
            high = value
    flags = list(a.flags)
    biggest = max((abs(x) for x in (value, low, high) if x is not None), default=0.0)
    if biggest >= v.absurd.get(a.unit or "", v.absurd["any"]):
        flags.append("absurd")
    if not math.isfinite(biggest):  # "9" * 400: keep the span, not an infinite value
        value = low = high = None
    if low is not None and high is not None and low > high:  # "-5-51": the sign made the pair run down
        low, high = high, low
    return Quantity(start=a.start, end=a.end, text=text[a.start:a.end], value=value, low=low,
                    high=high, qualifier=a.qualifier, trend=a.trend, unit=a.unit,
                    unit_surface=a.unit_surface, counted=a.counted, flags=flags)


def _clean(x: float | None, sign: float) -> float | None:
    if x is None:
        return None
    if not math.isfinite(x):
        return x
    return float(f"{sign * x:.12g}")
