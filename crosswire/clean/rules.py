"""Load the line rules of data/clean.toml once, compiled."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str  # furniture | remove | byline_in_text | footer_start | dateline
    name: str
    regex: re.Pattern[str]
    full: bool = False
    max_words: int | None = None  # apply only to lines this short
    role: str | None = None

    def match(self, line: str) -> re.Match[str] | None:
        if self.max_words is not None and len(line.split()) > self.max_words:
            return None
        return self.regex.fullmatch(line) if self.full else self.regex.search(line)


@lru_cache(maxsize=4)
def load_rules(path: Path = DATA / "clean.toml") -> dict[str, tuple[Rule, ...]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out: dict[str, tuple[Rule, ...]] = {}
    for kind, entries in data.items():
        rules = []
        for e in entries:
            flags = 0 if e.get("case_sensitive") else re.IGNORECASE
            rules.append(Rule(kind, e.get("rule", kind), re.compile(e["pattern"], flags), bool(e.get("full")),
                              e.get("full_if_short"), e.get("role")))
        out[kind] = tuple(rules)
    return out


def first_match(kind: str, line: str, name: str | None = None) -> tuple[Rule, re.Match[str]] | None:
    """The first rule of ``kind`` (only those called ``name`` when given) that matches ``line``."""
    for rule in load_rules().get(kind, ()):
        if name is not None and rule.name != name:
            continue
        m = rule.match(line)
        if m:
            return rule, m
    return None
