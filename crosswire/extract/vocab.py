"""The claims vocabulary of data/claims.toml: speech verbs, sources, roles, hedges, measures.

An engine reads it from its data folder (``Crosswire.resources.claims_vocab``, :func:`load`) and passes it
down; :func:`vocab` is the bundled file's, loaded once, for callers without an engine (tests, tools)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True, slots=True)
class Measure:
    name: str
    nouns: frozenset[str]
    cues: tuple[str, ...]
    units: frozenset[str]


@dataclass(frozen=True, slots=True)
class Vocab:
    speech_verbs: frozenset[str]
    according_to: tuple[str, ...]
    generic_sources: frozenset[str]
    pronouns: frozenset[str]
    roles: dict[str, frozenset[str]]
    hedges: dict[str, str]
    conditional: tuple[str, ...]
    measures: tuple[Measure, ...]
    people: frozenset[str]
    people_like: frozenset[str]  # head nouns of a source that names no one
    counting_verbs: frozenset[str] = frozenset()  # their subject keeps the count, it is not counted
    occasions: frozenset[str] = frozenset()  # on which something is said: "in a statement", "during a campaign stop"
    cue_nouns: dict[str, frozenset[str]] = field(default_factory=dict)  # noun -> what introduces its content
    owning_verbs: frozenset[str] = frozenset()  # their subject owns the cue noun they take as object ("raised questions")

    def role_of(self, word: str) -> str | None:
        """The role a noun or title names: 'lawmaker' and 'Rep.' both give 'lawmaker'."""
        w = word.lower()
        for role, words in self.roles.items():
            if w == role or w in words:
                return role
        return None


def _measures(items: list[dict[str, Any]]) -> tuple[Measure, ...]:
    return tuple(Measure(m["name"], frozenset(m.get("nouns", [])), tuple(m.get("cues", [])),
                         frozenset(m.get("units", []))) for m in items)


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    """The bundled file's vocabulary, for callers without an engine's resources."""
    return load(DATA / "claims.toml")


def load(path: Path) -> Vocab:
    """The vocabulary of the claims file at ``path``."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    att = data["attribution"]
    return Vocab(
        speech_verbs=frozenset(att["speech_verbs"]),
        according_to=tuple(sorted(att["according_to"], key=len, reverse=True)),
        generic_sources=frozenset(att["generic_sources"]),
        pronouns=frozenset(att["pronouns"]),
        roles={k: frozenset(v) for k, v in att["roles"].items()},
        hedges=dict(data["hedges"]),
        conditional=tuple(data["conditional"]["markers"]),
        measures=_measures(data["measure"]),
        people=frozenset(data["people"]["nouns"]),
        people_like=frozenset(att.get("speaker_nouns", [])),
        counting_verbs=frozenset(att.get("counting_verbs", [])),
        occasions=frozenset(att.get("occasions", [])),
        cue_nouns={k: frozenset(v) for k, v in att.get("cue_nouns", {}).items()},
        owning_verbs=frozenset(att.get("owning_verbs", [])),
    )
