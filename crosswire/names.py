"""Names, in one place: normalised forms, match keys, slugs, person names and demonyms.

Every stage that compares or keys a name uses this module, so that a name extraction wrote and a
name fusion groups are folded the same way. It sits on the ground floor: it imports nothing of
crosswire but the exception tree.

* :func:`normalize` — lower-case words of a name: accents folded, punctuation dropped (so "U.S."
  is ``us``), a possessive 's dropped wherever it stands ("Russia's army" is ``russia army``), a
  leading "the" dropped.
* :func:`alias_key` — :func:`normalize` without spaces: "Kim Jong-un" and "Kim Jong Un" share one.
* :func:`name_key` — merge key for a person: titles dropped, romanisation variants folded.
* :func:`slug` — the URL- and id-safe form of a name (``north-korea``).
* :func:`country_of` — the country a demonym stands for ("North Korean" → North Korea).

The rules for person names and demonyms (:class:`NameRules`) are the non-entry tables of
``data/gazetteer.toml`` (where each says its source); :func:`load_rules` reads them from a file, and
functions that need them take ``rules`` (the bundled file when omitted).
"""
from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BadFormat

GAZETTEER_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.toml"

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "＇": "'", "ʼ": "'"})
EDGE = " \t\r\n'\"“”«»()[]{}.,;:!?*"


# ---------------------------------------------------------------- normalised forms

def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=1 << 16)  # names recur across a report and a batch; a pure function of its text
def normalize(text: str) -> str:
    """Lower-case words of a name: no accents, punctuation, possessive 's or leading "the".

    Dots vanish ("U.S. Forces" → ``us forces``), dashes, slashes and underscores part words
    ("Kim Jong-un" → ``kim jong un``), and a possessive goes wherever it stands ("Russia's army" →
    ``russia army``).
    """
    t = fold_accents(unicodedata.normalize("NFKC", text)).translate(_APOSTROPHES).casefold()
    t = t.strip(EDGE)
    t = re.sub(r"'s\b|'$", "", t)
    t = re.sub(r"^the\s+", "", t)
    t = re.sub(r"[-‐‑‒–—_/]+", " ", t)
    t = re.sub(r"[^\w\s]", "", t)
    return " ".join(t.split())


def alias_key(text: str) -> str:
    """Exact-match key: "Kim Jong-un", "Kim Jong Un" and "kim jongun" share one key."""
    return normalize(text).replace(" ", "")


def slug(text: str | None) -> str:
    """Id- and URL-safe form of a name: its normalised words joined by dashes ("unspecified" if none)."""
    s = re.sub(r"[^a-z0-9]+", "-", normalize(text or "")).strip("-")
    return s or "unspecified"


# ---------------------------------------------------------------- the rules of the gazetteer file

@dataclass(frozen=True, slots=True)
class NameRules:
    """Non-entry data of the gazetteer file: demonyms, titles, noise, Korean surnames."""

    demonyms: dict[str, tuple[str, str]]  # alias key -> (demonym, country name or "")
    government_nouns: frozenset[str]
    title_heads: frozenset[str]
    title_core: frozenset[str]
    title_joiners: frozenset[str]
    title_trailing: frozenset[str]
    noise_texts: frozenset[str]  # alias keys
    noise_labels: frozenset[str]
    generic_nouns: frozenset[str]
    org_heads: frozenset[str]
    locatives: frozenset[str]
    place_suffixes: frozenset[str]
    weapon_designation: re.Pattern[str]
    weapon_nouns: frozenset[str]
    org_suffixes: tuple[str, ...]
    surnames: dict[str, str]  # surname spelling -> canonical surname

    @property
    def countries(self) -> frozenset[str]:
        """Every country a demonym stands for."""
        return frozenset(country for _demonym, country in self.demonyms.values() if country)


def rules_from(data: dict[str, Any]) -> NameRules:
    """The name rules of a parsed gazetteer file (missing tables are empty)."""
    titles = data.get("titles", {})
    noise = data.get("noise", {})
    surnames = {v: canon for canon, spellings in data.get("korean_surnames", {}).items()
                for v in [canon, *spellings]}
    return NameRules(
        demonyms={alias_key(k): (k, v) for k, v in data.get("demonyms", {}).items()},
        government_nouns=frozenset(data.get("governments", {}).get("nouns", [])),
        title_heads=frozenset(w.casefold() for w in titles.get("heads", [])),
        title_core=frozenset(w.casefold() for w in titles.get("core", [])),
        title_joiners=frozenset(titles.get("joiners", [])),
        title_trailing=frozenset(w.casefold() for w in titles.get("trailing", [])),
        noise_texts=frozenset(alias_key(t) for t in noise.get("texts", [])),
        noise_labels=frozenset(noise.get("labels", [])),
        generic_nouns=frozenset(noise.get("generic_nouns", [])),
        org_heads=frozenset(data.get("orgs", {}).get("heads", [])),
        locatives=frozenset(data.get("places", {}).get("locatives", [])),
        place_suffixes=frozenset(data.get("places", {}).get("suffixes", [])),
        weapon_designation=re.compile(data.get("weapons", {}).get("designation", "(?!)")),
        weapon_nouns=frozenset(data.get("weapons", {}).get("nouns", [])),
        org_suffixes=tuple(normalize(x) for x in data.get("orgs", {}).get("merge_suffixes", [])),
        surnames=surnames,
    )


def read_toml(path: Path, what: str = "the gazetteer") -> dict[str, Any]:
    """A TOML data file, or :class:`BadFormat` naming the file and the fault."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BadFormat(str(path), f"cannot read {what} ({exc})") from exc


def load_rules(path: Path = GAZETTEER_PATH) -> NameRules:
    return rules_from(read_toml(path))


@functools.lru_cache(maxsize=1)
def default_rules() -> NameRules:
    """The rules of the bundled gazetteer file (what a function uses when given no ``rules``)."""
    return load_rules(GAZETTEER_PATH)


# ---------------------------------------------------------------- demonyms

def country_of(demonym: str, rules: NameRules | None = None) -> str | None:
    """The country a demonym stands for ("North Korean" → "North Korea"), or None."""
    hit = (rules or default_rules()).demonyms.get(alias_key(demonym))
    return hit[1] if hit and hit[1] else None


_DEMONYM_ENDINGS = ("n", "an", "ian", "ese", "i", "ish", "ic")


def demonym_forms(place: str) -> frozenset[str]:
    """The regular demonyms a place name allows, lower case ("marovian" of "marovia", "ukrainian" of
    "ukraine", "tarvish" of "tarvia", "sudanese" of "sudan"): for places the gazetteer does not list."""
    place = place.casefold()
    stems = {place, place[:-1], place[:-2]} if len(place) > 5 else {place}
    return frozenset(stem + end for stem in stems for end in _DEMONYM_ENDINGS)


def is_demonym_of(word: str, place: str) -> bool:
    """Is ``word`` a regular demonym of ``place`` (see :func:`demonym_forms`)?"""
    return word.casefold() in demonym_forms(place)


# ---------------------------------------------------------------- person names

_SPLIT_ROLE = re.compile(r"\s*(?:/|\||,|:|\(|\s[-–—]\s).*$", re.S)


def strip_titles(tokens: list[str], rules: NameRules | None = None) -> tuple[list[str], list[str]]:
    """Split leading title words ("Lieutenant General", "U.S. Secretary of State") from a name.

    Returns (title tokens, rest). Nothing is stripped unless the prefix holds a core title word
    and at least one token remains.
    """
    r = rules or default_rules()
    i, last_core = 0, -1
    while i < len(tokens) - 1:
        low = tokens[i].casefold()
        if low in r.title_heads or (i > 0 and low in r.title_joiners):
            if low in r.title_core:
                last_core = i
            i += 1
            continue
        if i > 0 and tokens[i - 1].casefold() in r.title_joiners and tokens[i][:1].isupper():
            i += 1  # "Secretary of State", "Minister of Defense": the object of the title
            continue
        break
    if last_core < 0:
        return [], tokens
    while i > 0 and tokens[i - 1].casefold() in r.title_joiners:
        i -= 1
    return tokens[:i], tokens[i:]


def canonical_person(name: str, rules: NameRules | None = None) -> str:
    """Display form of a person's name not in the gazetteer.

    Drops titles and ranks ("Lieutenant General", "Rep.", "Reporter"), anything after a role
    separator ("Hong Min/Senior Research Fellow"), possessive 's and stray punctuation.
    """
    return _canonical_person(name, rules if rules is not None else default_rules())


def memo_for_bundled_rules(fn: Callable[[str, NameRules], str]) -> Callable[[str, NameRules], str]:
    """``fn(name, rules)`` remembered for the bundled rules (names recur across a report and a batch, and it is
    pure with them), computed each time for other rules (a ``--data`` folder's)."""
    bundled = functools.lru_cache(maxsize=1 << 16)(lambda name: fn(name, default_rules()))

    @functools.wraps(fn)
    def call(name: str, rules: NameRules) -> str:
        return bundled(name) if rules is default_rules() else fn(name, rules)

    return call


@memo_for_bundled_rules
def _canonical_person(name: str, rules: NameRules) -> str:
    text = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES)
    text = _SPLIT_ROLE.sub("", text.strip(EDGE)).strip(EDGE)
    text = re.sub(r"'s$", "", text).strip(EDGE)
    r = rules
    _, rest = strip_titles(text.split(), r)
    rest = [t for t in rest if t.strip(EDGE)]
    while len(rest) > 1 and rest[-1].casefold().strip(EDGE) in r.title_trailing:
        rest.pop()
    out = " ".join(rest)
    if out.isupper() or out.islower():
        out = " ".join(_capitalise(w) for w in out.split())
    return out


def _capitalise(word: str) -> str:
    head, *tail = word.split("-")
    return "-".join([head.capitalize(), *(p.lower() for p in tail)])


_KOREAN_FOLDS = (("eo", "o"), ("ou", "o"), ("oo", "u"), ("ee", "i"), ("ui", "i"), ("ea", "i"))


def name_key(name: str, rules: NameRules | None = None) -> str:
    """Merge key for person names: romanisation variants of one name share a key.

    "Kwon Young-hee", "Kwon Younghee" and "Kwon Young Hee" → one key; Korean surname spellings
    are folded (Lee/Yi/Rhee, Park/Pak), as are common vowel spellings (eo/o, ee/i).
    """
    return _name_key(name, rules if rules is not None else default_rules())


@memo_for_bundled_rules
def _name_key(name: str, r: NameRules) -> str:
    words = normalize(canonical_person(name, r) or name).split()
    if not words:
        return ""
    korean = len(words) >= 2 and words[0] in r.surnames
    if korean:
        words[0] = r.surnames[words[0]]
    key = "".join(words)
    if korean:
        for a, b in _KOREAN_FOLDS:
            key = key.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", key)


def looks_korean_name(tokens: list[str], rules: NameRules | None = None) -> bool:
    """Surname from the list and a hyphenated given name: "Han Kyung-hee", "Song Geum-han"."""
    r = rules or default_rules()
    words = [t for t in tokens if t != "-"]
    if not 2 <= len(words) <= 3 or normalize(words[0]) not in r.surnames:
        return False
    given = " ".join(tokens[1:]).replace(" - ", "-").replace(" -", "-").replace("- ", "-")
    return bool(re.fullmatch(r"[A-Z][a-z]{1,5}-[a-z]{1,5}", given))
